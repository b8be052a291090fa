// Tests for meta::internal::HashSlots against std::unordered_map on random inserts and
// erases, with hashes crowded into few home slots so that runs wrap and erases shift.
#include "meta/hash_slots.h"

#include <gtest/gtest.h>

#include <random>
#include <unordered_map>

namespace bantay::meta::internal {
namespace {

TEST(HashSlots, MatchesAReferenceMapUnderInsertsAndErases) {
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
      if (rng() % 3 == 0) {
        table.Erase(key);
        want.erase(key);
      } else {
        auto [slot, inserted] = table.Insert(key);
        auto [it, want_inserted] = want.try_emplace(key, static_cast<uint32_t>(step));
        ASSERT_EQ(inserted, want_inserted) << key;
        if (inserted) slot->value = static_cast<uint32_t>(step);
        ASSERT_EQ(slot->value, it->second) << key;
      }
      ASSERT_EQ(table.size(), want.size());
    }
    // Every key still there is found with its value; no erased key comes back.
    for (const auto& [key, value] : want) {
      auto [slot, inserted] = table.Insert(key);
      EXPECT_FALSE(inserted);
      EXPECT_EQ(slot->value, value);
    }
    EXPECT_EQ(table.size(), want.size());
  }
}

TEST(HashSlots, ZeroAndOneAreOneKeyAndASetSlotIsEightBytes) {
  HashSlots<NoValue> set;
  EXPECT_TRUE(set.Insert(0).second);
  EXPECT_FALSE(set.Insert(1).second);
  set.Erase(1);
  EXPECT_EQ(set.size(), 0u);
  static_assert(sizeof(HashSlots<NoValue>::Slot) == 8);
}

}  // namespace
}  // namespace bantay::meta::internal
