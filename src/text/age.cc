// text/age.cc: stated ages in normalised text ("i am 11", "11 yrs old", "grade 5", "12 na ako").
//
// Works on the Normaliser's output: lowercase, one space between words, runs of three or
// more equal letters squeezed ("thirteeen" -> "thirten"), apostrophes dropped ("i'm" ->
// "im"). The normaliser reads leet "1" and "|" as i, which in "on1y", "twe1ve" or "o|d"
// stood for an l, so the parser reads every l as i, on both sides: in the text and in its
// word lists.
#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <deque>
#include <string>

#include "text/age_impl.h"
#include "text/spelling.h"
#include "text/text.h"

namespace bantay::text {

namespace {

constexpr int kMinAge = 4;
constexpr int kMaxAge = 99;

constexpr char FoldIL(char c) { return c == 'l' ? 'i' : c; }

// Reads every l of `s` as i, in place. Eight bytes at a time: each byte equal to 'l'
// becomes 'i' ('l' - 3), without a borrow.
void FoldInPlace(std::string* s) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kLow7 = 0x7f7f7f7f7f7f7f7fULL;
  char* p = s->data();
  const size_t n = s->size();
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x;
    std::memcpy(&x, p + i, 8);
    const uint64_t y = x ^ (kOnes * 'l');                        // a zero byte where x has 'l'
    const uint64_t zero = ~(((y & kLow7) + kLow7) | y | kLow7);  // 0x80 in exactly those
    x -= (zero >> 7) * ('l' - 'i');
    std::memcpy(p + i, &x, 8);
  }
  for (; i < n; ++i) p[i] = FoldIL(p[i]);
}

// `s` with every l read as i: for the word lists.
std::string FoldedIL(std::string_view s) {
  std::string folded(s);
  FoldInPlace(&folded);
  return folded;
}

// The same in a buffer of the calling thread, valid until its next call: for the text.
std::string_view FoldedText(std::string_view s) {
  thread_local std::string folded;
  folded.assign(s);
  FoldInPlace(&folded);
  return folded;
}

// A word list, each word with l read as i. A hash set: a scan over its words (up to ~60
// with the spellings below) was 1.5% of a scan's samples.
class FoldedList {
 public:
  template <size_t N>
  explicit FoldedList(const std::string_view (&list)[N]) {
    for (std::string_view w : list) {
      words_.insert(FoldedIL(w));
      for (const std::string& v : VowelsLeftOut(w)) words_.insert(FoldedIL(v));  // "jst"
    }
  }
  bool Contains(std::string_view folded_word) const {
    return words_.contains(absl::string_view(folded_word.data(), folded_word.size()));
  }

 private:
  absl::flat_hash_set<std::string> words_;
};

// Number words in normalised spelling: English, Spanish-derived Filipino, Tagalog, Cebuano.
// The teens as written ("thirteen") and with a run of e's squeezed ("thirteeen" -> "thirten").
struct NumberWord {
  std::string_view word;
  int value;
};
constexpr NumberWord kNumberWords[] = {
    {"four", 4},
    {"five", 5},
    {"six", 6},
    {"seven", 7},
    {"eight", 8},
    {"nine", 9},
    {"ten", 10},
    {"eleven", 11},
    {"twelve", 12},
    {"thirten", 13},
    {"fourten", 14},
    {"fiften", 15},
    {"sixten", 16},
    {"seventen", 17},
    {"eighten", 18},
    {"nineten", 19},
    {"thirteen", 13},
    {"fourteen", 14},
    {"fifteen", 15},
    {"sixteen", 16},
    {"seventeen", 17},
    {"eighteen", 18},
    {"nineteen", 19},
    {"twenty", 20},
    {"kwatro", 4},
    {"kuwatro", 4},
    {"singko", 5},
    {"sais", 6},
    {"syete", 7},
    {"siyete", 7},
    {"otso", 8},
    {"nuwebe", 9},
    {"nwebe", 9},
    {"diyes", 10},
    {"dyes", 10},
    {"onse", 11},
    {"dose", 12},
    {"trese", 13},
    {"katorse", 14},
    {"kinse", 15},
    {"disisais", 16},
    {"disisyete", 17},
    {"disiotso", 18},
    {"disinuwebe", 19},
    {"bente", 20},
    {"beinte", 20},
    {"apat", 4},
    {"anim", 6},
    {"pito", 7},
    {"walo", 8},
    {"siyam", 9},
    {"sampu", 10},
    {"labingisa", 11},
    {"labindalawa", 12},
    {"labintatlo", 13},
    {"labingapat", 14},
    {"labinlima", 15},
    {"upat", 4},
    {"unom", 6},
    {"napulo", 10},
    // With the Tagalog linker written on ("labindalawang taong gulang", "sampung taon").
    {"pitong", 7},
    {"walong", 8},
    {"sampung", 10},
    {"labingisang", 11},
    {"labindalawang", 12},
    {"labintatlong", 13},
    {"labinlimang", 15},
};
// The longest number word.
constexpr size_t kMaxNumberWord = 13;

