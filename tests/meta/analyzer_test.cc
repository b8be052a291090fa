// Tests for meta::Analyzer: hubs and customers are flagged, each confounder is not.
// Records are built in code: a small month of calls around a few named accounts.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "meta/meta.h"
#include "make_call.h"

namespace bantay::meta {
namespace {

constexpr int64_t kDay = 86400000;
constexpr int64_t kHour = 3600000;
constexpr int64_t kStart = 1772323200000;  // 2026-03-01T00:00:00Z, a Sunday

class Calls {
 public:
  void Add(const std::string& caller, const std::string& caller_cc, const std::string& callee,
           const std::string& callee_cc, int64_t start, uint32_t minutes,
           Media media = Media::kVideo, const std::string& caller_ip = {},
           const std::string& caller_region = {}, const std::string& callee_region = {}) {
    records_.push_back(MakeCall("k" + std::to_string(records_.size()), caller, caller_cc, callee,
                                callee_cc, start, minutes, media, caller_ip, caller_region,
                                callee_region));
  }
  std::map<std::string, AccountLead> Run(bool all = true, int threads = 2) {
    static const CountryTable countries = *CountryTable::Default();
    MetaOptions o;
    o.keep_unflagged = all;
    o.known_accounts = known_;
    auto a = Analyzer::Create(&countries, nullptr, *MetaWeights::Default(), o);
    EXPECT_TRUE(a) << a.error().ToString();
    for (const auto& r : records_) (*a)->Add(r);
    std::map<std::string, AccountLead> out;
    for (auto& lead : (*a)->Finish(threads))
      out[lead.account + "/" + std::string(RoleName(lead.role))] = lead;
    stats_ = (*a)->stats();
    return out;
  }
  std::vector<CallRecord> records_;
  std::vector<std::string> known_;  // MetaOptions::known_accounts
  MetaStats stats_;
};

const char* kRich[] = {"US", "GB", "AU", "DE", "CA", "SE", "NO", "NL"};

// A hub: from day 10, each day two or three new high-income foreigners, 20-minute video
// calls at night in Cebu, some coming back.
void AddHub(Calls& c, const std::string& hub, const std::string& prefix, int customers,
            const std::string& ip = {}) {
  for (int k = 0; k < customers; ++k) {
    const int64_t day = 10 + k / 3;
    const std::string customer = prefix + std::to_string(k);
    c.Add(customer, kRich[k % 8], hub, "PH", kStart + day * kDay + (14 + k % 5) * kHour, 20);
    if (k % 4 == 0) c.Add(customer, kRich[k % 8], hub, "PH", kStart + (day + 2) * kDay + 15 * kHour, 25);
  }
  if (!ip.empty()) c.Add(hub, "PH", "local" + hub, "PH", kStart + 5 * kDay, 3, Media::kAudio, ip);
}

// A call that starts the input a window before the hubs, and three hubs with 12, 9 and 9
// customers.
void AddThreeHubs(Calls& c) {
  c.Add("a", "US", "b", "US", kStart, 5);
  AddHub(c, "hub1", "cust", 12);
  AddHub(c, "hub2", "other", 9);
  AddHub(c, "hub3", "third", 9);
}

// A customer of all three hubs, one 15-minute video call each on days 13-15.
void AddCustomerOfThreeHubs(Calls& c, const std::string& customer, const std::string& country) {
  for (int h = 1; h <= 3; ++h) {
    c.Add(customer, country, "hub" + std::to_string(h), "PH", kStart + (12 + h) * kDay + 20 * kHour,
          15);
  }
}

TEST(Analyzer, FlagsHubAndRepeatCustomer) {
  Calls c;
  AddThreeHubs(c);
  AddCustomerOfThreeHubs(c, "buyer", "GB");
  auto leads = c.Run();
  ASSERT_TRUE(leads.count("hub1/supply"));
  EXPECT_TRUE(leads["hub1/supply"].flagged) << leads["hub1/supply"].score;
  EXPECT_GE(leads["hub1/supply"].distinct_foreign, 5u);
  EXPECT_FALSE(leads["hub1/supply"].reasons.empty());
  ASSERT_TRUE(leads.count("buyer/demand"));
  EXPECT_TRUE(leads["buyer/demand"].flagged) << leads["buyer/demand"].score;
  EXPECT_GE(leads["buyer/demand"].flagged_counterparts, 2u);
}

// Accounts the platform lists as businesses are scored on neither side and count as no
// one's counterpart: listed hubs are no leads and their customers lose them; a Philippine
// account whose foreign contacts are all listed (a desk serving listed clients) is none.
TEST(Analyzer, ListedBusinessAccountsAreNeverScoredNorCounted) {
  Calls c;
  AddThreeHubs(c);
  AddCustomerOfThreeHubs(c, "buyer", "GB");
  AddHub(c, "desk", "client", 12);
  const auto flagged = [](std::map<std::string, AccountLead>& leads, const std::string& key) {
    return leads.count(key) > 0 && leads[key].flagged;
  };
  auto plain = c.Run();
  ASSERT_TRUE(flagged(plain, "hub1/supply"));
  ASSERT_TRUE(flagged(plain, "buyer/demand"));
  ASSERT_TRUE(flagged(plain, "desk/supply"));
  c.known_ = {"hub1", "hub2", "hub3"};
  for (int k = 0; k < 12; ++k) c.known_.push_back("client" + std::to_string(k));
  auto listed = c.Run();
  for (const char* hub : {"hub1", "hub2", "hub3"}) {
    EXPECT_EQ(listed.count(std::string(hub) + "/supply"), 0u) << hub;
    EXPECT_EQ(listed.count(std::string(hub) + "/demand"), 0u) << hub;
  }
  EXPECT_FALSE(flagged(listed, "buyer/demand"));
  EXPECT_FALSE(flagged(listed, "cust0/demand"));
  EXPECT_FALSE(flagged(listed, "desk/supply"));
  EXPECT_EQ(listed.count("client0/demand"), 0u);
  // Listing others changes nothing for a hub that is not listed.
  c.known_ = {"hub2", "nobody"};
  auto other = c.Run();
  ASSERT_TRUE(flagged(other, "hub1/supply"));
  EXPECT_EQ(other["hub1/supply"].score, plain["hub1/supply"].score);
}

// A loyal customer keeps video-calling one hub: too few counterparts for a pattern of his own,
// but the one he has is flagged, so "too few counterparts" does not count against him. The
// same calls with an unflagged Philippine account keep it, and are no lead.
TEST(Analyzer, TooFewCounterpartsDoesNotExcuseTheCustomerOfAFlaggedHub) {
  Calls c;
  c.Add("a", "US", "b", "US", kStart, 5);
  AddHub(c, "hub1", "cust", 12);
  c.Add("quiet", "PH", "b", "US", kStart + kDay, 5);  // a Philippine account, no hub
  for (int day : {11, 13}) {  // two long video calls, no weekly schedule
    c.Add("loyal", "DE", "hub1", "PH", kStart + day * kDay + 13 * kHour, 70);
    c.Add("friend", "DE", "quiet", "PH", kStart + day * kDay + 13 * kHour, 70);
  }
  auto leads = c.Run();
  auto has_too_few = [](const AccountLead& lead) {
    for (const auto& r : lead.reasons) {
      if (r.rfind("too few counterparts", 0) == 0) return true;
    }
    return false;
  };
  ASSERT_TRUE(leads["hub1/supply"].flagged);
  ASSERT_TRUE(leads.count("loyal/demand"));
  EXPECT_TRUE(leads["loyal/demand"].flagged) << leads["loyal/demand"].score;
  EXPECT_EQ(leads["loyal/demand"].distinct_foreign, 1u);
  EXPECT_FALSE(has_too_few(leads["loyal/demand"]))
      << ::testing::PrintToString(leads["loyal/demand"].reasons);
  ASSERT_TRUE(leads.count("friend/demand"));
  EXPECT_FALSE(leads["friend/demand"].flagged) << leads["friend/demand"].score;
  EXPECT_TRUE(has_too_few(leads["friend/demand"]))
      << ::testing::PrintToString(leads["friend/demand"].reasons);
}

TEST(Analyzer, DoesNotFlagTutorWithWeeklyStudents) {
  Calls c;
  // Eight students, each twice a week at the same hour, 25-minute video lessons, 4 weeks.
  for (int s = 0; s < 8; ++s) {
    for (int week = 0; week < 4; ++week) {
      for (int slot : {1, 3}) {
        c.Add("tutor", "PH", "student" + std::to_string(s), s % 2 ? "JP" : "KR",
              kStart + (week * 7 + slot + s % 2) * kDay + (10 + s) * kHour, 25);
      }
    }
  }
  auto leads = c.Run();
  ASSERT_TRUE(leads.count("tutor/supply"));
  EXPECT_FALSE(leads["tutor/supply"].flagged) << leads["tutor/supply"].score;
  EXPECT_GT(leads["tutor/supply"].weekly_repeat, 0.5);
}

// On-demand lessons: a tutor's sixteen students book 25-minute lessons at any free hour, no
// weekly slot. Students met on four or more days are regulars, explained as weekly slots
// are. An account with as many calls, each with a foreigner met once, is flagged.
TEST(Analyzer, DoesNotFlagATutorWhoseLessonsKeepNoWeeklySlot) {
  Calls c;
  c.Add("a", "US", "b", "US", kStart, 5);
  std::mt19937 rng(7);
  int n = 0;
  for (int day = 8; day < 28; ++day) {
    for (int k = 0; k < 4; ++k, ++n) {
      const int student = static_cast<int>(rng() % 16);
      const int64_t at = kStart + day * kDay + (8 + static_cast<int>(rng() % 12)) * kHour;
      c.Add("tutor", "PH", "student" + std::to_string(student), student % 2 ? "JP" : "KR", at, 25);
      c.Add("churn", "PH", "once" + std::to_string(n), kRich[n % 8], at,
            static_cast<uint32_t>(10 + rng() % 31));
    }
  }
  auto leads = c.Run();
  ASSERT_TRUE(leads.count("tutor/supply"));
  ASSERT_TRUE(leads.count("churn/supply"));
  EXPECT_FALSE(leads["tutor/supply"].flagged) << leads["tutor/supply"].score;
  EXPECT_LT(leads["tutor/supply"].weekly_repeat, 0.5);
  EXPECT_TRUE(leads["churn/supply"].flagged) << leads["churn/supply"].score;
}

// A hub whose shows all last 20 minutes, its customers coming once or twice, is flagged:
// neither the one length nor its few returning customers clear it.
TEST(Analyzer, FlagsAHubWhoseShowsAllLastTheSame) {
  Calls c;
  c.Add("a", "US", "b", "US", kStart, 5);
  for (int k = 0; k < 30; ++k) {
    const int64_t day = 8 + k / 2;
    c.Add("cust" + std::to_string(k), kRich[k % 8], "hub", "PH",
          kStart + day * kDay + (14 + k % 6) * kHour, 20);
    if (k % 3 == 0) {
      c.Add("cust" + std::to_string(k), kRich[k % 8], "hub", "PH",
            kStart + (day + 3) * kDay + 15 * kHour, 20);
    }
  }
  auto leads = c.Run();
  ASSERT_TRUE(leads.count("hub/supply"));
  EXPECT_TRUE(leads["hub/supply"].flagged) << leads["hub/supply"].score;
}

// A family whose six relatives work in six high-income countries: each calls on video twice
// a week, at no fixed hour, for under an hour (neither a weekly slot nor long calls, as a
// sampled log may leave them). Relatives met on four or more days are regulars, not new
// foreigners. The same number of calls with 24 people met once each is flagged.
TEST(Analyzer, DoesNotFlagAFamilyWhoseRelativesCallOftenButBriefly) {
  Calls c;
  c.Add("a", "US", "b", "US", kStart, 5);
  std::mt19937 rng(3);
  const char* abroad[] = {"SA", "HK", "SG", "US", "AE", "JP"};
  for (int week = 1; week < 4; ++week) {
    for (int r = 0; r < 6; ++r) {
      for (int call = 0; call < 2; ++call) {
        const int64_t at = kStart + (week * 7 + call * 3 + static_cast<int>(rng() % 3)) * kDay +
                           (10 + static_cast<int>(rng() % 12)) * kHour;
        const auto minutes = static_cast<uint32_t>(20 + rng() % 30);
        c.Add("relative" + std::to_string(r), abroad[r], "family", "PH", at, minutes);
        c.Add("stranger" + std::to_string(week * 12 + r * 2 + call), abroad[r], "hublike", "PH", at,
              minutes);
      }
    }
  }
  auto leads = c.Run();
  ASSERT_TRUE(leads.count("family/supply"));
  ASSERT_TRUE(leads.count("hublike/supply"));
  EXPECT_FALSE(leads["family/supply"].flagged) << leads["family/supply"].score;
  EXPECT_TRUE(leads["hublike/supply"].flagged) << leads["hublike/supply"].score;
}

TEST(Analyzer, DoesNotFlagOverseasWorkerFamilyOrCallCentre) {
  Calls c;
  // A family: three relatives abroad, long video calls several times a week.
  const char* abroad[][2] = {{"mother", "SA"}, {"brother", "HK"}, {"sister", "SG"}};
  for (int day = 0; day < 28; day += 2) {
    for (const auto& [who, cc] : abroad) c.Add(who, cc, "family", "PH", kStart + day * kDay + 12 * kHour, 75);
  }
  // A call centre agent: 40 short audio calls a day with distinct US customers.
  for (int day = 0; day < 20; ++day) {
    for (int k = 0; k < 40; ++k) {
      c.Add("agent", "PH", "caller" + std::to_string(day * 40 + k), "US",
            kStart + day * kDay + (k % 9) * kHour, 6, k % 10 == 0 ? Media::kVideo : Media::kAudio);
    }
  }
  auto leads = c.Run();
  EXPECT_FALSE(leads["family/supply"].flagged) << leads["family/supply"].score;
  EXPECT_FALSE(leads["agent/supply"].flagged) << leads["agent/supply"].score;
}

// Video support: an agent takes most calls on video, each with a new customer of the one
// market the centre serves. An account whose many foreign contacts all live in one country
// is a business line, not a hub: a hub's customers come from many high-income countries.
// The same calls spread over eight countries are flagged.
TEST(Analyzer, DoesNotFlagAVideoSupportAgentServingOneMarket) {
  Calls c;
  auto add_agent = [&](const std::string& agent, bool one_market) {
    for (int day = 0; day < 20; ++day) {
      for (int k = 0; k < 10; ++k) {
        const int n = day * 10 + k;
        c.Add(agent + "caller" + std::to_string(n), one_market ? "AU" : kRich[n % 8], agent, "PH",
              kStart + day * kDay + (k % 9) * kHour, 7, k % 5 < 4 ? Media::kVideo : Media::kAudio);
      }
    }
  };
  add_agent("agent", true);
  add_agent("spread", false);
  auto leads = c.Run();
  ASSERT_TRUE(leads.count("agent/supply"));
  ASSERT_TRUE(leads.count("spread/supply"));
  const AccountLead& agent = leads["agent/supply"];
  const AccountLead& spread = leads["spread/supply"];
  auto one_country = [](const AccountLead& lead) {
    return std::any_of(lead.reasons.begin(), lead.reasons.end(), [](const std::string& r) {
      return r.rfind("counterparts of one country", 0) == 0;
    });
  };
  EXPECT_FALSE(agent.flagged) << agent.score;
  EXPECT_TRUE(one_country(agent)) << ::testing::PrintToString(agent.reasons);
  EXPECT_FALSE(one_country(spread)) << ::testing::PrintToString(spread.reasons);
  EXPECT_TRUE(spread.flagged) << spread.score;
}

// A sweep reuses its working memory from account to account on a thread: a hub and its
// customers score the same alone as after a call centre agent and a tutor, whose
// counterparts outnumber and outlast theirs, on one thread.
TEST(Analyzer, ALeadDoesNotDependOnTheAccountsSweptBeforeIt) {
  Calls alone, after;
  for (Calls* c : {&alone, &after}) c->Add("a", "US", "b", "US", kStart, 5);
  for (int day = 0; day < 20; ++day) {
    for (int k = 0; k < 40; ++k) {
      after.Add("agent", "PH", "caller" + std::to_string(day * 40 + k), "US",
                kStart + day * kDay + (k % 9) * kHour, 6, k % 3 ? Media::kAudio : Media::kVideo);
    }
    after.Add("tutor", "PH", "student" + std::to_string(day % 5), "JP",
              kStart + day * kDay + 10 * kHour, 25);
  }
  for (Calls* c : {&alone, &after}) AddHub(*c, "hub1", "cust", 36);  // more than a window holds
  auto want = alone.Run(true, 1);
  auto got = after.Run(true, 1);
  ASSERT_TRUE(got.count("agent/supply") && got.count("tutor/supply"));
  ASSERT_TRUE(want["hub1/supply"].flagged);
  for (const auto& [key, lead] : want) {
    ASSERT_TRUE(got.count(key)) << key;
    EXPECT_EQ(LeadToJson(got[key]), LeadToJson(lead)) << key;
  }
}

TEST(Analyzer, LinksAccountsSharingAHubsIp) {
  Calls c;
  AddHub(c, "hub1", "cust", 12, "203.0.113.9");
  c.Add("helper", "PH", "someone", "PH", kStart + 3 * kDay, 2, Media::kAudio, "203.0.113.9");
  auto leads = c.Run();
  ASSERT_TRUE(leads["hub1/supply"].flagged);
  const auto& linked = leads["hub1/supply"].linked;
  EXPECT_NE(std::find(linked.begin(), linked.end(), "helper"), linked.end());
}

// An account keeps its first 64 IPs, whichever calls they come on: the first, the last
// and every other address in between link it; the 65th and later do not.
TEST(Analyzer, LinksThroughEachOfAHubsFirst64Ips) {
  Calls c;
  AddHub(c, "hub1", "cust", 12, "203.0.113.1");  // its first IP
  auto ip = [](int k) { return "198.51.100." + std::to_string(k); };
  for (int k = 2; k <= 70; ++k) {  // 69 more, each used twice, the first IP in between
    for (int rep = 0; rep < 2; ++rep) {
      c.Add("hub1", "PH", "local" + std::to_string(k), "PH", kStart + 6 * kDay + (k * 2 + rep) * 60000,
            2, Media::kAudio, ip(k));
    }
    c.Add("hub1", "PH", "home", "PH", kStart + 7 * kDay + k * 60000, 2, Media::kAudio, "203.0.113.1");
  }
  c.Add("first", "PH", "someone", "PH", kStart + 3 * kDay, 2, Media::kAudio, "203.0.113.1");
  c.Add("second", "PH", "someone", "PH", kStart + 3 * kDay, 2, Media::kAudio, ip(2));
  c.Add("sixty-fourth", "PH", "someone", "PH", kStart + 3 * kDay, 2, Media::kAudio, ip(64));
  c.Add("sixty-fifth", "PH", "someone", "PH", kStart + 3 * kDay, 2, Media::kAudio, ip(65));
  auto leads = c.Run();
  ASSERT_TRUE(leads["hub1/supply"].flagged);
  const auto& linked = leads["hub1/supply"].linked;
  auto has = [&](const char* who) { return std::find(linked.begin(), linked.end(), who) != linked.end(); };
  EXPECT_TRUE(has("first"));
  EXPECT_TRUE(has("second"));
  EXPECT_TRUE(has("sixty-fourth"));
  EXPECT_FALSE(has("sixty-fifth"));
}

// An account's home is the country most of its calls place it in, whichever came first.
TEST(Analyzer, HomeIsTheMostVotedCountryWhateverCameFirst) {
  Calls c;
  c.Add("a", "US", "b", "US", kStart, 5);
  // First seen in the US and in Great Britain, then mostly in the Philippines.
  c.Add("mover", "US", "b", "US", kStart + kDay, 5, Media::kAudio);
  c.Add("mover", "GB", "b", "US", kStart + kDay + kHour, 5, Media::kAudio);
  c.Add("mover", "GB", "b", "US", kStart + kDay + 2 * kHour, 5, Media::kAudio);
  for (int k = 0; k < 6; ++k) {
    c.Add("mover", "PH", "visitor" + std::to_string(k), kRich[k % 8],
          kStart + (10 + k) * kDay + 14 * kHour, 20);
  }
  // First seen in Brazil (not high-income), mostly in Germany.
  c.Add("expat", "BR", "b", "US", kStart + kDay, 5, Media::kAudio);
  for (int k = 0; k < 4; ++k) {
    c.Add("expat", "DE", "pinoy" + std::to_string(k), "PH", kStart + (10 + k) * kDay + 14 * kHour,
          20);
  }
  c.Add("expat", "BR", "b", "US", kStart + 20 * kDay, 5, Media::kAudio);
  c.Add("expat", "GB", "b", "US", kStart + 21 * kDay, 5, Media::kAudio);
  auto leads = c.Run();
  EXPECT_TRUE(leads.count("mover/supply"));
  EXPECT_FALSE(leads.count("mover/demand"));
  ASSERT_TRUE(leads.count("expat/demand"));
  EXPECT_FALSE(leads.count("expat/supply"));
}

// A customer's trip to a hotspot does not make him a hotspot account: his home region is
// one of his home country's, and a region of another country counts as unknown.
// The home region decides within a country with listed regions: the same calls make a hub of
// an account in a listed region and no hotspot account of one in another region.
TEST(Analyzer, AHomeRegionOffTheHotspotListMakesNoHotspotAccount) {
  Calls c;
  c.Add("a", "US", "b", "US", kStart, 5);
  for (const std::string region : {"PH-07", "PH-01"}) {
    const std::string hub = "hub" + region;
    for (int k = 0; k < 12; ++k) {
      c.Add(hub + "-customer" + std::to_string(k), kRich[k % 8], hub, "PH",
            kStart + (10 + k / 3) * kDay + (14 + k % 5) * kHour, 20, Media::kVideo, {}, {}, region);
    }
  }
  auto leads = c.Run();
  EXPECT_TRUE(leads["hubPH-07/supply"].flagged) << leads["hubPH-07/supply"].score;
  EXPECT_FALSE(leads.count("hubPH-01/supply"));
}

TEST(Analyzer, AForeignCustomersCallsFromAHotspotMakeNoHotspotAccountOfHim) {
  Calls c;
  AddThreeHubs(c);
  AddCustomerOfThreeHubs(c, "tourist", "DE");
  for (int d = 0; d < 2; ++d) {  // then, in Cebu (PH-07), two calls home
    c.Add("tourist", "PH", "b", "US", kStart + (17 + d) * kDay, 5, Media::kAudio);
  }
  auto leads = c.Run();
  EXPECT_FALSE(leads.count("tourist/supply"));
  ASSERT_TRUE(leads.count("tourist/demand"));
  EXPECT_TRUE(leads["tourist/demand"].flagged) << leads["tourist/demand"].score;
}

// A foreigner who spends most of the month in a hotspot, and a third of it at home in the
// US, video-calls three hubs from there: his home is the Philippines, and he is scored as
// demand too, for the high-income country he also lives in.
TEST(Analyzer, AForeignerLivingMostlyInAHotspotIsScoredAsDemandToo) {
  Calls c;
  AddThreeHubs(c);
  for (int d = 0; d < 8; ++d) {  // home in the US, calling friends
    c.Add("expat", "US", "b", "US", kStart + d * kDay + 18 * kHour, 10, Media::kAudio);
  }
  for (int d = 9; d < 25; ++d) {  // then in Angeles City (PH-03), calling friends there
    c.Add("expat", "PH", "friend", "PH", kStart + d * kDay + 9 * kHour, 10, Media::kAudio, {},
          "PH-03");
  }
  for (int h = 1; h <= 3; ++h) {
    c.Add("expat", "PH", "hub" + std::to_string(h), "PH", kStart + (12 + h) * kDay + 20 * kHour, 15,
          Media::kVideo, {}, "PH-03");
  }
  auto leads = c.Run();
  ASSERT_TRUE(leads.count("expat/demand"));
  EXPECT_TRUE(leads["expat/demand"].flagged) << leads["expat/demand"].score;
  EXPECT_GE(leads["expat/demand"].flagged_counterparts, 2u);
}

// An account whose location is never known (always behind a VPN) is placed by whom it
// calls: a customer who calls three hubs and friends abroad is scored as demand; a local
// account whose calls are mostly with Philippine accounts, one of them a hub, is not.
TEST(Analyzer, AnAccountAlwaysBehindAVpnIsPlacedByWhomItCalls) {
  Calls c;
  AddThreeHubs(c);
  for (int h = 1; h <= 3; ++h) {
    c.Add("hidden", "", "hub" + std::to_string(h), "PH", kStart + (12 + h) * kDay + 20 * kHour, 15);
  }
  for (int d = 0; d < 3; ++d) {
    c.Add("hidden", "", "b", "US", kStart + (2 + d) * kDay, 10, Media::kAudio);
  }
  for (int d = 0; d < 6; ++d) {  // Philippine friends outside the hotspots, and one hub
    c.Add("localvpn", "", "pinoy" + std::to_string(d), "PH", kStart + (8 + d) * kDay, 10,
          Media::kVideo, {}, {}, "PH-15");
  }
  c.Add("localvpn", "", "hub1", "PH", kStart + 14 * kDay + 20 * kHour, 15);
  auto leads = c.Run();
  ASSERT_TRUE(leads["hub1/supply"].flagged);
  ASSERT_TRUE(leads.count("hidden/demand"));
  EXPECT_TRUE(leads["hidden/demand"].flagged) << leads["hidden/demand"].score;
  EXPECT_FALSE(leads.count("localvpn/demand"));
  EXPECT_FALSE(leads.count("localvpn/supply"));  // not a hotspot account either
}

// An overseas worker at home on leave video-calls colleagues in the country where he works:
// his home is the Philippines now (most of his calls), but counterparts in a country where
// he makes a share of his own calls are no foreign customers. The same calls from an
// account never seen abroad make a hub.
TEST(Analyzer, AHotspotAccountsCallsToACountryItLivesInToo) {
  Calls c;
  c.Add("a", "US", "b", "US", kStart, 5);
  for (const std::string who : {"onleave", "hubby"}) {
    const std::string where = who == "onleave" ? "AE" : "PH";
    for (int d = 0; d < 10; ++d) {  // the first ten days at work (or at home)
      c.Add(who, where, "mate" + std::to_string(d % 3), "AE", kStart + d * kDay + 19 * kHour, 30,
            Media::kAudio);
    }
    for (int k = 0; k < 12; ++k) {  // then in Central Luzon, video calls with more people in AE
      c.Add(who, "PH", who + "-contact" + std::to_string(k), "AE",
            kStart + (14 + k / 2) * kDay + (12 + k % 5) * kHour, 20, Media::kVideo, {}, "PH-03");
    }
  }
  auto leads = c.Run();
  ASSERT_TRUE(leads.count("hubby/supply"));
  EXPECT_GE(leads["hubby/supply"].distinct_foreign, 5u);
  const uint32_t onleave_distinct =
      leads.count("onleave/supply") ? leads["onleave/supply"].distinct_foreign : 0;
  EXPECT_EQ(onleave_distinct, 0u);
  const bool onleave_flagged = leads.count("onleave/supply") && leads["onleave/supply"].flagged;
  EXPECT_FALSE(onleave_flagged);
  EXPECT_FALSE(leads.count("onleave/demand"));  // home is the Philippines
}

// Half-edges keep their start in 32-bit seconds since 1970: a call outside that range is
// rejected (and counted), whether added whole or as one half; the last second in range is
// kept, and a start's milliseconds change nothing (windows begin on whole days).
TEST(Analyzer, StartsOutsideThe32BitSecondsFrom1970AreRejected) {
  static const CountryTable countries = *CountryTable::Default();
  auto a = std::move(*Analyzer::Create(&countries, nullptr, *MetaWeights::Default(), {}));
  const int64_t limit_ms = (int64_t{1} << 32) * 1000;  // 2106-02-07T06:28:16Z
  CallRecord r = MakeCall("before", "a", "PH", "b", "US", -1000, 20, Media::kVideo);
  EXPECT_EQ(a->Add(r), AddResult::kOutOfRange);
  r.call_id = "after";
  r.start_ms = limit_ms;
  EXPECT_EQ(a->Add(r), AddResult::kOutOfRange);
  r.call_id = "last";
  r.start_ms = limit_ms - 1000;
  EXPECT_EQ(a->Add(r), AddResult::kAdded);
  r.call_id = "first";
  r.start_ms = 0;
  EXPECT_EQ(a->Add(r), AddResult::kAdded);
  r.call_id = "half";
  r.start_ms = -1;
  a->AddHalf(r, true);
  EXPECT_EQ(a->stats().out_of_range, 3u);
  EXPECT_EQ(a->stats().accounts, 2u);  // a and b, from the two calls in range
}

// Half-edges keep whole seconds: a start's milliseconds move no call to another day, even
// in the last second of one (the earliest start, which decides when a window has history,
// is the same in both inputs here).
TEST(Analyzer, MillisecondsOfAStartChangeNoLead) {
  Calls whole, with_ms;
  for (Calls* c : {&whole, &with_ms}) {
    c->Add("a", "US", "b", "US", kStart, 5);
    AddHub(*c, "hub1", "cust", 12);
    for (int k = 0; k < 6; ++k) {  // late-night calls, in the last second of a day
      c->Add("night" + std::to_string(k), kRich[k], "hub2", "PH", kStart + (10 + k) * kDay - 1000,
             20);
    }
  }
  for (size_t i = 1; i < with_ms.records_.size(); ++i) with_ms.records_[i].start_ms += 999;
  auto lines = [](std::map<std::string, AccountLead> leads) {
    std::vector<std::string> out;
    for (const auto& [key, lead] : leads) {
      out.push_back(key + " " + std::to_string(lead.score) + " " +
                    std::to_string(lead.window_start_ms));
    }
    return out;
  };
  const auto want = lines(whole.Run());
  ASSERT_FALSE(want.empty());
  EXPECT_EQ(lines(with_ms.Run()), want);
}

TEST(Analyzer, CountsDuplicatesOnce) {
  Calls c;
  AddHub(c, "hub1", "cust", 6);
  c.records_.push_back(c.records_.front());
  c.Run();
  EXPECT_EQ(c.stats_.duplicates, 1u);
}

TEST(Analyzer, LeadJsonFollowsArchitecture) {
  Calls c;
  c.Add("a", "US", "b", "US", kStart, 5);
  AddHub(c, "hub1", "cust", 12);
  auto leads = c.Run(false);
  ASSERT_TRUE(leads.count("hub1/supply"));
  const std::string j = LeadToJson(leads["hub1/supply"]);
  for (const char* key : {"\"account\":\"hub1\"", "\"role\":\"supply\"", "\"flagged\":true",
                          "\"window\":{\"start\":", "\"distinct_foreign\":", "\"countries\":[",
                          "\"video_share\":", "\"new_contacts\":"}) {
    EXPECT_NE(j.find(key), std::string::npos) << key << " in " << j;
  }
}

std::vector<std::string> LeadLines(Analyzer& a) {
  std::vector<std::string> out;
  for (const auto& lead : a.Finish(2)) out.push_back(LeadToJson(lead));
  return out;
}

std::unique_ptr<Analyzer> NewAllAnalyzer() {
  static const CountryTable countries = *CountryTable::Default();
  MetaOptions o;
  o.keep_unflagged = true;
  return std::move(*Analyzer::Create(&countries, nullptr, *MetaWeights::Default(), o));
}

TEST(Analyzer, PreparedBatchOwnsItsNamesAndScoresLikeAdd) {
  auto direct = NewAllAnalyzer();
  auto batched = NewAllAnalyzer();
  PreparedBatch batch;
  {
    // Long ids and IPv6 addresses live outside the strings' small buffers.
    std::vector<CallRecord> records = MakeCalls(11);
    for (auto& r : records) {
      r.caller += "-with-a-long-suffix";
      r.caller_ip = "2001:db8::" + std::to_string(r.line % 7);
    }
    for (const auto& r : records) {
      direct->Add(r);
      batch.Add(*batched, r);
    }
  }  // the records are gone: the batch must not point into them
  for (const PreparedCall& p : batch.calls()) batched->Add(p);
  EXPECT_EQ(batched->stats().records, direct->stats().records);
  EXPECT_EQ(batched->stats().duplicates, 1u);
  const auto want = LeadLines(*direct);
  ASSERT_FALSE(want.empty());
  EXPECT_EQ(LeadLines(*batched), want);
}

TEST(Analyzer, DurationsBeyondTheHalfEdgeCapScoreAsLongCalls) {
  // Half-edges keep durations up to 65535 s; every feature reads at most 4 hours, so a
  // 11-hour and a 20-hour family call must score the same.
  auto run = [](uint32_t minutes) {
    Calls c;
    AddHub(c, "hub1", "cust", 12);
    for (int day = 0; day < 28; day += 2) {
      c.Add("mother", "SA", "family", "PH", kStart + day * kDay + 12 * kHour, minutes);
    }
    std::vector<std::string> out;
    for (auto& [key, lead] : c.Run()) out.push_back(LeadToJson(lead));
    return out;
  };
  EXPECT_EQ(run(660), run(1200));
}


// ---- Bounded state (MetaOptions::horizon_days) --------------------------------------------

std::unique_ptr<Analyzer> NewBoundedAnalyzer(int horizon_days, int64_t lateness_ms) {
  static const CountryTable countries = *CountryTable::Default();
  MetaOptions o;
  o.keep_unflagged = true;
  o.horizon_days = horizon_days;
  o.lateness_ms = lateness_ms;
  o.threads = 2;
  auto a = Analyzer::Create(&countries, nullptr, *MetaWeights::Default(), o);
  EXPECT_TRUE(a) << a.error().ToString();
  return std::move(*a);
}

// Four months of MakeCalls with the same account names (hubs, families and bulk recur),
// in time order.
std::vector<CallRecord> FourMonths() {
  std::vector<CallRecord> out;
  for (int m = 0; m < 4; ++m) {
    for (CallRecord r : MakeCalls(100 + m)) {
      r.call_id = "m" + std::to_string(m) + "-" + r.call_id;
      r.start_ms += m * 30 * kDay;
      out.push_back(std::move(r));
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const CallRecord& a, const CallRecord& b) { return a.start_ms < b.start_ms; });
  for (size_t i = 0; i < out.size(); ++i) out[i].line = i + 2;
  return out;
}

std::set<std::string> FlaggedSupply(const std::vector<std::string>& lines) {
  std::set<std::string> out;
  for (const auto& l : lines) {
    if (l.find("\"role\":\"supply\"") == std::string::npos ||
        l.find("\"flagged\":true") == std::string::npos) {
      continue;
    }
    const size_t at = l.find("\"account\":\"") + 11;
    out.insert(l.substr(at, l.find('"', at) - at));
  }
  return out;
}

TEST(AnalyzerBounded, InputWithinTwoBlocksScoresAsUnbounded) {
  // A month with a 28-day horizon: nothing is scored or released before Finish, and the
  // leads are those of an analyzer that keeps everything.
  auto bounded = NewBoundedAnalyzer(28, kDay);
  auto whole = NewAllAnalyzer();
  for (const auto& r : MakeCalls(21)) {
    EXPECT_NE(bounded->Add(r), AddResult::kLate);
    whole->Add(r);
  }
  const auto want = LeadLines(*whole);
  ASSERT_FALSE(want.empty());
  EXPECT_EQ(LeadLines(*bounded), want);
  EXPECT_EQ(bounded->stats().blocks_scored, 0u);
  EXPECT_EQ(bounded->stats().released_half_edges, 0u);
}

// Releasing a block forgets its call ids and no others: over five years in blocks of a week
// (more blocks than the 256 tags the ids carry), every call sent again hours later, while its
// block is still unscored, counts as a duplicate; also with the id table sized up front
// (ExpectRecords).
class ReleasesCallIds : public ::testing::TestWithParam<uint64_t> {};

TEST_P(ReleasesCallIds, OfScoredBlocksOnly) {
  auto bounded = NewBoundedAnalyzer(7, kHour);
  if (GetParam() > 0) bounded->ExpectRecords(GetParam());
  std::vector<CallRecord> sent;
  uint64_t again = 0;
  for (int64_t t = kStart - 1850 * kDay; t < kStart; t += 3 * kHour) {
    const auto n = sent.size();
    sent.push_back(MakeCall("k" + std::to_string(n), "a" + std::to_string(n % 7), "PH",
                            "b" + std::to_string(n % 5), "US", t, 3, Media::kAudio));
    EXPECT_EQ(bounded->Add(sent.back()), AddResult::kAdded) << n;
    if (n >= 3) {
      EXPECT_EQ(bounded->Add(sent[n - 3]), AddResult::kDuplicate) << n;
      ++again;
    }
  }
  (void)bounded->Finish(1);
  const MetaStats& s = bounded->stats();
  EXPECT_EQ(s.duplicates, again);
  EXPECT_GE(s.blocks_scored, 260u);
  EXPECT_GT(s.released_half_edges, 2 * sent.size() * 9 / 10);
}

INSTANTIATE_TEST_SUITE_P(AnalyzerBounded, ReleasesCallIds,
                         ::testing::Values(uint64_t{0}, uint64_t{20000}));

TEST(AnalyzerBounded, ReleasesOldCallsAndStillFindsTheHubs) {
  const auto calls = FourMonths();
  auto bounded = NewBoundedAnalyzer(7, kHour);
  auto whole = NewAllAnalyzer();
  for (const auto& r : calls) {
    EXPECT_NE(bounded->Add(r), AddResult::kLate);
    whole->Add(r);
  }
  const auto bounded_leads = LeadLines(*bounded);
  const auto whole_leads = LeadLines(*whole);
  const MetaStats& s = bounded->stats();
  const uint64_t half_edges = 2 * (s.records - s.duplicates);
  EXPECT_GE(s.blocks_scored, 12u);  // 120 days in 7-day blocks, the last ones at Finish
  EXPECT_GT(s.released_half_edges, half_edges / 2);
  // At most about four blocks (28 days) of 120 are held at once.
  EXPECT_LT(s.peak_half_edges, half_edges * 4 / 10);
  EXPECT_EQ(whole->stats().peak_half_edges, half_edges);
  EXPECT_EQ(s.accounts, whole->stats().accounts);
  // Every hub is found as when everything is kept (the random bulk, calling the same
  // foreigners for four months, is not a population this compares).
  const auto want = FlaggedSupply(whole_leads), got = FlaggedSupply(bounded_leads);
  for (int h = 0; h < 8; ++h) {
    EXPECT_TRUE(want.count("hub" + std::to_string(h))) << h;
    EXPECT_TRUE(got.count("hub" + std::to_string(h))) << h;
  }
}

TEST(AnalyzerBounded, RecordsOutOfOrderWithinTheLatenessGiveTheSameLeads) {
  // Each record comes up to six hours after records that start later: with a lateness of
  // six hours the blocks see the same calls, whatever the order.
  const int64_t lateness = 6 * kHour;
  auto calls = FourMonths();
  auto in_order = NewBoundedAnalyzer(7, lateness);
  for (const auto& r : calls) in_order->Add(r);
  std::mt19937_64 rng(4);
  std::vector<std::pair<int64_t, size_t>> arrival;
  for (size_t i = 0; i < calls.size(); ++i) {
    arrival.emplace_back(calls[i].start_ms + static_cast<int64_t>(rng() % lateness), i);
  }
  std::sort(arrival.begin(), arrival.end());
  size_t moved = 0;
  auto shuffled = NewBoundedAnalyzer(7, lateness);
  for (size_t k = 0; k < arrival.size(); ++k) {
    moved += arrival[k].second != k;
    EXPECT_NE(shuffled->Add(calls[arrival[k].second]), AddResult::kLate);
  }
  EXPECT_GT(moved, calls.size() / 4);
  EXPECT_EQ(shuffled->stats().late, 0u);
  EXPECT_GT(shuffled->stats().blocks_scored, 10u);
  const auto want = LeadLines(*in_order);
  ASSERT_FALSE(want.empty());
  EXPECT_EQ(LeadLines(*shuffled), want);
}

// A pass places accounts by the calls up to its context's end. Calls after it that came
// early (within the lateness) wait, so that the leads do not depend on the order.
TEST(AnalyzerBounded, APassPlacesAccountsByItsCallsWhateverCameEarly) {
  const int64_t lateness = 6 * kHour;
  // Blocks of 7 days from the day before kStart (the first call less the lateness): block 1,
  // days 6 to 13, is scored when a call starts at day 20 plus the lateness, and its pass
  // reads calls up to day 20.
  Calls c;
  AddThreeHubs(c);
  for (int h = 1; h <= 3; ++h) {  // a customer from Britain, in block 1
    c.Add("buyer", "GB", "hub" + std::to_string(h), "PH", kStart + (9 + h) * kDay + 20 * kHour, 15);
  }
  // Then more calls from the Philippines than from Britain, just after the pass's calls (a
  // trip: his later calls are from Britain again).
  std::vector<CallRecord> trip;
  for (int k = 1; k <= 4; ++k) {
    trip.push_back(MakeCall("trip" + std::to_string(k), "buyer", "PH", "b", "US",
                            kStart + 20 * kDay + k * kHour, 5, Media::kAudio));
  }
  const CallRecord closes =
      MakeCall("closes", "a", "US", "b", "US", kStart + 20 * kDay + lateness, 5, Media::kAudio);
  std::vector<CallRecord> after;
  for (int d = 22; d <= 30; d += 4) {
    after.push_back(MakeCall("back" + std::to_string(d), "buyer", "GB", "b", "US",
                             kStart + d * kDay, 5, Media::kAudio));
  }
  auto in_order = NewBoundedAnalyzer(7, lateness);
  auto trip_late = NewBoundedAnalyzer(7, lateness);
  for (const auto& r : c.records_) {
    in_order->Add(r);
    trip_late->Add(r);
  }
  for (const auto& r : trip) in_order->Add(r);
  EXPECT_EQ(in_order->Add(closes), AddResult::kAdded);
  EXPECT_EQ(trip_late->Add(closes), AddResult::kAdded);
  EXPECT_EQ(in_order->stats().blocks_scored, 2u);  // blocks 0 and 1
  for (const auto& r : trip) EXPECT_EQ(trip_late->Add(r), AddResult::kAdded);
  for (const auto& r : after) {
    in_order->Add(r);
    trip_late->Add(r);
  }
  // The pass of block 1 places the buyer in Britain, whether the trip's calls came before
  // the call that closed it or after: he is no hotspot account in any pass.
  const auto want = LeadLines(*trip_late);
  auto has = [&](const std::vector<std::string>& lines, const char* role) {
    const std::string key = std::string("\"account\":\"buyer\",\"role\":\"") + role + "\"";
    return std::any_of(lines.begin(), lines.end(),
                       [&](const std::string& l) { return l.find(key) != std::string::npos; });
  };
  EXPECT_TRUE(has(want, "demand"));
  EXPECT_FALSE(has(want, "supply"));
  EXPECT_EQ(LeadLines(*in_order), want);
}

TEST(AnalyzerBounded, RejectsARecordWhoseBlockIsScored) {
  auto a = NewBoundedAnalyzer(7, kHour);
  const auto calls = FourMonths();
  for (const auto& r : calls) a->Add(r);
  const CallRecord& last = calls.back();
  CallRecord old = MakeCall("late-1", "hub1", "PH", "late-customer", "US", kStart + 3 * kDay, 20,
                            Media::kVideo);
  EXPECT_EQ(a->Add(old), AddResult::kLate);
  EXPECT_EQ(a->stats().late, 1u);
  // Within the lateness of the latest start: used.
  CallRecord recent = old;
  recent.call_id = "late-2";
  recent.start_ms = last.start_ms - 30 * 60000;
  EXPECT_EQ(a->Add(recent), AddResult::kAdded);
  // Call ids of blocks not yet scored are still known.
  EXPECT_EQ(a->Add(last), AddResult::kDuplicate);
  EXPECT_EQ(a->stats().late, 1u);
  bool found = false;
  for (const auto& l : LeadLines(*a)) found |= l.find("late-customer") != std::string::npos;
  EXPECT_TRUE(found);  // the recent call was scored; the late one changed nothing it could not
}

TEST(AnalyzerBounded, AStartInTheFutureIsRejectedAndClosesNoBlock) {
  static const CountryTable countries = *CountryTable::Default();
  MetaOptions o;
  o.horizon_days = 7;
  o.lateness_ms = kHour;
  o.now_ms = kStart + 200 * kDay;
  auto a = std::move(*Analyzer::Create(&countries, nullptr, *MetaWeights::Default(), o));
  const auto calls = FourMonths();
  const size_t half = calls.size() / 2;
  for (size_t i = 0; i < half; ++i) a->Add(calls[i]);
  CallRecord future = calls[0];
  future.call_id = "future";
  future.start_ms = o.now_ms + 2 * kDay;
  EXPECT_EQ(a->Add(future), AddResult::kFuture);
  // The rest of the input is not late: the future start moved nothing.
  for (size_t i = half; i < calls.size(); ++i) EXPECT_NE(a->Add(calls[i]), AddResult::kLate);
  EXPECT_EQ(a->stats().future, 1u);
  EXPECT_EQ(a->stats().late, 0u);
  // Within a day of now is not the future (clocks differ).
  CallRecord soon = future;
  soon.call_id = "soon";
  soon.start_ms = o.now_ms + kDay / 2;
  EXPECT_EQ(a->Add(soon), AddResult::kAdded);
}

TEST(AnalyzerBounded, HorizonShorterThanTheWindowIsRefused) {
  static const CountryTable countries = *CountryTable::Default();
  MetaOptions o;
  o.horizon_days = 3;
  EXPECT_FALSE(Analyzer::Create(&countries, nullptr, *MetaWeights::Default(), o));
  o.horizon_days = 7;
  o.lateness_ms = -1;
  EXPECT_FALSE(Analyzer::Create(&countries, nullptr, *MetaWeights::Default(), o));
}

// An analyzer that keeps every scored account and adds batches on a worker thread, with
// bounded state of `horizon_days` (0: unbounded).
std::unique_ptr<Analyzer> NewWorkerAnalyzer(int horizon_days, int64_t lateness_ms) {
  if (horizon_days > 0) return NewBoundedAnalyzer(horizon_days, lateness_ms);
  static const CountryTable countries = *CountryTable::Default();
  MetaOptions o;
  o.keep_unflagged = true;
  o.threads = 2;
  return std::move(*Analyzer::Create(&countries, nullptr, *MetaWeights::Default(), o));
}

// The counts that must not depend on how the calls were added.
void ExpectSameCounts(const MetaStats& a, const MetaStats& b) {
  EXPECT_EQ(b.records, a.records);
  EXPECT_EQ(b.duplicates, a.duplicates);
  EXPECT_EQ(b.ip_lookups, a.ip_lookups);
  EXPECT_EQ(b.anonymous_ip, a.anonymous_ip);
  EXPECT_EQ(b.unknown_location, a.unknown_location);
  EXPECT_EQ(b.accounts, a.accounts);
  EXPECT_EQ(b.blocks_scored, a.blocks_scored);
  EXPECT_EQ(b.peak_half_edges, a.peak_half_edges);
  EXPECT_EQ(b.released_half_edges, a.released_half_edges);
}

TEST(AnalyzerBounded, AddBatchOnTheWorkerEqualsAdd) {
  // Batches added with a worker thread (threads = 2) give what one Add per call gives,
  // blocks scored in the middle of a batch included, and name the late calls.
  for (int horizon : {0, 7}) {
    auto calls = FourMonths();
    const size_t n_calls = calls.size();
    for (size_t m = 1; m <= 2; ++m) calls.push_back(calls[n_calls - m]);  // duplicates
    CallRecord late = MakeCall("late", "hub1", "PH", "x", "US", kStart + kDay, 20, Media::kVideo);
    calls.push_back(late);  // late only with bounded state
    auto one_by_one = horizon == 0 ? NewAllAnalyzer() : NewBoundedAnalyzer(horizon, kHour);
    auto batched = NewWorkerAnalyzer(horizon, kHour);
    std::vector<size_t> want_late;
    for (size_t i = 0; i < calls.size(); ++i) {
      if (one_by_one->Add(calls[i]) == AddResult::kLate) want_late.push_back(i);
    }
    std::vector<size_t> got_late;  // all rejected as late here
    for (size_t at = 0; at < calls.size(); at += 997) {
      // Each batch goes away as soon as AddBatch returns: the worker works on copies.
      auto batch = std::make_unique<PreparedBatch>();
      for (size_t i = at; i < std::min(calls.size(), at + 997); ++i) batch->Add(*batched, calls[i]);
      const auto rejected = batched->AddBatch(batch->calls());
      batch.reset();
      for (const auto& [j, why] : rejected) {
        EXPECT_EQ(why, AddResult::kLate);
        got_late.push_back(at + j);
      }
    }
    EXPECT_EQ(got_late, want_late) << horizon;
    EXPECT_EQ(want_late.size(), horizon == 0 ? 0u : 1u);
    const auto want = LeadLines(*one_by_one);
    ASSERT_FALSE(want.empty());
    EXPECT_EQ(LeadLines(*batched), want) << horizon;
    ExpectSameCounts(one_by_one->stats(), batched->stats());
  }
}

const char* const kBulkCountries[] = {"PH", "PH", "US", "GB", "DE", "AU", "JP", "IN"};

// `n` random calls among 6,000 accounts over the 120 days from `first`, each account's from
// several IPs and places (so that the order of its half-edges shows in its IPs and votes).
std::vector<CallRecord> BulkCalls(std::mt19937& rng, int n, int64_t first) {
  auto pick = [&](uint32_t k) { return rng() % k; };
  const auto* c = kBulkCountries;
  std::vector<CallRecord> bulk;
  for (int i = 0; i < n; ++i) {
    const uint32_t a = pick(6000), b = pick(6000);
    bulk.push_back(MakeCall(
        "bulk" + std::to_string(i), "u" + std::to_string(a), pick(4) ? c[a % 8] : c[pick(8)],
        "u" + std::to_string(b), c[b % 8],
        first + static_cast<int64_t>(pick(static_cast<uint32_t>(120 * kDay / 1000))) * 1000,
        1 + pick(60), static_cast<Media>(pick(3)),
        "10." + std::to_string(a % 200) + "." + std::to_string(pick(4)) + ".1"));
  }
  return bulk;
}

// Adds `calls` with AddBatch in batches of `batch_size`, draining the worker (stats) once
// after batch 20.
void AddInBatches(Analyzer& a, const std::vector<CallRecord>& calls, size_t batch_size) {
  for (size_t at = 0; at < calls.size(); at += batch_size) {
    PreparedBatch batch;
    for (size_t i = at; i < std::min(calls.size(), at + batch_size); ++i) batch.Add(a, calls[i]);
    EXPECT_TRUE(a.AddBatch(batch.calls()).empty());
    if (at / batch_size == 20) {
      EXPECT_GT(a.stats().accounts, 5000u);  // drains the worker
    }
  }
}

TEST(AnalyzerBounded, TheWorkersFlushesKeepEachAccountsOrder) {
  // Enough half-edges for the worker to add them in several flushes grouped by ranges of
  // account ids (over 2^18 half-edges, thousands of accounts), with a Drain (stats) in the
  // middle: the same leads and counts as one Add per call.
  std::mt19937 rng(5);
  const auto* kCountries = kBulkCountries;
  std::vector<CallRecord> calls = FourMonths();
  const int64_t first = calls.front().start_ms;
  std::vector<CallRecord> bulk = BulkCalls(rng, 150000, first);
  // Hubs (twelve foreign video customers in a week), each on an IP of its own, and hotspot
  // accounts with 100 IPs each, the 70th a hub's: an account keeps its first 64 IPs, so it
  // is linked to the hub only if its half-edges were added out of order. Others have the
  // hub's IP as their 10th and are linked.
  for (int m = 0; m < 10; ++m) {
    const std::string hub = "iphub" + std::to_string(m), hub_ip = "192.0.2." + std::to_string(m);
    for (int k = 0; k < 12; ++k) {
      bulk.push_back(
          MakeCall(hub + "-c" + std::to_string(k),
                   "ipc" + std::to_string(m) + "-" + std::to_string(k), kCountries[2 + k % 6], hub,
                   "PH", first + (41 + k / 3) * kDay + (14 + k % 5) * kHour, 20, Media::kVideo));
    }
    bulk.push_back(MakeCall(hub + "-ip", hub, "PH", "local" + hub, "PH", first + 41 * kDay, 3,
                            Media::kAudio, hub_ip));
    for (const auto& [who, at] : {std::pair{std::string("many"), 70}, {std::string("few"), 10}}) {
      for (int k = 0; k < 100; ++k) {
        bulk.push_back(MakeCall(
            who + std::to_string(m) + "-" + std::to_string(k), who + std::to_string(m), "PH",
            "pinoy" + std::to_string(k), "PH", first + 40 * kDay + k * 60000, 5, Media::kAudio,
            k == at ? hub_ip : "172.16." + std::to_string(m) + "." + std::to_string(k)));
      }
    }
  }
  calls.insert(calls.end(), bulk.begin(), bulk.end());
  std::stable_sort(calls.begin(), calls.end(), [](const CallRecord& x, const CallRecord& y) {
    return x.start_ms < y.start_ms;
  });
  for (int horizon : {0, 28}) {
    auto one_by_one = NewWorkerAnalyzer(horizon, kDay);  // Add alone never uses the worker
    auto batched = NewWorkerAnalyzer(horizon, kDay);
    for (const CallRecord& r : calls) one_by_one->Add(r);
    AddInBatches(*batched, calls, 4099);
    ExpectSameCounts(one_by_one->stats(), batched->stats());
    EXPECT_EQ(one_by_one->stats().blocks_scored > 0, horizon > 0);
    const auto want = LeadLines(*one_by_one);
    ASSERT_GT(want.size(), 3000u);
    EXPECT_EQ(LeadLines(*batched), want) << horizon;
    int hubs = 0;
    for (const std::string& line : want) {
      if (line.find("\"account\":\"iphub") == std::string::npos) continue;
      const std::string m = line.substr(line.find("iphub") + 5, 1);
      EXPECT_NE(line.find("\"linked\":[\"few" + m + "\"]"), std::string::npos) << line;
      hubs += line.find("\"flagged\":true") != std::string::npos;
    }
    EXPECT_EQ(hubs, 10);
  }
}

TEST(AnalyzerBounded, AddBatchKeepsTheFirstCallOfEachId) {
  // Batches on the worker thread, over several flushes and a Drain, keep the first call of
  // each id as one Add per call does, and a duplicate leaves no trace (location counts,
  // the earliest start, an account only it names). Each duplicate differs from its first
  // call: another medium and duration, no caller country; some start a month before all
  // else, some name a caller seen nowhere else.
  std::mt19937 rng(11);
  std::vector<CallRecord> calls = FourMonths();
  const int64_t first = calls.front().start_ms;
  for (CallRecord& r : BulkCalls(rng, 150000, first)) calls.push_back(std::move(r));
  std::stable_sort(calls.begin(), calls.end(), [](const CallRecord& x, const CallRecord& y) {
    return x.start_ms < y.start_ms;
  });
  // Every 50th call again, right after it (same batch, same flush) or up to 40,000 calls
  // later (other batches, often another flush).
  std::multimap<size_t, CallRecord> later;  // by the index of the call it follows
  for (size_t i = 0; i < calls.size(); i += 50) {
    CallRecord d = calls[i];
    d.media = d.media == Media::kVideo ? Media::kAudio : Media::kVideo;
    d.duration_s += 3600;
    d.caller_country.clear();
    d.caller_region.clear();
    if (i % 1000 == 0) d.start_ms = first - 30 * kDay;
    if (i % 700 == 0) d.caller = "ghost" + std::to_string(i);
    later.emplace(std::min(calls.size() - 1, i % 100 == 0 ? i : i + rng() % 40000), d);
  }
  std::vector<CallRecord> with_dups;
  for (size_t i = 0; i < calls.size(); ++i) {
    with_dups.push_back(calls[i]);
    for (auto [it, end] = later.equal_range(i); it != end; ++it) with_dups.push_back(it->second);
  }
  std::set<std::string> ids;
  for (const CallRecord& r : calls) ids.insert(r.call_id);
  const uint64_t dups = later.size() + (calls.size() - ids.size());  // some in FourMonths
  auto one_by_one = NewWorkerAnalyzer(0, kDay);  // Add alone never uses the worker
  auto batched = NewWorkerAnalyzer(0, kDay);
  for (const CallRecord& r : with_dups) one_by_one->Add(r);
  AddInBatches(*batched, with_dups, 4099);
  ExpectSameCounts(one_by_one->stats(), batched->stats());
  EXPECT_EQ(batched->stats().duplicates, dups);
  const auto want = LeadLines(*one_by_one);
  ASSERT_GT(want.size(), 3000u);
  const auto got = LeadLines(*batched);
  EXPECT_EQ(got, want);
  for (const std::string& line : got) EXPECT_EQ(line.find("ghost"), std::string::npos) << line;
}

}  // namespace
}  // namespace bantay::meta
