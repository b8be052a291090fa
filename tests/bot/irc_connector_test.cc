// tests/bot/irc_connector_test.cc: IrcConnector against a real ngircd on loopback and against
// a fake server that sends protocol garbage.
#include "bot/irc_connector.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "bot/irc_message.h"
#include "ngircd_fixture.h"

namespace bantay::bot {
namespace {

using testing::After;
using testing::Eventually;
using testing::LineSocket;
using testing::LoopbackListener;
using testing::NgircdServer;

// Collects what a connector delivers; tests wait on it with a deadline.
class Recorder {
 public:
  ConnectorCallbacks Callbacks() {
    ConnectorCallbacks cb;
    cb.on_line = [this](InboundLine line) {
      std::lock_guard<std::mutex> lock(mu_);
      lines_.push_back(std::move(line));
      cv_.notify_all();
    };
    cb.on_event = [this](ConnectorEvent e) {
      std::lock_guard<std::mutex> lock(mu_);
      events_.push_back(std::move(e));
      cv_.notify_all();
    };
    return cb;
  }
  bool WaitLines(size_t n, int ms = 10000) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::milliseconds(ms), [&] { return lines_.size() >= n; });
  }
  size_t CountEvents(ConnectorEvent::Kind kind) {
    std::lock_guard<std::mutex> lock(mu_);
    size_t n = 0;
    for (const auto& e : events_) n += e.kind == kind;
    return n;
  }
  bool WaitEvents(ConnectorEvent::Kind kind, size_t n, int ms = 10000) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::milliseconds(ms), [&] {
      size_t c = 0;
      for (const auto& e : events_) c += e.kind == kind;
      return c >= n;
    });
  }
  std::vector<InboundLine> lines() {
    std::lock_guard<std::mutex> lock(mu_);
    return lines_;
  }
  std::vector<ConnectorEvent> events() {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<InboundLine> lines_;
  std::vector<ConnectorEvent> events_;
};

IrcOptions LocalOptions(uint16_t port) {
  IrcOptions o;
  o.host = "127.0.0.1";
  o.port = port;
  o.nick = "agent";
  o.channels = {"#room"};
  o.flood_lines_per_second = 200;
  o.flood_burst = 20;
  o.reconnect_min_ms = 50;
  o.reconnect_max_ms = 400;
  return o;
}

std::unique_ptr<IrcConnector> MustCreate(IrcOptions o) {
  auto c = IrcConnector::Create(std::move(o));
  EXPECT_TRUE(c) << c.error().ToString();
  return c ? std::move(*c) : nullptr;
}

// A partner on the server: registered, in #room once the agent is there too.
LineSocket Partner(uint16_t port, const std::string& nick) {
  LineSocket s = LineSocket::Connect(port);
  EXPECT_TRUE(s.ok());
  EXPECT_TRUE(s.Register(nick, After(10000))) << nick << " did not register";
  s.SendLine("JOIN #room");
  EXPECT_TRUE(s.WaitForSubstring(" 366 ", After(10000)));  // end of NAMES: joined
  return s;
}

// A real ngircd and the agent's connector on it; StartAgent waits for the registration.
class IrcConnectorNgircd : public ::testing::Test {
 protected:
  void StartAgent() { StartAgent(LocalOptions(server.port())); }
  void StartAgent(IrcOptions o) {
    ASSERT_TRUE(server.started()) << server.log();
    agent = MustCreate(std::move(o));
    ASSERT_TRUE(agent);
    ASSERT_TRUE(agent->Start(rec.Callbacks()));
    ASSERT_TRUE(rec.WaitEvents(ConnectorEvent::Kind::kConnected, 1)) << server.log();
  }

  NgircdServer server;
  Recorder rec;
  std::unique_ptr<IrcConnector> agent;
};

