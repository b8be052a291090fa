// Tests for meta::Analyzer: hubs and customers are flagged, each confounder is not.
// Records are built in code: a small month of calls around a few named accounts.
#include <gtest/gtest.h>

#include <map>

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
  std::map<std::string, AccountLead> Run(bool all = true) {
    static const CountryTable countries = *CountryTable::Default();
    MetaOptions o;
    o.keep_unflagged = all;
    auto a = Analyzer::Create(&countries, nullptr, *MetaWeights::Default(), o);
    EXPECT_TRUE(a) << a.error().ToString();
    for (const auto& r : records_) (*a)->Add(r);
    std::map<std::string, AccountLead> out;
    for (auto& lead : (*a)->Finish(2)) out[lead.account + "/" + std::string(RoleName(lead.role))] = lead;
    stats_ = (*a)->stats();
    return out;
  }
  std::vector<CallRecord> records_;
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

TEST(Analyzer, FlagsHubAndRepeatCustomer) {
  Calls c;
  c.Add("a", "US", "b", "US", kStart, 5);  // the input starts a window before the hubs
  AddHub(c, "hub1", "cust", 12);
  AddHub(c, "hub2", "other", 9);
  AddHub(c, "hub3", "third", 9);
  // One customer of all three hubs.
  for (int h = 1; h <= 3; ++h) {
    c.Add("buyer", "GB", "hub" + std::to_string(h), "PH", kStart + (12 + h) * kDay + 20 * kHour, 15);
  }
  auto leads = c.Run();
  ASSERT_TRUE(leads.count("hub1/supply"));
  EXPECT_TRUE(leads["hub1/supply"].flagged) << leads["hub1/supply"].score;
  EXPECT_GE(leads["hub1/supply"].distinct_foreign, 5u);
  EXPECT_FALSE(leads["hub1/supply"].reasons.empty());
  ASSERT_TRUE(leads.count("buyer/demand"));
  EXPECT_TRUE(leads["buyer/demand"].flagged) << leads["buyer/demand"].score;
  EXPECT_GE(leads["buyer/demand"].flagged_counterparts, 2u);
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

TEST(Analyzer, LinksAccountsSharingAHubsIp) {
  Calls c;
  AddHub(c, "hub1", "cust", 12, "203.0.113.9");
  c.Add("helper", "PH", "someone", "PH", kStart + 3 * kDay, 2, Media::kAudio, "203.0.113.9");
  auto leads = c.Run();
  ASSERT_TRUE(leads["hub1/supply"].flagged);
  const auto& linked = leads["hub1/supply"].linked;
  EXPECT_NE(std::find(linked.begin(), linked.end(), "helper"), linked.end());
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

}  // namespace
}  // namespace bantay::meta