// Tens before a unit number word: "twenty five" is 25, "trenta y singko" 35, not an age of
// five. Only the tens' value matters (ages of twenty and more are adult).
constexpr NumberWord kTens[] = {
    {"twenty", 20}, {"thirty", 30},  {"forty", 40},   {"fourty", 40},   {"fifty", 50},
    {"sixty", 60},  {"seventy", 70}, {"eighty", 80},  {"ninety", 90},   {"bente", 20},
    {"beinte", 20}, {"trenta", 30},  {"treinta", 30}, {"kwarenta", 40}, {"singkwenta", 50}};

// Units that also measure a time ("5 years"), and the words around one that make it a
// duration, not an age: before the number ("for 5 years", "in ten years") or after the unit
// ("twelve years ago", "5 taon na ang nakalipas").
constexpr std::string_view kDurationUnits[] = {"years", "year", "yrs",  "yr",
                                               "yers",  "yeas", "taon", "tuig"};
constexpr std::string_view kDurationBefore[] = {"for",   "in",    "since", "within",
                                                "after", "every", "last",  "past",
                                                "next",  "over",  "sa",    "sulod"};
constexpr std::string_view kDurationAfter[] = {"ago",      "later",     "from",    "back",
                                               "nakaraan", "nakalipas", "milabay", "na ang"};
// The unit's own words, and what may follow one that keeps it an age ("5 years old").
constexpr std::string_view kAgeAfterUnit[] = {"old", "olds", "gulang", "ang edad"};

// Words after a number that make it an age.
constexpr std::string_view kAgeUnits[] = {
    "yo", "yrs", "yr", "years", "year", "yrsold", "yearsold", "yearold", "yrold", "y",
    "taon", "taong", "anyos", "anos", "tuig", "ka tuig", "age", "yers", "yeas"};
// Words after a number that make it money, time, or a quantity, never an age.
constexpr std::string_view kNotAgeUnits[] = {
    "usd", "php", "peso", "pesos", "dolars", "dolar", "bucks", "k", "min", "mins", "minutes",
    "minute", "hr", "hrs", "hour", "hours", "pm", "am", "x", "pcs", "gb", "mb", "percent", "times",
    "days", "day", "weks", "wek", "months", "month", "mos", "km", "kg", "lbs", "cm", "euro",
    "euros", "gbp", "eur", "aud", "cad", "btc", "eth", "usdt", "sec", "secs", "mins", "oclock",
    "each", "per", "m", "s", "p",
    // As written, not only squeezed ("dolars" is "dollllars"): "15 dollars per cam show".
    "dollars", "dollar", "weeks", "week", "pounds", "pound", "yen", "sgd", "hkd", "riyal", "riyals",
    "dirham", "dirhams", "tokens", "token", "credits", "coins", "piso", "thousand", "hundred",
    "libo", "gatos", "minutos", "oras", "segundo", "araw", "adlaw", "buwan", "semana", "seconds",
    "second",
    // A height ("i am 5 ft 2", "im five foot two").
    "feet", "foot", "ft", "inch", "inches", "tall", "meter", "meters"};
// Words before a number that make it an age ("i am 11", "age 11", "edad 11").
// clang-format off
constexpr std::string_view kAgeLeads[] = {
    "im", "i am", "iam", "am", "age", "aged", "edad", "edad ko", "turning", "turned",
    "just turned", "i turned", "ako ay", "ko ay", "nako", "edad nako", "akong edad",
    "imong edad", "she is", "he is", "shes", "hes", "i m", "son is", "daughter is",
    "niece is", "nephew is", "girl is", "boy is", "kid is", "child is", "sister is",
    "brother is", "anak ko ay", "she just turned", "he just turned", "anak ko", "one is",
    "mag", "magiging", "pa ko", "pa ako", "my son", "my daughter", "my niece", "my nephew",
    "pamangkin ko", "akong anak", "si bunso", "you are", "youre", "your", "are you",
    "my sister", "my little sister", "my brother", "my little brother", "my cousin",
    "cousin is", "kapatid ko", "pinsan ko", "siya ay", "sya ay",
    "age is", "i turn", "will turn", "gonna turn", "turns",
    // a child named, then the age: a facilitator's offer ("2 girls 9 and 11", "boy 10")
    "girl", "girls", "boy", "boys", "kid", "kids", "child", "children", "ages", "anak"};
// clang-format on
// Words that join the numbers of a list of ages ("9 and 11", "9 or 10", "9 at 11", "9 ug 11").
constexpr std::string_view kListJoins[] = {"and", "or", "at", "ug", "o", "saka", "tsaka", "to"};
// Words after a number that make it an age in Filipino ("11 na ako", "11 pa lang ako").
constexpr std::string_view kAgeTails[] = {
    "na ako",   "pa ako",    "pa lang ako", "palang ako",     "na ko",         "pa ko",
    "lang ako", "ako",       "na siya",     "pa siya",        "na sya",        "pa sya",
    "po ako",   "na po ako", "pa po ako",   "pa lang po ako", "palang po ako", "lang po ako"};
