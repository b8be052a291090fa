// media/hash_index.cc: multi-index hashing over 256-bit PDQ hashes, and the brute-force scan
// it is checked and measured against.
#include <algorithm>
#include <bit>

#include "media/media.h"

namespace bantay::media {

namespace {

// Bits [start, start + bits) of a hash, bits <= 32.
inline uint32_t Substring(const Hash256& h, int start, int bits) {
  const int word = start >> 6, offset = start & 63;
  uint64_t v = h.w[word] >> offset;
  if (offset + bits > 64 && word < 3) v |= h.w[word + 1] << (64 - offset);
  return static_cast<uint32_t>(v & ((uint64_t{1} << bits) - 1));
}

// Masks of `bits` bits with at most 3 bits set, by popcount (0, then 1, 2, 3); counts[r] is
// the number with popcount <= r.
struct MaskSet {
  std::vector<uint32_t> masks;
  std::array<size_t, 4> counts{};
};

const MaskSet& Masks(int bits) {
  static const std::array<MaskSet, 33> sets = [] {
    std::array<MaskSet, 33> all;
    for (int b = 1; b <= 32; ++b) {
      MaskSet& s = all[b];
      s.masks.push_back(0);
      s.counts[0] = 1;
      for (int i = 0; i < b; ++i) s.masks.push_back(1u << i);
      s.counts[1] = s.masks.size();
      for (int i = 0; i < b; ++i)
        for (int j = i + 1; j < b; ++j) s.masks.push_back((1u << i) | (1u << j));
      s.counts[2] = s.masks.size();
      for (int i = 0; i < b; ++i)
        for (int j = i + 1; j < b; ++j)
          for (int k = j + 1; k < b; ++k) s.masks.push_back((1u << i) | (1u << j) | (1u << k));
      s.counts[3] = s.masks.size();
    }
    return all;
  }();
  return sets[bits];
}

// Enumerates every value within `radius` bits of `key` (radius > 3 is not needed: m is chosen
// so that it stays under 4, and larger radii fall back to the scan in Query).
template <class Fn>
void ForEachNeighbour(uint32_t key, int bits, int radius, Fn&& fn) {
  const MaskSet& s = Masks(bits);
  const size_t n = s.counts[radius];
  for (size_t i = 0; i < n; ++i) fn(key ^ s.masks[i]);
}

int Log2Ceil(size_t n) {
  int b = 0;
  while ((size_t{1} << b) < n) ++b;
  return b;
}

}  // namespace

HashIndex HashIndex::Build(std::vector<Hash256> hashes, int substrings) {
  HashIndex index;
  index.hashes_ = std::move(hashes);
  const size_t n = index.hashes_.size();
  // m = 11 at r = 31 gives q = 2 on ten substrings of 23-24 bits and 1 on the last: about
  // 3,000 probes a query and, with ~2^23 buckets, about as many candidates for 10 M hashes.
  // Small lists need fewer, longer substrings only to save probes; 11 stays correct.
  int m = substrings > 0 ? substrings : 11;
  m = std::clamp(m, 8, 32);  // substrings of at most 32 bits
  const int dir_cap = std::max(1, Log2Ceil(n));
  int start = 0;
  for (int t = 0; t < m; ++t) {
    Table table;
    table.start = start;
    table.bits = 256 / m + (t >= m - 256 % m ? 1 : 0);  // longer substrings last
    start += table.bits;
    table.dir_bits = std::min(table.bits, dir_cap);
    const int shift = table.bits - table.dir_bits;
    table.dir.assign((size_t{1} << table.dir_bits) + 1, 0);
    for (const Hash256& h : index.hashes_) {
      ++table.dir[(Substring(h, table.start, table.bits) >> shift) + 1];
    }
    for (size_t k = 1; k < table.dir.size(); ++k) table.dir[k] += table.dir[k - 1];
    table.ids.resize(n);
    if (shift > 0) table.keys.resize(n);
    std::vector<uint32_t> fill(table.dir.begin(), table.dir.end() - 1);
    for (size_t id = 0; id < n; ++id) {
      const uint32_t key = Substring(index.hashes_[id], table.start, table.bits);
      const uint32_t pos = fill[key >> shift]++;
      table.ids[pos] = static_cast<uint32_t>(id);
      if (shift > 0) table.keys[pos] = key;
    }
    index.tables_.push_back(std::move(table));
  }
  return index;
}

void HashIndex::Query(const Hash256& query, int max_distance, std::vector<IndexMatch>* out,
                      Scratch& scratch) const {
  out->clear();
  if (max_distance < 0) return;
  const int m = static_cast<int>(tables_.size());
  const int q = max_distance / m, a = max_distance % m;
  if (q > 3 || m == 0) {  // too far for substring search to pay
    BruteForceQuery(hashes_, query, max_distance, out);
    return;
  }
  std::vector<uint32_t>& cand = scratch.candidates;
  cand.clear();
  for (int t = 0; t < m; ++t) {
    const int radius = t <= a ? q : q - 1;
    if (radius < 0) continue;
    const Table& table = tables_[t];
    const int shift = table.bits - table.dir_bits;
    const uint32_t key = Substring(query, table.start, table.bits);
    ForEachNeighbour(key, table.bits, radius, [&](uint32_t probe) {
      const uint32_t bucket = probe >> shift;
      const uint32_t b = table.dir[bucket], e = table.dir[bucket + 1];
      for (uint32_t k = b; k < e; ++k) {
        if (shift > 0 && table.keys[k] != probe) continue;
        const uint32_t id = table.ids[k];
        if (Distance(hashes_[id], query) <= max_distance) cand.push_back(id);
      }
    });
  }
  // A hash near on several substrings is found once per substring.
  std::sort(cand.begin(), cand.end());
  cand.erase(std::unique(cand.begin(), cand.end()), cand.end());
  out->reserve(cand.size());
  for (uint32_t id : cand) out->push_back({id, Distance(hashes_[id], query)});
}

size_t HashIndex::MemoryBytes() const {
  size_t bytes = hashes_.capacity() * sizeof(Hash256);
  for (const Table& t : tables_) {
    bytes += (t.dir.capacity() + t.ids.capacity() + t.keys.capacity()) * sizeof(uint32_t);
  }
  return bytes;
}

void BruteForceQuery(std::span<const Hash256> hashes, const Hash256& query, int max_distance,
                     std::vector<IndexMatch>* out) {
  out->clear();
  const uint64_t q0 = query.w[0], q1 = query.w[1], q2 = query.w[2], q3 = query.w[3];
  const size_t n = hashes.size();
  for (size_t i = 0; i < n; ++i) {
    const Hash256& h = hashes[i];
    const int d = std::popcount(h.w[0] ^ q0) + std::popcount(h.w[1] ^ q1) +
                  std::popcount(h.w[2] ^ q2) + std::popcount(h.w[3] ^ q3);
    if (d <= max_distance) [[unlikely]] {
      out->push_back({static_cast<uint32_t>(i), d});
    }
  }
}

}  // namespace bantay::media
