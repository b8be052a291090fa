// Tests for scoring split over members (Analyzer::AddHalf and Finish with a ScoreExchange):
// members that each hold the half-edges of some accounts together give file mode's leads.
#include <gtest/gtest.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "meta/meta.h"
#include "make_call.h"

namespace bantay::meta {
namespace {

constexpr int64_t kDay = 86400000;
constexpr int64_t kHour = 3600000;
constexpr int64_t kStart = 1772323200000;  // 2026-03-01T00:00:00Z

// A month of calls: hubs in a hotspot region with many foreign night-time customers (some
// customers of several hubs), hubs and helpers sharing IPs, families with long calls,
// accounts seen equally often in two countries, and random bulk.
std::vector<CallRecord> MakeCalls(uint32_t seed) {
  std::mt19937 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint32_t>(n)); };
  static const char* kRich[] = {"US", "GB", "AU", "DE", "CA", "SE", "NO", "NL"};
  std::vector<CallRecord> out;
  auto add = [&](const std::string& a, const std::string& acc, const std::string& b,
                 const std::string& bcc, int64_t start, uint32_t minutes, Media media,
                 const std::string& aip = {}) {
    CallRecord r = MakeCall("c" + std::to_string(out.size()), a, acc, b, bcc, start, minutes,
                            media, aip);
    r.line = out.size() + 1;
    out.push_back(r);
  };
  for (int h = 0; h < 8; ++h) {
    const std::string hub = "hub" + std::to_string(h);
    const std::string ip = "10.9." + std::to_string(h / 2) + ".1";  // two hubs per address
    add(hub, "PH", "helper" + std::to_string(h), "PH", kStart + 2 * kDay, 3, Media::kAudio, ip);
    add("helper" + std::to_string(h), "PH", hub, "PH", kStart + 3 * kDay, 4, Media::kAudio, ip);
    for (int k = 0; k < 14; ++k) {
      const std::string customer = "cust" + std::to_string(pick(60));
      add(customer, kRich[pick(8)], hub, "PH",
          kStart + (8 + k / 2) * kDay + (12 + pick(8)) * kHour, 15 + pick(20), Media::kVideo);
    }
  }
  for (int f = 0; f < 20; ++f) {  // overseas-worker families: long recurring calls
    const std::string home = "fam" + std::to_string(f);
    for (int d = 0; d < 30; d += 3) {
      add("ofw" + std::to_string(f), kRich[f % 8], home, "PH", kStart + d * kDay + 11 * kHour,
          70 + pick(30), Media::kVideo);
    }
  }
  for (int t = 0; t < 6; ++t) {  // travellers: as often in one country as in another
    add("trav" + std::to_string(t), "PH", "cust" + std::to_string(t), "US",
        kStart + (9 + t) * kDay, 20, Media::kVideo);
    add("trav" + std::to_string(t), "GB", "bulk" + std::to_string(t), "GB",
        kStart + (10 + t) * kDay, 20, Media::kVideo);
  }
  for (int i = 0; i < 1500; ++i) {
    add("bulk" + std::to_string(pick(300)), pick(3) ? "PH" : kRich[pick(8)],
        "bulk" + std::to_string(pick(300)), pick(2) ? "PH" : kRich[pick(8)],
        kStart + pick(30) * kDay + pick(24) * kHour, 1 + pick(90),
        static_cast<Media>(pick(3)));
  }
  out.push_back(out[17]);  // a duplicate
  return out;
}

// An exchange between `members` threads: each Share waits for all of them.
class ThreadExchange {
 public:
  explicit ThreadExchange(int members) : members_(members) {}

  class Member : public ScoreExchange {
   public:
    explicit Member(ThreadExchange* hub) : hub_(hub) {}
    Result<SharedRound> Share(SharedRound mine) override { return hub_->Share(std::move(mine)); }

   private:
    ThreadExchange* hub_;
  };

  Result<SharedRound> Share(SharedRound mine) {
    std::unique_lock lock(mu_);
    SharedRound& r = rounds_[mine.round];
    r.round = mine.round;
    r.data_start_ms = std::min(r.data_start_ms, mine.data_start_ms);
    for (auto& a : mine.accounts) r.accounts.push_back(std::move(a));
    ++arrived_[mine.round];
    cv_.notify_all();
    cv_.wait(lock, [&] { return arrived_[mine.round] == members_; });
    return r;
  }

