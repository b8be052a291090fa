// tests/e2e/bot_control_test.cc: the bridge between a bot Engine and the case store: the
// engine's conversations and lines appear in the store, and operator commands queued in the
// store (as `bantay serve` does) take over, speak, hand back and end on the engine.
#include "cli/bot_control.h"

#include <gtest/gtest.h>

#include "../bot/bot_test_util.h"
#include "cli_runner.h"

namespace bantay::cli {
namespace {

using bot::testing::Rig;

class BotControlTest : public e2e::CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    store_ = Open();
    ASSERT_TRUE(store_);
    ASSERT_TRUE(store_->Bootstrap("root", "admin-password-1"));
    ASSERT_TRUE(store_->CreateUser(root_, "ana", cases::Role::kAnalyst, "password-ana"));
    ASSERT_TRUE(store_->CreateUser(root_, "aud", cases::Role::kAuditor, "password-aud"));
    bot::EngineOptions o;
    o.delay_scale = 0;
    rig_ = std::make_unique<Rig>(o);
    BotControlOptions bo;
    bo.poll_ms = 3'600'000;  // the test steps the bridge with PollOnce
    auto control = BotControl::Start(*rig_->engine, Open(), bo);
    ASSERT_TRUE(control) << control.error().ToString();
    control_ = std::move(*control);
  }
  void TearDown() override {
    control_.reset();
    rig_.reset();
    CliTest::TearDown();
  }

  std::unique_ptr<cases::Store> Open() {
    cases::Options o;
    o.pwhash_opslimit = 1;
    o.pwhash_memlimit = 8192;
    auto s = cases::OpenStore(Path("store.db"), o);
    EXPECT_TRUE(s) << s.error().ToString();
    return s ? std::move(*s) : nullptr;
  }
  void Poll() {
    auto s = control_->PollOnce();
    ASSERT_TRUE(s) << s.error().ToString();
  }
  std::vector<cases::BotLine> StoredLines(const std::string& id) {
    auto lines = store_->ReadBotTranscript(ana_, id);
    EXPECT_TRUE(lines) << lines.error().ToString();
    return lines ? *lines : std::vector<cases::BotLine>{};
  }
  std::string Result(int64_t command) {
    auto c = store_->GetBotCommand(ana_, command);
    EXPECT_TRUE(c);
    return c ? c->result : "";
  }
  int64_t Queue(const std::string& id, const std::string& kind, const std::string& text = "") {
    auto c = store_->AddBotCommand(ana_, id, kind, text);
    EXPECT_TRUE(c) << c.error().ToString();
    return c ? *c : 0;
  }

  const cases::Actor root_{"root", ""}, ana_{"ana", ""}, aud_{"aud", ""};
  std::unique_ptr<cases::Store> store_;
  std::unique_ptr<Rig> rig_;
  std::unique_ptr<BotControl> control_;
};

TEST_F(BotControlTest, MirrorsConversationsAndEveryLineWithItsAuthor) {
  ASSERT_TRUE(rig_->loop->Inject("pat", "hello"));
  ASSERT_TRUE(rig_->loop->Inject("pat", "how are you today"));
  Poll();
  auto list = store_->ListBotConversations(aud_);  // auditors watch too
  ASSERT_TRUE(list) << list.error().ToString();
  ASSERT_EQ(list->size(), 1u);
  const std::string id = rig_->ConversationOf("pat");
  EXPECT_EQ((*list)[0].id, id);
  EXPECT_EQ((*list)[0].partner, store_->Pseudonym("loop/pat"));  // no nick in the store
  EXPECT_EQ((*list)[0].state, "small_talk");
  const auto engine_lines = rig_->Lines("pat");
  const auto stored = StoredLines(id);
  ASSERT_EQ(stored.size(), engine_lines.size());
  for (size_t i = 0; i < stored.size(); ++i) {
    EXPECT_EQ(stored[i].seq, static_cast<int64_t>(engine_lines[i].seq));
    EXPECT_EQ(stored[i].speaker, engine_lines[i].speaker);
    EXPECT_EQ(stored[i].text, engine_lines[i].text);
    EXPECT_EQ(stored[i].bank_entry, engine_lines[i].bank_entry);
  }
  auto counters = store_->ListBotCounters(ana_);
  ASSERT_TRUE(counters);
  bool saw = false;
  for (const auto& k : *counters) saw |= k.name == "conversations" && k.value == 1;
  EXPECT_TRUE(saw);
  EXPECT_EQ(control_->Stats().store_errors, 0u);
}

