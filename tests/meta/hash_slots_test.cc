// Tests for meta::internal::HashSlots and TaggedHashSet against std::unordered_map/set on
// random inserts (and, for the tagged set, drops by tag), with hashes crowded into few home
// slots so that runs wrap.
#include "meta/hash_slots.h"

#include <gtest/gtest.h>

#include <random>
#include <unordered_map>

namespace bantay::meta::internal {
namespace {

TEST(HashSlots, MatchesAReferenceMapUnderInserts) {
  for (uint64_t spread : {uint64_t{1} << 40, uint64_t{5000}, uint64_t{64}}) {
    std::mt19937_64 rng(spread);
    HashSlots<uint32_t> table;
    std::unordered_map<uint64_t, uint32_t> want;
    for (int step = 0; step < 200000; ++step) {
      // Keys share their low bits often (multiples of 1024 land on slot 0 of a small table),
      // and 0 and 1 are both used (0 is stored as 1: they are one key).
      uint64_t key = rng() % spread;
      if (step % 7 == 0) key *= 1024;
      if (key == 0) key = 1;
      auto [slot, inserted] = table.Insert(key);
      auto [it, want_inserted] = want.try_emplace(key, static_cast<uint32_t>(step));
      ASSERT_EQ(inserted, want_inserted) << key;
      if (inserted) slot->value = static_cast<uint32_t>(step);
      ASSERT_EQ(slot->value, it->second) << key;
      ASSERT_EQ(table.size(), want.size());
    }
  }
}

TEST(HashSlots, ZeroAndOneAreOneKey) {
  HashSlots<uint32_t> table;
  EXPECT_TRUE(table.Insert(0).second);
  EXPECT_FALSE(table.Insert(1).second);
  EXPECT_EQ(table.size(), 1u);
}

// Entries come with tags 0..7; now and then every entry of some tags is dropped. The set
// answers as a reference map from id (the low 56 bits) to tag does.
TEST(TaggedHashSet, MatchesAReferenceUnderInsertsAndDropsByTag) {
  for (uint64_t spread : {uint64_t{1} << 40, uint64_t{5000}, uint64_t{64}}) {
    std::mt19937_64 rng(spread);
    TaggedHashSet set;
    std::unordered_map<uint64_t, uint8_t> want;
    for (int step = 0; step < 200000; ++step) {
      uint64_t hash = rng() % spread;
      if (step % 7 == 0) hash *= 1024;
      hash |= (rng() & 0xFF) << 56;  // the top byte is no part of the id
      const uint64_t id = (hash & TaggedHashSet::kIdBits) != 0 ? hash & TaggedHashSet::kIdBits : 1;
      const auto tag = static_cast<uint8_t>(rng() % 8);
      ASSERT_EQ(set.Insert(hash, tag), want.try_emplace(id, tag).second) << hash;
      if (step % 20000 == 19999) {
        const auto dropped = static_cast<uint8_t>(rng() % 8);
        set.Keep([&](uint8_t t) { return t != dropped; });
        std::erase_if(want, [&](const auto& kv) { return kv.second == dropped; });
      }
      ASSERT_EQ(set.size(), want.size());
    }
    // What is kept is found; nothing dropped comes back.
    for (const auto& [id, tag] : want) EXPECT_FALSE(set.Insert(id, tag)) << id;
    EXPECT_EQ(set.size(), want.size());
  }
}

TEST(TaggedHashSet, TheIdIsTheLow56Bits) {
  TaggedHashSet set;
  EXPECT_TRUE(set.Insert(0x0100000000000005, 1));
  EXPECT_FALSE(set.Insert(0xFF00000000000005, 2));  // same id, another top byte
  EXPECT_TRUE(set.Insert(0, 3));
  EXPECT_FALSE(set.Insert(1, 3));  // an id of 0 is stored as 1
  EXPECT_EQ(set.size(), 2u);
  EXPECT_FALSE(set.Insert(5, 0));
  set.Keep([](uint8_t tag) { return tag != 1; });  // the first entry's tag
  EXPECT_EQ(set.size(), 1u);
  EXPECT_TRUE(set.Insert(5, 0));
}

// A reserved table holds its entries without growing, and Keep sizes it for what it keeps;
// what it answers is what an unreserved one does.
TEST(TaggedHashSet, AReservedTableDoesNotGrowUntilItsEntriesAreIn) {
  TaggedHashSet reserved, plain;
  reserved.Reserve(100000);
  const size_t slots = reserved.slot_count();
  EXPECT_GE(slots * 4, size_t{100000} * 5);  // at most 80% full
  EXPECT_LT(slots, size_t{100000} * 5 / 2);  // the smallest power of two that is
  std::mt19937_64 rng(7);
  for (int i = 0; i < 100000; ++i) {
    const uint64_t hash = rng() % 150000;
    ASSERT_EQ(reserved.Insert(hash, static_cast<uint8_t>(i & 1)),
              plain.Insert(hash, static_cast<uint8_t>(i & 1)));
  }
  EXPECT_EQ(reserved.slot_count(), slots);
  EXPECT_LT(plain.slot_count(), slots * 2);  // grown to the same size or half of it
  reserved.Keep([](uint8_t tag) { return tag == 0; });
  plain.Keep([](uint8_t tag) { return tag == 0; });
  EXPECT_LT(reserved.slot_count(), slots);  // sized for what it kept
  EXPECT_EQ(reserved.slot_count(), plain.slot_count());
  EXPECT_EQ(reserved.size(), plain.size());
  for (uint64_t hash = 0; hash < 150000; ++hash) {
    ASSERT_EQ(reserved.Insert(hash, 0), plain.Insert(hash, 0)) << hash;
  }
}

}  // namespace
}  // namespace bantay::meta::internal