// "Only N so far" without the speaker ("17 pa lang po"): an age only under 18 ("50 pa lang"
// is as often fifty pesos).
constexpr std::string_view kMinorAgeTails[] = {"pa lang po", "palang po", "pa lang", "palang"};
// Ordinal endings of a grade ("6th grade") and the words after them that make it one.
constexpr std::string_view kOrdinalEndings[] = {"st", "nd", "rd", "th"};
constexpr std::string_view kGradeWordsAfter[] = {"grade", "grader", "graders", "baitang", "grado"};
// Words before a number that make it a school grade.
constexpr std::string_view kGradeLeads[] = {"grade", "gr",    "grd",     "baitang", "grado",
                                            "year",  "class", "primary", "std"};

// First words of a bare age answer other than a number: "just 11", "im 12".
// With their vowels left out too ("jst 12"): MayBeBareAgeAnswer's leads and the bits
// below are written out, so the spellings FoldedList adds must be here as well.
// And the sex before the age of an "asl" answer ("f 13", "f/13/cebu").
constexpr std::string_view kBareStarts[] = {"just",   "only",  "im",  "i",    "am",  "age", "mga",
                                            "around", "about", "jst", "arnd", "abt", "f",   "m"};
// Per word length and first letter, a bit per second letter of the number words.
constexpr std::array<std::array<uint32_t, 26>, kMaxNumberWord + 1> kNumberWordStarts = [] {
  std::array<std::array<uint32_t, 26>, kMaxNumberWord + 1> bits{};
  for (const auto& nw : kNumberWords) {
    bits[nw.word.size()][FoldIL(nw.word[0]) - 'a'] |= 1u << (FoldIL(nw.word[1]) - 'a');
  }
  return bits;
}();
// Per word length, a bit per first letter of the words above and of the number words.
constexpr std::array<uint32_t, kMaxNumberWord + 1> kBareFirstWords = [] {
  std::array<uint32_t, kMaxNumberWord + 1> bits{};
  for (std::string_view w : kBareStarts) bits[w.size()] |= 1u << (FoldIL(w[0]) - 'a');
  for (const auto& nw : kNumberWords) bits[nw.word.size()] |= 1u << (FoldIL(nw.word[0]) - 'a');
  return bits;
}();

struct Word {
  uint32_t begin, end;
};

// The text of word `w` of `s`.
std::string_view WordOf(std::string_view s, const Word& w) {
  return s.substr(w.begin, w.end - w.begin);
}

void SplitWords(std::string_view s, std::vector<Word>* out) {
  out->clear();
  uint32_t i = 0;
  const uint32_t n = static_cast<uint32_t>(s.size());
  while (i < n) {
    while (i < n && s[i] == ' ') ++i;
    if (i >= n) break;
    const uint32_t b = i;
    while (i < n && s[i] != ' ') ++i;
    out->push_back({b, i});
  }
}

