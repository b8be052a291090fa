// meta/hash_slots.h: the open-addressing table of the ingest tables (call ids, account and
// IP ids), internal to meta; a header so that it can be tested on its own.
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
// slot, so a zero hash is stored as 1 (the interner compares names on every hit; for call
// ids the 64-bit hash is the identity anyway). At most 80% full.
struct NoValue {};
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
  // Removes `hash`, moving later slots of its run back so that no probe is cut short.
  void Erase(uint64_t hash) {
    if (slots_.empty()) return;
    const uint64_t key = hash != 0 ? hash : 1;
    size_t i = key & mask_;
    while (slots_[i].key != key) {
      if (slots_[i].key == 0) return;
      i = (i + 1) & mask_;
    }
    for (size_t j = (i + 1) & mask_; slots_[j].key != 0; j = (j + 1) & mask_) {
      const size_t home = slots_[j].key & mask_;
      // Slot j may move to the hole at i unless its home lies cyclically in (i, j].
      if (((j - home) & mask_) >= ((j - i) & mask_)) {
        slots_[i] = slots_[j];
        i = j;
      }
    }
    slots_[i].key = 0;
    --size_;
  }
  size_t size() const { return size_; }
  // Starts loading the home slot of `hash` (a lookup a few calls ahead).
  void Prefetch(uint64_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[(hash != 0 ? hash : 1) & mask_]);
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

}  // namespace bantay::meta::internal
