// core/utf8.cc: UTF-8 validation and repair. Not inline in the header on purpose: the chat
// reader is compiled twice (portable and AVX2), and an inline function instantiated in both
// could be resolved to the AVX2 copy on any CPU.
#include "core/utf8.h"

#include <cstdint>
#include <cstring>

namespace bantay {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

inline size_t SequenceLength(const unsigned char* p, size_t left) {
  const unsigned char lead = p[0];
  if (lead < 0x80) return 1;
  size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    n = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    n = 3;
    if (lead == 0xE0) lo = 0xA0;  // overlong below U+0800
    if (lead == 0xED) hi = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    n = 4;
    if (lead == 0xF0) lo = 0x90;  // overlong below U+10000
    if (lead == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;  // continuation byte, C0/C1 (overlong two-byte forms), F5..FF
  }
  if (n > left) return 0;
  if (p[1] < lo || p[1] > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if ((p[k] & 0xC0) != 0x80) return 0;
  }
  return n;
}

// Bytes of ASCII at the start of [p, p + left).
inline size_t AsciiPrefix(const unsigned char* p, size_t left) {
  size_t i = 0;
  for (; i + 8 <= left; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    if (w & 0x8080808080808080ULL) break;
  }
  while (i < left && p[i] < 0x80) ++i;
  return i;
}

}  // namespace

size_t Utf8SequenceLength(std::string_view s, size_t i) {
  return SequenceLength(reinterpret_cast<const unsigned char*>(s.data()) + i, s.size() - i);
}

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t size = s.size();
  size_t i = 0;
  while (i < size) {
    i += AsciiPrefix(p + i, size - i);
    if (i == size) break;
    const size_t n = SequenceLength(p + i, size - i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

size_t RepairUtf8(std::string_view s, std::string* out) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t size = s.size();
  size_t replaced = 0;
  size_t i = 0, good = 0;  // [good, i) is well-formed and not yet appended
  while (i < size) {
    i += AsciiPrefix(p + i, size - i);
    if (i == size) break;
    const size_t n = SequenceLength(p + i, size - i);
    if (n > 0) {
      i += n;
      continue;
    }
    out->append(s.substr(good, i - good));
    out->append(kReplacement);
    ++replaced;
    good = ++i;
  }
  out->append(s.substr(good));
  return replaced;
}

std::string RepairUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  RepairUtf8(s, &out);
  return out;
}

}  // namespace bantay
