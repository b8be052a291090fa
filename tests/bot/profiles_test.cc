// tests/bot/profiles_test.cc: one profile per person: merged on a shared identifier across
// accounts; similar phrasing is only a weak link, and only between partners who showed intent.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bot/profiles.h"

namespace bantay::bot {
namespace {

Detail Email(const std::string& v) {
  Detail d;
  d.kind = "email";
  d.value = v;
  d.end = 1;
  return d;
}

TEST(Profiles, SharedIdentifierMergesAccounts) {
  ProfileBook book;
  EngineOptions o;
  auto a = book.Open("irc|a!u@h1", "a", "B-1", o);
  auto b = book.Open("irc|b!u@h2", "b", "B-2", o);
  ASSERT_NE(a.profile_id, b.profile_id);
  book.AddLine(b.profile_id, "mail me", {Email("x@example.com")});
  EXPECT_EQ(book.All(0.6).size(), 2u);
  book.AddLine(a.profile_id, "my mail", {Email("x@example.com")});
  auto all = book.All(0.6);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].id, a.profile_id);  // the older id survives
  EXPECT_EQ(all[0].accounts.size(), 2u);
  EXPECT_EQ(all[0].conversations, (std::vector<std::string>{"B-1", "B-2"}));
  // The other account is the same person for a stated reason, carried into the lead, where
  // ingest turns it into a case link (tests/cases/bot_store_test.cc).
  using Link = std::pair<std::string, std::string>;
  EXPECT_EQ(all[0].same_person, (std::vector<Link>{{"irc|b!u@h2", "shared email"}}));
  auto lead = nlohmann::json::parse(AccountLeadJson(all[0], 0, 0));
  EXPECT_EQ(lead["account"], "irc|a!u@h1");
  ASSERT_EQ(lead["evidence"]["same_person"].size(), 1u);
  EXPECT_EQ(lead["evidence"]["same_person"][0]["account"], "irc|b!u@h2");
  EXPECT_EQ(lead["evidence"]["same_person"][0]["reason"],
            "same person (agent profile " + all[0].id + "): shared email");
  // The merged profile is found from either id; a notice to one counts for the person.
  book.Noticed(b.profile_id);
  auto again = book.Open("irc|a!u@h1", "a", "B-3", o);
  EXPECT_TRUE(again.returned_after_notice);
  EXPECT_TRUE(book.Get(b.profile_id, 0.6)->repeat_offender);
}

TEST(Profiles, SimilarPhrasingIsAWeakLinkBetweenOffendersOnly) {
  ProfileBook book;
  EngineOptions o;
  const std::string style = "heyy sweetie wat r u doin now hmm tell me more bout u ok ok";
  auto a = book.Open("irc|a", "a", "B-1", o);
  auto b = book.Open("irc|b", "b", "B-2", o);
  auto c = book.Open("irc|c", "c", "B-3", o);
  for (int i = 0; i < 3; ++i) {
    book.AddLine(a.profile_id, style, {});
    book.AddLine(b.profile_id, style + " ok", {});
    book.AddLine(c.profile_id, "Good afternoon. Could you please describe the weather there?", {});
  }
  EXPECT_TRUE(book.All(0.6)[0].similar.empty());  // no intent shown yet
  for (const auto& p : {a, b, c}) book.Level(p.profile_id, kIntentShownLevel);
  auto all = book.All(0.6);
  ASSERT_EQ(all.size(), 3u);
  ASSERT_EQ(all[0].similar.size(), 1u);
  EXPECT_EQ(all[0].similar[0].first, b.profile_id);
  EXPECT_GT(all[0].similar[0].second, 0.9);
  EXPECT_TRUE(all[2].similar.empty());
}

}  // namespace
}  // namespace bantay::bot
