// text/symbols.cc: lexicon terms written as pictographs (emoji), found in a message's
// original text: the normaliser reads a symbol as a separator between letters
// ("p❤r❤i❤v❤a❤t❤e"), so a pictograph that stands for a word never reaches the literal matcher.
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstring>

#include "text/text.h"

namespace bantay::text {

namespace {

// Code points that only change how the pictograph before them looks (text or emoji
// presentation, skin tone, keycap, subdivision-flag tags) or join it to the next one.
bool IsModifier(UChar32 c) {
  return (c >= 0xFE00 && c <= 0xFE0F) || c == 0x200D || c == 0x20E3 ||
         (c >= 0x1F3FB && c <= 0x1F3FF) || (c >= 0xE0020 && c <= 0xE007F);
}

bool IsPictograph(UChar32 c) {
  return u_charType(c) == U_OTHER_SYMBOL || u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC);
}

}  // namespace

int PictographTerm(std::string_view term, std::u32string* points) {
  if (points != nullptr) points->clear();
  const auto* p = reinterpret_cast<const uint8_t*>(term.data());
  const auto n = static_cast<int32_t>(term.size());
  bool pictograph = false, other = false;
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c >= 0 && IsModifier(c)) continue;
    if (c >= 0 && IsPictograph(c)) {
      pictograph = true;
      if (points != nullptr) points->push_back(static_cast<char32_t>(c));
    } else {
      other = true;
    }
  }
  if (!pictograph) return 0;
  return other ? -1 : 1;
}

void Matcher::FindSymbols(std::string_view text, std::vector<Hit>* hits) const {
  hits->clear();
  if (symbols_.empty()) return;
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  const auto n = static_cast<int32_t>(std::min<size_t>(text.size(), INT32_MAX));
  // The next code point at `at` that is no modifier, and where it ends (its modifiers
  // included); -1 at the end.
  const auto next = [&](int32_t at, int32_t* end) -> UChar32 {
    UChar32 c = -1;
    while (at < n) {
      U8_NEXT(p, at, n, c);
      if (c < 0 || !IsModifier(c)) break;
      c = -1;
    }
    while (at < n) {  // the modifiers after it belong to it
      int32_t after = at;
      UChar32 m;
      U8_NEXT(p, after, n, m);
      if (m < 0 || !IsModifier(m)) break;
      at = after;
    }
    *end = at;
    return c;
  };
  const char32_t lowest = symbols_.front().points[0], highest = symbols_.back().points[0];
  for (int32_t i = 0; i < n;) {
    // No pictograph starts in ASCII: skipped eight bytes at a time.
    uint64_t word;
    if (i + 8 <= n && (std::memcpy(&word, p + i, 8), (word & 0x8080808080808080ULL) == 0)) {
      i += 8;
      continue;
    }
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    const int32_t begin = i;
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c < 0 || static_cast<char32_t>(c) < lowest || static_cast<char32_t>(c) > highest) {
      continue;
    }
    auto it = std::lower_bound(symbols_.begin(), symbols_.end(), static_cast<char32_t>(c),
                               [](const Symbol& s, char32_t v) { return s.points[0] < v; });
    if (it == symbols_.end() || it->points[0] != static_cast<char32_t>(c)) continue;
    // The longest first: the first whose code points follow wins.
    int32_t end = -1;
    uint32_t term = 0;
    for (; it != symbols_.end() && it->points[0] == static_cast<char32_t>(c); ++it) {
      int32_t at = 0;
      next(begin, &at);  // past the first and its modifiers
      size_t k = 1;
      for (; k < it->points.size(); ++k) {
        if (next(at, &at) != static_cast<UChar32>(it->points[k])) break;
      }
      if (k == it->points.size()) {
        end = at;
        term = it->term;
        break;
      }
    }
    if (end < 0) continue;
    if (!hits->empty() && hits->back().term == term &&
        hits->back().end == static_cast<uint32_t>(begin)) {
      hits->back().end = static_cast<uint32_t>(end);  // "🍆🍆🍆": one hit
    } else {
      hits->push_back({term, static_cast<uint32_t>(begin), static_cast<uint32_t>(end)});
    }
    i = end;
  }
}

}  // namespace bantay::text
