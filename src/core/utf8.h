// core/utf8.h: UTF-8 validation and repair (RFC 3629), the one implementation every reader
// of outside text uses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace bantay {

// Length (1 to 4) of the well-formed UTF-8 sequence that starts at s[i], or 0 if the bytes
// there are not one: a stray continuation byte, a truncated sequence, an overlong form, a
// surrogate (U+D800..U+DFFF) or a code point above U+10FFFF. REQUIRES: i < s.size().
size_t Utf8SequenceLength(std::string_view s, size_t i);

// Whether every byte of `s` is ASCII (below 0x80), eight bytes at a time.
inline bool IsAsciiOnly(std::string_view s) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (w & 0x8080808080808080ULL) return false;
  }
  for (; i < s.size(); ++i) {
    if (static_cast<unsigned char>(s[i]) & 0x80) return false;
  }
  return true;
}

// Whether all of `s` is well-formed UTF-8. Runs of ASCII are checked eight bytes at a time.
bool IsValidUtf8(std::string_view s);

// Appends `s` to *out with every byte at which no well-formed sequence starts replaced by
// U+FFFD (one replacement per such byte, so the count says how many bytes were bad).
// Returns the number of replacements.
size_t RepairUtf8(std::string_view s, std::string* out);

// `s` repaired as above.
std::string RepairUtf8(std::string_view s);

// `s` without a UTF-8 byte-order mark at its start (Windows tools write one before the
// first line of a file): for the first bytes of an input.
inline std::string_view WithoutByteOrderMark(std::string_view s) {
  return s.starts_with("\xEF\xBB\xBF") ? s.substr(3) : s;
}

}  // namespace bantay
