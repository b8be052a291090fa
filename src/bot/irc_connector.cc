// bot/irc_connector.cc: IrcConnector over Boost.Asio: one I/O thread per connector owns the
// socket, the flood-control queue and the reconnect timer; Send and Stop post to it.
#include "bot/irc_connector.h"

#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <atomic>
#include <chrono>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include "bot/irc_message.h"

namespace bantay::bot {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using SslStream = asio::ssl::stream<tcp::socket>;
using Clock = std::chrono::steady_clock;

namespace {

int64_t NowUtcMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool IsChannel(std::string_view target) {
  return !target.empty() && (target[0] == '#' || target[0] == '&' || target[0] == '+' ||
                             target[0] == '!');
}

// IRC nicks compare case-insensitively with {}|^ as the lower case of []\~ (RFC 2812 2.2).
std::string FoldNick(std::string_view nick) {
  std::string out(nick);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    else if (c == '[') c = '{';
    else if (c == ']') c = '}';
    else if (c == '\\') c = '|';
    else if (c == '~') c = '^';
  }
  return out;
}

bool ValidNick(std::string_view nick) {
  if (nick.empty() || nick.size() > 30) return false;
  return std::none_of(nick.begin(), nick.end(), [](char c) {
    return c == ' ' || c == ',' || c == '*' || c == '?' || c == '!' || c == '@' || c == ':' ||
           static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e;
  });
}

}  // namespace

class IrcConnector::Impl {
 public:
  explicit Impl(IrcOptions options)
      : options_(std::move(options)),
        name_("irc:" + options_.host + ":" + std::to_string(options_.port)),
        ssl_ctx_(asio::ssl::context::tls_client),
        resolver_(io_),
        reconnect_timer_(io_),
        flood_timer_(io_),
        deadline_timer_(io_),
        idle_timer_(io_),
        tokens_(options_.flood_burst) {}

  Status Configure() {
    if (!options_.tls) return {};
    boost::system::error_code ec;
    if (options_.tls_verify) {
      if (options_.tls_ca_file.empty()) {
        ssl_ctx_.set_default_verify_paths(ec);
      } else {
        ssl_ctx_.load_verify_file(options_.tls_ca_file, ec);
      }
      if (ec) return Fail(ErrorCode::kInvalidArgument, "TLS trust store: " + ec.message(), "irc:tls_ca_file");
      ssl_ctx_.set_verify_mode(asio::ssl::verify_peer);
    } else {
      ssl_ctx_.set_verify_mode(asio::ssl::verify_none);
    }
    return {};
  }

  Status Start(ConnectorCallbacks callbacks) {
    if (started_.exchange(true)) return Fail(ErrorCode::kInvalidArgument, "already started", "irc:start");
    callbacks_ = std::move(callbacks);
    asio::post(io_, [this] { Connect(); });
    thread_ = std::thread([this] {
      auto guard = asio::make_work_guard(io_);
      io_.run();
    });
    return {};
  }

  Status Send(const std::string& partner, const std::string& text) {
    if (!started_ || stopped_) return Fail(ErrorCode::kInvalidArgument, "connector is stopped", "irc:send");
    if (!ValidNick(partner) && !IsChannel(partner)) {
      return Fail(ErrorCode::kInvalidArgument, "not a nick or channel: " + partner, "irc:send:partner");
    }
    asio::post(io_, [this, partner, text] {
      // The server relays ":nick!user@host PRIVMSG partner :text"; that line must fit 512.
      const size_t budget = PrivmsgTextBudget(partner.size(), prefix_length_);
      for (const std::string& piece : SplitUtf8(RepairUtf8(text), budget)) {
        queue_.push_back(FormatIrcLine("PRIVMSG", {partner, piece}));
        ++queued_;
      }
      Pump();
    });
    return {};
  }