int ParseNumber(std::string_view w) {
  if (w.empty() || w.size() > 2) return -1;
  int v = 0;
  for (char c : w) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

// The number a word starts with, as ages are written, or -1: one or two digits ("7", "12"),
// a zero written as the letter o ("1o" for 10), a one written as the letter l before a
// digit ("l3" for 13; only l: "i7" is as likely a processor). Three digits or more are a
// price, a year or a phone number, never an age. `w` as the normaliser wrote it (l not read
// as i); sets `*len` to the characters read.
inline int LeadingNumber(std::string_view w, size_t* len) {
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (w.size() >= 2 && w[0] == 'l' && digit(w[1]) && (w.size() == 2 || !digit(w[2]))) {
    *len = 2;
    return 10 + (w[1] - '0');
  }
  if (w.empty() || !digit(w[0])) return -1;
  size_t d = 1;
  while (d < w.size() && digit(w[d])) ++d;
  if (d > 2) return -1;
  if (d == 1 && w.size() >= 2 && w[1] == 'o') {
    *len = 2;
    return (w[0] - '0') * 10;
  }
  *len = d;
  return ParseNumber(w.substr(0, d));
}

// Whether the letters glued after a number mark a sex, as in an "asl" answer ("13f", "12m").
bool IsSexMarker(std::string_view glued) { return glued == "f" || glued == "m"; }

// A word that is a LeadingNumber and nothing else but a sex marker after or before it ("12",
// "1o", "13f", "f13"; not "5pm" or "20usd"), or -1.
inline int WholeNumber(std::string_view w) {
  if (w.size() >= 2 && IsSexMarker(w.substr(0, 1)) && w[1] >= '0' && w[1] <= '9') {
    w.remove_prefix(1);  // "f13": the sex first
  }
  size_t len = 0;
  const int value = LeadingNumber(w, &len);
  return value >= 0 && (len == w.size() || IsSexMarker(w.substr(len))) ? value : -1;
}

// The value of a number word, l read as i on both sides ("twe1ve" is "tweive"), or -1.
int NumberWordValue(std::string_view w) {
  // Most words are not number words: reject on length and first letter before the search.
  // Buckets by first letter and length: a lookup compares with at most a few words.
  struct Buckets {
    std::array<std::vector<std::pair<std::string, int>>, 26 * (kMaxNumberWord + 1)> by;
    Buckets() {
      for (const auto& nw : kNumberWords) {
        const std::string folded = FoldedIL(nw.word);
        by[Index(folded)].emplace_back(folded, nw.value);
      }
    }
    static size_t Index(std::string_view w) {
      return (w[0] - 'a') * (kMaxNumberWord + 1) + w.size();
    }
  };
  static const Buckets kBuckets;
  if (w.size() < 3 || w.size() > kMaxNumberWord || w[0] < 'a' || w[0] > 'z') return -1;
  char folded[kMaxNumberWord];
  for (size_t k = 0; k < w.size(); ++k) folded[k] = FoldIL(w[k]);
  const std::string_view f(folded, w.size());
  for (const auto& [word, value] : kBuckets.by[Buckets::Index(f)]) {
    if (SameBytes(word, f)) return value;
  }
  return -1;
}

// A list of phrases (words separated by single spaces), indexed by their first and last
// words so that a lookup costs one hash probe, not a pass over the list.
class PhraseSet {
 public:
  template <size_t N>
  explicit PhraseSet(const std::string_view (&list)[N]) {
    std::vector<std::string> spellings;  // each phrase, and with vowels left out ("mnts")
    for (std::string_view phrase : list) {
      spellings.emplace_back(phrase);
      for (std::string& v : VowelsLeftOut(phrase)) spellings.push_back(std::move(v));
    }
    for (const std::string& phrase : spellings) {
      const std::string_view p = owned_.emplace_back(FoldedIL(phrase));
      std::vector<std::string_view> ws;
      size_t pos = 0;
      while (pos <= p.size()) {
        size_t sp = p.find(' ', pos);
        if (sp == std::string_view::npos) sp = p.size();
        ws.push_back(p.substr(pos, sp - pos));
        pos = sp + 1;
      }
      Note(&first_words_, ws.front());
      Note(&last_words_, ws.back());
      by_first_[ws.front()].push_back(ws);
      by_last_[ws.back()].push_back(std::move(ws));
    }
  }

  // The number of words of the longest phrase spelled from word `i` on, or 0.
  size_t At(std::string_view s, const std::vector<Word>& words, size_t i) const {
    if (i >= words.size()) return 0;
    if (!MayBe(first_words_, s, words[i])) return 0;
    auto it = by_first_.find(WordAt(s, words, i));
    if (it == by_first_.end()) return 0;
    size_t best = 0;
    for (const auto& phrase : it->second) {
      if (i + phrase.size() > words.size()) continue;
      bool ok = true;
      for (size_t k = 1; ok && k < phrase.size(); ++k) ok = WordAt(s, words, i + k) == phrase[k];
      if (ok) best = std::max(best, phrase.size());
    }
    return best;
  }

  // Whether a phrase ends just before word `i`.
  bool Before(std::string_view s, const std::vector<Word>& words, size_t i) const {
    if (i == 0) return false;
    if (!MayBe(last_words_, s, words[i - 1])) return false;
    auto it = by_last_.find(WordAt(s, words, i - 1));
    if (it == by_last_.end()) return false;
    for (const auto& phrase : it->second) {
      if (phrase.size() > i) continue;
      bool ok = true;
      const size_t start = i - phrase.size();
      for (size_t k = 0; ok && k + 1 < phrase.size(); ++k) {
        ok = WordAt(s, words, start + k) == phrase[k];
      }
      if (ok) return true;
    }
    return false;
  }

 private:
  // Per word length (the last entry for all longer words), a bit per first byte's low six
  // bits: a word whose bit is clear is in no phrase at that place, without a hash lookup.
  // Most words tested are numbers' neighbours that are no unit, lead or tail.
  using WordBits = std::array<uint64_t, 16>;
  static void Note(WordBits* bits, std::string_view w) {
    (*bits)[std::min<size_t>(w.size(), 15)] |= uint64_t{1} << (static_cast<uint8_t>(w[0]) & 63);
  }
  static bool MayBe(const WordBits& bits, std::string_view s, const Word& w) {
    const size_t len = w.end - w.begin;
    return ((bits[std::min<size_t>(len, 15)] >> (static_cast<uint8_t>(s[w.begin]) & 63)) & 1) != 0;
  }
  static std::string_view WordAt(std::string_view s, const std::vector<Word>& words, size_t i) {
    return WordOf(s, words[i]);
  }
  std::deque<std::string> owned_;  // the phrases, l read as i (deque: views stay valid)
  WordBits first_words_{}, last_words_{};
  // absl's table: std::unordered_map's hash and bucket chains were ~0.7% of a scan.
  absl::flat_hash_map<std::string_view, std::vector<std::vector<std::string_view>>> by_first_,
      by_last_;
};

const PhraseSet& AgeUnits() {
  static const PhraseSet set(kAgeUnits);
  return set;
}
const PhraseSet& NotAgeUnits() {
  static const PhraseSet set(kNotAgeUnits);
  return set;
}

// Whether the number `value` at words[i] starts a span of hours: "to" and a smaller number
// ("nine to five", "9 to 5"; a range of ages rises: "girls 9 to 12").
bool IsHourSpan(std::string_view s, std::string_view normalised, const std::vector<Word>& words,
                size_t i, int value) {
  if (i + 2 >= words.size() || WordOf(s, words[i + 1]) != "to") return false;
  const Word& w = words[i + 2];
  size_t len = 0;
  int next = LeadingNumber(WordOf(normalised, w), &len);
  if (next < 0 || len != w.end - w.begin) {
    next = MayBeNumberWord(WordOf(s, w)) ? NumberWordValue(WordOf(s, w)) : -1;
  }
  return next >= 0 && next < value;
}

// Whether the number at words[i], with its unit of `used` words after it, is a duration:
// a time unit with a duration word before the number or after the unit, and no "old".
bool IsDuration(std::string_view s, const std::vector<Word>& words, size_t i, size_t used) {
  static const FoldedList units(kDurationUnits);
  static const PhraseSet before(kDurationBefore), after(kDurationAfter), old(kAgeAfterUnit);
  if (!units.Contains(WordOf(s, words[i + used]))) return false;
  if (old.At(s, words, i + used + 1) > 0) return false;
  return before.Before(s, words, i) || after.At(s, words, i + used + 1) > 0;
}
const PhraseSet& AgeLeads() {
  static const PhraseSet set(kAgeLeads);
  return set;
}
const PhraseSet& AgeTails() {
  static const PhraseSet set(kAgeTails);
  return set;
}
const PhraseSet& MinorAgeTails() {
  static const PhraseSet set(kMinorAgeTails);
  return set;
}
const PhraseSet& GradeLeads() {
  static const PhraseSet set(kGradeLeads);
  return set;
}

// Negations before an age ("not", Tagalog "hindi", "di", "wala", Cebuano "dili", "wa"),
// the words that may stand between ("hindi pa po ako 18", "wala pa koy 18", "not even 16"),
// and among those the ones that make it "not yet": younger than the number.
constexpr std::string_view kAgeNegations[] = {"not",  "nt",   "isnt", "di",   "hindi", "hinde",
                                              "indi", "wala", "wa",   "dili", "dli"};
constexpr std::string_view kNegationFillers[] = {"pa",  "yet",  "even", "po",  "ako", "ko",
                                                 "koy", "ka",   "sa",   "i",   "am",  "im",
                                                 "m",   "gyud", "jud",  "nag", "mag", "still"};
constexpr std::string_view kNotYet[] = {"pa", "yet", "even"};

// How the words before word `i` negate it: not at all, "not yet" (then `*from` is the
// negation's word), or otherwise ("im not 12").
enum class Negation { kNone, kNotYet, kOther };
Negation NegationBefore(std::string_view s, const std::vector<Word>& words, size_t i,
                        size_t* from) {
  static const FoldedList negations(kAgeNegations), fillers(kNegationFillers), not_yet(kNotYet);
  bool yet = false;
  for (size_t k = i; k > 0 && i - k < 5; --k) {
    const std::string_view w = s.substr(words[k - 1].begin, words[k - 1].end - words[k - 1].begin);
    if (negations.Contains(w)) {
      *from = k - 1;
      return yet ? Negation::kNotYet : Negation::kOther;
    }
    if (!fillers.Contains(w)) break;
    yet = yet || not_yet.Contains(w);
  }
  return Negation::kNone;
}

constexpr std::string_view kSofteners[] = {"only", "just", "already", "still", "now", "almost",
                                          "nearly", "about", "lang", "palang", "pa", "na"};

bool IsSoftener(std::string_view s, const Word& w) {
  static const FoldedList softeners(kSofteners);
  return softeners.Contains(s.substr(w.begin, w.end - w.begin));
}

}  // namespace