 private:
  const int members_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<int, SharedRound> rounds_;
  std::map<int, int> arrived_;
};

std::unique_ptr<Analyzer> NewAnalyzer() {
  static const CountryTable countries = *CountryTable::Default();
  MetaOptions o;
  o.keep_unflagged = true;
  auto a = Analyzer::Create(&countries, nullptr, *MetaWeights::Default(), o);
  EXPECT_TRUE(a) << a.error().ToString();
  return std::move(*a);
}

std::multiset<std::string> FileMode(const std::vector<CallRecord>& calls) {
  auto a = NewAnalyzer();
  for (const auto& r : calls) a->Add(r);
  std::multiset<std::string> out;
  for (const auto& lead : a->Finish(2)) out.insert(LeadToJson(lead));
  return out;
}

// Splits half-edges over `members` analyzers by a hash of their account and scores them
// together.
std::multiset<std::string> SplitMode(const std::vector<CallRecord>& calls, int members) {
  std::vector<std::unique_ptr<Analyzer>> analyzers;
  for (int m = 0; m < members; ++m) analyzers.push_back(NewAnalyzer());
  auto owner = [&](const std::string& account) {
    return static_cast<int>(std::hash<std::string>{}(account) % static_cast<size_t>(members));
  };
  std::set<std::string> seen;
  for (const auto& r : calls) {
    if (!seen.insert(r.call_id).second) continue;  // the producer drops reused call ids
    analyzers[owner(r.caller)]->AddHalf(r, true);
    analyzers[owner(r.callee)]->AddHalf(r, false);
  }
  ThreadExchange exchange(members);
  std::vector<std::vector<AccountLead>> leads(members);
  std::vector<std::thread> threads;
  for (int m = 0; m < members; ++m) {
    threads.emplace_back([&, m] {
      ThreadExchange::Member ex(&exchange);
      auto got = analyzers[m]->Finish(1, &ex);
      ASSERT_TRUE(got) << got.error().ToString();
      leads[m] = std::move(*got);
    });
  }
  for (auto& t : threads) t.join();
  std::multiset<std::string> out;
  for (const auto& l : leads) {
    for (const auto& lead : l) out.insert(LeadToJson(lead));
  }
  return out;
}

TEST(Exchange, MembersTogetherGiveFileModeLeads) {
  const auto calls = MakeCalls(1);
  const auto file = FileMode(calls);
  // The comparison means something only if both roles are flagged and hubs are linked.
  size_t supply = 0, demand = 0, linked = 0;
  for (const auto& l : file) {
    const bool flagged = l.find("\"flagged\":true") != std::string::npos;
    supply += flagged && l.find("\"role\":\"supply\"") != std::string::npos;
    demand += flagged && l.find("\"role\":\"demand\"") != std::string::npos;
    linked += l.find("\"linked\":[\"") != std::string::npos;
  }
  EXPECT_GE(supply, 4u);
  EXPECT_GE(demand, 2u);
  EXPECT_GE(linked, 2u);
  for (int members : {1, 2, 3, 5}) {
    EXPECT_EQ(SplitMode(calls, members), file) << members << " members";
  }
}

TEST(Exchange, HalfEdgesOfTheSameCallAndSideCountOnce) {
  const auto calls = MakeCalls(2);
  auto once = NewAnalyzer();
  auto twice = NewAnalyzer();
  for (const auto& r : calls) {
    for (bool side : {true, false}) {
      once->AddHalf(r, side);
      twice->AddHalf(r, side);
      twice->AddHalf(r, side);
    }
  }
  EXPECT_EQ(twice->stats().duplicates, once->stats().duplicates + 2 * calls.size());
  std::vector<std::string> a, b;
  for (const auto& l : once->Finish(1)) a.push_back(LeadToJson(l));
  for (const auto& l : twice->Finish(1)) b.push_back(LeadToJson(l));
  EXPECT_EQ(a, b);
}

TEST(Exchange, AnExchangeErrorEndsScoring) {
  class Failing : public ScoreExchange {
   public:
    Result<SharedRound> Share(SharedRound) override {
      return Fail(ErrorCode::kIo, "peer gone");
    }
  };
  auto a = NewAnalyzer();
  for (const auto& r : MakeCalls(3)) a->Add(r);
  Failing failing;
  auto got = a->Finish(1, &failing);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().message, "peer gone");
}

}  // namespace
}  // namespace bantay::meta