TEST(IrcConnector, Create_RejectsUnusableOptions) {
  auto bad = [](auto change) {
    IrcOptions o;
    change(o);
    auto c = IrcConnector::Create(o);
    return c ? std::string() : c.error().where;
  };
  EXPECT_EQ(bad([](IrcOptions& o) { o.nick = "bad nick"; }), "irc:nick");
  EXPECT_EQ(bad([](IrcOptions& o) { o.nick = "9lives"; }), "irc:nick");
  EXPECT_EQ(bad([](IrcOptions& o) { o.host = ""; }), "irc:host");
  EXPECT_EQ(bad([](IrcOptions& o) { o.channels = {"room"}; }), "irc:channels");
  EXPECT_EQ(bad([](IrcOptions& o) { o.flood_lines_per_second = 0; }), "irc:flood");
  EXPECT_EQ(bad([](IrcOptions& o) { o.reconnect_max_ms = 1; }), "irc:reconnect");
  EXPECT_EQ(bad([](IrcOptions& o) { o.max_line_bytes = 100; }), "irc:max_line_bytes");
  EXPECT_EQ(bad([](IrcOptions& o) { o.idle_ping_ms = 0; }), "irc:idle_ping_ms");
  EXPECT_EQ(bad([](IrcOptions&) {}), "");
}

TEST(IrcConnector, Send_BeforeStartIsAnError) {
  auto c = MustCreate(LocalOptions(6667));
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->Send("alice", "hi"));
}

TEST_F(IrcConnectorNgircd, RegistersJoinsAndExchangesPrivateMessages) {
  ASSERT_NO_FATAL_FAILURE(StartAgent());
  EXPECT_EQ(agent->CurrentNick(), "agent");

  LineSocket alice = Partner(server.port(), "alice");
  // The agent idles in #room: alice sees it there.
  alice.SendLine("NAMES #room");
  std::string names;
  ASSERT_TRUE(alice.WaitForSubstring(" 353 ", After(10000), &names));
  EXPECT_NE(names.find("agent"), std::string::npos) << names;

  alice.SendLine("PRIVMSG #room :hello everyone");  // channel line: not delivered by default
  alice.SendLine("PRIVMSG agent :hi how are you");
  alice.SendLine("NOTICE agent :a notice is never delivered");
  alice.SendLine("PRIVMSG agent :\x01VERSION\x01");  // CTCP: not a chat line
  alice.SendLine("PRIVMSG AGENT :nicks are case-insensitive");
  ASSERT_TRUE(rec.WaitLines(2));
  auto lines = rec.lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].partner, "alice");
  EXPECT_EQ(lines[0].text, "hi how are you");
  EXPECT_EQ(lines[0].channel, "");
  EXPECT_EQ(lines[0].network, "irc:127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(lines[0].account.rfind("alice!", 0), 0u) << lines[0].account;
  EXPECT_GT(lines[0].received_ms, 0);
  EXPECT_EQ(lines[1].text, "nicks are case-insensitive");

  ASSERT_TRUE(agent->Send("alice", "i am fine"));
  std::string got;
  ASSERT_TRUE(alice.WaitForSubstring("PRIVMSG alice :", After(10000), &got));
  EXPECT_EQ(got.substr(got.find(" :") + 2), "i am fine");
  EXPECT_EQ(got.rfind(":agent!", 0), 0u) << got;

  alice.SendLine("QUIT :bye");
  ASSERT_TRUE(rec.WaitEvents(ConnectorEvent::Kind::kPartnerLeft, 1));
  EXPECT_EQ(rec.events().back().partner, "alice");
  agent->Stop();
  EXPECT_FALSE(agent->Send("alice", "after stop"));
}

TEST_F(IrcConnectorNgircd, NickInUseTakesAnAlternate) {
  LineSocket squatter = LineSocket::Connect(server.port());
  ASSERT_TRUE(squatter.Register("agent", After(10000)));
  ASSERT_NO_FATAL_FAILURE(StartAgent());
  EXPECT_EQ(agent->CurrentNick(), "agent_");
  squatter.SendLine("PRIVMSG agent_ :found you");
  ASSERT_TRUE(rec.WaitLines(1));
  EXPECT_EQ(rec.lines()[0].text, "found you");
}