bool IsNumberWord(std::string_view w) { return NumberWordValue(w) >= 0; }

bool IsNumberUnit(std::string_view w) {
  const auto in = [&](const auto& list) {
    return std::find(std::begin(list), std::end(list), w) != std::end(list);
  };
  return in(kAgeUnits) || in(kNotAgeUnits) || in(kOrdinalEndings);
}

std::vector<std::string_view> AgeVocabulary() {
  std::vector<std::string_view> phrases;
  const auto add_all = [&](const auto& list) {
    for (std::string_view phrase : list) phrases.push_back(phrase);
  };
  add_all(kAgeUnits);
  add_all(kAgeLeads);
  add_all(kAgeTails);
  add_all(kMinorAgeTails);
  add_all(kGradeWordsAfter);
  add_all(kGradeLeads);
  add_all(kBareStarts);
  add_all(kSofteners);
  for (const NumberWord& n : kNumberWords) phrases.push_back(n.word);
  return phrases;
}

std::vector<std::string_view> NumberWords() {
  std::vector<std::string_view> words;
  for (const NumberWord& n : kNumberWords) words.push_back(n.word);
  return words;
}

bool MayBeNumberWord(std::string_view w) {
  return w.size() >= 3 && w.size() < kNumberWordStarts.size() && w[0] >= 'a' && w[0] <= 'z' &&
         w[1] >= 'a' && w[1] <= 'z' &&
         ((kNumberWordStarts[w.size()][FoldIL(w[0]) - 'a'] >> (FoldIL(w[1]) - 'a')) & 1) != 0;
}

