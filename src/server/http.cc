// server/http.cc: the HTTP(S) transport: Boost.Beast over Asio on a small thread pool, with
// a request body limit, read/write timeouts and keep-alive; requests go to Api::Handle.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp needs std::exchange under C++20

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "server/server.h"

namespace bantay::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

struct Shared {
  Api* api;
  size_t body_limit;
  std::chrono::seconds timeout;
  bool tls;
};

constexpr uint32_t kHeaderLimit = 16 * 1024;

Request ToRequest(const http::request<http::string_body>& in, const std::string& ip, bool tls) {
  Request r;
  r.method = std::string(in.method_string());
  r.target = std::string(in.target());
  for (const auto& f : in) r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  r.body = in.body();
  r.peer_ip = ip;
  r.tls = tls;
  return r;
}

http::response<http::string_body> FromResponse(Response&& in, unsigned version, bool keep_alive,
                                               bool head) {
  http::response<http::string_body> r{static_cast<http::status>(in.status), version};
  r.set(http::field::server, "bantay");
  for (auto& [k, v] : in.headers) r.insert(k, v);
  r.body() = std::move(in.body);
  r.keep_alive(keep_alive);
  r.prepare_payload();
  if (head) r.body().clear();
  return r;
}

}  // namespace

Result<Request> ParseRequest(std::string_view bytes, size_t body_limit, const std::string& peer_ip) {
  http::request_parser<http::string_body> parser;
  parser.body_limit(body_limit);
  parser.header_limit(kHeaderLimit);
  parser.eager(true);
  beast::error_code ec;
  size_t used = 0;
  while (!ec && !parser.is_done() && used < bytes.size()) {
    const size_t n = parser.put(asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    used += n;
    if (ec == http::error::need_more) {  // the bytes end inside the request
      ec = {};
      break;
    }
  }
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  if (ec) return Fail(ErrorCode::kInvalidArgument, "malformed HTTP request: " + ec.message(),
                      "request:" + std::to_string(used));
  if (!parser.is_done()) {
    return Fail(ErrorCode::kInvalidArgument, "incomplete HTTP request", "request:" + std::to_string(used));
  }
  return ToRequest(parser.get(), peer_ip, false);
}

namespace {

// One connection: read a request, answer it, repeat while keep-alive. `Stream` is
// beast::tcp_stream or beast::ssl_stream<beast::tcp_stream>.
template <class Stream>
class HttpSession : public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  template <class... Args>
  HttpSession(const Shared* shared, std::string ip, Args&&... args)
      : shared_(shared), ip_(std::move(ip)), stream_(std::forward<Args>(args)...) {}

  void Start() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      Read();
    } else {
      beast::get_lowest_layer(stream_).expires_after(shared_->timeout);
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (!ec) self->Read();
                              });
    }
  }

 private:
  void Read() {
    parser_.emplace();
    parser_->body_limit(shared_->body_limit);
    parser_->header_limit(kHeaderLimit);
    beast::get_lowest_layer(stream_).expires_after(shared_->timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, size_t) {
                       self->OnRead(ec);
                     });
  }

  void OnRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == asio::error::eof ||
        ec == beast::error::timeout || ec == asio::error::operation_aborted) {
      return Close();
    }
    if (ec) {
      // Oversize bodies and malformed requests get an answer, are audited, and end the
      // connection (the rest of the stream cannot be trusted to be in sync).
      const bool too_large = ec == http::error::body_limit;
      Request r;
      const auto& head = parser_->get();
      r.method = std::string(head.method_string());
      r.target = std::string(head.target());
      r.peer_ip = ip_;
      r.tls = shared_->tls;
      shared_->api->AuditRefusal(r, too_large ? 413 : 400,
                                 too_large ? "request body too large" : "malformed request");
      Response out;
      out.status = too_large ? 413 : 400;
      out.headers.emplace_back("Content-Type", "application/json");
      out.body = too_large ? R"({"error":"request body too large"})"
                           : R"({"error":"malformed request"})";
      return Write(FromResponse(std::move(out), 11, false, false));
    }
    auto req = parser_->release();
    const bool head = req.method() == http::verb::head;
    Response out = shared_->api->Handle(ToRequest(req, ip_, shared_->tls));
    Write(FromResponse(std::move(out), req.version(), req.keep_alive(), head));
  }

  void Write(http::response<http::string_body>&& res) {
    auto sp = std::make_shared<http::response<http::string_body>>(std::move(res));
    beast::get_lowest_layer(stream_).expires_after(shared_->timeout);
    http::async_write(stream_, *sp,
                      [self = this->shared_from_this(), sp](beast::error_code ec, size_t) {
                        if (ec || !sp->keep_alive()) return self->Close();
                        self->Read();
                      });
  }

  void Close() {
    beast::error_code ec;
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    } else {
      beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ec);
    }
  }

  const Shared* shared_;
  std::string ip_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
};

