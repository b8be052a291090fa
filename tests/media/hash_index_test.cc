// Multi-index hashing: results identical to the brute-force scan, planted neighbours found.
#include <random>

#include "media/media.h"
#include "media_test_util.h"

namespace bantay::media {
namespace {

Hash256 RandomHash(std::mt19937_64& rng) { return Hash256{{rng(), rng(), rng(), rng()}}; }

// `base` with exactly `d` distinct bits flipped.
Hash256 AtDistance(const Hash256& base, int d, std::mt19937_64& rng) {
  Hash256 h = base;
  std::vector<int> bits(256);
  for (int i = 0; i < 256; ++i) bits[i] = i;
  std::shuffle(bits.begin(), bits.end(), rng);
  for (int i = 0; i < d; ++i) h.w[bits[i] >> 6] ^= uint64_t{1} << (bits[i] & 63);
  return h;
}

TEST(HashIndex, EqualsBruteForceWithPlantedNeighboursAtDistances0To32) {
  std::mt19937_64 rng(42);
  std::vector<Hash256> hashes;
  for (int i = 0; i < 20000; ++i) hashes.push_back(RandomHash(rng));
  std::vector<Hash256> queries;
  for (int q = 0; q < 60; ++q) {
    const Hash256 query = RandomHash(rng);
    queries.push_back(query);
    for (int d = 0; d <= 32; ++d) hashes.push_back(AtDistance(query, d, rng));
  }
  std::shuffle(hashes.begin(), hashes.end(), rng);
  const HashIndex index = HashIndex::Build(hashes);
  EXPECT_EQ(index.substrings(), 11);
  HashIndex::Scratch scratch;
  std::vector<IndexMatch> got, want;
  for (const Hash256& q : queries) {
    for (int r : {0, 1, 7, 16, 31, 32, 40, 64}) {
      index.Query(q, r, &got, scratch);
      BruteForceQuery(hashes, q, r, &want);
      ASSERT_EQ(got, want) << "radius " << r;
    }
    index.Query(q, 31, &got, scratch);
    EXPECT_EQ(got.size(), 32u);  // the planted 0..31, not the one at 32
  }
}

TEST(HashIndex, EveryChoiceOfSubstringCountIsExact) {
  std::mt19937_64 rng(7);
  std::vector<Hash256> hashes;
  for (int i = 0; i < 3000; ++i) hashes.push_back(RandomHash(rng));
  const Hash256 q = RandomHash(rng);
  for (int d = 0; d <= 31; ++d) hashes.push_back(AtDistance(q, d, rng));
  std::vector<IndexMatch> got, want;
  BruteForceQuery(hashes, q, 31, &want);
  ASSERT_EQ(want.size(), 32u);
  for (int m : {8, 9, 10, 12, 16, 32}) {
    const HashIndex index = HashIndex::Build(hashes, m);
    HashIndex::Scratch scratch;
    index.Query(q, 31, &got, scratch);
    EXPECT_EQ(got, want) << "m = " << m;
  }
}

TEST(HashIndex, EmptyAndTinyIndexes) {
  HashIndex::Scratch scratch;
  std::vector<IndexMatch> got;
  const HashIndex empty = HashIndex::Build({});
  empty.Query(Hash256{}, 31, &got, scratch);
  EXPECT_TRUE(got.empty());
  const HashIndex one = HashIndex::Build({Hash256{{1, 0, 0, 0}}});
  one.Query(Hash256{}, 31, &got, scratch);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].distance, 1);
  one.Query(Hash256{}, 0, &got, scratch);
  EXPECT_TRUE(got.empty());
  EXPECT_GT(one.MemoryBytes(), 0u);
}

}  // namespace
}  // namespace bantay::media