  void Stop() {
    if (!started_ || stopped_.exchange(true)) return;
    std::promise<void> flushed;
    auto done = flushed.get_future();
    asio::post(io_, [this, &flushed] {
      on_flushed_ = [&flushed] { flushed.set_value(); };
      MaybeFlushed();
    });
    done.wait_for(std::chrono::milliseconds(options_.stop_flush_timeout_ms));
    std::promise<void> closed;
    auto closed_future = closed.get_future();
    asio::post(io_, [this, &closed] {
      on_flushed_ = nullptr;
      if (registered_) WriteNow(FormatIrcLine("QUIT", {"bye"}));
      Close();
      closed.set_value();
    });
    closed_future.wait_for(std::chrono::milliseconds(1000));
    io_.stop();
    if (thread_.joinable()) thread_.join();
  }

  std::string CurrentNick() const {
    std::lock_guard<std::mutex> lock(mu_);
    return current_nick_;
  }

  IrcStats Stats() const {
    IrcStats s;
    s.connects = connects_;
    s.lines_received = received_;
    s.lines_delivered = delivered_;
    s.lines_sent = sent_;
    s.lines_queued = queued_;
    s.rejected_lines = rejected_;
    return s;
  }

  const std::string& name() const { return name_; }
  ~Impl() { Stop(); }

 private:
  // ---- connection life cycle (I/O thread only) -------------------------------------------
  void Connect() {
    if (stopped_) return;
    const uint64_t conn = ++conn_;
    stream_ = std::make_unique<SslStream>(io_, ssl_ctx_);
    inbuf_.clear();
    discarding_ = false;
    registered_ = false;
    nick_attempt_ = 0;
    SetNick(options_.nick);
    deadline_timer_.expires_after(std::chrono::milliseconds(options_.connect_timeout_ms));
    deadline_timer_.async_wait([this, conn](boost::system::error_code ec) {
      if (!ec && conn == conn_ && !registered_) Drop(conn, "connect/registration timed out");
    });
    resolver_.async_resolve(
        options_.host, std::to_string(options_.port),
        [this, conn](boost::system::error_code ec, tcp::resolver::results_type results) {
          if (conn != conn_) return;
          if (ec) return Drop(conn, "resolve: " + ec.message());
          asio::async_connect(stream_->next_layer(), results,
                              [this, conn](boost::system::error_code ec2, const tcp::endpoint&) {
                                if (conn != conn_) return;
                                if (ec2) return Drop(conn, "connect: " + ec2.message());
                                if (options_.tls) return Handshake(conn);
                                Register(conn);
                              });
        });
  }

  void Handshake(uint64_t conn) {
    if (!SSL_set_tlsext_host_name(stream_->native_handle(), options_.host.c_str())) {
      return Drop(conn, "TLS: cannot set server name");
    }
    if (options_.tls_verify) stream_->set_verify_callback(asio::ssl::host_name_verification(options_.host));
    stream_->async_handshake(asio::ssl::stream_base::client, [this, conn](boost::system::error_code ec) {
      if (conn != conn_) return;
      if (ec) return Drop(conn, "TLS handshake: " + ec.message());
      Register(conn);
    });
  }

  void Register(uint64_t conn) {
    connected_ = true;
    if (!options_.password.empty()) control_.push_back(FormatIrcLine("PASS", {options_.password}));
    control_.push_back(FormatIrcLine("NICK", {wanted_nick_}));
    control_.push_back(FormatIrcLine("USER", {options_.user, "0", "*", options_.realname}));
    Pump();
    ArmIdle(conn, false);
    Read(conn);
  }

  // Restarted by every read: first silence -> PING, second -> the connection is dead.
  void ArmIdle(uint64_t conn, bool pinged) {
    idle_timer_.expires_after(std::chrono::milliseconds(options_.idle_ping_ms));
    idle_timer_.async_wait([this, conn, pinged](boost::system::error_code ec) {
      if (ec || conn != conn_) return;
      if (pinged) return Drop(conn, "server silent for " + std::to_string(2 * options_.idle_ping_ms) + " ms");
      WriteControl(FormatIrcLine("PING", {"bantay"}));
      ArmIdle(conn, true);
    });
  }

