// tests/cases/lead_test.cc: lead lines of every kind, bad lines with file:line:field errors,
// and the referral routing table.
#include <gtest/gtest.h>

#include "cases/cases.h"
#include "core/core.h"

namespace bantay::cases {
namespace {

TEST(ParseLead, ScanOutput_RequesterIsSubjectOthersAreRelated) {
  auto l = ParseLead(
      R"({"conversation":"c1","score":0.97,"flagged":true,"signals":{"payment":1},"evidence":[],)"
      R"("participants":[{"author":"kid","role":"other"},{"author":"buyer","role":"requester"}]})",
      "in.jsonl:3");
  ASSERT_TRUE(l) << l.error().ToString();
  EXPECT_EQ(l->kind, LeadKind::kConversation);
  EXPECT_EQ(l->primary, "buyer");
  EXPECT_EQ(l->subjects, std::vector<std::string>{"buyer"});
  ASSERT_EQ(l->related.size(), 1u);
  EXPECT_EQ(l->related[0].first, "kid");
  EXPECT_EQ(l->conversation, "conversation:c1");
  EXPECT_DOUBLE_EQ(l->score, 0.97);
  EXPECT_EQ(l->content_hash.size(), 64u);
}

TEST(ParseLead, AccountLead_LinkedAccountsAndWindowEnd) {
  auto l = ParseLead(
      R"({"account":"a1","role":"supply","score":0.91,"flagged":true,"window":{"start":"2026-03-01T00:00:00Z","end":"2026-03-08T00:00:00Z"},)"
      R"("evidence":{"distinct_foreign":7,"countries":["US","GB"],"linked":["a2","a3"]},"reasons":[]})",
      "leads:1");
  ASSERT_TRUE(l) << l.error().ToString();
  EXPECT_EQ(l->kind, LeadKind::kAccount);
  EXPECT_EQ(l->primary, "a1");
  EXPECT_EQ(l->source_time, "2026-03-08T00:00:00Z");
  ASSERT_EQ(l->related.size(), 2u);
  EXPECT_EQ(l->related[1].first, "a3");
}

TEST(ParseLead, AgentLead_SamePersonAccountsAreRelatedWithTheirReason) {
  auto l = ParseLead(
      R"({"account":"irc|a","role":"demand","score":0.8,"evidence":{"source":"bot",)"
      R"("same_person":[{"account":"irc|b","reason":"same person (agent profile P-000001): shared email"}]}})",
      "leads:1");
  ASSERT_TRUE(l) << l.error().ToString();
  ASSERT_EQ(l->related.size(), 1u);
  EXPECT_EQ(l->related[0].first, "irc|b");
  EXPECT_EQ(l->related[0].second, "same person (agent profile P-000001): shared email");
}

TEST(ParseLead, MediaMatch_KeyedBySha256_AccountOptional) {
  const std::string sha(64, 'a');
  auto l = ParseLead(R"({"kind":"media_match","file":"f.jpg","sha256":")" + sha +
                         R"(","pdq":"00","matches":[{"list":"l","label":"x","source":"s","distance":3}],)"
                         R"("score":0.9,"flagged":true,"account":"u7"})",
                     "m:1");
  ASSERT_TRUE(l) << l.error().ToString();
  EXPECT_EQ(l->kind, LeadKind::kMedia);
  EXPECT_EQ(l->conversation, "media:" + sha);
  EXPECT_EQ(l->primary, "u7");
}

TEST(ParseLead, SameContentSameHash_KeyOrderIgnored) {
  auto a = ParseLead(R"({"account":"a1","role":"demand","score":0.5})", "x:1");
  auto b = ParseLead(R"({ "score":0.5, "role":"demand", "account":"a1" })", "x:2");
  auto c = ParseLead(R"({"account":"a1","role":"demand","score":0.6})", "x:3");
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->content_hash, b->content_hash);
  EXPECT_NE(a->content_hash, c->content_hash);
}

