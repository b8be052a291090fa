// meta/interner.h: dense ids for account names met by their hash (the ingest's account
// table), internal to meta; a header so that it can be tested on its own.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "meta/hash_slots.h"

namespace bantay::meta::internal {

// The first 16 bytes of a name, zero-padded (PreparedCall::Side::account_head): what
// memcpy of up to 16 bytes into zeroed words gives, built in registers from loads inside
// the name. The memcpy's stores, of a size known only at run time, were then reloaded as
// 16 bytes: a store-forwarding stall, two thirds of the samples of preparing a call's side.
inline std::array<uint64_t, 2> NameHead(std::string_view name) {
  const char* p = name.data();
  const size_t n = name.size();
  uint64_t a = 0, b = 0;
  if (n >= 8) {
    std::memcpy(&a, p, 8);
    if (n >= 16) {
      std::memcpy(&b, p + 8, 8);
    } else if (n > 8) {  // bytes 8..n-1: the last 8 bytes, shifted down past n-8 of them
      std::memcpy(&b, p + n - 8, 8);
      b >>= 8 * (16 - n);
    }
  } else if (n >= 4) {  // two loads of 4 bytes that overlap unless n is 8
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    a = lo | uint64_t{hi} << (8 * (n - 4));
  } else if (n > 0) {
    const auto byte = [&](size_t i) { return uint64_t{static_cast<uint8_t>(p[i])} << (8 * i); };
    a = byte(0) | byte(n / 2) | byte(n - 1);
  }
  return {a, b};
}

// Dense ids for strings met by their 64-bit hash: one probe of a table of integers per
// lookup, no string built per record; the name is kept once, on first sight, and compared
// on every hit, so that two names whose hashes collide still get two ids. A name of up to
// 16 bytes is compared by its length and NameHead, kept in the table's slot and passed in by
// the caller: two integer comparisons of memory already read (the slot just probed, the
// prepared call), where comparing the name read it from the input chunk, which another
// thread parsed (~8% of a large run's samples were that memcmp); longer names are compared
// with `names_`.
class Interner {
 public:
  // REQUIRES: `head` is NameHead(name).
  uint32_t Id(uint64_t hash, std::string_view name, const std::array<uint64_t, 2>& head) {
    auto [it, inserted] = by_hash_.Insert(hash);
    Slot& slot = it->value;
    if (inserted) {
      slot.id = static_cast<uint32_t>(names_.size());
      slot.size = name.size() <= sizeof slot.head ? static_cast<uint8_t>(name.size()) : kLong;
      slot.head = head;
      names_.emplace_back(name);
      return slot.id;
    }
    // Compared as integers: std::array's == is a call of memcmp.
    if (slot.size != kLong
            ? name.size() == slot.size && ((slot.head[0] ^ head[0]) | (slot.head[1] ^ head[1])) == 0
            : names_[slot.id] == name) {
      return slot.id;
    }
    auto [c, c_inserted] =
        collided_.try_emplace(std::string(name), static_cast<uint32_t>(names_.size()));
    if (c_inserted) names_.emplace_back(name);
    return c->second;
  }
  uint32_t Id(uint64_t hash, std::string_view name) { return Id(hash, name, NameHead(name)); }
  const std::vector<std::string>& names() const { return names_; }
  size_t size() const { return names_.size(); }
  void Prefetch(uint64_t hash) const { by_hash_.Prefetch(hash); }

 private:
  static constexpr uint8_t kLong = 255;  // Slot::size of a name longer than Slot::head
  struct Slot {
    uint32_t id = 0;
    uint8_t size = 0;
    std::array<uint64_t, 2> head{};  // NameHead, when size is not kLong
  };
  static_assert(sizeof(HashSlots<Slot>::Slot) == 32);
  HashSlots<Slot> by_hash_;
  absl::flat_hash_map<std::string, uint32_t> collided_;
  std::vector<std::string> names_;
};

}  // namespace bantay::meta::internal