TEST_F(IrcConnectorNgircd, LongReplyIsSplitOnUtf8BoundariesAndArrivesWhole) {
  ASSERT_NO_FATAL_FAILURE(StartAgent());
  LineSocket bob = Partner(server.port(), "bob");
  std::string text;
  for (int i = 0; i < 400; ++i) text += (i % 5 == 0) ? "salamat po " : "\xc3\xb1";  // 'ñ'
  ASSERT_TRUE(agent->Send("bob", text));
  std::string joined;
  while (joined.size() < text.size()) {
    std::string line;
    ASSERT_TRUE(bob.WaitForSubstring(" PRIVMSG bob :", After(10000), &line)) << joined.size();
    EXPECT_LE(line.size() + 2, kIrcLineLimit);
    const std::string piece = line.substr(line.find(" :") + 2);
    EXPECT_EQ(RepairUtf8(piece), piece) << "a piece was cut inside a character";
    joined += piece;
  }
  EXPECT_EQ(joined, text);
}

TEST_F(IrcConnectorNgircd, GarbageAndInvalidUtf8FromAPartnerAreTolerated) {
  ASSERT_NO_FATAL_FAILURE(StartAgent());
  LineSocket mallory = Partner(server.port(), "mallory");
  mallory.SendRaw("\x01\x02\xff garbage\r\n:::: ::\r\nPRIVMSG\r\nPRIVMSG agent\r\n");
  mallory.SendRaw("PRIVMSG agent :caf\xc3\xa9 \xff\xfe end\r\n");
  mallory.SendLine("PRIVMSG agent :still talking");
  ASSERT_TRUE(rec.WaitLines(2)) << server.log();
  auto lines = rec.lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].text, "caf\xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd end");
  EXPECT_EQ(lines[1].text, "still talking");
  // ngircd disconnects a client whose line exceeds 512 bytes: the agent sees him leave.
  mallory.SendRaw("PRIVMSG agent :" + std::string(2000, 'x') + "\r\n");
  ASSERT_TRUE(rec.WaitEvents(ConnectorEvent::Kind::kPartnerLeft, 1)) << server.log();
  EXPECT_EQ(rec.events().back().partner, "mallory");
  EXPECT_EQ(rec.lines().size(), 2u);
  for (const auto& l : lines) EXPECT_EQ(RepairUtf8(l.text), l.text);
}

TEST_F(IrcConnectorNgircd, FloodingPartnerGetsEveryReplyQueuedNeverDropped) {
  IrcOptions o = LocalOptions(server.port());
  o.flood_lines_per_second = 100;  // slower than the flood, so the queue really fills
  o.flood_burst = 5;
  ASSERT_NO_FATAL_FAILURE(StartAgent(o));
  LineSocket flooder = Partner(server.port(), "flooder");
  constexpr int kLines = 150;
  std::string burst;
  for (int i = 0; i < kLines; ++i) burst += "PRIVMSG agent :line " + std::to_string(i) + "\r\n";
  flooder.SendRaw(burst);
  ASSERT_TRUE(rec.WaitLines(kLines)) << rec.lines().size() << "\n" << server.log();
  auto lines = rec.lines();
  for (int i = 0; i < kLines; ++i) {
    EXPECT_EQ(lines[i].text, "line " + std::to_string(i));
    ASSERT_TRUE(agent->Send("flooder", "echo " + std::to_string(i)));
  }
  for (int i = 0; i < kLines; ++i) {
    std::string got;
    ASSERT_TRUE(flooder.WaitForSubstring(" PRIVMSG flooder :", After(10000), &got)) << i;
    EXPECT_EQ(got.substr(got.find(" :") + 2), "echo " + std::to_string(i));
  }
  // The last write's completion (which counts it) may run after the flooder has read it.
  const auto all_sent = [&] { return agent->Stats().lines_sent == static_cast<uint64_t>(kLines); };
  EXPECT_TRUE(Eventually(all_sent)) << agent->Stats().lines_sent;
  EXPECT_EQ(agent->Stats().lines_queued, 0u);
}