bool HasAgeCandidate(std::string_view s) {
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  const size_t n = s.size();
  size_t i = 0;
  for (;;) {
    while (i < n && s[i] == ' ') ++i;
    if (i >= n) return false;
    const size_t b = i;
    while (i < n && s[i] != ' ') ++i;
    // LeadingNumber's words, without the call: one or two digits first, or l and a digit.
    if (digit(s[b])) {
      if (i - b < 3 || !digit(s[b + 1]) || !digit(s[b + 2])) return true;
    } else if (s[b] == 'l' && i - b >= 2 && digit(s[b + 1]) && (i - b == 2 || !digit(s[b + 2]))) {
      return true;
    } else if (digit(s[i - 1])) {
      size_t d = i - 1;
      while (d > b && digit(s[d - 1])) --d;
      if (i - d <= 2 && d - b >= 4) return true;
    } else if (MayBeNumberWord(s.substr(b, i - b))) {
      return true;
    }
  }
}

void FindAges(std::string_view normalised, std::vector<AgeStatement>* out) {
  out->clear();
  if (HasAgeCandidate(normalised)) FindAgesGeneral(normalised, out);
}

void FindAgesGeneral(std::string_view normalised, std::vector<AgeStatement>* out) {
  out->clear();
  static const FoldedList age_units(kAgeUnits), ordinal_endings(kOrdinalEndings),
      grade_words_after(kGradeWordsAfter), grade_leads(kGradeLeads);
  const std::string_view s = FoldedText(normalised);  // same length: offsets hold
  thread_local std::vector<Word> words;
  SplitWords(s, &words);
  size_t listed = SIZE_MAX;  // the last word of the last stated age: a list may go on
  const auto word_at = [&](size_t k) { return WordOf(s, words[k]); };
  for (size_t i = 0; i < words.size(); ++i) {
    const Word& w = words[i];
    std::string_view word = WordOf(s, w);
    int value = -1;
    std::string_view glued;  // a unit written onto the number: "12yo", "12yrs"
    size_t len = 0;
    if (const int n = LeadingNumber(normalised.substr(w.begin, w.end - w.begin), &len); n >= 0) {
      value = n;
      glued = word.substr(len);
      if (IsSexMarker(glued)) glued = {};  // "im 13f": as "im 13"
    } else if (word[0] >= '0' && word[0] <= '9') {
      continue;  // three digits or more
    } else if (MayBeNumberWord(word)) {
      value = NumberWordValue(word);
      // A compound ("twenty five", "bente singko", "trenta y singko") is read at its units,
      // as one number; its tens are no number of their own.
      const auto joins = [&](size_t k) { return word_at(k) == "y" || word_at(k) == "and"; };
      if (value >= 1 && value <= 9 && i > 0) {
        const size_t before = i >= 2 && joins(i - 1) ? i - 2 : i - 1;
        for (const NumberWord& tens : kTens) {
          if (word_at(before) == tens.word) value += tens.value;
        }
      } else if (value == 20 && i + 1 < words.size()) {
        const size_t after = i + 2 < words.size() && joins(i + 1) ? i + 2 : i + 1;
        const int units = MayBeNumberWord(word_at(after)) ? NumberWordValue(word_at(after)) : -1;
        if (units >= 1 && units <= 9) continue;
      }
    } else if (word.back() >= '0' && word.back() <= '9') {
      // A grade written onto a lead of four letters or more: "grade7", "year5"; "gr8" is
      // chat for "great".
      size_t d = word.size();
      while (d > 0 && word[d - 1] >= '0' && word[d - 1] <= '9') --d;
      const int grade = ParseNumber(word.substr(d));
      if (grade >= 1 && grade <= 12 && d >= 4 && grade_leads.Contains(word.substr(0, d))) {
        out->push_back({grade + 5, true, w.begin, w.end});
      }
      continue;
    }
    if (value < 0) continue;
    uint32_t end = w.end;
    // A negated number is no stated age of it. "not yet 18", "wala pa ko 18", "hindi pa po
    // ako 16" say younger than it; "im not 12" says nothing.
    size_t from = 0;
    if (const Negation neg = NegationBefore(s, words, i, &from); neg != Negation::kNone) {
      if (neg != Negation::kNotYet || value <= kMinAge || value > 18 ||
          (!glued.empty() && !age_units.Contains(glued)) || NotAgeUnits().At(s, words, i + 1) > 0) {
        continue;
      }
      if (const size_t unit = glued.empty() ? AgeUnits().At(s, words, i + 1) : 0; unit > 0) {
        end = words[i + unit].end;
      }
      out->push_back({value - 1, false, words[from].begin, end, true});
      listed = SIZE_MAX;
      continue;
    }
    size_t used = 0;
    bool is_age = false;
    bool grade = false;
    if (!glued.empty() && ordinal_endings.Contains(glued)) {
      // An ordinal is a grade before "grade" or after a grade lead ("6th grade", "a 5th
      // grader", "grade 6th"), else nothing ("the 5th time", "6th floor").
      if (value < 1 || value > 12) continue;
      if (i + 1 < words.size() && grade_words_after.Contains(s.substr(
                                      words[i + 1].begin, words[i + 1].end - words[i + 1].begin))) {
        end = words[i + 1].end;
      } else if (!GradeLeads().Before(s, words, i)) {
        continue;
      }
      is_age = grade = true;
    } else if (!glued.empty()) {
      is_age = age_units.Contains(glued);
      if (!is_age) continue;  // "5pm", "20usd", "3x"
    } else {
      if (NotAgeUnits().At(s, words, i + 1) > 0) continue;
      if (IsHourSpan(s, normalised, words, i, value)) continue;  // "im nine to five"
      used = std::max(AgeUnits().At(s, words, i + 1), AgeTails().At(s, words, i + 1));
      if (value < 18) used = std::max(used, MinorAgeTails().At(s, words, i + 1));
      // A grade lead wins over a Filipino tail: "grade 3 po ako" is grade 3 (about eight),
      // not a stated age of 3.
      // Digits or a number word ("grade six"; number words start at four).
      if (value >= 1 && value <= 12 && GradeLeads().Before(s, words, i)) {
        is_age = grade = true;
        if (used > 0) end = words[i + used].end;
      } else if (const size_t after = i + 1 + (i + 2 < words.size() && word_at(i + 1) == "na");
                 value >= 1 && value <= 12 && i > 0 && word_at(i - 1) == "ika" &&
                 after < words.size() && grade_words_after.Contains(word_at(after))) {
        // Tagalog's ordinal, with or without its linker: "ika-7 na baitang", "ika-7 baitang"
        // (the seventh grade).
        is_age = grade = true;
        end = words[after].end;
      } else if (used > 0) {
        if (IsDuration(s, words, i, used)) continue;  // "for 5 years", "twelve years ago"
        is_age = true;
        end = words[i + used].end;
      } else if (AgeLeads().Before(s, words, i)) {
        is_age = true;
      } else {
        // A lead with a softener between: "im only 9", "i am just 12", "im turning 11".
        size_t k = i;
        while (k > 0 && k + 2 >= i && IsSoftener(s, words[k - 1])) --k;
        is_age = k < i && AgeLeads().Before(s, words, k);
        // The next number of a list of stated ages: "girls 9 and 11", "ages 8 10 12".
        static const FoldedList joins(kListJoins);
        is_age =
            is_age || (listed != SIZE_MAX &&
                       (listed + 1 == i || (listed + 2 == i && joins.Contains(word_at(i - 1)))));
      }
    }
    if (!is_age) continue;
    int age = grade ? value + 5 : value;  // grade 1 is about six years old
    if (!grade && (age < kMinAge || age > kMaxAge)) continue;
    out->push_back({age, grade, w.begin, end});
    if (!grade) listed = i + used;
  }
}