TEST_F(BotControlTest, OperatorTakesOverSpeaksHandsBackAndEnds) {
  ASSERT_TRUE(rig_->loop->Inject("pat", "hello"));
  Poll();
  const std::string id = rig_->ConversationOf("pat");
  const int64_t take = Queue(id, "takeover");
  Poll();
  EXPECT_EQ(Result(take), "ok");
  ASSERT_TRUE(rig_->engine->Conversations()[0].taken_over);
  EXPECT_EQ(rig_->engine->Conversations()[0].operator_id, "ana");

  // Held: the agent stays silent; the operator's line goes out attributed to the operator.
  const size_t sent_before = rig_->loop->SentTo("pat").size();
  ASSERT_TRUE(rig_->loop->Inject("pat", "are you there"));
  EXPECT_EQ(rig_->loop->SentTo("pat").size(), sent_before);
  const int64_t say = Queue(id, "say", "sorry my internet is slow");
  Poll();
  EXPECT_EQ(Result(say), "ok");
  EXPECT_EQ(rig_->loop->SentTo("pat").back(), "sorry my internet is slow");
  auto stored = StoredLines(id);
  ASSERT_FALSE(stored.empty());
  bool operator_line = false;
  for (const auto& l : stored) operator_line |= l.speaker == "operator:ana" && l.text == "sorry my internet is slow";
  EXPECT_TRUE(operator_line);
  auto list = store_->ListBotConversations(ana_);
  ASSERT_TRUE(list);
  EXPECT_TRUE((*list)[0].taken_over);
  EXPECT_EQ((*list)[0].operator_id, "ana");

  const int64_t back = Queue(id, "handback");
  Poll();
  EXPECT_EQ(Result(back), "ok");
  EXPECT_FALSE(rig_->engine->Conversations()[0].taken_over);
  const int64_t end = Queue(id, "end");
  Poll();
  EXPECT_EQ(Result(end), "ok");
  EXPECT_EQ(rig_->engine->Conversations()[0].state, "closed");
  // The engine refuses a line on a conversation the operator does not hold: the command
  // completes with that error instead of vanishing.
  const int64_t late = Queue(id, "say", "hello again");
  Poll();
  EXPECT_NE(Result(late), "ok");
  EXPECT_FALSE(Result(late).empty());
  EXPECT_EQ(control_->Stats().commands_done, 4u);
  EXPECT_EQ(control_->Stats().commands_failed, 1u);
}

TEST_F(BotControlTest, GuardStillBlocksAnOperatorLine) {
  ASSERT_TRUE(rig_->loop->Inject("pat", "hello"));
  Poll();
  const std::string id = rig_->ConversationOf("pat");
  Queue(id, "takeover");
  const size_t sent_before = rig_->loop->SentTo("pat").size();
  const int64_t say = Queue(id, "say", "send me a private show, i pay gcash");
  Poll();
  EXPECT_NE(Result(say), "ok");
  EXPECT_EQ(rig_->loop->SentTo("pat").size(), sent_before);
}

TEST_F(BotControlTest, StopWritesWhatIsPending) {
  ASSERT_TRUE(rig_->loop->Inject("late", "hello"));
  control_->Stop();
  auto list = store_->ListBotConversations(ana_);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(StoredLines((*list)[0].id).size(), rig_->Lines("late").size());
}

}  // namespace
}  // namespace bantay::cli
