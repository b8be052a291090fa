// meta/hash_slots.h: the open-addressing tables of the ingest (call ids, account and IP
// ids), internal to meta; a header so that it can be tested on its own.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace bantay::meta::internal {

// An open-addressing table keyed by 64-bit hashes that are already mixed, with linear
// probing and the key inside the slot: a lookup reads one slot, mostly one cache line,
// where absl's tables read a control byte and then the slot, two cache misses on tables
// far larger than the cache (the ingest tables of large inputs). Key 0 marks an empty
// slot, so a zero hash is stored as 1 (the interner compares names on every hit). At most
// 80% full.
template <class Value>
class HashSlots {
 public:
  struct Slot {
    uint64_t key;
    [[no_unique_address]] Value value;
  };
  // The slot of `hash`, and whether it was just inserted (with a value-initialised value).
  // Invalidates earlier slot pointers when the table grows.
  std::pair<Slot*, bool> Insert(uint64_t hash) {
    if ((size_ + 1) * 5 > slots_.size() * 4) Grow();
    const uint64_t key = hash != 0 ? hash : 1;
    for (size_t i = key & mask_;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.key == key) return {&s, false};
      if (s.key == 0) {
        s.key = key;
        s.value = Value();
        ++size_;
        return {&s, true};
      }
    }
  }
  size_t size() const { return size_; }
  // Starts loading the home slot of `hash` (a lookup a few calls ahead). An empty table
  // has mask 0: the null data pointer plus 0, which a prefetch may name without faulting.
  void Prefetch(uint64_t hash) const {
    __builtin_prefetch(slots_.data() + ((hash != 0 ? hash : 1) & mask_));
  }

 private:
  void Grow() {
    std::vector<Slot> old(std::max<size_t>(1024, slots_.size() * 2));
    old.swap(slots_);
    mask_ = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.key == 0) continue;
      size_t i = s.key & mask_;
      while (slots_[i].key != 0) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }
  std::vector<Slot> slots_;
  size_t mask_ = 0, size_ = 0;
};

// A set of already mixed 64-bit hashes kept by their low 56 bits, each with an 8-bit tag in
// the top byte of the same word (the block of a call under bounded state): one 8-byte slot
// per entry, and the entries of tags no longer wanted go at once (Keep). Linear probing,
// at most 80% full; a zero word is an empty slot, so low bits 0 are stored as 1. Two hashes
// equal in their low 56 bits are one entry (for 10^8 entries, ~0.07 such pairs expected).
class TaggedHashSet {
 public:
  static constexpr uint64_t kIdBits = (uint64_t{1} << 56) - 1;
  // Adds `hash` with `tag`; false (the tag unchanged) when its id is there already.
  bool Insert(uint64_t hash, uint8_t tag) {
    if ((size_ + 1) * 5 > slots_.size() * 4) Rebuild(std::max<size_t>(1024, slots_.size() * 2));
    const uint64_t id = Id(hash);
    for (size_t i = id & mask_;; i = (i + 1) & mask_) {
      const uint64_t w = slots_[i];
      if (w == 0) {
        slots_[i] = id | uint64_t{tag} << 56;
        ++size_;
        return true;
      }
      if ((w & kIdBits) == id) return false;
    }
  }
  // Keeps the entries whose tag `keep(tag)` accepts, in a table sized for them.
  template <class KeepTag>
  void Keep(const KeepTag& keep) {
    std::vector<uint64_t> old;
    old.swap(slots_);
    size_ = 0;
    for (const uint64_t w : old) size_ += w != 0 && keep(static_cast<uint8_t>(w >> 56));
    Place(old, SlotsFor(size_), keep);
  }
  // Sizes the table for `entries` entries, so that it does not grow (each growth moves
  // every entry) until they are in. Keep sizes it for what it keeps, as without this.
  void Reserve(size_t entries) {
    if (const size_t n = SlotsFor(entries); n > slots_.size()) Rebuild(n);
  }
  size_t size() const { return size_; }
  size_t slot_count() const { return slots_.size(); }
  // Starts loading the home slot of `hash` (a lookup a few calls ahead), as HashSlots does.
  // Not behind a test for an empty table: GCC 12 then dropped the prefetch altogether.
  void Prefetch(uint64_t hash) const { __builtin_prefetch(slots_.data() + (Id(hash) & mask_)); }

 private:
  // The power of two of slots (at least 1024) that holds `entries` at most 80% full.
  static size_t SlotsFor(size_t entries) {
    size_t n = 1024;
    while (n * 4 < entries * 5) n *= 2;
    return n;
  }
  static uint64_t Id(uint64_t hash) {
    const uint64_t id = hash & kIdBits;
    return id != 0 ? id : 1;
  }
  void Rebuild(size_t n) {
    std::vector<uint64_t> old;
    old.swap(slots_);
    Place(old, n, [](uint8_t) { return true; });
  }
  // Moves the kept words of `old` into a fresh table of `n` slots (a power of two).
  template <class KeepTag>
  void Place(const std::vector<uint64_t>& old, size_t n, const KeepTag& keep) {
    slots_.assign(n, 0);
    mask_ = n - 1;
    for (const uint64_t w : old) {
      if (w == 0 || !keep(static_cast<uint8_t>(w >> 56))) continue;
      size_t i = (w & kIdBits) & mask_;
      while (slots_[i] != 0) i = (i + 1) & mask_;
      slots_[i] = w;
    }
  }
  std::vector<uint64_t> slots_;
  size_t mask_ = 0, size_ = 0;
};

}  // namespace bantay::meta::internal