// The words of a yes or a no, and what may follow it ("hindi pa po", "no not yet lol").
constexpr std::string_view kYesWords[] = {"yes", "yeah", "yea", "yep", "yup", "ya",  "yah",
                                          "yas", "opo",  "oo",  "oho", "uo",  "oum", "yez"};
constexpr std::string_view kNoWords[] = {"no", "nope", "nah", "nop",  "not", "hindi", "hinde",
                                         "di", "dili", "dli", "wala", "wa",  "hnd",   "hndi"};
constexpr std::string_view kAnswerFillers[] = {
    "po",  "pa",   "yet", "lang", "palang", "still", "lol",   "haha", "hehe", "hihi",
    "sir", "kuya", "ate", "why",  "bakit",  "ngano", "naman", "man",  "pud",  "sorry",
    "ok",  "okay", "ako", "ko",   "i",      "im",    "am",    "not",  "no",   "gyud"};

int YesNoAnswer(std::string_view normalised) {
  // Two to about thirty bytes, whose first word (of at most five letters, "hindi") starts
  // with a letter some answer word starts with: most short messages end here.
  if (normalised.size() < 2 || normalised.size() > 32) return 0;
  switch (normalised[0]) {
    case 'y':
    case 'o':
    case 'u':
    case 'n':
    case 'h':
    case 'd':
    case 'w':
      break;
    default:
      return 0;
  }
  const size_t first_end = std::min(normalised.find(' '), normalised.size());
  if (first_end > 5) return 0;
  static const FoldedList yes(kYesWords), no(kNoWords), fillers(kAnswerFillers);
  const std::string first = FoldedIL(normalised.substr(0, first_end));
  const int answer = yes.Contains(first) ? 1 : no.Contains(first) ? -1 : 0;
  if (answer == 0) return 0;
  const std::string_view s = FoldedText(normalised);
  thread_local std::vector<Word> words;
  SplitWords(s, &words);
  if (words.size() > 5) return 0;
  const auto word = [&](size_t k) {
    return s.substr(words[k].begin, words[k].end - words[k].begin);
  };
  for (size_t k = 1; k < words.size(); ++k) {
    if (!fillers.Contains(word(k))) return 0;
  }
  return answer;
}