  // Closes the current connection, reports it and schedules a reconnect with backoff.
  void Drop(uint64_t conn, const std::string& why) {
    if (conn != conn_) return;
    const bool was_registered = registered_;
    Close();
    if (stopped_) return;
    Event(ConnectorEvent::Kind::kError, "", why);
    if (was_registered) Event(ConnectorEvent::Kind::kDisconnected, "", why);
    const int64_t delay = std::min<int64_t>(
        options_.reconnect_max_ms, options_.reconnect_min_ms << std::min(failures_, 20));
    ++failures_;
    reconnect_timer_.expires_after(std::chrono::milliseconds(delay));
    reconnect_timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) Connect();
    });
  }

  void Close() {
    ++conn_;  // every pending handler of the old connection now sees a stale id
    connected_ = false;
    registered_ = false;
    writing_ = false;
    control_.clear();  // registration and PONG lines belong to one connection
    members_.clear();
    deadline_timer_.cancel();
    flood_timer_.cancel();
    idle_timer_.cancel();
    {
      std::lock_guard<std::mutex> lock(mu_);
      current_nick_.clear();
    }
    if (stream_) {
      boost::system::error_code ignored;
      stream_->next_layer().shutdown(tcp::socket::shutdown_both, ignored);
      stream_->next_layer().close(ignored);
    }
  }

  // ---- reading -----------------------------------------------------------------------------
  template <class Handler>
  void ReadSome(Handler&& handler) {
    auto buffer = asio::buffer(readbuf_);
    if (options_.tls) stream_->async_read_some(buffer, std::forward<Handler>(handler));
    else stream_->next_layer().async_read_some(buffer, std::forward<Handler>(handler));
  }

  void Read(uint64_t conn) {
    ReadSome([this, conn](boost::system::error_code ec, size_t n) {
      if (conn != conn_) return;
      if (ec) return Drop(conn, ec == asio::error::eof ? "server closed the connection" : "read: " + ec.message());
      ArmIdle(conn, false);
      OnBytes(std::string_view(readbuf_.data(), n));
      if (conn == conn_) Read(conn);
    });
  }

  void OnBytes(std::string_view bytes) {
    const uint64_t conn = conn_;
    while (!bytes.empty() && conn == conn_) {
      const size_t nl = bytes.find('\n');
      const std::string_view part = bytes.substr(0, nl);
      if (!discarding_) inbuf_.append(part);
      if (inbuf_.size() > options_.max_line_bytes) {
        inbuf_.clear();
        if (!discarding_) Reject("line longer than " + std::to_string(options_.max_line_bytes) + " bytes discarded");
        discarding_ = true;
      }
      if (nl == std::string_view::npos) break;
      bytes.remove_prefix(nl + 1);
      if (!discarding_) OnLine(inbuf_);
      discarding_ = false;
      inbuf_.clear();
    }
  }

  void Reject(const std::string& why) {
    ++rejected_;
    Event(ConnectorEvent::Kind::kError, "", why);
  }

  void OnLine(std::string_view line) {
    while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) return;  // tolerated silently: some servers send bare CR LF
    ++received_;
    auto parsed = ParseIrcMessage(line);
    if (!parsed) return Reject(parsed.error().ToString());
    const IrcMessage& m = *parsed;
    const std::string& cmd = m.command;
    if (cmd == "PING") {
      WriteControl(FormatIrcLine("PONG", {m.params.empty() ? std::string() : m.params.back()}));
    } else if (cmd == "001") {
      OnWelcome(m);
    } else if (cmd == "433" || cmd == "432" || cmd == "437") {
      if (!registered_) NextNick(m);
    } else if (cmd == "PRIVMSG") {
      OnPrivmsg(m);
    } else if (cmd == "NICK") {
      OnNick(m);
    } else if (cmd == "JOIN") {
      if (m.params.empty()) return Reject("JOIN without a channel");
      if (!IsSelf(m.Nick())) members_[FoldNick(m.Nick())].insert(FoldNick(m.params[0]));
    } else if (cmd == "353") {  // RPL_NAMREPLY: "= #chan :@op +voice nick"
      if (m.params.size() < 3) return Reject("353 with too few parameters");
      std::string_view names = m.params.back();
      while (!names.empty()) {
        const size_t sp = names.find(' ');
        std::string_view name = names.substr(0, sp);
        names = sp == std::string_view::npos ? std::string_view() : names.substr(sp + 1);
        while (!name.empty() && (name[0] == '@' || name[0] == '+' || name[0] == '%')) name.remove_prefix(1);
        if (!name.empty() && !IsSelf(name)) members_[FoldNick(name)].insert(FoldNick(m.params[m.params.size() - 2]));
      }
    } else if (cmd == "PART" || cmd == "KICK") {
      OnPart(m);
    } else if (cmd == "QUIT") {
      if (!IsSelf(m.Nick())) {
        members_.erase(FoldNick(m.Nick()));
        Event(ConnectorEvent::Kind::kPartnerLeft, m.Nick(), m.params.empty() ? "quit" : "quit: " + m.params.back());
      }
    } else if (cmd == "ERROR") {
      Event(ConnectorEvent::Kind::kError, "", "server: " + (m.params.empty() ? std::string() : m.params.back()));
    } else if (cmd.size() == 3 && (cmd[0] == '4' || cmd[0] == '5')) {
      Event(ConnectorEvent::Kind::kError, "", "server refused: " + std::string(line));
    }
    // NOTICE, MODE, other numerics: nothing to do; the agent never answers notices (RFC 2812).
  }

  void OnWelcome(const IrcMessage& m) {
    registered_ = true;
    failures_ = 0;
    ++connects_;
    deadline_timer_.cancel();
    if (!m.params.empty()) SetCurrentNick(m.params[0]);
    // The welcome text usually ends in our full prefix; otherwise assume the longest host.
    const std::string& text = m.params.empty() ? std::string() : m.params.back();
    const std::string last = text.substr(text.rfind(' ') == std::string::npos ? 0 : text.rfind(' ') + 1);
    prefix_length_ = (last.find('!') != std::string::npos && last.find('@') != std::string::npos)
                         ? last.size()
                         : CurrentNick().size() + 1 + options_.user.size() + 2 + 63;
    for (const std::string& channel : options_.channels) WriteControl(FormatIrcLine("JOIN", {channel}));
    Event(ConnectorEvent::Kind::kConnected, "", CurrentNick());
    Pump();
  }

  void NextNick(const IrcMessage& m) {
    ++nick_attempt_;
    std::string next = options_.nick + (nick_attempt_ == 1 ? std::string("_") : std::to_string(nick_attempt_ - 1));
    if (nick_attempt_ > 50) return Drop(conn_, "no free nick after 50 attempts");
    Event(ConnectorEvent::Kind::kError, "", "nick " + wanted_nick_ + " refused (" + m.command + "), trying " + next);
    SetNick(next);
    WriteControl(FormatIrcLine("NICK", {next}));
  }

  void OnPrivmsg(const IrcMessage& m) {
    if (m.params.size() < 2) return Reject("PRIVMSG with too few parameters");
    const std::string& target = m.params[0];
    const std::string& text = m.params[1];
    if (m.Nick().empty()) return Reject("PRIVMSG without a sender");
    if (!text.empty() && text[0] == '\x01') return;  // CTCP (VERSION, ACTION...): not a chat line
    const bool to_me = FoldNick(target) == FoldNick(CurrentNick());
    if (!to_me && !(IsChannel(target) && options_.deliver_channel_lines)) return;
    InboundLine line;
    line.network = name_;
    line.partner = m.Nick();
    line.account = m.prefix;
    line.channel = to_me ? std::string() : target;
    line.text = text;
    const std::string server_time = m.Tag("time");
    if (!server_time.empty()) {
      auto t = ParseRfc3339(server_time);
      if (t) line.source_ms = *t;
    }
    line.received_ms = NowUtcMs();
    ++delivered_;
    if (callbacks_.on_line) callbacks_.on_line(std::move(line));
  }

  void OnNick(const IrcMessage& m) {
    if (m.params.empty()) return Reject("NICK without a new nick");
    const std::string& to = m.params[0];
    if (IsSelf(m.Nick())) {
      SetCurrentNick(to);
      return;
    }
    auto it = members_.find(FoldNick(m.Nick()));
    if (it != members_.end()) {
      auto channels = std::move(it->second);
      members_.erase(it);
      members_[FoldNick(to)] = std::move(channels);
    }
    Event(ConnectorEvent::Kind::kPartnerRenamed, m.Nick(), to);
  }

  void OnPart(const IrcMessage& m) {
    if (m.params.empty()) return Reject(m.command + " without a channel");
    // PART: the sender leaves params[0]; KICK: params[1] is removed from params[0].
    const std::string who = m.command == "KICK" ? (m.params.size() > 1 ? m.params[1] : std::string()) : m.Nick();
    if (who.empty() || IsSelf(who)) return;
    auto it = members_.find(FoldNick(who));
    if (it != members_.end()) {
      it->second.erase(FoldNick(m.params[0]));
      if (!it->second.empty()) return;
      members_.erase(it);
    }
    Event(ConnectorEvent::Kind::kPartnerLeft, who, "left " + m.params[0]);
  }

  // ---- writing -----------------------------------------------------------------------------
  // Protocol replies go first and bypass flood control.
  void WriteControl(std::string line) {
    control_.push_back(std::move(line));
    Pump();
  }

  // Writes the next line if none is in flight: control lines first, then PRIVMSG lines as
  // tokens allow. A PRIVMSG leaves the queue only once written, so a drop loses nothing queued.
  void Pump() {
    if (!connected_ || writing_) return;
    if (!control_.empty()) {
      writing_ = true;
      Write(control_.front(), false);
      return;
    }
    if (queue_.empty() || !registered_) return MaybeFlushed();
    Refill();
    if (tokens_ < 1.0) {
      const double wait_s = (1.0 - tokens_) / std::max(options_.flood_lines_per_second, 1e-3);
      flood_timer_.expires_after(std::chrono::microseconds(static_cast<int64_t>(wait_s * 1e6) + 1));
      flood_timer_.async_wait([this](boost::system::error_code ec) {
        if (!ec) Pump();
      });
      return;
    }
    tokens_ -= 1.0;
    writing_ = true;
    Write(queue_.front(), true);
  }

  void Refill() {
    const auto now = Clock::now();
    const double elapsed = std::chrono::duration<double>(now - last_refill_).count();
    last_refill_ = now;
    tokens_ = std::min<double>(options_.flood_burst, tokens_ + elapsed * options_.flood_lines_per_second);
  }

  // Writes a copy of the line, so that clearing the queues on a drop never pulls the bytes
  // from under a write still in flight; a queued line leaves its queue only once written.
  void Write(const std::string& line, bool is_privmsg) {
    const uint64_t conn = conn_;
    auto bytes = std::make_shared<std::string>(line);
    auto done = [this, conn, is_privmsg, bytes](boost::system::error_code ec, size_t) {
      if (conn != conn_) return;
      writing_ = false;
      if (ec) return Drop(conn, "write: " + ec.message());
      if (is_privmsg) {
        queue_.pop_front();
        --queued_;
        ++sent_;
      } else {
        control_.pop_front();
      }
      Pump();
    };
    if (options_.tls) asio::async_write(*stream_, asio::buffer(*bytes), std::move(done));
    else asio::async_write(stream_->next_layer(), asio::buffer(*bytes), std::move(done));
  }

  // Best effort for QUIT during Stop: synchronous, errors ignored.
  void WriteNow(const std::string& line) {
    boost::system::error_code ignored;
    if (options_.tls) asio::write(*stream_, asio::buffer(line), ignored);
    else asio::write(stream_->next_layer(), asio::buffer(line), ignored);
  }

  void MaybeFlushed() {
    if (on_flushed_ && queue_.empty() && !writing_) {
      auto done = std::move(on_flushed_);
      on_flushed_ = nullptr;
      done();
    }
  }

  // ---- helpers -----------------------------------------------------------------------------
  void Event(ConnectorEvent::Kind kind, const std::string& partner, const std::string& detail) {
    if (!callbacks_.on_event) return;
    ConnectorEvent e;
    e.kind = kind;
    e.network = name_;
    e.partner = partner;
    e.detail = detail;
    e.received_ms = NowUtcMs();
    callbacks_.on_event(std::move(e));
  }

  bool IsSelf(std::string_view nick) const {
    return FoldNick(nick) == FoldNick(registered_ ? CurrentNick() : wanted_nick_);
  }
  void SetNick(const std::string& nick) { wanted_nick_ = nick; }
  void SetCurrentNick(const std::string& nick) {
    std::lock_guard<std::mutex> lock(mu_);
    current_nick_ = nick;
  }

  IrcOptions options_;
  const std::string name_;
  asio::io_context io_;
  asio::ssl::context ssl_ctx_;
  tcp::resolver resolver_;
  asio::steady_timer reconnect_timer_, flood_timer_, deadline_timer_, idle_timer_;
  std::unique_ptr<SslStream> stream_;
  std::thread thread_;
  ConnectorCallbacks callbacks_;

  // I/O-thread state.
  uint64_t conn_ = 0;  // id of the current connection; handlers of older ones do nothing
  bool connected_ = false, registered_ = false, writing_ = false, discarding_ = false;
  int failures_ = 0, nick_attempt_ = 0;
  std::string wanted_nick_, inbuf_;
  std::array<char, 16384> readbuf_{};
  std::deque<std::string> control_, queue_;
  double tokens_ = 0;
  Clock::time_point last_refill_ = Clock::now();
  size_t prefix_length_ = 100;
  std::map<std::string, std::set<std::string>> members_;  // folded nick -> shared channels
  std::function<void()> on_flushed_;

  // Shared with other threads.
  std::atomic<bool> started_{false}, stopped_{false};
  std::atomic<uint64_t> connects_{0}, received_{0}, delivered_{0}, sent_{0}, queued_{0}, rejected_{0};
  mutable std::mutex mu_;
  std::string current_nick_;
};