TEST(ParseLead, BadLines_NameFileLineAndField) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{not json", "f:9"},
      {"[1,2]", "f:9"},
      {R"({"foo":1})", "f:9"},
      {R"({"conversation":"c","score":"high"})", "f:9:score"},
      {R"({"conversation":"c","score":1.5})", "f:9:score"},
      {R"({"conversation":"","score":0.5})", "f:9:conversation"},
      {R"({"conversation":"c","score":0.5,"participants":[{"author":"a","role":"boss"}]})",
       "f:9:participants[0].role"},
      {R"({"conversation":"c","score":0.5,"participants":[{"role":"other"}]})",
       "f:9:participants[0].author"},
      {R"({"account":"a","role":"pimp","score":0.5})", "f:9:role"},
      {R"({"account":"a","role":"supply","score":0.5,"window":{"end":"yesterday"}})",
       "f:9:window.end"},
      {R"({"account":"a","role":"supply","score":0.5,"evidence":{"linked":[1]}})",
       "f:9:evidence.linked[0]"},
      {R"({"account":"a","role":"demand","score":0.5,"evidence":{"same_person":{}}})",
       "f:9:evidence.same_person"},
      {R"({"account":"a","role":"demand","score":0.5,"evidence":{"same_person":[{"reason":"r"}]}})",
       "f:9:evidence.same_person[0].account"},
      {R"({"account":"a","role":"demand","score":0.5,"evidence":{"same_person":[{"account":"b"}]}})",
       "f:9:evidence.same_person[0].reason"},
      {R"({"kind":"media_match","file":"f","sha256":"xyz","matches":[],"score":0.5})",
       "f:9:sha256"},
      {R"({"kind":"other","score":0.5})", "f:9:kind"},
      {R"({"account":"a","role":"supply","score":0.5,"country":"Philippines"})", "f:9:country"},
      {R"({"account":"a\u0000b","role":"supply","score":0.5})", "f:9:account"},
      {R"({"account":"a","role":"supply","score":0.5,"note":"x\u0000"})", "f:9"},
      {R"({"account":"a","role":"supply","score":0.5,"evidence":{"calls":[1,1e999]}})",
       "f:9"},
  };
  for (const auto& [line, where] : cases) {
    auto l = ParseLead(line, "f:9");
    ASSERT_FALSE(l) << line;
    EXPECT_EQ(l.error().where, where) << line << " -> " << l.error().ToString();
    EXPECT_EQ(l.error().code, ErrorCode::kParse);
  }
}

TEST(Agencies, ParsesTableAndRoutesByCountryWithFallback) {
  const std::string csv =
      "# comment\ncountry,agency,channel,contact,source\n"
      "PH,PNP-WCPC,referral,\"x, y\",src\nPH,NBI,referral,,src\n*,Interpol,NCB,,src\n";
  auto t = ParseAgencies(csv, "agencies.csv");
  ASSERT_TRUE(t) << t.error().ToString();
  ASSERT_EQ(t->size(), 3u);
  EXPECT_EQ((*t)[0].contact, "x, y");
  EXPECT_EQ(RouteAgencies(*t, "PH").size(), 2u);
  ASSERT_EQ(RouteAgencies(*t, "FR").size(), 1u);
  EXPECT_EQ(RouteAgencies(*t, "").at(0).agency, "Interpol");
  auto bad = ParseAgencies("country,agency,channel,contact,source\nPHL,X,c,c,s\n", "a.csv");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().where, "a.csv:2:country");
}

TEST(Agencies, ShippedTableParsesAndCoversTheNamedCountries) {
  auto content = ReadFile(std::string(BANTAY_SOURCE_DIR) + "/data/referral/agencies.csv");
  ASSERT_TRUE(content) << content.error().ToString();
  auto t = ParseAgencies(*content, "agencies.csv");
  ASSERT_TRUE(t) << t.error().ToString();
  for (const char* c : {"PH", "US", "GB", "AU"}) {
    EXPECT_NE(RouteAgencies(*t, c).at(0).country, "*") << c;
  }
  EXPECT_EQ(RouteAgencies(*t, "NO").at(0).country, "*");
}

TEST(Workflow, TransitionTable) {
  using S = CaseStatus;
  EXPECT_TRUE(TransitionAllowed(S::kNew, S::kTriage));
  EXPECT_FALSE(TransitionAllowed(S::kNew, S::kReferred));
  EXPECT_FALSE(TransitionAllowed(S::kNew, S::kDismissed));
  EXPECT_TRUE(TransitionAllowed(S::kReview, S::kReferred));
  EXPECT_FALSE(TransitionAllowed(S::kReferred, S::kDismissed));
  EXPECT_FALSE(TransitionAllowed(S::kDismissed, S::kNew));
}

TEST(Permissions, DenyByDefault_EveryActionHasAnEntry) {
  for (int a = 0; a <= static_cast<int>(Action::kRunRetention); ++a) {
    bool found = false;
    for (const auto& [action, roles] : PermissionTable()) found |= action == static_cast<Action>(a);
    EXPECT_TRUE(found) << ActionName(static_cast<Action>(a));
  }
  EXPECT_FALSE(Allowed(Role::kAdmin, Action::kReadCase));
  EXPECT_FALSE(Allowed(Role::kAnalyst, Action::kReidentify));
  EXPECT_TRUE(Allowed(Role::kAuditor, Action::kReadAudit));
}

}  // namespace
}  // namespace bantay::cases
