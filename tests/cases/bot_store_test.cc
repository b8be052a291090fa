// tests/cases/bot_store_test.cc: the undercover agent's tables in the case store (mirrored
// conversations, transcripts, operator commands, dashboard counters) on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <set>

#include "backends.h"
#include "cases/cases.h"
#include "evidence/evidence.h"

namespace bantay::cases {
namespace {

using testing::PostgresBackend;
using testing::SqliteBackend;
using testing::TempDir;

template <class Backend>
class BotStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto spec = Backend::Spec(dir_);
    ASSERT_TRUE(spec) << spec.error().ToString();
    Options o;
    o.now_ms = [this] { return now_; };
    o.pseudonym_key = std::string(32, 'k');
    o.signing_key_file = dir_.path() + "/signing.key";
    o.pwhash_opslimit = 1;
    o.pwhash_memlimit = 8192;
    auto s = OpenStore(*spec, o);
    ASSERT_TRUE(s) << s.error().ToString();
    store_ = std::move(*s);
    ASSERT_TRUE(store_->Bootstrap("root", "admin-password-1"));
    ASSERT_TRUE(store_->CreateUser(admin_, "ana", Role::kAnalyst, "password-ana"));
    ASSERT_TRUE(store_->CreateUser(admin_, "aud", Role::kAuditor, "password-aud"));
  }

  BotConversation Conversation(const std::string& id, int64_t last_ms) {
    return {id, "irc:127.0.0.1:6667", "nick_" + id, "small_talk", 1, false, "", 1000, last_ms, 0, 0};
  }

  size_t AuditCount(const std::string& action) {
    auto audit = store_->ReadAudit(aud_);
    EXPECT_TRUE(audit);
    size_t n = 0;
    for (const auto& r : *audit) n += r.body.value("action", "") == action;
    return n;
  }

  TempDir dir_;
  int64_t now_ = 1767225600000;
  std::unique_ptr<Store> store_;
  const Actor admin_{"root", ""}, ana_{"ana", ""}, aud_{"aud", ""};
  const Actor bot_ = Actor::System("bot");
};

using testing::BackendNames;
using testing::Backends;
TYPED_TEST_SUITE(BotStoreTest, Backends, BackendNames);

TYPED_TEST(BotStoreTest, Mirror_UpsertsSummaryKeepsLinesOncePseudonymisesPartner) {
  auto& store = *this->store_;
  BotConversation c = this->Conversation("k1", 2000);
  const std::vector<BotLine> first = {{0, 1500, "partner", "hi", ""}, {1, 1600, "agent", "hello po", "greet.1"}};
  ASSERT_TRUE(store.MirrorBotConversation(this->bot_, c, first));
  c.state = "assessment";
  c.level = 3;
  c.last_ms = 5000;
  c.lines = 3;
  // Line 1 again with other text (a replay after a restart) is not overwritten.
  const std::vector<BotLine> second = {{1, 1600, "agent", "changed", "x"}, {2, 4000, "partner", "where are you from", ""}};
  ASSERT_TRUE(store.MirrorBotConversation(this->bot_, c, second));
  ASSERT_TRUE(store.MirrorBotConversation(this->bot_, this->Conversation("k0", 9000), {}));

  auto list = store.ListBotConversations(this->ana_);
  ASSERT_TRUE(list) << list.error().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, "k0");  // most recent first
  const BotConversation& got = (*list)[1];
  EXPECT_EQ(got.state, "assessment");
  EXPECT_EQ(got.level, 3);
  EXPECT_EQ(got.lines, 3);
  EXPECT_EQ(got.partner, store.Pseudonym("irc:127.0.0.1:6667/nick_k1"));
  auto who = store.Reidentify(Actor{"root", ""}, got.partner, "test");  // admin may not
  EXPECT_FALSE(who);

  auto lines = store.ReadBotTranscript(this->ana_, "k1");
  ASSERT_TRUE(lines) << lines.error().ToString();
  ASSERT_EQ(lines->size(), 3u);
  EXPECT_EQ((*lines)[1].text, "hello po");
  EXPECT_EQ((*lines)[1].bank_entry, "greet.1");
  auto newer = store.ReadBotTranscript(this->ana_, "k1", 1);
  ASSERT_TRUE(newer);
  ASSERT_EQ(newer->size(), 1u);
  EXPECT_EQ(newer->front().seq, 2);
  EXPECT_EQ(this->AuditCount("bot_read"), 1u);  // the opening read, not the follow-up poll
  EXPECT_EQ(store.ReadBotTranscript(this->ana_, "nope").error().code, ErrorCode::kNotFound);
}

