// Tests for MetaMember on librdkafka's mock cluster: members of a consumer group split the
// partitions and together give file mode's leads; a member killed mid-stream loses and
// duplicates nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "stream/stream.h"
#include "../meta/make_call.h"
#include "mock_kafka.h"

namespace bantay::stream {
namespace {

const meta::CountryTable& Countries() {
  static const meta::CountryTable countries = *meta::CountryTable::Default();
  return countries;
}

meta::MetaOptions AllLeads() {
  meta::MetaOptions o;
  o.keep_unflagged = true;
  return o;
}

// Equal lead sets, reported by count and first difference (leads are long lines).
void ExpectSameLeads(std::vector<std::string> got, const std::vector<std::string>& want) {
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got.size(), want.size());
  auto [g, w] = std::mismatch(got.begin(), got.end(), want.begin(), want.end());
  if (g != got.end() || w != want.end()) {
    ADD_FAILURE() << "first difference:\n got:  " << (g != got.end() ? *g : "(none)")
                  << "\n want: " << (w != want.end() ? *w : "(none)");
  }
}

std::vector<std::string> FileModeLeads(const std::vector<meta::CallRecord>& calls) {
  auto a = meta::Analyzer::Create(&Countries(), nullptr, *meta::MetaWeights::Default(), AllLeads());
  EXPECT_TRUE(a);
  for (const auto& r : calls) (*a)->Add(r);
  std::vector<std::string> out;
  for (const auto& l : (*a)->Finish(1)) out.push_back(meta::LeadToJson(l));
  std::sort(out.begin(), out.end());
  return out;
}

// Stops the members if they have not finished after 90 s: a hung member fails the test
// instead of hanging it (not a timing assertion).
class Watchdog {
 public:
  explicit Watchdog(std::atomic<bool>* stop) : thread_([this, stop] {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, std::chrono::seconds(90), [&] { return finished_; })) {
      ADD_FAILURE() << "members did not finish; stopping them";
      stop->store(true);
    }
  }) {}
  ~Watchdog() {
    {
      std::lock_guard lock(mu_);
      finished_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool finished_ = false;
  std::thread thread_;
};

class MemberTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kafka_.brokers = mock_.bootstraps();
    kafka_.topic = "calls";
    kafka_.group = "meta";
    // A member that vanishes is noticed within 4 s (the mock delays a first join 3 s).
    kafka_.properties = {{"session.timeout.ms", "4000"}, {"heartbeat.interval.ms", "200"}};
    if (const char* d = getenv("BANTAY_KAFKA_DEBUG")) kafka_.properties.push_back({"debug", d});
    mock_.CreateTopic("calls", 4);
    mock_.CreateTopic(kafka_.Exchange(), 1);
    mock_.CreateTopic(kafka_.Output(), 2);
  }

  std::unique_ptr<MetaMember> NewMember(const std::string& state_dir, uint64_t crash_after = 0,
                                        int64_t epochs = 1, int64_t keep_epochs = 0) {
    MemberOptions o;
    o.state_dir = state_dir;
    o.epochs = epochs;
    o.keep_epochs = keep_epochs;
    o.max_batch = 200;  // several transactions per partition
    o.crash_after_messages = crash_after;
    auto m = MetaMember::Create(kafka_, o, &Countries(), nullptr, *meta::MetaWeights::Default(),
                                AllLeads());
    EXPECT_TRUE(m) << m.error().ToString();
    return m ? std::move(*m) : nullptr;
  }

  void Produce(const std::vector<meta::CallRecord>& calls, int64_t epoch = 1) {
    auto p = CallProducer::Create(kafka_);
    ASSERT_TRUE(p) << p.error().ToString();
    for (const auto& r : calls) ASSERT_TRUE((*p)->Produce(r, "calls.csv"));
    ASSERT_TRUE((*p)->Close(epoch));
    EXPECT_EQ((*p)->stats().duplicates, 1u);
  }

  // Runs members on threads until each returns.
  void RunAll(std::vector<MetaMember*> members, std::atomic<bool>* stop) {
    std::vector<std::thread> threads;
    for (MetaMember* m : members) {
      threads.emplace_back([m, stop] {
        auto st = m->Run(*stop, [](const Rejection& r) { ADD_FAILURE() << r.where << r.message; });
        EXPECT_TRUE(st) << st.error().ToString();
      });
    }
    for (auto& t : threads) t.join();
  }

  // Waits until the members together hold all four partitions, each at least one.
  static void WaitForSplit(MetaMember& a, MetaMember& b, std::atomic<bool>* stop) {
    // Assignment happens inside Run; poll the condition from this thread.
    while (!stop->load() && !(a.assigned_partitions() > 0 && b.assigned_partitions() > 0 &&
                              a.assigned_partitions() + b.assigned_partitions() == 4)) {
      std::this_thread::yield();
    }
  }

  void KillOneMember(uint32_t seed, const std::string& state_a, const std::string& state_b);

  MockKafka mock_;
  KafkaOptions kafka_;
};

