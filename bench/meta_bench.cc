// bench/meta_bench.cc: the metadata analysis's hot path, call records per second in each
// step: Prepare (parse threads), Add (the one ingest thread) and Finish (scoring, 2 threads).
// The end-to-end number, CSV included, is bench/meta_throughput.sh's.
//
//   build/bench/meta_bench                              (400 k calls, 40 k accounts)
//   BANTAY_BENCH_CALLS=2000000 build/bench/meta_bench --benchmark_filter=Finish
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "meta/hash_slots.h"
#include "meta/meta.h"

namespace {

using namespace bantay::meta;

size_t Calls() {
  const char* env = std::getenv("BANTAY_BENCH_CALLS");
  return env != nullptr ? std::strtoull(env, nullptr, 10) : 400000;
}

// A month of calls among accounts a tenth as many: a third in a Philippine hotspot region,
// the rest in high-income countries; country columns set, so no IP lookups.
const std::vector<CallRecord>& Records() {
  static const std::vector<CallRecord> records = [] {
    static const char* const kCountries[] = {"PH", "US", "GB", "AU", "DE", "JP"};
    const size_t n = Calls();
    const uint32_t accounts = static_cast<uint32_t>(std::max<size_t>(n / 10, 100));
    std::mt19937_64 rng(7);
    std::vector<CallRecord> out(n);
    for (size_t i = 0; i < n; ++i) {
      CallRecord& r = out[i];
      const uint32_t a = static_cast<uint32_t>(rng() % accounts);
      const uint32_t b = static_cast<uint32_t>(rng() % accounts);
      r.call_id = "c" + std::to_string(i);
      r.start_ms = 1772323200000 + static_cast<int64_t>(i) * 30LL * 86400000 / static_cast<int64_t>(n);
      r.duration_s = static_cast<uint32_t>(rng() % 5400);
      r.caller = "u" + std::to_string(a);
      r.callee = "u" + std::to_string(b);
      r.media = static_cast<Media>(rng() % 3);
      r.caller_country = kCountries[a % 3 == 0 ? 0 : 1 + a % 5];
      r.callee_country = kCountries[b % 3 == 0 ? 0 : 1 + b % 5];
      if (r.caller_country == "PH") r.caller_region = "PH-07";
      if (r.callee_country == "PH") r.callee_region = "PH-07";
      r.caller_ip = "10." + std::to_string(a >> 16) + "." + std::to_string((a >> 8) & 255) + "." +
                    std::to_string(a & 255);
      r.line = i + 2;
    }
    return out;
  }();
  return records;
}

std::unique_ptr<Analyzer> NewAnalyzer(int threads = 1) {
  static const CountryTable countries = *CountryTable::Default();
  MetaOptions o;
  o.threads = threads;
  return std::move(*Analyzer::Create(&countries, nullptr, *MetaWeights::Default(), o));
}

void BM_MetaPrepare(benchmark::State& state) {
  const auto& records = Records();
  auto analyzer = NewAnalyzer();
  for (auto _ : state) {
    PreparedBatch batch;
    for (const auto& r : records) batch.Add(*analyzer, r);
    benchmark::DoNotOptimize(batch.calls().data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * records.size()));
}
BENCHMARK(BM_MetaPrepare)->Unit(benchmark::kMillisecond);

// Ingest: Add per call on one thread (arg 0), or AddBatch in batches of 8192 with the
// worker thread (arg 2), as `bantay meta` does; stats() waits for the worker.
void BM_MetaAdd(benchmark::State& state) {
  const auto& records = Records();
  const int threads = static_cast<int>(state.range(0));
  auto prototype = NewAnalyzer();
  std::vector<std::shared_ptr<PreparedBatch>> batches;
  for (size_t at = 0; at < records.size(); ++at) {
    if (at % 8192 == 0) batches.push_back(std::make_shared<PreparedBatch>());
    batches.back()->Add(*prototype, records[at]);
  }
  for (auto _ : state) {
    state.PauseTiming();
    auto analyzer = NewAnalyzer(std::max(1, threads));
    state.ResumeTiming();
    for (const auto& batch : batches) {
      if (threads == 0) {
        for (const PreparedCall& p : batch->calls()) analyzer->Add(p);
      } else {
        analyzer->AddBatch(batch->calls());
      }
    }
    benchmark::DoNotOptimize(analyzer->stats().accounts);
    state.PauseTiming();
    analyzer.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * records.size()));
}
BENCHMARK(BM_MetaAdd)->Arg(0)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_MetaFinish(benchmark::State& state) {
  const auto& records = Records();
  for (auto _ : state) {
    state.PauseTiming();
    auto analyzer = NewAnalyzer();
    for (const auto& r : records) analyzer->Add(r);
    state.ResumeTiming();
    benchmark::DoNotOptimize(analyzer->Finish(2).size());
    state.PauseTiming();
    analyzer.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * records.size()));
}
BENCHMARK(BM_MetaFinish)->Unit(benchmark::kMillisecond);

// The call-id set alone, 8 M random ids into a table far larger than the cache, the home
// slot of the id `ahead` inserts on prefetched as AddBatch does (0: none). The two should
// differ by about the memory latency per insert: GCC 12 once compiled the prefetch to
// nothing (README, session 15), and then they did not.
void BM_CallIdSetInsert(benchmark::State& state) {
  const size_t ahead = static_cast<size_t>(state.range(0));
  constexpr size_t kIds = size_t{8} << 20;
  std::vector<uint64_t> ids(kIds);
  std::mt19937_64 rng(11);
  for (uint64_t& id : ids) id = rng();
  for (auto _ : state) {
    internal::TaggedHashSet set;
    set.Keep([](uint8_t) { return true; });  // sized for nothing: grows as a run's does
    size_t added = 0;
    for (size_t i = 0; i < kIds; ++i) {
      if (ahead != 0 && i + ahead < kIds) set.Prefetch(ids[i + ahead]);
      added += set.Insert(ids[i], 0);
    }
    benchmark::DoNotOptimize(added);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kIds));
}
BENCHMARK(BM_CallIdSetInsert)->Arg(0)->Arg(8)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
