// text/json_writer.h: the scan output line (ARCHITECTURE.md "Scan output") written by hand,
// from any source that describes a scored conversation (private to the text module).
#pragma once

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string>
#include <string_view>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "core/utf8.h"
#include "text/text.h"

namespace bantay::text::json {

// Writes into a buffer whose room the caller made in advance (LineBound): no capacity
// check per piece. Strings are escaped as JSON; invalid UTF-8 becomes U+FFFD.
class Writer {
 public:
  explicit Writer(char* p) : p_(p) {}
  char* end() const { return p_; }

  template <size_t N>
  void Lit(const char (&s)[N]) {
    std::memcpy(p_, s, N - 1);
    p_ += N - 1;
  }
  void Raw(std::string_view s) {
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }
  void Char(char c) { *p_++ = c; }

  void String(std::string_view s) {
    *p_++ = '"';
    size_t i = 0;
    while (i < s.size()) {
      size_t j = i;
#ifdef __SSE2__
      // Sixteen bytes at a time while none needs escaping or is non-ASCII; each block is
      // stored whole (the room covers it) and the pointer moves by what was plain.
      const __m128i quote = _mm_set1_epi8('"');
      const __m128i backslash = _mm_set1_epi8('\\');
      const __m128i max_control = _mm_set1_epi8(0x1F);
      // A bit per byte that needs escaping or is non-ASCII (>= 0x80).
      const auto specials = [&](__m128i x) {
        const __m128i special =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)),
                         _mm_cmpeq_epi8(_mm_min_epu8(x, max_control), x));
        return static_cast<unsigned>(_mm_movemask_epi8(special)) |
               static_cast<unsigned>(_mm_movemask_epi8(x));
      };
      while (j + 16 <= s.size()) {
        const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + j));
        const unsigned mask = specials(x);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(p_ + (j - i)), x);
        if (mask != 0) {
          j += static_cast<size_t>(__builtin_ctz(mask));
          break;
        }
        j += 16;
      }
      // The last bytes (fewer than 16) the same way, loaded straight from the string (a
      // zero-padded copy of them could not feed its 16-byte load from the copy's narrower
      // stores: a store-forwarding stall on every string). From a string of 16 bytes on,
      // its last 16 bytes, when those before j are plain ones of this run (already written
      // where the block puts them again); from 8 bytes on, its next 8 and last 8 bytes,
      // overlapping, each stored where it belongs. Shorter tails take the byte loop.
      if (j < s.size() && s.size() - j < 16) {
        const size_t rest = s.size() - j;
        if (s.size() >= 16 && s.size() - 16 >= i) {
          const size_t back = 16 - rest;  // bytes of the block before j
          const __m128i x =
              _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + s.size() - 16));
          _mm_storeu_si128(reinterpret_cast<__m128i*>(p_ + (j - i) - back), x);
          const unsigned mask = specials(x) >> back;
          j += mask != 0 ? static_cast<size_t>(__builtin_ctz(mask)) : rest;
        } else if (rest >= 8) {
          uint64_t next, last;
          std::memcpy(&next, s.data() + j, 8);
          std::memcpy(&last, s.data() + s.size() - 8, 8);
          const __m128i x =
              _mm_set_epi64x(static_cast<long long>(last), static_cast<long long>(next));
          std::memcpy(p_ + (j - i), &next, 8);
          std::memcpy(p_ + (j - i) + rest - 8, &last, 8);
          const unsigned mask = specials(x);
          if ((mask & 0xFF) != 0) {
            j += static_cast<size_t>(__builtin_ctz(mask & 0xFF));
          } else if (mask != 0) {
            j += rest - 16 + static_cast<size_t>(__builtin_ctz(mask));
          } else {
            j += rest;
          }
        }
      }
