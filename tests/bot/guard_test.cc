// tests/bot/guard_test.cc: SAFETY.md 2: no path sends a sexual, payment, meeting or media
// line: not the policy (a bank entry), not a persona file, not an operator line or template;
// obfuscated spellings are caught; every attempt is logged in the ledger.
#include "bot_test_util.h"

namespace bantay::bot {
namespace {

using testing::Rig;
using testing::TheGuard;
using testing::ThePersona;

TEST(Guard, BlocksPlainAndObfuscatedTerms) {
  const Guard& g = *TheGuard();
  const std::vector<std::string> blocked = {"send me a photo",
                                            "lets meet tomorrow",
                                            "p.h.o.t.o please",
                                            "pr1vate sh0w",
                                            "\xD1\x95how me",  // Cyrillic dze for s
                                            "m e e t  me",
                                            "p a y p a l",
                                            "gc\xE2\x80\x8B"
                                            "ash",  // zero-width
                                            "i will p@y you",
                                            "turn on your c a m",
                                            "take a s3lfie",
                                            "how much money",
                                            "western union",
                                            "NAKED",
                                            "ok $20",
                                            "\u20b1500 po",
                                            "500php",  // amounts
                                            "ok \U0001F4B0",
                                            "\U0001F346\uFE0F?"};  // pictographs
  for (const auto& line : blocked) {
    GuardVerdict v = g.Check(line);
    EXPECT_FALSE(v.allowed) << line;
    EXPECT_FALSE(v.term.empty()) << line;
  }
  for (const std::string ok :
       {"hello po", "im 10 po", "where r u from po?", "wat is ur email po?",
        "sorry lag, my kuya is downloading a movie", "brb 5 mins", "ok po \U0001F60A"}) {
    EXPECT_TRUE(g.Check(ok).allowed) << ok;
  }
}

TEST(Guard, EveryDefaultPersonaTextPasses) {
  const Persona& p = ThePersona();
  EXPECT_TRUE(TheGuard()->Check(p.deterrence_notice).allowed);
  size_t texts = 0;
  for (const auto& e : p.replies) {
    for (const auto& v : e.variants) {
      EXPECT_TRUE(TheGuard()->Check(v).allowed) << e.id << ": " << v;
      ++texts;
    }
  }
  EXPECT_GT(texts, 20u);
}

std::string HostilePersona(const std::string& bad_variant) {
  return R"({
  "name": "X", "age": 10, "country": "PH",
  "deterrence_notice": "This chat was with a software agent. Stop now.",
  "replies": [
    {"id": "ok.1", "states": ["small_talk"], "intents": ["benign"], "variants": ["hello po"]},
    {"id": "bad.1", "states": ["small_talk"], "intents": ["benign"],
     "variants": ["hi", ")" + bad_variant + R"("]}
  ]
})";
}

TEST(Guard, PersonaLoaderRefusesBlockedEntriesWithFileLineField) {
  for (const std::string bad : {"lets m33t at the mall", "send a s e l f i e", "i can pay you",
                                "\xD1\x81\xD0\xB0m on"}) {  // Cyrillic "ca"
    auto p = ParsePersona(HostilePersona(bad), "hostile.json", *TheGuard());
    ASSERT_FALSE(p.has_value()) << bad;
    EXPECT_EQ(p.error().code, ErrorCode::kParse);
    EXPECT_EQ(p.error().where, "hostile.json:7:replies[1].variants[1]") << bad;
    EXPECT_NE(p.error().message.find("guard"), std::string::npos);
  }
  auto notice = ParsePersona(R"({"name":"X","age":10,"country":"PH",
    "deterrence_notice":"ok, lets meet", "replies":[]})", "n.json", *TheGuard());
  ASSERT_FALSE(notice.has_value());
  EXPECT_EQ(notice.error().where, "n.json:2:deterrence_notice");
}

// A persona built in code (not through the loader) whose only small-talk reply is blocked:
// the policy chooses it, the outbox refuses it, nothing reaches the connector.
TEST(Guard, PolicyCannotSendABlockedBankEntry) {
  Persona p = ThePersona();
  for (auto& e : p.replies) {
    if (e.id == "greet.hello") e.variants = {"hi, send me a pic"};
  }
  EngineOptions o;
  o.delay_scale = 0;
  Rig rig(o, p);
  ASSERT_TRUE(rig.loop->Inject("u1", "hello"));
  EXPECT_TRUE(rig.loop->SentTo("u1").empty());
  auto lines = rig.Lines("u1");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1].speaker, "system");
  EXPECT_NE(lines[1].text.find("guard"), std::string::npos);
  auto blocked = rig.Records("bot/" + rig.ConversationOf("u1"), "guard_blocked");
  ASSERT_EQ(blocked.size(), 1u);
  EXPECT_EQ(blocked[0].body["bank_entry"], "greet.hello");
  EXPECT_EQ(blocked[0].body["speaker"], "agent");
  EXPECT_EQ(rig.engine->Counters().total.blocked, 1u);
}

TEST(Guard, OperatorLinesAndTemplatesAreGuarded) {
  EngineOptions o;
  o.delay_scale = 0;
  o.operator_templates = {{"hi", "hello po"}, {"bad", "can we m-e-e-t at the hotel"}};
  Rig rig(o);
  ASSERT_TRUE(rig.loop->Inject("u2", "hello"));
  const std::string id = rig.ConversationOf("u2");
  ASSERT_TRUE(rig.engine->TakeOver(id, "ana").has_value());
  const size_t before = rig.loop->SentTo("u2").size();
  for (const std::string bad : {"send me a ph0to", "i will send you m o n e y", "wanna v1deo call?"}) {
    auto s = rig.engine->OperatorSay(id, "ana", bad);
    EXPECT_FALSE(s.has_value()) << bad;
  }
  EXPECT_FALSE(rig.engine->OperatorSayTemplate(id, "ana", "bad").has_value());
  EXPECT_EQ(rig.loop->SentTo("u2").size(), before);
  EXPECT_TRUE(rig.engine->OperatorSayTemplate(id, "ana", "hi").has_value());
  EXPECT_EQ(rig.loop->SentTo("u2").size(), before + 1);
  auto blocked = rig.Records("bot/" + id, "guard_blocked");
  ASSERT_EQ(blocked.size(), 4u);
  EXPECT_EQ(blocked[0].body["speaker"], "operator:ana");
  EXPECT_EQ(blocked[3].body["bank_entry"], "template:bad");
  EXPECT_EQ(rig.engine->Counters().total.blocked, 4u);
}

TEST(Guard, EngineRefusesABlockedDeterrenceNotice) {
  EngineOptions o;
  o.deterrence_notice = "you can pay a fine";
  auto e = Engine::Create(ThePersona(), TheGuard(), testing::TheClassifier(), {}, o);
  ASSERT_FALSE(e.has_value());
  EXPECT_NE(e.error().message.find("deterrence notice"), std::string::npos);
}

}  // namespace
}  // namespace bantay::bot
