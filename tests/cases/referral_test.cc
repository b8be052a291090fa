// tests/cases/referral_test.cc: the referral report built from stored leads that do not have
// the shape ingest gives them (a malformed or hand-edited store): fields of the wrong type
// show as missing and invalid UTF-8 is replaced; the report is built, nothing throws.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cases/cases.h"
#include "cases/store_internal.h"

namespace bantay::cases {
namespace {

CaseDetail MalformedTextCase() {
  CaseDetail d;
  d.summary.id = "C-000001";
  d.summary.kind = "text";
  d.summary.score = 0.9;
  d.summary.subjects = {"p_0123"};
  LeadRecord wrong_types;
  wrong_types.content_hash = std::string(64, 'a');
  wrong_types.kind = "text";
  wrong_types.body = {
      {"conversation", 42},
      {"score", "high"},
      {"evidence", nlohmann::json::array({{{"category", 7}, {"term", {"x"}},
                                           {"text", "i send western union"}},
                                          {{"text", 3}},
                                          "not an object"})}};
  LeadRecord bad_utf8;
  bad_utf8.content_hash = std::string(64, 'b');
  bad_utf8.kind = "text";
  bad_utf8.body = {{"conversation", std::string("caf\xe9 room")},
                   {"evidence", nlohmann::json::array({{{"category", "payment"},
                                                        {"term", "gcash"},
                                                        {"text", std::string("send gcash \xff")}}})}};
  LeadRecord not_object;
  not_object.content_hash = std::string(64, 'c');
  not_object.kind = "text";
  not_object.body = nlohmann::json::array({1, 2});
  d.leads = {wrong_types, bad_utf8, not_object};
  return d;
}

TEST(Referral, MalformedStoredLeads_ShowFieldsAsMissing_NeverThrow) {
  const std::vector<Agency> table = {{"*", "Interpol", "NCB", "", "example"}};
  Result<ReferralReport> r = Fail(ErrorCode::kInternal, "not built");
  ASSERT_NO_THROW(r = MakeReferral(MalformedTextCase(), table, "sup", "2026-01-01T00:00:00Z"));
  ASSERT_TRUE(r) << r.error().ToString();
  const auto j = nlohmann::json::parse(r->json);
  const auto& chats = j["internetDetails"]["chatImIncident"];
  ASSERT_EQ(chats.size(), 2u);
  // Wrong types: the room and the term's labels are missing, the quoted text is kept.
  EXPECT_EQ(chats[0]["chatRoomName"], "");
  EXPECT_EQ(chats[0]["content"], "[: ] i send western union\n");
  // Invalid UTF-8 is replaced by U+FFFD in the JSON report.
  EXPECT_EQ(chats[1]["chatRoomName"], "caf\xef\xbf\xbd room");
  EXPECT_NE(chats[1]["content"].get<std::string>().find("send gcash \xef\xbf\xbd"),
            std::string::npos);
  // Every lead is still listed as evidence, the malformed ones too.
  EXPECT_EQ(j["additionalInfo"]["evidence"].size(), 3u);
  EXPECT_NE(r->xml.find("i send western union"), std::string::npos);
  // The XML and HTML carry the replacement too: no invalid byte reaches them.
  for (const std::string* doc : {&r->xml, &r->html}) {
    EXPECT_EQ(doc->find('\xe9'), std::string::npos);
    EXPECT_EQ(doc->find('\xff'), std::string::npos);
    EXPECT_NE(doc->find("caf\xef\xbf\xbd room"), std::string::npos);
  }
}

}  // namespace
}  // namespace bantay::cases