TEST_F(MemberTest, TwoMembersSplitPartitionsAndGiveFileModeLeads) {
  const auto calls = meta::MakeCalls(11);
  TempDir state;
  auto a = NewMember(state.path());
  auto b = NewMember(state.path());
  ASSERT_TRUE(a && b);
  std::atomic<bool> stop{false};
  Watchdog watchdog(&stop);
  std::thread runner([&] { RunAll({a.get(), b.get()}, &stop); });
  WaitForSplit(*a, *b, &stop);
  Produce(calls);
  runner.join();
  // Both took part: each ingested half-edges and scored.
  EXPECT_GT(a->stats().half_edges, 0u);
  EXPECT_GT(b->stats().half_edges, 0u);
  EXPECT_GE(a->stats().epochs_scored, 1u);
  EXPECT_GE(b->stats().epochs_scored, 1u);
  auto leads = ReadLeads(kafka_, 1);
  ASSERT_TRUE(leads) << leads.error().ToString();
  const auto file = FileModeLeads(calls);
  EXPECT_GT(file.size(), 100u);
  ExpectSameLeads(*leads, file);
}

// Member a is killed after taking 300 messages (some of its batches are stored, the last
// is not) while b runs on; b must end up with every partition and file mode's leads.
void MemberTest::KillOneMember(uint32_t seed, const std::string& state_a,
                               const std::string& state_b) {
  const auto calls = meta::MakeCalls(seed);
  auto a = NewMember(state_a, 300);
  auto b = NewMember(state_b);
  ASSERT_TRUE(a && b);
  std::atomic<bool> stop{false};
  Watchdog watchdog(&stop);
  std::thread run_a([&] { RunAll({a.get()}, &stop); });
  std::thread run_b([&] { RunAll({b.get()}, &stop); });
  WaitForSplit(*a, *b, &stop);
  Produce(calls);
  run_a.join();
  EXPECT_TRUE(a->crashed());
  a.reset();  // gone without leaving the group: the group notices by session timeout
  run_b.join();
  EXPECT_GE(b->stats().rebalances, 3u);  // assigned, revoked, assigned all
  EXPECT_EQ(b->assigned_partitions(), 4);
  auto leads = ReadLeads(kafka_, 1);
  ASSERT_TRUE(leads) << leads.error().ToString();
  ExpectSameLeads(*leads, FileModeLeads(calls));
}

TEST_F(MemberTest, KeepingOneEpochScoresTheLastEpochAloneAndDeletesTheOlder) {
  // Epoch 1 is one month of calls, epoch 2 the next; keeping one epoch, the leads of epoch
  // 2 are file mode's on epoch 2's calls alone (both months together give other leads),
  // and the half-edges are deleted once no later epoch reads them.
  const auto first = meta::MakeCalls(11);
  auto second = meta::MakeCalls(12);
  for (auto& r : second) {
    r.call_id = "e2-" + r.call_id;
    r.start_ms += 30 * meta::kCallDay;
  }
  TempDir state;
  auto a = NewMember(state.path(), 0, /*epochs=*/2, /*keep_epochs=*/1);
  ASSERT_TRUE(a);
  std::atomic<bool> stop{false};
  Watchdog watchdog(&stop);
  std::thread runner([&] { RunAll({a.get()}, &stop); });
  Produce(first, 1);
  Produce(second, 2);
  runner.join();
  auto leads = ReadLeads(kafka_, 2);
  ASSERT_TRUE(leads) << leads.error().ToString();
  const auto file = FileModeLeads(second);
  EXPECT_GT(file.size(), 100u);
  ExpectSameLeads(*leads, file);
  auto both = first;
  both.insert(both.end(), second.begin(), second.end());
  EXPECT_NE(FileModeLeads(both), file);
  uint64_t stored = 0;
  for (int p = 0; p < 4; ++p) {
    auto store = PartitionStore::Open(state.path(), "calls", p);
    ASSERT_TRUE(store);
    stored += (*store)->size();
  }
  // Epoch 3 would read epoch 3 alone: once epoch 2 is scored, nothing stored is needed.
  EXPECT_EQ(stored, 0u);
  EXPECT_EQ(a->stats().half_edges, 2 * (first.size() + second.size() - 2));
}

TEST_F(MemberTest, KilledMemberLosesAndDuplicatesNothing) {
  TempDir state;  // shared: b resumes a's partitions from a's checkpoints
  KillOneMember(12, state.path(), state.path());
}

TEST_F(MemberTest, NewOwnerWithoutTheStateReplaysThePartition) {
  TempDir state_a, state_b;  // not shared: b rebuilds a's partitions from the topic
  KillOneMember(13, state_a.path(), state_b.path());
}

}  // namespace
}  // namespace bantay::stream