TEST_F(IrcConnectorNgircd, ServerKilledAndRestarted_ReconnectsRejoinsLosesNothing) {
  ASSERT_NO_FATAL_FAILURE(StartAgent());
  {
    LineSocket carol = Partner(server.port(), "carol");
    for (int i = 0; i < 5; ++i) carol.SendLine("PRIVMSG agent :before " + std::to_string(i));
    ASSERT_TRUE(rec.WaitLines(5));
  }
  server.Kill(SIGKILL);
  ASSERT_TRUE(rec.WaitEvents(ConnectorEvent::Kind::kDisconnected, 1));
  // Written while the server is down: queued, then sent after the reconnect.
  ASSERT_TRUE(agent->Send("carol", "queued while down"));
  ASSERT_TRUE(server.Restart()) << server.log();
  ASSERT_TRUE(rec.WaitEvents(ConnectorEvent::Kind::kConnected, 2)) << server.log();

  LineSocket carol = Partner(server.port(), "carol");
  carol.SendLine("NAMES #room");
  std::string names;
  ASSERT_TRUE(carol.WaitForSubstring(" 353 ", After(10000), &names));
  EXPECT_NE(names.find("agent"), std::string::npos) << "not rejoined: " << names;
  for (int i = 0; i < 5; ++i) carol.SendLine("PRIVMSG agent :after " + std::to_string(i));
  ASSERT_TRUE(rec.WaitLines(10));
  auto lines = rec.lines();
  ASSERT_EQ(lines.size(), 10u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(lines[i].text, "before " + std::to_string(i));
    EXPECT_EQ(lines[5 + i].text, "after " + std::to_string(i));
  }
  const IrcStats stats = agent->Stats();
  EXPECT_EQ(stats.connects, 2u);
  EXPECT_EQ(stats.lines_queued, 0u);
  EXPECT_EQ(stats.lines_sent, 1u);  // the queued line went out on the new connection
}

// The fake server's side of one registration: accepts the connector, waits for its USER
// and welcomes it (the welcome ends in the agent's full prefix, as ngircd's does).
LineSocket AcceptAndWelcome(LoopbackListener& listener) {
  LineSocket conn = listener.Accept(After(10000));
  EXPECT_TRUE(conn.ok());
  EXPECT_TRUE(conn.WaitForSubstring("USER agent", After(10000)));
  conn.SendLine(":fake 001 agent :Welcome agent!agent@127.0.0.1");
  return conn;
}

// A fake server that speaks just enough IRC, then sends garbage straight to the connector.
TEST(IrcConnector, FakeServer_ProtocolGarbageAndOversizedLinesAreErrorsNotCrashes) {
  LoopbackListener listener;
  Recorder rec;
  IrcOptions o = LocalOptions(listener.port());
  o.max_line_bytes = 1024;
  auto agent = MustCreate(o);
  ASSERT_TRUE(agent->Start(rec.Callbacks()));
  LineSocket conn = AcceptAndWelcome(listener);
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE(conn.WaitForSubstring("JOIN :#room", After(10000)));
  conn.SendRaw("\x01\x02\x03\r\n:::\r\n:prefix-only\r\n:x 12 y\r\n\r\n\n");
  conn.SendRaw(":x!y@z PRIVMSG agent :" + std::string(5000, 'A') + "\r\n");  // > 1024: discarded
  conn.SendRaw(":x!y@z PRIVMSG agent :bad \xc0\xaf utf8\r\n");
  conn.SendRaw(":x!y@z PRIVMSG\r\n:x!y@z NICK\r\n:x!y@z PART\r\n");
  conn.SendRaw("PING :fake\r\n");
  ASSERT_TRUE(conn.WaitForSubstring("PONG :fake", After(10000)));
  conn.SendRaw(":x!y@z PRIVMSG agent :after the garbage\r\n");
  ASSERT_TRUE(rec.WaitLines(2));
  auto lines = rec.lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].text, "bad \xef\xbf\xbd\xef\xbf\xbd utf8");
  EXPECT_EQ(lines[1].text, "after the garbage");
  // \x01\x02\x03, ":::", ":prefix-only", ":x 12 y", the oversized line, PRIVMSG/NICK/PART
  // without parameters: each is one rejected line, reported as an error event.
  EXPECT_EQ(agent->Stats().rejected_lines, 8u);
  EXPECT_GE(rec.CountEvents(ConnectorEvent::Kind::kError), 8u);
}