TYPED_TEST(BotStoreTest, Commands_QueuedByOperatorsCompletedByTheBot_Audited) {
  auto& store = *this->store_;
  ASSERT_TRUE(store.MirrorBotConversation(this->bot_, this->Conversation("k1", 2000), {}));
  auto take = store.AddBotCommand(this->ana_, "k1", "takeover", "");
  ASSERT_TRUE(take) << take.error().ToString();
  auto say = store.AddBotCommand(this->ana_, "k1", "say", "one moment");
  ASSERT_TRUE(say);
  EXPECT_FALSE(store.AddBotCommand(this->ana_, "k1", "say", ""));        // say needs text
  EXPECT_FALSE(store.AddBotCommand(this->ana_, "k1", "handback", "x"));  // only say has text
  EXPECT_FALSE(store.AddBotCommand(this->ana_, "k1", "launch", ""));
  EXPECT_EQ(store.AddBotCommand(this->ana_, "missing", "end", "").error().code, ErrorCode::kNotFound);
  // Auditors watch, they do not take over; the bot's own actor cannot either.
  auto refused = store.AddBotCommand(this->aud_, "k1", "takeover", "");
  ASSERT_FALSE(refused);
  EXPECT_TRUE(IsPermissionDenied(refused.error()));
  EXPECT_FALSE(store.PendingBotCommands(this->ana_));  // only the bot process reads the queue

  auto pending = store.PendingBotCommands(this->bot_);
  ASSERT_TRUE(pending) << pending.error().ToString();
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].id, *take);
  EXPECT_EQ((*pending)[0].operator_id, "ana");
  EXPECT_EQ((*pending)[1].text, "one moment");
  ASSERT_TRUE(store.CompleteBotCommand(this->bot_, *take, "ok"));
  pending = store.PendingBotCommands(this->bot_);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ(pending->front().id, *say);
  auto done = store.GetBotCommand(this->ana_, *take);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->result, "ok");
  EXPECT_EQ(done->done_ms, this->now_);
  EXPECT_EQ(this->AuditCount("bot_takeover"), 1u);
  EXPECT_EQ(this->AuditCount("bot_say"), 1u);
}

TYPED_TEST(BotStoreTest, Counters_AreAbsolutePerDayAndName) {
  auto& store = *this->store_;
  std::vector<BotCounter> counters = {{"2026-01-01", "conversations", 3}, {"2026-01-01", "notices", 1}};
  ASSERT_TRUE(store.SetBotCounters(this->bot_, counters));
  counters[0].value = 5;
  ASSERT_TRUE(store.SetBotCounters(this->bot_, counters));
  EXPECT_FALSE(store.SetBotCounters(this->ana_, counters));
  auto got = store.ListBotCounters(this->ana_);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0].name, "conversations");
  EXPECT_EQ((*got)[0].value, 5);
}

TYPED_TEST(BotStoreTest, MirrorBatch_WritesEveryConversationInOneCall) {
  auto& store = *this->store_;
  std::vector<Store::BotMirror> batch;
  for (int i = 0; i < 3; ++i) {
    batch.push_back({this->Conversation("b" + std::to_string(i), 1000 + i), {{0, 1000, "partner", "hi", ""}}});
  }
  ASSERT_TRUE(store.MirrorBotConversations(this->bot_, batch));
  auto list = store.ListBotConversations(this->ana_);
  ASSERT_TRUE(list);
  EXPECT_EQ(list->size(), 3u);
  EXPECT_EQ(store.ReadBotTranscript(this->ana_, "b2")->size(), 1u);
  // A bad entry refuses the whole batch: nothing of it is written.
  batch[1].conversation.id = "";
  batch[0].conversation.id = "c0";
  EXPECT_FALSE(store.MirrorBotConversations(this->bot_, batch));
  EXPECT_EQ(store.ListBotConversations(this->ana_)->size(), 3u);
  EXPECT_FALSE(store.MirrorBotConversations(this->ana_, batch));  // only the bot process
}

