// Tests for scoring split over members (Analyzer::AddHalf and Finish with a ScoreExchange):
// members that each hold the half-edges of some accounts together give file mode's leads.
#include <gtest/gtest.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "meta/meta.h"
#include "make_call.h"

namespace bantay::meta {
namespace {

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
  // ... and the location rules are at work: a customer behind a VPN, one on a trip and one
  // living mostly in a hotspot are scored as demand; a worker on leave is no hub.
  auto lead = [&](const std::string& account, const char* role) -> std::string {
    for (const auto& l : file) {
      if (l.find("\"account\":\"" + account + "\",\"role\":\"" + role + "\"") == 1) return l;
    }
    return {};
  };
  for (const char* who : {"vpncust", "tourist", "expat"}) {
    EXPECT_NE(lead(who, "demand").find("\"flagged\":true"), std::string::npos) << who;
  }
  EXPECT_EQ(lead("onleave", "supply").find("\"flagged\":true"), std::string::npos);
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
