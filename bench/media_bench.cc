// bench/media_bench.cc: PDQ images hashed per second, and hash-list queries per second with
// the multi-index hash index side by side with a brute-force popcount scan over 10 million
// random hashes (results of the two asserted identical before timing).
//
//   build-media/bench/media_bench                       (10 M hashes; ~1.5 GB of memory)
//   BANTAY_BENCH_HASHES=1000000 build-media/bench/media_bench --benchmark_filter=Query
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>

#include "media/media.h"

namespace {

using namespace bantay::media;

std::vector<uint8_t> ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The reference images beside the tests (CMake compiles with absolute source paths).
std::string DataPath(const std::string& name) {
  std::string dir = __FILE__;
  dir.resize(dir.rfind('/'));
  return dir + "/../tests/media/data/" + name;
}

Image LoadImage(const std::string& name) {
  const std::string path = DataPath(name);
  auto image = DecodeImage(ReadBytes(path), path);
  if (!image) {
    std::fprintf(stderr, "%s\n", image.error().ToString().c_str());
    std::abort();
  }
  return *image;
}

void BM_PdqHashDecodedImage(benchmark::State& state, const char* name) {
  const Image image = LoadImage(name);
  PdqHasher hasher;
  for (auto _ : state) benchmark::DoNotOptimize(hasher.Hash(image));
  state.counters["images/s"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                  benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(BM_PdqHashDecodedImage, 512x512, "bridge-square-512x512.jpg");
BENCHMARK_CAPTURE(BM_PdqHashDecodedImage, 160x100, "bridge-shrink-a-lot.jpg");

void BM_PdqDecodeAndHashJpeg(benchmark::State& state) {
  const std::string path = DataPath("bridge-square-512x512.jpg");
  const std::vector<uint8_t> bytes = ReadBytes(path);
  PdqHasher hasher;
  for (auto _ : state) {
    auto image = DecodeImage(bytes, path);
    benchmark::DoNotOptimize(hasher.Hash(*image));
  }
  state.counters["images/s"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                  benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PdqDecodeAndHashJpeg);

void BM_PdqDihedral(benchmark::State& state) {
  const Image image = LoadImage("bridge-square-512x512.jpg");
  PdqHasher hasher;
  for (auto _ : state) benchmark::DoNotOptimize(hasher.HashDihedral(image));
}
BENCHMARK(BM_PdqDihedral);

// ---- Index vs brute force --------------------------------------------------------------------

constexpr int kQueries = 64;
constexpr int kPlanted = 4;  // near neighbours per query, at random distances 0..31

struct Corpus {
  std::vector<Hash256> queries;
  HashIndex index;
  size_t expected_results = 0;
};

Hash256 Random(std::mt19937_64& rng) { return Hash256{{rng(), rng(), rng(), rng()}}; }

const Corpus& GetCorpus() {
  static const Corpus corpus = [] {
    size_t n = 10'000'000;
    if (const char* env = std::getenv("BANTAY_BENCH_HASHES")) n = std::strtoull(env, nullptr, 10);
    std::mt19937_64 rng(2026);
    std::vector<Hash256> hashes;
    hashes.reserve(n);
    for (size_t i = 0; i < n; ++i) hashes.push_back(Random(rng));
    Corpus c;
    for (int q = 0; q < kQueries; ++q) {
      const Hash256 query = Random(rng);
      c.queries.push_back(query);
      for (int p = 0; p < kPlanted; ++p) {
        Hash256 near = query;
        const int d = static_cast<int>(rng() % 32);
        for (int flipped = 0; flipped < d;) {
          const int bit = static_cast<int>(rng() % 256);
          if (near.Bit(bit) == query.Bit(bit)) {
            near.w[bit >> 6] ^= uint64_t{1} << (bit & 63);
            ++flipped;
          }
        }
        hashes[rng() % n] = near;
      }
    }
    c.index = HashIndex::Build(std::move(hashes));
    // The index must give exactly the scan's answer before either is timed.
    HashIndex::Scratch scratch;
    std::vector<IndexMatch> a, b;
    for (const Hash256& q : c.queries) {
      c.index.Query(q, kMatchDistance, &a, scratch);
      BruteForceQuery(c.index.hashes(), q, kMatchDistance, &b);
      if (a != b) {
        std::fprintf(stderr, "index and brute force differ\n");
        std::abort();
      }
      c.expected_results += a.size();
    }
    std::fprintf(stderr, "%zu hashes, %d substrings, %.1f bytes per hash (32 for the hash), "
                 "%zu results for %d queries at distance %d (index == brute force)\n",
                 c.index.size(), c.index.substrings(),
                 static_cast<double>(c.index.MemoryBytes()) / c.index.size(),
                 c.expected_results, kQueries, kMatchDistance);
    return c;
  }();
  return corpus;
}

void BM_QueryIndex(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  const int radius = static_cast<int>(state.range(0));
  HashIndex::Scratch scratch;
  std::vector<IndexMatch> out;
  size_t i = 0;
  for (auto _ : state) {
    c.index.Query(c.queries[i++ % c.queries.size()], radius, &out, scratch);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["queries/s"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                   benchmark::Counter::kIsRate);
  state.counters["bytes/hash"] = static_cast<double>(c.index.MemoryBytes()) / c.index.size();
}
BENCHMARK(BM_QueryIndex)->Arg(31)->Arg(16)->Arg(8)->Unit(benchmark::kMicrosecond);

void BM_QueryBruteForce(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  const int radius = static_cast<int>(state.range(0));
  std::vector<IndexMatch> out;
  size_t i = 0;
  for (auto _ : state) {
    BruteForceQuery(c.index.hashes(), c.queries[i++ % c.queries.size()], radius, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["queries/s"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                   benchmark::Counter::kIsRate);
  state.counters["bytes/hash"] = sizeof(Hash256);
}
BENCHMARK(BM_QueryBruteForce)->Arg(31)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