// SAFETY.md 3: no content of conversations that were not flagged. The engine ledgers each
// line's digest (bot/engine.cc), the text lives in bot_lines; retention erases the text of
// conversations without intent and appends a deletion record to their stream.
TYPED_TEST(BotStoreTest, Retention_ErasesConversationsWithoutIntent_KeepsThoseWithIntent) {
  auto& store = *this->store_;
  constexpr int64_t kHour = 3600000;
  auto signer = evidence::Signer::LoadOrCreate(this->dir_.path() + "/signing.key");
  ASSERT_TRUE(signer) << signer.error().ToString();
  evidence::Ledger ledger(store.ledger_storage(), *signer);
  auto run = [&](BotConversation c, const std::vector<BotLine>& lines) {
    ASSERT_TRUE(ledger.Append("bot/" + c.id, "opened", "", {{"conversation", c.id}}));
    for (const BotLine& l : lines) {
      ASSERT_TRUE(ledger.Append("bot/" + c.id, "message", "",
                                {{"conversation", c.id},
                                 {"seq", l.seq},
                                 {"speaker", l.speaker},
                                 {"sha256", evidence::Sha256Hex(l.text)},
                                 {"bytes", l.text.size()}}));
    }
    c.lines = static_cast<int64_t>(lines.size());
    ASSERT_TRUE(store.MirrorBotConversation(this->bot_, c, lines));
  };
  BotConversation chat = this->Conversation("chat", this->now_);
  chat.state = "closed";
  chat.level = 1;  // an age question alone is no intent
  run(chat, {{0, this->now_, "partner", "how is school today", ""},
             {1, this->now_, "agent", "ok lang po", "smalltalk.1"}});
  ASSERT_TRUE(store.AddBotCommand(this->ana_, "chat", "say", "brb po"));
  BotConversation sol = this->Conversation("sol", this->now_);
  sol.state = "closed";
  sol.level = 4;
  run(sol, {{0, this->now_, "partner", "i send gcash for a private show", ""}});
  BotConversation later = this->Conversation("later", this->now_ + 2 * kHour);
  run(later, {{0, this->now_ + 2 * kHour, "partner", "hello there", ""}});

  auto early = store.RunRetention(this->admin_, this->now_ + 23 * kHour);
  ASSERT_TRUE(early) << early.error().ToString();
  EXPECT_EQ(early->bot_conversations_erased, 0u);
  auto due = store.RunRetention(Actor::System("retention"), this->now_ + 25 * kHour);
  ASSERT_TRUE(due) << due.error().ToString();
  EXPECT_EQ(due->bot_conversations_erased, 1u);
  EXPECT_EQ(due->bot_lines_erased, 2u);
  EXPECT_EQ(store.RunRetention(this->admin_, this->now_ + 25 * kHour)->bot_conversations_erased, 0u);

  // The benign conversation's text is gone from its tables; the others keep theirs.
  EXPECT_TRUE(store.ReadBotTranscript(this->ana_, "chat")->empty());
  EXPECT_EQ(store.GetBotCommand(this->ana_, 1)->text, "");
  EXPECT_EQ(store.ReadBotTranscript(this->ana_, "sol")->front().text,
            "i send gcash for a private show");
  EXPECT_EQ(store.ReadBotTranscript(this->ana_, "later")->size(), 1u);
  auto convs = store.ListBotConversations(this->ana_);
  ASSERT_TRUE(convs);
  for (const BotConversation& c : *convs) {
    EXPECT_EQ(c.erased_ms != 0, c.id == "chat") << c.id;
  }
  // No ledger payload anywhere holds it; its stream ends with a deletion record without
  // content, and every stream still verifies.
  auto streams = store.ledger_storage().Streams();
  ASSERT_TRUE(streams);
  for (const auto& name : *streams) {
    auto records = store.ledger_storage().Read(name);
    ASSERT_TRUE(records);
    for (const auto& r : *records) {
      EXPECT_EQ(r.body.dump().find("school"), std::string::npos) << name << " " << r.seq;
      EXPECT_EQ(r.body.dump().find("brb po"), std::string::npos) << name << " " << r.seq;
    }
  }
  auto chain = store.ledger_storage().Read("bot/chat");
  ASSERT_EQ(chain->size(), 4u);
  EXPECT_EQ(chain->back().kind, "deletion");
  EXPECT_EQ(chain->back().body["lines"], 2);
  EXPECT_EQ(chain->back().body["user"], "system:retention");
  EXPECT_EQ(store.ledger_storage().Read("bot/sol")->back().kind, "message");
  auto verified = store.VerifyLedger(this->aud_);
  ASSERT_TRUE(verified) << verified.error().ToString();
  EXPECT_TRUE(verified->ok) << verified->problem.what;
  EXPECT_EQ(this->AuditCount("delete_content"), 1u);

  // A conversation with intent is kept as long as its case's content: its lead names it.
  auto lead = ParseLead(R"({"account":"irc|sol","role":"demand","score":0.8,"flagged":true,)"
                        R"("evidence":{"source":"bot","conversations":["sol"]}})",
                        "bot-leads:1");
  ASSERT_TRUE(lead) << lead.error().ToString();
  ASSERT_TRUE(store.Ingest(this->bot_, std::vector<Lead>{*lead}));
  constexpr int64_t kDay = 24 * kHour;
  auto within = store.RunRetention(this->admin_, this->now_ + 89 * kDay);
  ASSERT_TRUE(within);
  EXPECT_EQ(within->bot_conversations_erased, 1u);  // "later", without intent
  EXPECT_EQ(store.ReadBotTranscript(this->ana_, "sol")->size(), 1u);
  auto after = store.RunRetention(this->admin_, this->now_ + 91 * kDay);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->bot_conversations_erased, 1u);
  EXPECT_TRUE(store.ReadBotTranscript(this->ana_, "sol")->empty());
  EXPECT_EQ(store.ledger_storage().Read("bot/sol")->back().body["reason"],
            "retention period ended (new case)");
}