#endif
      while (j < s.size()) {
        const auto c = static_cast<unsigned char>(s[j]);
        if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') break;
        p_[j - i] = static_cast<char>(c);
        ++j;
      }
      p_ += j - i;
      i = j;
      if (i < s.size()) i += Special(s, i);
    }
    *p_++ = '"';
  }

  void Uint(uint64_t v) {
    if (v < 10) {
      *p_++ = static_cast<char>('0' + v);
      return;
    }
    p_ = std::to_chars(p_, p_ + 24, v).ptr;
  }

  // `v`, which the caller rounded to at most four decimals, as std::to_chars's shortest
  // form would write it. For 0.001 <= |v| < 10000 that is plain decimal notation of the (at
  // most eight-digit) decimal that `v` is the nearest double to, written here by integer
  // arithmetic (to_chars's shortest search costs ~500 instructions); anything else, or a
  // value that is not such a decimal, goes to to_chars.
  void Number(double v) {
    const double scaled = std::abs(v) * 10000.0;
    if (scaled >= 10.0 && scaled < 1e8) {
      const auto k = static_cast<uint64_t>(std::llround(scaled));
      if (static_cast<double>(k) / 10000.0 == std::abs(v)) {
        if (v < 0) *p_++ = '-';
        Uint(k / 10000);
        uint64_t frac = k % 10000;
        if (frac != 0) {
          int digits = 4;
          while (frac % 10 == 0) {
            frac /= 10;
            --digits;
          }
          *p_++ = '.';
          for (int d = digits - 1; d >= 0; --d) {
            p_[d] = static_cast<char>('0' + frac % 10);
            frac /= 10;
          }
          p_ += digits;
        }
        return;
      }
    }
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    Raw(std::string_view(buf, static_cast<size_t>((ec == std::errc() ? end : buf) - buf)));
  }

 private:
  // Writes the escape for s[i] (a control character, quote, backslash or non-ASCII byte
  // starting a UTF-8 sequence); returns the input bytes consumed.
  size_t Special(std::string_view s, size_t i) {
    static constexpr char kHex[] = "0123456789abcdef";
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      switch (b) {
        case '"': Lit("\\\""); break;
        case '\\': Lit("\\\\"); break;
        case '\n': Lit("\\n"); break;
        case '\r': Lit("\\r"); break;
        case '\t': Lit("\\t"); break;
        default:
          Lit("\\u00");
          *p_++ = kHex[b >> 4];
          *p_++ = kHex[b & 15];
      }
      return 1;
    }
    const size_t n = Utf8SequenceLength(s, i);
    if (n == 0) {
      Lit("\xEF\xBF\xBD");
      return 1;
    }
    Raw(s.substr(i, n));
    return n;
  }

  char* p_;
};

// Room a string takes at most once escaped (six bytes per input byte, "\u00XX") and quoted.
constexpr size_t StringRoom(size_t bytes) { return bytes * 6 + 2; }

// A scored conversation as the line writer reads it. `Source` provides:
//   std::string_view conversation(); double score(); bool flagged();
//   const std::array<uint32_t, kCategoryCount>& signals(); uint32_t messages();
//   int requester();
//   size_t evidence_count(); and per evidence i: uint32_t message(i), Category category(i),
//   std::string_view term(i), std::string_view text(i) (empty: not printed), uint32_t
//   span_begin(i), span_end(i), double weight(i), uint32_t author(i);
//   size_t reason_count(); std::string_view reason(i);
//   size_t author_count() (0: no participants printed); std::string_view author_name(i).

// An upper bound of the bytes AppendLine writes for `s`, including the 16 bytes a block
// store may write past the end of a string.
template <class Source>
size_t LineBound(const Source& s) {
  size_t n = 400 + StringRoom(s.conversation().size()) + 16;
  for (size_t i = 0; i < s.evidence_count(); ++i) {
    n += 200 + StringRoom(s.term(i).size()) + StringRoom(s.text(i).size());
  }
  for (size_t i = 0; i < s.reason_count(); ++i) n += 4 + StringRoom(s.reason(i).size());
  for (size_t i = 0; i < s.author_count(); ++i) n += 48 + StringRoom(s.author_name(i).size());
  return n;
}