Result<tcp::endpoint> ParseListen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return Fail(ErrorCode::kInvalidArgument, "expected HOST:PORT", listen);
  }
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string port_text = listen.substr(colon + 1);
  char* end = nullptr;
  const long port = std::strtol(port_text.c_str(), &end, 10);
  if (port_text.empty() || *end != '\0' || port < 0 || port > 65535) {
    return Fail(ErrorCode::kInvalidArgument, "bad port", listen);
  }
  beast::error_code ec;
  auto addr = asio::ip::make_address(host.empty() ? "127.0.0.1" : host, ec);
  if (ec) return Fail(ErrorCode::kInvalidArgument, "bad address (an IP address is expected)", listen);
  return tcp::endpoint(addr, static_cast<uint16_t>(port));
}

}  // namespace

class Server::Impl {
 public:
  Impl(std::unique_ptr<Api> api, Options options)
      : api_(std::move(api)), options_(std::move(options)), ssl_ctx_(ssl::context::tls_server),
        acceptor_(ioc_) {}

  ~Impl() { Stop(); }

  Status Start() {
    shared_ = Shared{api_.get(), options_.body_limit,
                     std::chrono::seconds(options_.request_timeout_s), false};
    if (!options_.tls_cert.empty() || !options_.tls_key.empty()) {
      if (options_.tls_cert.empty() || options_.tls_key.empty()) {
        return Fail(ErrorCode::kInvalidArgument, "TLS needs both a certificate and a key");
      }
      beast::error_code ec;
      ssl_ctx_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                           ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                           ssl::context::no_tlsv1_1);
      ssl_ctx_.use_certificate_chain_file(options_.tls_cert.string(), ec);
      if (ec) return Fail(ErrorCode::kInvalidArgument, "cannot load certificate: " + ec.message(), options_.tls_cert.string());
      ssl_ctx_.use_private_key_file(options_.tls_key.string(), ssl::context::pem, ec);
      if (ec) return Fail(ErrorCode::kInvalidArgument, "cannot load key: " + ec.message(), options_.tls_key.string());
      shared_.tls = true;
    }
    auto ep = ParseListen(options_.listen);
    if (!ep) return tl::unexpected(ep.error());
    beast::error_code ec;
    acceptor_.open(ep->protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(*ep, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return Fail(ErrorCode::kIo, "cannot listen: " + ec.message(), options_.listen);
    port_ = acceptor_.local_endpoint().port();
    Accept();
    const int n = std::max(1, options_.threads);
    for (int i = 0; i < n; ++i) threads_.emplace_back([this] { ioc_.run(); });
    return {};
  }

  void Stop() {
    std::lock_guard<std::mutex> lock(stop_mu_);
    if (stopped_) return;
    stopped_ = true;
    asio::post(ioc_, [this] {
      beast::error_code ec;
      acceptor_.close(ec);
    });
    ioc_.stop();
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
    stop_cv_.notify_all();
  }

  void Wait() {
    std::unique_lock<std::mutex> lock(stop_mu_);
    stop_cv_.wait(lock, [this] { return stopped_; });
  }

  uint16_t port() const { return port_; }
  bool tls() const { return shared_.tls; }

 private:
  void Accept() {
    acceptor_.async_accept(asio::make_strand(ioc_), [this](beast::error_code ec, tcp::socket s) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) {
        beast::error_code e2;
        auto remote = s.remote_endpoint(e2);
        std::string ip = e2 ? "" : remote.address().to_string();
        if (shared_.tls) {
          std::make_shared<HttpSession<beast::ssl_stream<beast::tcp_stream>>>(&shared_, std::move(ip),
                                                                           std::move(s), ssl_ctx_)
              ->Start();
        } else {
          std::make_shared<HttpSession<beast::tcp_stream>>(&shared_, std::move(ip), std::move(s))
              ->Start();
        }
      }
      Accept();
    });
  }

  std::unique_ptr<Api> api_;
  Options options_;
  Shared shared_{};
  asio::io_context ioc_;
  ssl::context ssl_ctx_;
  tcp::acceptor acceptor_;
  std::vector<std::thread> threads_;
  uint16_t port_ = 0;
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopped_ = false;
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() { impl_->Stop(); }

Result<std::unique_ptr<Server>> Server::Start(Options options) {
  auto api = Api::Create(options);
  if (!api) return tl::unexpected(api.error());
  auto impl = std::make_unique<Impl>(std::move(*api), std::move(options));
  if (auto s = impl->Start(); !s) return tl::unexpected(s.error());
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

uint16_t Server::port() const { return impl_->port(); }
bool Server::tls() const { return impl_->tls(); }
void Server::Stop() { impl_->Stop(); }
void Server::Wait() { impl_->Wait(); }

}  // namespace bantay::server
