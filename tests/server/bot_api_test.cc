// tests/server/bot_api_test.cc: the operator API of the undercover agent: conversations,
// transcripts, commands (CSRF, roles, audit) and the dashboard.
#include <gtest/gtest.h>

#include "server_test_util.h"

namespace bantay::server::testing {
namespace {

using cases::testing::SqliteBackend;

class BotApiTest : public ApiFixture<SqliteBackend> {
 protected:
  void SetUp() override {
    ApiFixture<SqliteBackend>::SetUp();
    const cases::Actor bot = cases::Actor::System("bot");
    cases::BotConversation c{"B-000001", "irc:127.0.0.1:6667", "tom", "identification", 3,
                             false, "", kT0, kT0 + 5000, 2};
    const std::vector<cases::BotLine> lines = {{0, kT0, "partner", "hi", ""},
                                               {1, kT0 + 5000, "agent", "hello po", "greet.hello"}};
    ASSERT_TRUE(store_->MirrorBotConversation(bot, c, lines));
    const std::vector<cases::BotCounter> counters = {{"2026-01-01", "conversations", 4},
                                                     {"2026-01-02", "conversations", 6},
                                                     {"2026-01-02", "notices", 1}};
    ASSERT_TRUE(store_->SetBotCounters(bot, counters));
  }
  size_t AuditActions(const std::string& action) {
    size_t n = 0;
    for (const auto& r : Audit()) n += r.body.value("action", "") == action;
    return n;
  }
};

TEST_F(BotApiTest, ListAndReadShowPseudonymsAndEveryLine) {
  auto ana = LoginAs("ana");
  Response list = As(ana, "GET", "/api/bot/conversations");
  ASSERT_EQ(list.status, 200) << list.body;
  auto j = json::parse(list.body);
  ASSERT_EQ(j["conversations"].size(), 1u);
  EXPECT_EQ(j["conversations"][0]["id"], "B-000001");
  EXPECT_EQ(j["conversations"][0]["partner"], store_->Pseudonym("irc:127.0.0.1:6667/tom"));
  EXPECT_EQ(list.body.find("\"tom\""), std::string::npos);

  Response read = As(ana, "GET", "/api/bot/conversations/B-000001");
  ASSERT_EQ(read.status, 200) << read.body;
  auto t = json::parse(read.body);
  ASSERT_EQ(t["lines"].size(), 2u);
  EXPECT_EQ(t["lines"][1]["speaker"], "agent");
  EXPECT_EQ(t["lines"][1]["bank_entry"], "greet.hello");
  EXPECT_EQ(json::parse(As(ana, "GET", "/api/bot/conversations/B-000001?after=0").body)["lines"].size(), 1u);
  EXPECT_EQ(As(ana, "GET", "/api/bot/conversations/B-000001?after=x").status, 400);
  EXPECT_EQ(As(ana, "GET", "/api/bot/conversations/B-999999").status, 404);
  EXPECT_EQ(AuditActions("bot_read"), 1u);
  EXPECT_EQ(Do("GET", "/api/bot/conversations").status, 401);  // no session
}

TEST_F(BotApiTest, CommandsNeedCsrfAndARoleThatMayTakeOver_AndAreAudited) {
  auto ana = LoginAs("ana");
  EXPECT_EQ(As(ana, "POST", "/api/bot/conversations/B-000001/takeover", "", false).status, 403);
  Response take = As(ana, "POST", "/api/bot/conversations/B-000001/takeover");
  ASSERT_EQ(take.status, 200) << take.body;
  const int64_t id = json::parse(take.body)["command"];
  Response say = As(ana, "POST", "/api/bot/conversations/B-000001/say", R"({"text":"one moment"})");
  ASSERT_EQ(say.status, 200) << say.body;
  EXPECT_EQ(As(ana, "POST", "/api/bot/conversations/B-000001/say", "{}").status, 400);
  EXPECT_EQ(As(ana, "POST", "/api/bot/conversations/B-000001/end").status, 200);

  auto cmd = json::parse(As(ana, "GET", "/api/bot/commands/" + std::to_string(id)).body);
  EXPECT_EQ(cmd["kind"], "takeover");
  EXPECT_EQ(cmd["operator"], "ana");
  EXPECT_TRUE(cmd["done"].is_null());  // the bot process has not run it yet
  EXPECT_EQ(As(ana, "GET", "/api/bot/commands/abc").status, 400);

  auto aud = LoginAs("aud");
  EXPECT_EQ(As(aud, "GET", "/api/bot/conversations").status, 200);
  EXPECT_EQ(As(aud, "POST", "/api/bot/conversations/B-000001/takeover").status, 403);
  EXPECT_EQ(AuditActions("bot_takeover"), 1u);
  EXPECT_EQ(AuditActions("bot_say"), 1u);
  EXPECT_EQ(AuditActions("bot_end"), 1u);
}

TEST_F(BotApiTest, DashboardHasADaySeriesAndTotals) {
  auto sup = LoginAs("sup");
  Response r = As(sup, "GET", "/api/bot/dashboard");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json::parse(r.body);
  ASSERT_EQ(j["days"].size(), 2u);
  EXPECT_EQ(j["days"][0]["day"], "2026-01-01");
  EXPECT_EQ(j["days"][1]["notices"], 1);
  EXPECT_EQ(j["total"]["conversations"], 10);
}

}  // namespace
}  // namespace bantay::server::testing