TEST(IrcConnector, FakeServer_DropBeforeWelcomeRetriesWithBackoff) {
  LoopbackListener listener;
  Recorder rec;
  auto agent = MustCreate(LocalOptions(listener.port()));
  ASSERT_TRUE(agent->Start(rec.Callbacks()));
  for (int attempt = 0; attempt < 3; ++attempt) {
    LineSocket conn = listener.Accept(After(10000));
    ASSERT_TRUE(conn.ok()) << "no reconnect attempt " << attempt;
    ASSERT_TRUE(conn.WaitForSubstring("NICK", After(10000)));
  }  // each closed without a welcome
  LineSocket conn = listener.Accept(After(10000));
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE(conn.WaitForSubstring("USER", After(10000)));
  conn.SendLine(":fake 001 agent :Welcome");
  ASSERT_TRUE(rec.WaitEvents(ConnectorEvent::Kind::kConnected, 1));
  EXPECT_EQ(rec.CountEvents(ConnectorEvent::Kind::kDisconnected), 0u);  // never registered
  EXPECT_GE(rec.CountEvents(ConnectorEvent::Kind::kError), 3u);
}

TEST(IrcConnectorTls, VerifiedTlsConnectionCarriesMessages_UntrustedCertificateIsRefused) {
  testing::NgircdOptions no;
  no.tls = true;
  NgircdServer server(no);
  ASSERT_TRUE(server.started()) << server.log();
  IrcOptions o = LocalOptions(server.tls_port());
  o.tls = true;
  o.tls_ca_file = server.cert_file();
  Recorder rec;
  auto agent = MustCreate(o);
  ASSERT_TRUE(agent->Start(rec.Callbacks()));
  ASSERT_TRUE(rec.WaitEvents(ConnectorEvent::Kind::kConnected, 1)) << server.log();
  LineSocket alice = Partner(server.port(), "alice");  // a plain-text client on the same server
  alice.SendLine("PRIVMSG agent :over tls");
  ASSERT_TRUE(rec.WaitLines(1));
  EXPECT_EQ(rec.lines()[0].text, "over tls");
  ASSERT_TRUE(agent->Send("alice", "back over tls"));
  ASSERT_TRUE(alice.WaitForSubstring("PRIVMSG alice :back over tls", After(10000)));
  agent->Stop();

  // Without the CA the self-signed certificate fails verification: errors, never connected.
  IrcOptions untrusted = o;
  untrusted.tls_ca_file.clear();
  Recorder rec2;
  auto refused = MustCreate(untrusted);
  ASSERT_TRUE(refused->Start(rec2.Callbacks()));
  ASSERT_TRUE(rec2.WaitEvents(ConnectorEvent::Kind::kError, 2));
  EXPECT_EQ(rec2.CountEvents(ConnectorEvent::Kind::kConnected), 0u);
  EXPECT_NE(rec2.events()[0].detail.find("TLS handshake"), std::string::npos) << rec2.events()[0].detail;
}

TEST(IrcConnector, FakeServer_SilentServerIsPingedThenDroppedAndReconnected) {
  LoopbackListener listener;
  Recorder rec;
  IrcOptions o = LocalOptions(listener.port());
  o.idle_ping_ms = 100;
  auto agent = MustCreate(o);
  ASSERT_TRUE(agent->Start(rec.Callbacks()));
  LineSocket conn = AcceptAndWelcome(listener);
  ASSERT_TRUE(rec.WaitEvents(ConnectorEvent::Kind::kConnected, 1));
  // The fake server now says nothing (and answers no PING), as a hung server would.
  // (ReadLine, not WaitFor: WaitFor would answer the PING.)
  std::string line;
  bool pinged = false;
  while (!pinged && conn.ReadLine(&line, After(10000))) pinged = line == "PING :bantay";
  ASSERT_TRUE(pinged);
  ASSERT_TRUE(rec.WaitEvents(ConnectorEvent::Kind::kDisconnected, 1));
  LineSocket again = listener.Accept(After(10000));
  ASSERT_TRUE(again.ok()) << "no reconnect after the silent server was dropped";
  ASSERT_TRUE(again.WaitForSubstring("NICK", After(10000)));
}

}  // namespace
}  // namespace bantay::bot