Result<std::unique_ptr<IrcConnector>> IrcConnector::Create(IrcOptions options) {
  if (options.host.empty()) return Fail(ErrorCode::kInvalidArgument, "empty host", "irc:host");
  if (options.port == 0) return Fail(ErrorCode::kInvalidArgument, "port 0", "irc:port");
  if (!ValidNick(options.nick) || std::isdigit(static_cast<unsigned char>(options.nick[0])) ||
      options.nick[0] == '-') {
    return Fail(ErrorCode::kInvalidArgument, "not a valid IRC nick: " + options.nick, "irc:nick");
  }
  if (!ValidNick(options.user)) return Fail(ErrorCode::kInvalidArgument, "not a valid user name", "irc:user");
  for (const std::string& c : options.channels) {
    if (!IsChannel(c) || c.find_first_of(" ,\a\r\n") != std::string::npos) {
      return Fail(ErrorCode::kInvalidArgument, "not a channel name: " + c, "irc:channels");
    }
  }
  if (!(options.flood_lines_per_second > 0) || options.flood_burst < 1) {
    return Fail(ErrorCode::kInvalidArgument, "flood control needs a positive rate and burst", "irc:flood");
  }
  if (options.reconnect_min_ms < 1 || options.reconnect_max_ms < options.reconnect_min_ms) {
    return Fail(ErrorCode::kInvalidArgument, "reconnect backoff needs 1 <= min <= max", "irc:reconnect");
  }
  if (options.idle_ping_ms < 1) {
    return Fail(ErrorCode::kInvalidArgument, "idle_ping_ms must be positive", "irc:idle_ping_ms");
  }
  if (options.max_line_bytes < kIrcLineLimit) {
    return Fail(ErrorCode::kInvalidArgument, "max_line_bytes below 512", "irc:max_line_bytes");
  }
  auto impl = std::make_unique<Impl>(std::move(options));
  if (auto s = impl->Configure(); !s) return tl::unexpected(s.error());
  return std::unique_ptr<IrcConnector>(new IrcConnector(std::move(impl)));
}

IrcConnector::IrcConnector(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
IrcConnector::~IrcConnector() = default;
std::string IrcConnector::Name() const { return impl_->name(); }
Status IrcConnector::Start(ConnectorCallbacks callbacks) { return impl_->Start(std::move(callbacks)); }
Status IrcConnector::Send(const std::string& partner, const std::string& text) {
  return impl_->Send(partner, text);
}
void IrcConnector::Stop() { impl_->Stop(); }
std::string IrcConnector::CurrentNick() const { return impl_->CurrentNick(); }
IrcStats IrcConnector::Stats() const { return impl_->Stats(); }

}  // namespace bantay::bot
