// text/symbols.cc: lexicon terms written as pictographs (emoji), found in a message's
// original text: the normaliser reads a symbol as a separator between letters
// ("p❤r❤i❤v❤a❤t❤e"), so a pictograph that stands for a word never reaches the literal matcher.
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>

#include "core/utf8.h"
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
  // Every pictograph is beyond ASCII ("©" is the first): most texts have none.
  if (IsAsciiOnly(text)) return;
  // The text's code points with their byte spans (a modifier's bytes join the span of the
  // code point before it).
  struct Point {
    char32_t c;
    uint32_t begin, end;
  };
  thread_local std::vector<Point> points;
  points.clear();
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  const auto n = static_cast<int32_t>(std::min<size_t>(text.size(), INT32_MAX));
  for (int32_t i = 0; i < n;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c >= 0 && IsModifier(c) && !points.empty()) {
      points.back().end = static_cast<uint32_t>(i);
      continue;
    }
    points.push_back({c < 0 ? U'\uFFFD' : static_cast<char32_t>(c), static_cast<uint32_t>(start),
                      static_cast<uint32_t>(i)});
  }
  for (size_t i = 0; i < points.size();) {
    auto it = std::lower_bound(symbols_.begin(), symbols_.end(), points[i].c,
                               [](const Symbol& s, char32_t c) { return s.points[0] < c; });
    size_t matched = 0;
    uint32_t term = 0;
    for (; it != symbols_.end() && it->points[0] == points[i].c; ++it) {
      const std::u32string& want = it->points;
      if (want.size() > points.size() - i) continue;
      size_t k = 1;
      while (k < want.size() && points[i + k].c == want[k]) ++k;
      if (k == want.size()) {  // the longest first: the first that matches wins
        matched = k;
        term = it->term;
        break;
      }
    }
    if (matched == 0) {
      ++i;
      continue;
    }
    const uint32_t begin = points[i].begin, end = points[i + matched - 1].end;
    if (!hits->empty() && hits->back().term == term && hits->back().end == begin) {
      hits->back().end = end;  // "🍆🍆🍆": one hit
    } else {
      hits->push_back({term, begin, end});
    }
    i += matched;
  }
}

}  // namespace bantay::text
