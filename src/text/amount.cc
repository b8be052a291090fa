// Money amounts in a message's original text (FindAmounts): the currency signs that
// normalisation drops, and currency codes written against their number.
#include <algorithm>
#include <array>
#include <string_view>

#include "text/text.h"

namespace bantay::text {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAlnum(char c) { return IsDigit(c) || IsAlpha(c); }

// Dollar (also fullwidth), pound, yen, peso, euro, won.
constexpr std::array<std::string_view, 7> kSigns = {
    "$", "\xEF\xBC\x84", "\xC2\xA3", "\xC2\xA5", "\xE2\x82\xB1", "\xE2\x82\xAC", "\xE2\x82\xA9"};

// Currency codes and names written against a number ("500php", "usd50"), lower case. Not
// "pounds" ("50pounds" is a weight as often) or a bare "k" ("5k" a count).
constexpr std::array<std::string_view, 27> kCodes = {
    "php",  "usd",   "eur",    "gbp",     "aud",   "cad",     "sgd",   "nzd",  "hkd",
    "jpy",  "krw",   "aed",    "sar",     "chf",   "myr",     "usdt",  "btc",  "eth",
    "peso", "pesos", "dollar", "dollars", "dolar", "dolares", "bucks", "euro", "euros"};

// The length of the currency sign that ends at `end`, or 0.
size_t SignEndingAt(std::string_view t, size_t end) {
  if (end == 0) return 0;
  if (t[end - 1] == '$') return 1;
  if (static_cast<unsigned char>(t[end - 1]) < 0x80) return 0;  // most numbers: no sign
  for (std::string_view s : kSigns) {
    if (end >= s.size() && t.substr(end - s.size(), s.size()) == s) return s.size();
  }
  return 0;
}

// The length of the currency sign that starts at `begin`, or 0.
size_t SignStartingAt(std::string_view t, size_t begin) {
  if (begin >= t.size()) return 0;
  if (t[begin] == '$') return 1;
  if (static_cast<unsigned char>(t[begin]) < 0x80) return 0;
  for (std::string_view s : kSigns) {
    if (t.substr(begin, s.size()) == s) return s.size();
  }
  return 0;
}

bool IsCode(std::string_view letters) {
  if (letters.size() < 3 || letters.size() > 7) return false;
  char lower[8];
  for (size_t i = 0; i < letters.size(); ++i) lower[i] = static_cast<char>(letters[i] | 0x20);
  const std::string_view word(lower, letters.size());
  return std::find(kCodes.begin(), kCodes.end(), word) != kCodes.end();
}

// The end of the number that starts at `i`: digits, thousands groups (",000"), one decimal
// part (".50"), and a "k" for thousands.
size_t NumberEnd(std::string_view t, size_t i) {
  const size_t n = t.size();
  while (i < n && IsDigit(t[i])) ++i;
  while (i + 3 < n && t[i] == ',' && IsDigit(t[i + 1]) && IsDigit(t[i + 2]) && IsDigit(t[i + 3]) &&
         (i + 4 == n || !IsDigit(t[i + 4]))) {
    i += 4;
  }
  if (i + 1 < n && t[i] == '.' && IsDigit(t[i + 1])) {
    ++i;
    while (i < n && IsDigit(t[i])) ++i;
  }
  if (i < n && (t[i] == 'k' || t[i] == 'K')) ++i;
  return i;
}

}  // namespace

void FindAmounts(std::string_view t, std::vector<AmountSpan>* out) {
  out->clear();
  const size_t n = t.size();
  size_t i = 0;
  while (i < n) {
    if (!IsDigit(t[i])) {
      ++i;
      continue;
    }
    const size_t b = i;
    const size_t e = NumberEnd(t, i);
    size_t before = b;  // letters written against the number, before and after it
    while (before > 0 && IsAlpha(t[before - 1])) --before;
    size_t after = e;
    while (after < n && IsAlpha(t[after])) ++after;
    i = std::max(e, after);
    if (before > 0 && IsDigit(t[before - 1])) continue;  // "2x50", "a1b2": no number of its own
    const bool word_before = before == 0 || !IsAlnum(t[before - 1]);
    const bool word_after = after == n || !IsDigit(t[after]);
    AmountSpan a{static_cast<uint32_t>(b), static_cast<uint32_t>(e)};
    if (before < b) {
      // "php500", "P500" (pesos: a capital P and two digits, or three): nothing after.
      const std::string_view letters = t.substr(before, b - before);
      const size_t digits =
          static_cast<size_t>(std::count_if(t.begin() + static_cast<std::ptrdiff_t>(b),
                                            t.begin() + static_cast<std::ptrdiff_t>(e), IsDigit));
      const bool peso = letters.size() == 1 && (letters[0] == 'P' || letters[0] == 'p') &&
                        digits >= (letters[0] == 'P' ? 2u : 3u);
      if (after > e || !word_before || !word_after || !(peso || IsCode(letters))) continue;
      a.begin = static_cast<uint32_t>(before);
    } else if (after > e) {
      // "500php", "20bucks".
      if (!word_before || !word_after || !IsCode(t.substr(e, after - e))) continue;
      a.end = static_cast<uint32_t>(after);
    } else {
      // A sign before ("$50", "$ 50") or after ("50$", "50 \u20ac").
      const size_t p = b > 0 && t[b - 1] == ' ' ? b - 1 : b;
      const size_t q = e < n && t[e] == ' ' ? e + 1 : e;
      if (const size_t len = SignEndingAt(t, p); len > 0) {
        a.begin = static_cast<uint32_t>(p - len);
      } else if (const size_t len2 = SignStartingAt(t, q); len2 > 0) {
        a.end = static_cast<uint32_t>(q + len2);
      } else {
        continue;
      }
    }
    out->push_back(a);
  }
}

}  // namespace bantay::text
