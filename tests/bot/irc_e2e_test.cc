// tests/bot/irc_e2e_test.cc: the agent end to end on a real IRC server: ngircd on loopback,
// the Engine with an IrcConnector idling in #room, and scripted partners connecting as
// ordinary IRC clients (SAFETY.md 1: keyword-level synthetic lines).
#include <gtest/gtest.h>

#include <set>

#include "bot/irc_connector.h"
#include "bot_test_util.h"
#include "evidence/evidence.h"
#include "ngircd_fixture.h"

namespace bantay::bot {
namespace {

using testing::After;
using testing::Eventually;
using testing::LineSocket;
using testing::NgircdServer;

class IrcEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.started()) << server_.log();
    key_dir_ = ::testing::TempDir() + "/bot_irc_e2e_" + std::to_string(::getpid());
    std::filesystem::create_directories(key_dir_);
    std::filesystem::remove(key_dir_ + "/key");
    signer_ = std::make_unique<evidence::Signer>(*evidence::Signer::LoadOrCreate(key_dir_ + "/key"));
    ledger_ = std::make_unique<evidence::Ledger>(storage_, *signer_);
    IrcOptions io;
    io.port = server_.port();
    io.nick = "maria";
    io.channels = {"#room"};
    io.flood_lines_per_second = 200;
    io.flood_burst = 50;
    auto irc = IrcConnector::Create(io);
    ASSERT_TRUE(irc) << irc.error().ToString();
    irc_ = std::shared_ptr<IrcConnector>(std::move(*irc));
    EngineOptions o;
    o.delay_scale = 0;  // no human-like delay in tests
    o.scheduler = &clock_;
    o.ledger = ledger_.get();
    auto e = Engine::Create(testing::ThePersona(), testing::TheGuard(), testing::TheClassifier(), {irc_}, o);
    ASSERT_TRUE(e) << e.error().ToString();
    engine_ = std::move(*e);
    ASSERT_TRUE(engine_->Start());
    // Registered and in #room: a watcher sees the agent there (polled with NAMES: the agent
    // may have joined before the watcher, so its JOIN is not always seen).
    watcher_ = LineSocket::Connect(server_.port());
    ASSERT_TRUE(watcher_.Register("watcher", After(10000)));
    watcher_.SendLine("JOIN #room");
    bool joined = false;
    for (int i = 0; i < 200 && !joined; ++i) {
      watcher_.SendLine("NAMES #room");
      std::string names;
      ASSERT_TRUE(watcher_.WaitForSubstring(" 353 ", After(10000), &names));
      joined = names.find("maria") != std::string::npos;
      if (!joined) std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    ASSERT_TRUE(joined) << server_.log();
  }
  void TearDown() override {
    if (engine_) engine_->Stop();
    engine_.reset();
    std::filesystem::remove_all(key_dir_);
  }
  // A partner: registers, joins #room, then writes privately to the agent.
  LineSocket Partner(const std::string& nick) {
    LineSocket s = LineSocket::Connect(server_.port());
    EXPECT_TRUE(s.Register(nick, After(10000)));
    s.SendLine("JOIN #room");
    EXPECT_TRUE(s.WaitForSubstring(" 366 ", After(10000)));
    s.SendLine("PRIVMSG #room :hi all");  // said in the channel: the agent never answers
    return s;
  }
  // Says `line` to the agent and returns its answer (empty when none within the deadline).
  static std::string Exchange(LineSocket& s, const std::string& nick, const std::string& line,
                              int wait_ms = 10000) {
    s.SendLine("PRIVMSG maria :" + line);
    std::string got;
    if (!s.WaitForSubstring(" PRIVMSG " + nick + " :", After(wait_ms), &got)) return "";
    return got.substr(got.find(" :") + 2);
  }
  std::string ConversationOf(const std::string& partner) {
    std::string id;
    for (const auto& c : engine_->Conversations()) {
      if (c.partner == partner) id = c.id;
    }
    return id;
  }
  ConversationSummary Summary(const std::string& partner) {
    for (const auto& c : engine_->Conversations()) {
      if (c.partner == partner) return c;
    }
    return {};
  }
  // Every agent and operator line of the transcript, in order.
  std::vector<std::string> Outgoing(const std::string& partner) {
    std::vector<std::string> out;
    auto t = engine_->Transcript(ConversationOf(partner));
    if (!t) return out;
    for (const auto& l : *t) {
      if (l.speaker == "agent" || l.speaker.starts_with("operator:")) out.push_back(l.text);
    }
    return out;
  }

  NgircdServer server_;
  ManualScheduler clock_;
  evidence::MemoryLedgerStorage storage_;
  std::string key_dir_;
  std::unique_ptr<evidence::Signer> signer_;
  std::unique_ptr<evidence::Ledger> ledger_;
  std::shared_ptr<IrcConnector> irc_;
  std::unique_ptr<Engine> engine_;
  LineSocket watcher_;
};