// Details the agent extracted are identifiers: the case store keeps them as pseudonyms (clear
// values only in the encrypted identity table), with kind, offsets and a masked form.
TYPED_TEST(BotStoreTest, LeadDetails_ArePseudonymised_ReidentifiedBySupervisorOnly) {
  auto& store = *this->store_;
  ASSERT_TRUE(store.CreateUser(this->admin_, "sup", Role::kSupervisor, "password-sup"));
  const std::string line =
      R"({"account":"irc:h:6667|dan!d@h","role":"demand","score":0.8,"flagged":true,)"
      R"("evidence":{"source":"bot","profile":"P-000001","conversations":["B-000001"],)"
      R"("details":[{"kind":"email","value":"dan.k@example.com","message":9,"span":[12,29]},)"
      R"({"kind":"phone","value":"+447700900123","country":"GB","message":11,"span":[0,13]},)"
      R"({"kind":"name","value":"Dan","message":7,"span":[11,14]},)"
      R"({"kind":"location","value":"Leeds","message":8,"span":[10,15]}]}})";
  auto lead = ParseLead(line, "bot-leads:1");
  ASSERT_TRUE(lead) << lead.error().ToString();
  ASSERT_TRUE(store.Ingest(this->bot_, std::vector<Lead>{*lead}));
  auto page = store.ListCases(this->ana_, {});
  ASSERT_TRUE(page);
  ASSERT_EQ(page->cases.size(), 1u);
  auto detail = store.GetCase(this->ana_, page->cases[0].id);
  ASSERT_TRUE(detail) << detail.error().ToString();
  const std::string shown = DetailToJson(*detail).dump() + SummaryToJson(page->cases[0]).dump();
  for (const char* clear : {"dan.k@example.com", "447700900123", "Dan\"", "dan!d@h"}) {
    EXPECT_EQ(shown.find(clear), std::string::npos) << clear;
  }
  const auto& details = detail->leads.at(0).body["evidence"]["details"];
  ASSERT_EQ(details.size(), 4u);
  EXPECT_EQ(details[0]["kind"], "email");
  EXPECT_EQ(details[0]["masked"], "d***@e***.com");
  EXPECT_EQ(details[0]["span"], nlohmann::json({12, 29}));
  EXPECT_EQ(details[0]["value"], store.Pseudonym("dan.k@example.com"));
  EXPECT_EQ(details[1]["masked"], "+***23");
  EXPECT_EQ(details[3]["value"], "Leeds");  // a place identifies nobody alone
  // The ledger's lead record is the stored (pseudonymised) body, as for every other lead.
  bool ledgered = false;
  for (const auto& r : detail->timeline) {
    if (r.kind != "lead") continue;
    ledgered = true;
    EXPECT_EQ(r.body.dump().find("dan.k@example.com"), std::string::npos);
  }
  EXPECT_TRUE(ledgered);
  // Re-identification: a supervisor with a reason, audited; an analyst is refused.
  const std::string p = details[0]["value"];
  EXPECT_FALSE(store.Reidentify(this->ana_, p, "curious"));
  auto clear = store.Reidentify(Actor{"sup", ""}, p, "referral to NCA");
  ASSERT_TRUE(clear) << clear.error().ToString();
  EXPECT_EQ(*clear, "dan.k@example.com");
  const std::string phone = details[1]["value"];
  EXPECT_EQ(*store.Reidentify(Actor{"sup", ""}, phone, "referral"), "+447700900123");
  size_t granted = 0;
  auto audit = store.ReadAudit(this->aud_);
  ASSERT_TRUE(audit);
  for (const auto& r : *audit) {
    granted += r.body.value("action", "") == "reidentify" && r.body.value("outcome", "") == "ok";
  }
  EXPECT_EQ(granted, 2u);
}