// Writes the line for `s` (no newline) at `at`, which has room for LineBound(s) bytes;
// returns its end.
template <class Source>
char* WriteLine(const Source& s, char* at) {
  Writer w(at);
  w.Lit("{\"conversation\":");
  w.String(s.conversation());
  w.Lit(",\"score\":");
  w.Number(std::round(s.score() * 10000.0) / 10000.0);
  if (s.flagged()) {
    w.Lit(",\"flagged\":true");
  } else {
    w.Lit(",\"flagged\":false");
  }
  w.Lit(",\"signals\":{");
  bool first = true;
  for (size_t c = 0; c < kCategoryCount; ++c) {
    if (s.signals()[c] == 0) continue;
    if (!first) w.Char(',');
    first = false;
    w.String(CategoryName(static_cast<Category>(c)));
    w.Char(':');
    w.Uint(s.signals()[c]);
  }
  w.Lit("},\"evidence\":[");
  for (size_t i = 0; i < s.evidence_count(); ++i) {
    if (i > 0) w.Char(',');
    w.Lit("{\"message\":");
    w.Uint(s.message(i));
    w.Lit(",\"category\":");
    w.String(CategoryName(s.category(i)));
    w.Lit(",\"term\":");
    w.String(s.term(i));
    if (const std::string_view text = s.text(i); !text.empty()) {
      w.Lit(",\"text\":");
      w.String(text);
      w.Lit(",\"span\":[");
      w.Uint(s.span_begin(i));
      w.Char(',');
      w.Uint(s.span_end(i));
      w.Char(']');
    }
    w.Lit(",\"weight\":");
    w.Number(std::round(s.weight(i) * 100.0) / 100.0);
    if (static_cast<int>(s.author(i)) == s.requester()) {
      w.Lit(",\"role\":\"requester\"}");
    } else {
      w.Lit(",\"role\":\"other\"}");
    }
  }
  w.Lit("],\"reasons\":[");
  for (size_t i = 0; i < s.reason_count(); ++i) {
    if (i > 0) w.Char(',');
    w.String(s.reason(i));
  }
  w.Char(']');
  if (s.author_count() > 0) {
    // The authors the evidence names (one whose message was read only as a possible answer,
    // a "no" that answered nothing, is not a participant).
    const auto named = [&](size_t a) {
      if (static_cast<int>(a) == s.requester()) return true;
      for (size_t e = 0; e < s.evidence_count(); ++e) {
        if (s.author(e) == a) return true;
      }
      return false;
    };
    w.Lit(",\"participants\":[");
    bool first = true;
    for (size_t i = 0; i < s.author_count(); ++i) {
      if (!named(i)) continue;
      if (!first) w.Char(',');
      first = false;
      w.Lit("{\"author\":");
      w.String(s.author_name(i));
      if (static_cast<int>(i) == s.requester()) {
        w.Lit(",\"role\":\"requester\"}");
      } else {
        w.Lit(",\"role\":\"other\"}");
      }
    }
    w.Char(']');
  }
  w.Lit(",\"messages\":");
  w.Uint(s.messages());
  w.Char('}');
  return w.end();
}

// Appends the line for `s` to *out (no newline), written in place: no copy.
template <class Source>
void AppendLine(const Source& s, TextBuffer* out) {
  char* const at = out->Room(LineBound(s));
  out->size += static_cast<size_t>(WriteLine(s, at) - at);
}

// The same for a std::string, through a per-thread buffer that only grows (std::string
// would zero-fill the room for every line).
template <class Source>
void AppendLine(const Source& s, std::string* out) {
  thread_local TextBuffer buffer;
  buffer.size = 0;
  AppendLine(s, &buffer);
  out->append(buffer.view());
}

}  // namespace bantay::text::json