bool MayBeBareAgeAnswer(std::string_view s) {
  // Leads as in kBareStarts, by length, then by fixed-size compares
  // (which the compiler turns into single loads).
  const auto is_lead = [](std::string_view w) {
    const char* p = w.data();
    switch (w.size()) {
      case 1:
        return p[0] == 'i' || p[0] == 'f' || p[0] == 'm';
      case 2: return std::memcmp(p, "im", 2) == 0 || std::memcmp(p, "am", 2) == 0;
      case 3:
        return std::memcmp(p, "age", 3) == 0 || std::memcmp(p, "mga", 3) == 0 ||
               std::memcmp(p, "jst", 3) == 0 || std::memcmp(p, "abt", 3) == 0;
      case 4:  // "only" also as "oniy" (the normaliser's "on1y")
        return std::memcmp(p, "just", 4) == 0 || std::memcmp(p, "only", 4) == 0 ||
               std::memcmp(p, "oniy", 4) == 0 || std::memcmp(p, "arnd", 4) == 0;
      case 5: return std::memcmp(p, "about", 5) == 0;
      case 6: return std::memcmp(p, "around", 6) == 0;
      default: return false;
    }
  };
  const size_t n = s.size();
  size_t i = 0;
  for (int leads = 0;; ++leads) {
    while (i < n && s[i] == ' ') ++i;
    if (i >= n) return false;  // only leads: no number
    const size_t b = i;
    while (i < n && s[i] != ' ') ++i;
    const std::string_view word = s.substr(b, i - b);
    if (leads < 3 && is_lead(word)) continue;
    int value = WholeNumber(word);
    if (value < 0 && MayBeNumberWord(word)) value = NumberWordValue(word);
    return value >= kMinAge && value <= kMaxAge;
  }
}

int BareAgeAnswer(std::string_view s, bool* only_fillers) {
  if (!MayBeBareAgeAnswer(s)) {
    if (only_fillers != nullptr) *only_fillers = false;
    return -1;
  }
  return BareAgeAnswerGeneral(s, only_fillers);
}

int BareAgeAnswerGeneral(std::string_view normalised, bool* only_fillers) {
  if (only_fillers != nullptr) *only_fillers = false;
  // Fast rejection: a bare age starts with a number, a lead or a number word.
  if (normalised.empty()) return -1;
  const std::string_view s = FoldedText(normalised);
  if (const std::string_view first_word = s.substr(0, s.find(' '));
      WholeNumber(normalised.substr(0, first_word.size())) < 0) {
    // Most first words are rejected by length and first letter alone.
    if (first_word.size() >= kBareFirstWords.size() || first_word[0] < 'a' ||
        first_word[0] > 'z' ||
        ((kBareFirstWords[first_word.size()] >> (first_word[0] - 'a')) & 1) == 0) {
      return -1;
    }
    static const FoldedList bare_starts(kBareStarts);
    if (!bare_starts.Contains(first_word) && NumberWordValue(first_word) < 0) return -1;
  }
  thread_local std::vector<Word> words;
  SplitWords(s, &words);
  // Leading softeners and leads: "just 11", "only 9", "im 12", "i am 10".
  static const FoldedList leading(kBareStarts);
  size_t first_index = 0;
  while (first_index < words.size() && first_index < 3) {
    std::string_view w = s.substr(words[first_index].begin,
                                  words[first_index].end - words[first_index].begin);
    if (!leading.Contains(w)) break;
    ++first_index;
  }
  if (first_index > 0) words.erase(words.begin(), words.begin() + first_index);
  if (words.empty() || words.size() > 5) return -1;
  std::string_view first = s.substr(words[0].begin, words[0].end - words[0].begin);
  int value = WholeNumber(normalised.substr(words[0].begin, words[0].end - words[0].begin));
  if (value < 0) value = NumberWordValue(first);
  if (value < kMinAge || value > kMaxAge) return -1;
  static constexpr std::string_view kFillers[] = {
      "po", "na", "pa", "lang", "lng", "palang", "ako", "ko", "yo", "yrs", "years", "old",
      "only", "haha", "hehe", "sir", "kuya", "ate", "nako", "man", "ra", "age", "y", "o",
      "lol", "hihi", "yr", "year", "taon", "tuig", "anyos", "pud", "sad", "gyud"};
  static const FoldedList filler_words(kFillers);
  if (NotAgeUnits().At(s, words, 1) > 0) return -1;  // "50 usd", "5 min"
  bool fillers = true;
  for (size_t k = 1; k < words.size(); ++k) {
    std::string_view w = s.substr(words[k].begin, words[k].end - words[k].begin);
    if (!filler_words.Contains(w)) fillers = false;
  }
  if (only_fillers != nullptr) *only_fillers = fillers && words.size() > 1;
  return value;
}

}  // namespace bantay::text
