// tests/bot/replay_test.cc: a recorded conversation replays to the same agent lines; an
// edited agent line is found and named.
#include "bot_test_util.h"

namespace bantay::bot {
namespace {

using testing::Rig;

std::string Record(Rig& rig, const std::string& partner) {
  auto t = rig.engine->TranscriptFile(rig.ConversationOf(partner));
  EXPECT_TRUE(t.has_value());
  return t ? *t : std::string();
}

TEST(Replay, RecordedConversationReplaysIdentically) {
  EngineOptions o;
  o.delay_scale = 1;
  o.seed = 99;
  Rig rig(o);
  for (const std::string line : {"hello", "how old r u", "wanna do a cam show? i pay gcash",
                                 "hmm", "my name is Al", "im from Perth", "ok"}) {
    ASSERT_TRUE(rig.loop->Inject("al", line));
    rig.clock.Advance(5000);  // replies may come after the next partner line
  }
  rig.clock.Advance(3600 * 1000);
  std::string t = Record(rig, "al");
  auto r = Replay(t, "al.jsonl", testing::ThePersona(), testing::TheClassifier());
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_TRUE(r->identical) << r->first_difference;
  EXPECT_GE(r->agent_lines, 5u);
}

TEST(Replay, TakeoverAndHandBackReplay) {
  EngineOptions o;
  o.delay_scale = 0;
  Rig rig(o);
  ASSERT_TRUE(rig.loop->Inject("b", "hi"));
  const std::string id = rig.ConversationOf("b");
  ASSERT_TRUE(rig.engine->TakeOver(id, "op").has_value());
  ASSERT_TRUE(rig.loop->Inject("b", "private show?"));
  ASSERT_TRUE(rig.engine->OperatorSay(id, "op", "hmm wait lang").has_value());
  ASSERT_TRUE(rig.engine->HandBack(id, "op").has_value());
  ASSERT_TRUE(rig.loop->Inject("b", "ok"));
  auto r = Replay(Record(rig, "b"), "b.jsonl", testing::ThePersona(), testing::TheClassifier());
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->identical) << r->first_difference;
}

TEST(Replay, EditedAgentLineIsTheFirstDifference) {
  EngineOptions o;
  o.delay_scale = 0;
  Rig rig(o);
  for (const std::string line : {"hello", "how are you", "nice"}) ASSERT_TRUE(rig.loop->Inject("c", line));
  std::string t = Record(rig, "c");
  auto lines = rig.Lines("c");
  const std::string said = lines[3].text;
  size_t pos = t.find("\"" + said + "\"", t.find("\"seq\":3"));
  ASSERT_NE(pos, std::string::npos);
  t.replace(pos + 1, said.size(), "i never said this");
  auto r = Replay(t, "c.jsonl", testing::ThePersona(), testing::TheClassifier());
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->identical);
  EXPECT_NE(r->first_difference.find("line 5"), std::string::npos) << r->first_difference;
  EXPECT_NE(r->first_difference.find("i never said this"), std::string::npos);
}

TEST(Replay, MalformedTranscriptNamesLineAndField) {
  auto r = Replay("{\"seed\":1,\"partner\":\"x\",\"max_identification_turns\":6,"
                  "\"details_for_notice\":3,\"deterrence_notice\":\"stop\"}\n{\"seq\":0}\n",
                  "t.jsonl", testing::ThePersona(), testing::TheClassifier());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().where, "t.jsonl:2:speaker");
  EXPECT_FALSE(Replay("", "e.jsonl", testing::ThePersona(), testing::TheClassifier()).has_value());
  EXPECT_FALSE(Replay("nope\n", "n.jsonl", testing::ThePersona(), testing::TheClassifier()).has_value());
}

}  // namespace
}  // namespace bantay::bot