TEST_F(IrcEndToEnd, FourPartners_ChatSolicitSuspectTakeover_TranscriptsVerify) {
  // 1. Only chats: every line answered from the bank, no escalation, no notice.
  LineSocket chatter = Partner("chatter");
  std::vector<std::string> chatter_got;
  for (const std::string line : {"hello", "how are you today", "what did you eat", "nice weather"}) {
    chatter_got.push_back(Exchange(chatter, "chatter", line));
    EXPECT_FALSE(chatter_got.back().empty()) << "no answer to " << line;
  }
  EXPECT_EQ(Summary("chatter").state, "small_talk");
  EXPECT_EQ(Summary("chatter").level, 0);
  EXPECT_EQ(Outgoing("chatter"), chatter_got);  // what went out is exactly the transcript

  // 2. Solicits and pays, discloses a name, a city and an email: identification, then the notice.
  LineSocket tom = Partner("tom");
  std::vector<std::string> tom_got;
  for (const std::string line : {"hi there", "how old are you", "i want a private show, i pay with paypal",
                                 "my name is Tom", "i am from Leeds", "ok my email is tom.r77@example.com"}) {
    tom_got.push_back(Exchange(tom, "tom", line));
  }
  const ConversationSummary tom_summary = Summary("tom");
  EXPECT_EQ(tom_summary.state, "closed");
  EXPECT_GE(tom_summary.level, 4);
  EXPECT_EQ(tom_got.back(), testing::ThePersona().deterrence_notice);
  auto details = engine_->Details(tom_summary.id);
  ASSERT_TRUE(details);
  std::set<std::string> kinds;
  for (const auto& d : *details) kinds.insert(d.kind + "=" + d.value);
  EXPECT_TRUE(kinds.count("email=tom.r77@example.com"));
  EXPECT_TRUE(kinds.count("location=Leeds"));
  EXPECT_EQ(Outgoing("tom"), tom_got);

  // 3. Gets suspicious and leaves: the conversation ends by the partner's QUIT.
  {
    LineSocket wary = Partner("wary");
    EXPECT_FALSE(Exchange(wary, "wary", "hello").empty());
    wary.SendLine("PRIVMSG maria :are you a bot? are you police?");
    wary.SendLine("QUIT :bye");
  }
  EXPECT_TRUE(Eventually([&] { return Summary("wary").state == "ended_by_partner"; }))
      << Summary("wary").state;

  // 4. An operator takes over mid-conversation: the agent falls silent, the operator's line
  //    arrives, attributed to the operator in the transcript; then hands back.
  LineSocket pat = Partner("pat");
  EXPECT_FALSE(Exchange(pat, "pat", "hello").empty());
  const std::string pat_id = ConversationOf("pat");
  ASSERT_TRUE(engine_->TakeOver(pat_id, "ana"));
  pat.SendLine("PRIVMSG maria :are you there?");
  ASSERT_TRUE(Eventually([&] {
    auto t = engine_->Transcript(pat_id);
    return t && t->back().speaker == "partner" && t->back().text == "are you there?";
  }));
  ASSERT_TRUE(engine_->WaitIdle(std::chrono::milliseconds(5000)));
  ASSERT_TRUE(engine_->OperatorSay(pat_id, "ana", "sorry my internet is slow"));
  std::string got;
  ASSERT_TRUE(pat.WaitForSubstring(" PRIVMSG pat :", After(10000), &got));
  EXPECT_EQ(got.substr(got.find(" :") + 2), "sorry my internet is slow");  // not an agent reply
  ASSERT_TRUE(engine_->HandBack(pat_id, "ana"));
  EXPECT_FALSE(Exchange(pat, "pat", "ok").empty());
  auto lines = engine_->Transcript(pat_id);
  ASSERT_TRUE(lines);
  std::vector<std::string> speakers;
  for (const auto& l : *lines) {
    if (l.speaker != "system") speakers.push_back(l.speaker);
  }
  EXPECT_EQ(speakers, (std::vector<std::string>{"partner", "agent", "partner", "operator:ana", "partner", "agent"}));

  // Every conversation's ledger stream verifies against the signing key.
  const std::vector<std::string> ids = {ConversationOf("chatter"), tom_summary.id, ConversationOf("wary"), pat_id};
  for (const std::string& id : ids) {
    ASSERT_FALSE(id.empty());
    auto cp = ledger_->Checkpoint("bot/" + id);
    ASSERT_TRUE(cp) << cp.error().ToString();
    auto records = storage_.Read("bot/" + id);
    auto checkpoints = storage_.Checkpoints("bot/" + id);
    ASSERT_TRUE(records && checkpoints);
    EXPECT_FALSE(records->empty());
    auto report = evidence::VerifyStream(*records, *checkpoints, signer_->PublicKeyHex());
    ASSERT_TRUE(report);
    EXPECT_TRUE(report->ok) << id << ": " << report->ToJson().dump();
  }
  EXPECT_EQ(irc_->Stats().rejected_lines, 0u);
}

}  // namespace
}  // namespace bantay::bot