// Accounts the agent found to be one person (a shared email across nicknames or sessions)
// become a case link with the reason, as a hub and its customers do.
TYPED_TEST(BotStoreTest, SamePersonAccounts_LinkTheirCasesWithTheReason) {
  auto& store = *this->store_;
  auto parse = [](const std::string& line) {
    auto l = ParseLead(line, "bot-leads:1");
    EXPECT_TRUE(l) << l.error().ToString();
    return std::vector<Lead>{*l};
  };
  // An earlier run: the nick "b" alone.
  ASSERT_TRUE(store.Ingest(this->bot_, parse(R"({"account":"irc|b","role":"demand","score":0.6,)"
                                             R"("evidence":{"source":"bot"}})")));
  // Now "a" discloses b's email: one profile, two accounts.
  const std::string reason = "same person (agent profile P-000001): shared email";
  auto counts = store.Ingest(
      this->bot_, parse(R"({"account":"irc|a","role":"demand","score":0.8,"evidence":)"
                        R"({"source":"bot","same_person":[{"account":"irc|b","reason":")" +
                        reason + R"("}]}})"));
  ASSERT_TRUE(counts) << counts.error().ToString();
  EXPECT_EQ(counts->ingested, 1u);  // linked, not merged
  EXPECT_EQ(counts->linked, 1u);
  CaseFilter by_id;
  by_id.sort = SortBy::kId;
  by_id.descending = false;
  auto page = store.ListCases(this->ana_, by_id);
  ASSERT_EQ(page->cases.size(), 2u);
  auto second = store.GetCase(this->ana_, page->cases[1].id);
  ASSERT_TRUE(second);
  ASSERT_EQ(second->links.size(), 1u);
  EXPECT_EQ(second->links[0].first, page->cases[0].id);
  EXPECT_EQ(second->links[0].second, reason);
  // The other account appears only as its pseudonym.
  EXPECT_EQ(DetailToJson(*second).dump().find("irc|b"), std::string::npos);
}

// The bot process numbers a new run's conversations after the mirrored ones, and puts
// pseudonyms into its ledger records that a supervisor can re-identify (SAFETY.md 3).
TYPED_TEST(BotStoreTest, BotIdsAndRememberedPseudonyms) {
  auto& store = *this->store_;
  ASSERT_TRUE(store.MirrorBotConversation(this->bot_, this->Conversation("B-000007", 2000), {}));
  ASSERT_TRUE(store.MirrorBotConversation(this->bot_, this->Conversation("B-000002", 3000), {}));
  auto ids = store.BotConversationIds(this->bot_);
  ASSERT_TRUE(ids) << ids.error().ToString();
  EXPECT_EQ(std::set<std::string>(ids->begin(), ids->end()),
            (std::set<std::string>{"B-000002", "B-000007"}));
  EXPECT_FALSE(store.BotConversationIds(this->ana_));  // not an analyst's business

  auto p = store.RememberPseudonym(this->bot_, "irc:net/nick_x");
  ASSERT_TRUE(p) << p.error().ToString();
  EXPECT_EQ(*p, store.Pseudonym("irc:net/nick_x"));
  EXPECT_EQ(*store.RememberPseudonym(this->bot_, "irc:net/nick_x"), *p);  // idempotent
  EXPECT_FALSE(store.RememberPseudonym(this->ana_, "irc:net/nick_y"));
  EXPECT_FALSE(store.RememberPseudonym(this->bot_, ""));
  ASSERT_TRUE(store.CreateUser(this->admin_, "sup", Role::kSupervisor, "password-sup"));
  auto who = store.Reidentify(Actor{"sup", ""}, *p, "test");
  ASSERT_TRUE(who) << who.error().ToString();
  EXPECT_EQ(*who, "irc:net/nick_x");
}

}  // namespace
}  // namespace bantay::cases
