// text/normalise.cc: the canonical form lexicon terms and messages are matched in.
//
// Two stages. Stage 1 folds code points (only for non-ASCII input): NFKC + case fold,
// diacritics and format characters removed, homoglyphs mapped to the Latin letter they
// imitate, through a table derived from ICU data once at start-up. Stage 2 works on the
// (mostly ASCII) result, token by token: lowercase, leetspeak inside words, joining spaced
// single letters, squeezing runs of three or more equal letters, one space between tokens.
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uspoof.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <map>
#include <thread>

#include "core/utf8.h"
#include "text/abbreviations.h"
#include "text/age_impl.h"
#include "text/normalise_impl.h"
#include "text/scratch_impl.h"
#include "text/text.h"

namespace bantay::text {

namespace {
constexpr UChar32 kNegativeCircledA = 0x1F150, kNegativeSquaredA = 0x1F170,
                  kRegionalIndicatorA = 0x1F1E6;
// Pictographs that chat writes for a word, read as that word with a space on each side, as
// a leet digit is read as its letter: "📷 show" is "cam show", "send 💰" is "send money",
// "send 📸" is "send pic".
// Only pictographs that stand for the plain word; one whose meaning is its own (🍆, 🔞) is
// a lexicon term instead (Term::symbol, data/lexicons/emoji.tsv).
constexpr std::pair<UChar32, std::string_view> kPictographWords[] = {
    {0x1F4F7, "cam"},    // camera
    {0x1F4F8, "pic"},    // camera with flash: a photo
    {0x1F4F9, "cam"},    // video camera
    {0x1F3A5, "cam"},    // movie camera
    {0x1F4B0, "money"},  // money bag
    {0x1F4B2, "money"},  // heavy dollar sign
    {0x1F4B4, "money"},  // yen banknote
    {0x1F4B5, "money"},  // dollar banknote
    {0x1F4B6, "money"},  // euro banknote
    {0x1F4B7, "money"},  // pound banknote
    {0x1F4B8, "money"},  // money with wings
    {0x1F911, "money"},  // money-mouth face
};
bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool IsRegionalIndicator(UChar32 cp) {
  return cp >= kRegionalIndicatorA && cp < kRegionalIndicatorA + 26;
}
}  // namespace

struct Normaliser::FoldEntry {
  enum Kind : uint8_t { kKeep = 0, kDelete, kSpace, kReplace };
  Kind kind = kKeep;
  uint8_t len = 0;        // bytes used in `bytes` for kReplace
  char bytes[14] = {};    // UTF-8 replacement (mostly ASCII)
  // A pictograph read as a word (kPictographWords): the only replacement of several bytes
  // with a space at each end (NFKC gives none such).
  bool IsWord() const {
    return kind == kReplace && len >= 3 && bytes[0] == ' ' && bytes[len - 1] == ' ';
  }
};

namespace {

// ---- Stage 2 byte classes ---------------------------------------------------------------
enum ByteClass : uint8_t { kSep = 0, kLetter, kDigit, kLeetSym, kApos, kHigh };

struct ByteTables {
  std::array<uint8_t, 256> cls{};
  std::array<char, 256> lower{};
  std::array<char, 256> leet{};  // letter a digit or symbol stands for, 0 when none
  ByteTables() {
    for (int c = 0; c < 256; ++c) {
      lower[c] = static_cast<char>(c);
      cls[c] = kSep;
      if (c >= 'A' && c <= 'Z') lower[c] = static_cast<char>(c - 'A' + 'a');
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) cls[c] = kLetter;
      if (c >= '0' && c <= '9') cls[c] = kDigit;
      if (c >= 0x80) cls[c] = kHigh;
    }
    // 8 and 9 only between letters too ("maghu8ad", "a9e"), like the digits above.
    const char* pairs = "0o1i3e4a5s7t8b9g$s@a!i|i";
    for (const char* p = pairs; *p; p += 2) leet[static_cast<uint8_t>(p[0])] = p[1];
    for (char c : std::string_view("$@!|")) cls[static_cast<uint8_t>(c)] = kLeetSym;
    // Dropped inside a word: "i'm" -> "im"; a masking star too: "n*ked" -> "nked", which
    // the matcher knows as a spelling of "naked"; "p*a*y*p*a*l" -> "paypal".
    cls[static_cast<uint8_t>('\'')] = kApos;
    cls[static_cast<uint8_t>('`')] = kApos;
    cls[static_cast<uint8_t>('*')] = kApos;
  }
};
const ByteTables kTables;

// Whether leet symbol `b` stands for a letter, given letters before and after it in its
// word: "$ex" and "@ss" lead a word; "n!ce" only between letters ("hi!" is not "hii");
// "|" beside any letter, for the l or I it draws ("gir|", "|ove"; the matcher reads an i
// as an l).
inline bool LeetSymbolIsLetter(uint8_t b, bool before, bool after) {
  if (b == '|') return before || after;
  return after && (before || b == '$' || b == '@');
}

// "@" and "$" leading a word are letters ("@ss", "$ex") and the signs of a handle, tag or
// cashtag ("@paypal", "$gcash"): the word may also start after them, a soft word start.
inline bool IsHandleSign(char c) { return c == '@' || c == '$'; }

// Per word length 1..6, a bit per first letter that some abbreviation has: most words are
// rejected by this one test, inline, before the table below is consulted.
constexpr std::array<uint32_t, 7> kAbbreviationFirstLetters = [] {
  std::array<uint32_t, 7> bits{};
  for (const auto& a : kAbbreviations) bits[a.from.size()] |= 1u << (a.from[0] - 'a');
  return bits;
}();

// Per word length 2..6 and first letter, a bit per second letter: most words that pass the
// first test fail this one, still inline.
constexpr std::array<std::array<uint32_t, 26>, 7> kAbbreviationSecondLetters = [] {
  std::array<std::array<uint32_t, 26>, 7> bits{};
  for (const auto& a : kAbbreviations) {
    if (a.from.size() >= 2) bits[a.from.size()][a.from[0] - 'a'] |= 1u << (a.from[1] - 'a');
  }
  return bits;
}();

std::string_view ExpansionLookup(std::string_view w);

// The expansion of the word `w`, or an empty view.
inline std::string_view Expansion(std::string_view w) {
  if (w.empty() || w.size() > 6 || w[0] < 'a' || w[0] > 'z' ||
      ((kAbbreviationFirstLetters[w.size()] >> (w[0] - 'a')) & 1) == 0) {
    return {};
  }
  if (w.size() >= 2 &&
      (w[1] < 'a' || w[1] > 'z' ||
       ((kAbbreviationSecondLetters[w.size()][w[0] - 'a'] >> (w[1] - 'a')) & 1) == 0)) {
    return {};
  }
  return ExpansionLookup(w);
}

std::string_view ExpansionLookup(std::string_view w) {
  // Indexed by first letter and length: most words are rejected by one table read.
  struct Table {
    std::array<int8_t, 26 * 7> first{};  // index into kAbbreviations + 1, 0 when none
    Table() {
      for (size_t i = std::size(kAbbreviations); i-- > 0;) {
        const auto& a = kAbbreviations[i];
        first[(a.from[0] - 'a') * 7 + a.from.size()] = static_cast<int8_t>(i + 1);
      }
    }
  };
  static const Table kTable;
  if (w.empty() || w.size() > 6 || w[0] < 'a' || w[0] > 'z') return {};
  const int8_t start = kTable.first[(w[0] - 'a') * 7 + w.size()];
  if (start == 0) return {};
  for (size_t i = start - 1; i < std::size(kAbbreviations); ++i) {
    if (SameBytes(kAbbreviations[i].from, w)) return kAbbreviations[i].to;
  }
  return {};
}

// One-letter words of chat ("u r a"): a run made only of these is not a spaced-out word.
bool IsChatLetter(char c) {
  return c == 'u' || c == 'r' || c == 'a' || c == 'i' || c == 'o' || c == 'y';
}

// Separators that may stand between spaced-out single letters ("p.a.y", "g-c-a-s-h",
// "n^a^k^e^d", "[n][a][k][e][d]"): punctuation that is no leetspeak ('$', '@', '!', '|'), no
// apostrophe and no "<3".
bool IsSpacingSep(char c) {
  switch (c) {
    case ' ':
    case '.':
    case '-':
    case '_':
    case '*':
    case '/':
    case ',':
    case '+':
    case '~':
    case '\t':
    case '^':
    case '=':
    case ':':
    case ';':
    case '#':
    case '%':
    case '&':
    case '"':
    case '(':
    case ')':
    case '[':
    case ']':
    case '{':
    case '}':
      return true;
    default:
      return false;
  }
}

constexpr size_t kMinSpacedRun = 3;   // single letters joined only in runs of 3 or more
constexpr size_t kMaxSpacingSep = 3;  // bytes of separator allowed between them

struct Token {
  uint32_t begin, end;  // in the stage-2 source
};

// Length in bytes of the token character starting at src[i] (a UTF-8 sequence for kHigh).
inline uint32_t CharLen(std::string_view src, uint32_t i) {
  const uint8_t b = static_cast<uint8_t>(src[i]);
  uint32_t n = b < 0xC0 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
  return std::min<uint32_t>(n, static_cast<uint32_t>(src.size()) - i);
}

// Stage 2 over `src`. `src_offsets` (may be null: identity) maps src bytes to the original.
class TokenPass {
 public:
  TokenPass(std::string_view src, const uint32_t* src_offsets, std::string* out,
            std::vector<uint32_t>* out_offsets, std::vector<uint32_t>* soft_starts)
      : src_(src), src_off_(src_offsets), out_(out), out_off_(out_offsets), soft_(soft_starts) {
    out_->reserve(src.size() + 1);
    if (out_off_ != nullptr) out_off_->reserve(src.size() + 2);
  }

  void Run() {
    Tokenise();
    size_t i = 0;
    const size_t n = tokens_.size();
    while (i < n) {
      // A run of single-character tokens separated by short spacing separators.
      // Every gap in one run is spelled the same ("p.a.y", not "a p.a.y").
      size_t j = i;
      if (IsSingle(tokens_[i])) {
        size_t letters = 0;
        std::string_view gap;
        while (j < n && IsSingle(tokens_[j])) {
          if (j > i) {
            const std::string_view g = Gap(tokens_[j - 1], tokens_[j]);
            if (!IsSpacing(g) || (j > i + 1 && g != gap)) break;
            gap = g;
          }
          letters += kTables.cls[static_cast<uint8_t>(src_[tokens_[j].begin])] == kLetter;
          ++j;
        }
        // Digits after the letters are a number, not leetspeak: "g r a d e 9".
        while (j - i > 1 && kTables.cls[static_cast<uint8_t>(src_[tokens_[j - 1].begin])] == kDigit) {
          --j;
        }
        bool chat_only = true;
        for (size_t k = i; k < j && chat_only; ++k) {
          chat_only = IsChatLetter(kTables.lower[static_cast<uint8_t>(src_[tokens_[k].begin])]);
        }
        if (j - i >= kMinSpacedRun && letters >= 2 && !chat_only) {
          // A one-letter word may lead a spaced-out word ("a p r i v a t e"): the word may
          // also start after it, which the matcher is told as a soft word start.
          const bool soft = j - i >= 4 && IsOneLetterWord(tokens_[i]);
          EmitWord(i, j);
          if (soft && soft_ != nullptr && !out_->empty()) {
            size_t word_start = out_->rfind(' ');
            word_start = word_start == std::string::npos ? 0 : word_start + 1;
            soft_->push_back(static_cast<uint32_t>(word_start + 1));
          }
          i = j;
          continue;
        }
      }
      // Words cut by a hyphen ("pri-vate", "bit-coin", "nag-eskwela") are joined, as the
      // lexicon's terms are (the matcher also knows a hyphenated term with spaces).
      size_t last = i;
      while (last + 1 < n && HyphenJoins(tokens_[last], tokens_[last + 1])) ++last;
      EmitWord(i, last + 1);
      i = last + 1;
    }
    if (out_off_ != nullptr) out_off_->push_back(OrigEnd());
  }

 private:
  uint32_t Orig(uint32_t i) const { return src_off_ ? src_off_[i] : i; }
  uint32_t OrigEnd() const {
    return src_off_ ? src_off_[src_.size()] : static_cast<uint32_t>(src_.size());
  }

  void Tokenise() {
    tokens_.clear();
    const uint32_t n = static_cast<uint32_t>(src_.size());
    uint32_t i = 0;
    while (i < n) {
      while (i < n && kTables.cls[static_cast<uint8_t>(src_[i])] == kSep) ++i;
      if (i >= n) break;
      const uint32_t b = i;
      while (i < n && kTables.cls[static_cast<uint8_t>(src_[i])] != kSep) ++i;
      tokens_.push_back({b, i});
    }
  }

  bool IsSingle(const Token& t) const {
    if (t.end - t.begin != 1) return false;
    const uint8_t c = kTables.cls[static_cast<uint8_t>(src_[t.begin])];
    return c == kLetter || c == kDigit || c == kLeetSym;
  }

  std::string_view Gap(const Token& a, const Token& b) const {
    return src_.substr(a.end, b.begin - a.end);
  }
  static bool IsSpacing(std::string_view gap) {
    if (gap.empty() || gap.size() > kMaxSpacingSep) return false;
    for (char c : gap) {
      if (!IsSpacingSep(c)) return false;
    }
    return true;
  }
  bool IsOneLetterWord(const Token& t) const {
    const char c = kTables.lower[static_cast<uint8_t>(src_[t.begin])];
    return c == 'a' || c == 'i' || c == 'u' || c == 'o';
  }

  bool IsLetterAt(uint32_t i) const {
    const uint8_t c = kTables.cls[static_cast<uint8_t>(src_[i])];
    return c == kLetter || c == kHigh;
  }

  // Whether tokens a and b (b right after a) are one word cut by a hyphen: one '-' between
  // them, each of two or more characters with a letter at the cut ("e-wallet" and
  // "g-c-a-s-h" are spaced letters, "11-year" a number), and `a` not a number word, which an
  // age may follow ("twelve-year-old" -> "twelve yearold"; "twenty-one" stays two words).
  // FastAsciiPassTo leaves every text with such a hyphen to this pass (HasHyphenCut).
  bool HyphenJoins(const Token& a, const Token& b) const {
    if (b.begin != a.end + 1 || src_[a.end] != '-' || a.end - a.begin < 2 || b.end - b.begin < 2 ||
        !IsLetterAt(a.end - 1) || !IsLetterAt(b.begin)) {
      return false;
    }
    char word[12];
    const uint32_t len = a.end - a.begin;
    if (len > sizeof word) return true;
    for (uint32_t k = 0; k < len; ++k) {
      word[k] = kTables.lower[static_cast<uint8_t>(src_[a.begin + k])];
    }
    return !IsNumberWord(std::string_view(word, len));
  }

  // Emits tokens [first, last) as one word (several only for a spaced-letter run).
  void EmitWord(size_t first, size_t last) {
    if (last == first + 1 && EmitPlainWord(tokens_[first])) return;
    // Gather the word's character positions (skipping separators inside a spaced run).
    chars_.clear();
    for (size_t t = first; t < last; ++t) {
      for (uint32_t k = tokens_[t].begin; k < tokens_[t].end;) {
        const uint32_t len = CharLen(src_, k);
        chars_.push_back(k);
        k += len;
      }
    }
    const size_t n = chars_.size();
    // letter_before[k]: a letter occurs before k in the word; letter_after likewise.
    has_before_.assign(n, 0);
    has_after_.assign(n, 0);
    bool seen = false;
    for (size_t k = 0; k < n; ++k) {
      has_before_[k] = seen;
      seen = seen || IsLetterAt(chars_[k]);
    }
    seen = false;
    for (size_t k = n; k-- > 0;) {
      has_after_[k] = seen;
      seen = seen || IsLetterAt(chars_[k]);
    }
    if (!out_->empty() && out_->back() != ' ') Put(' ', tokens_[first].begin - 1);
    const size_t word_start = out_->size();
    char last_ascii = 0;
    int run = 0;
    bool soft_after = false;  // a word may also start after this character (IsHandleSign)
    for (size_t k = 0; k < n; ++k) {
      const uint32_t pos = chars_[k];
      const uint8_t byte = static_cast<uint8_t>(src_[pos]);
      char c = 0;
      switch (kTables.cls[byte]) {
        case kLetter:
          c = kTables.lower[byte];
          break;
        case kDigit:
          if (has_before_[k] && has_after_[k]) c = kTables.leet[byte];
          if (c == 0) c = static_cast<char>(byte);
          break;
        case kLeetSym:
          if (LeetSymbolIsLetter(byte, has_before_[k], has_after_[k])) c = kTables.leet[byte];
          // Of a word of its own, not of a spaced run ("@ p p", one word "app").
          soft_after = c != 0 && !has_before_[k] && IsHandleSign(static_cast<char>(byte)) &&
                       last == first + 1;
          break;
        case kApos:
          continue;  // "i'm" -> "im"
        case kHigh: {
          const uint32_t len = CharLen(src_, pos);
          for (uint32_t b = 0; b < len; ++b) Put(src_[pos + b], pos);
          last_ascii = 0;
          continue;
        }
        default:
          break;
      }
      if (c == 0) {  // an unfolded symbol splits the word
        if (out_->size() > word_start && out_->back() != ' ') Put(' ', pos);
        last_ascii = 0;
        continue;
      }
      if (c >= 'a' && c <= 'z') {
        PutSqueezed(c, pos, &last_ascii, &run);
      } else {
        Put(c, pos);
        last_ascii = 0;
      }
      if (soft_after && soft_ != nullptr) soft_->push_back(static_cast<uint32_t>(out_->size()));
      soft_after = false;
    }
    if (out_->size() > word_start && out_->back() == ' ') PopBack();
    if (out_->size() == word_start && word_start > 0 && out_->back() == ' ') PopBack();
    if (out_->size() > word_start) {
      const size_t space = out_->rfind(' ');
      Expand(space == std::string::npos || space < word_start ? word_start : space + 1);
    }
  }

  // The common case, a word of ASCII letters only: lowercase and squeeze. Returns false
  // (having emitted nothing) when the token holds anything else.
  bool EmitPlainWord(const Token& t) {
    for (uint32_t k = t.begin; k < t.end; ++k) {
      if (kTables.cls[static_cast<uint8_t>(src_[k])] != kLetter) return false;
    }
    if (!out_->empty()) Put(' ', t.begin - 1);
    const size_t word_start = out_->size();
    char last_c = 0;
    int run = 0;
    for (uint32_t k = t.begin; k < t.end; ++k) {
      const char c = kTables.lower[static_cast<uint8_t>(src_[k])];
      PutSqueezed(c, k, &last_c, &run);
    }
    Expand(word_start);
    return true;
  }

  // Replaces the word from `word_start` to the end of the output by its expansion, if it is
  // a chat abbreviation; the new characters map to the word's first original character.
  void Expand(size_t word_start) {
    const std::string_view word = std::string_view(*out_).substr(word_start);
    const std::string_view to = Expansion(word);
    if (to.empty()) return;
    out_->resize(word_start);
    out_->append(to);
    if (out_off_ != nullptr) {
      const uint32_t first = (*out_off_)[word_start];
      out_off_->resize(word_start);
      out_off_->insert(out_off_->end(), to.size(), first);
    }
  }

  // Emits letter `c` unless it continues a run of three or more ("nakeddd" -> "naked");
  // doubles stay, since they tell words apart ("butt"/"but", "ass"/"as").
  void PutSqueezed(char c, uint32_t src_pos, char* last, int* run) {
    if (c != *last) {
      *last = c;
      *run = 1;
      Put(c, src_pos);
      return;
    }
    ++*run;
    if (*run == 2) Put(c, src_pos);
    if (*run == 3) PopBack();
  }

  void Put(char c, uint32_t src_pos) {
    out_->push_back(c);
    if (out_off_ != nullptr) out_off_->push_back(Orig(src_pos));
  }
  void PopBack() {
    out_->pop_back();
    if (out_off_ != nullptr) out_off_->pop_back();
  }

  std::string_view src_;
  const uint32_t* src_off_;
  std::string* out_;
  std::vector<uint32_t>* out_off_;
  std::vector<uint32_t>* soft_;
  // Work buffers, reused by every pass on this thread (no allocation per message).
  struct Buffers {
    std::vector<Token> tokens;
    std::vector<uint32_t> chars;
    std::vector<uint8_t> has_before, has_after;
  };
  static Buffers& ThreadBuffers() {
    thread_local Buffers buffers;
    return buffers;
  }
  Buffers& buf_ = ThreadBuffers();
  std::vector<Token>& tokens_ = buf_.tokens;
  std::vector<uint32_t>& chars_ = buf_.chars;
  std::vector<uint8_t>& has_before_ = buf_.has_before;
  std::vector<uint8_t>& has_after_ = buf_.has_after;
};

// Whether the single character that ends at p[i] (i: one past it) may start a spaced-out
// word: a short spacing gap follows, then another single character ("p a y", "g-c-a-s-h").
bool MayStartSpacedWord(const uint8_t* p, size_t len, size_t i) {
  size_t j = i;
  while (j < len && j - i < kMaxSpacingSep + 1 && IsSpacingSep(static_cast<char>(p[j]))) ++j;
  return j > i && j - i <= kMaxSpacingSep && j < len && kTables.cls[p[j]] != kSep &&
         (j + 1 == len || kTables.cls[p[j + 1]] == kSep);
}

// Whether the token starting at p[i] is one letter, digit or leet symbol
// (TokenPass::IsSingle). REQUIRES: p[i] starts a token.
inline bool IsSingleAt(const uint8_t* p, size_t len, size_t i) {
  const uint8_t c = kTables.cls[p[i]];
  return (c == kLetter || c == kDigit || c == kLeetSym) &&
         (i + 1 == len || kTables.cls[p[i + 1]] == kSep);
}

}  // namespace

bool HasHyphenCut(std::string_view text) {
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  const size_t len = text.size();
  const void* at = std::memchr(p, '-', len);
  while (at != nullptr) {
    const size_t k = static_cast<size_t>(static_cast<const uint8_t*>(at) - p);
    if (k >= 2 && k + 2 < len && kTables.cls[p[k - 1]] == kLetter &&
        kTables.cls[p[k - 2]] != kSep && kTables.cls[p[k + 1]] == kLetter &&
        kTables.cls[p[k + 2]] != kSep) {
      return true;
    }
    at = k + 1 < len ? std::memchr(p + k + 1, '-', len - k - 1) : nullptr;
  }
  return false;
}

namespace {

// A run of single characters that TokenPass::Run joins into one word ("p a y", "g-c-a-s-h"):
// its characters are at first + k * step for k < count, every gap spelled the same.
struct SpacedRun {
  size_t first = 0, step = 0, count = 0;
  size_t At(size_t k) const { return first + k * step; }
};

// The run TokenPass::Run would join from the single character at p[i], or a run with
// count 0 when it would emit that character alone. REQUIRES: IsSingleAt(p, len, i).
SpacedRun FindSpacedRun(const uint8_t* p, size_t len, size_t i) {
  SpacedRun r{i, 0, 1};
  size_t letters = kTables.cls[p[i]] == kLetter;
  size_t gap = 0;  // length of the first gap; later gaps must be the same bytes
  for (size_t t = i;;) {
    size_t next = t + 1;
    while (next < len && kTables.cls[p[next]] == kSep) ++next;
    if (next >= len) break;
    const size_t g = next - (t + 1);
    if (g > kMaxSpacingSep) break;
    bool spacing = true;
    for (size_t k = t + 1; k < next; ++k) spacing = spacing && IsSpacingSep(static_cast<char>(p[k]));
    if (!spacing) break;
    if (r.count >= 2 && (g != gap || std::memcmp(p + t + 1, p + i + 1, g) != 0)) break;
    if (!IsSingleAt(p, len, next)) break;
    gap = g;
    letters += kTables.cls[p[next]] == kLetter;
    ++r.count;
    t = next;
  }
  r.step = gap + 1;
  // Digits after the letters are a number, not leetspeak: "g r a d e 9".
  while (r.count > 1 && kTables.cls[p[r.At(r.count - 1)]] == kDigit) --r.count;
  bool chat_only = true;
  for (size_t k = 0; k < r.count && chat_only; ++k) {
    chat_only = IsChatLetter(kTables.lower[p[r.At(k)]]);
  }
  if (r.count < kMinSpacedRun || letters < 2 || chat_only) r.count = 0;
  return r;
}

// The common case in one pass: ASCII text. Words are handled as TokenPass::EmitWord
// handles them: letters lowercased and squeezed, apostrophes dropped, a digit or leet symbol
// between letters read as the letter it stands for ("n4ked", "p@yp@l"), "$" and "@" also at
// a word's start, any other digit kept, any other symbol splitting the word ("hi!" -> "hi");
// runs of spaced-out single characters are joined as TokenPass::Run joins them ("p a y").
// Must give exactly TokenPass's output, offsets and soft word starts (randomised tests
// check this). Returns -1, having produced nothing usable, for a byte >= 0x80.
// Writes to `o`, which has room for FastAsciiRoom(in.size()) bytes (expansions such as
// "u" -> "you" make the output longer than the input), when `off` is set the source offset
// of each output byte to `off` (same room), and when `soft_starts` is set appends the soft
// word starts (as TokenPass does). Returns the output length, or -1.
constexpr size_t FastAsciiRoom(size_t len) { return len * 3 + 8; }
ptrdiff_t FastAsciiPassTo(std::string_view in, char* o, uint32_t* off,
                          std::vector<uint32_t>* soft_starts) {
  const auto* p = reinterpret_cast<const uint8_t*>(in.data());
  const size_t len = in.size();
  if (HasHyphenCut(in)) return -1;
  const size_t soft_before = soft_starts != nullptr ? soft_starts->size() : 0;
  size_t n = 0;
  size_t i = 0;
  auto put = [&](char ch, size_t pos) {
    if (off) off[n] = static_cast<uint32_t>(pos);
    o[n++] = ch;
  };
  // Letter `ch`, unless it continues a run of three or more ("nakeddd" -> "naked"); `last`
  // and `run` are the word's last letter and its repeats so far.
  auto put_squeezed = [&](char ch, size_t pos, char& last, int& run) {
    if (ch != last) {
      last = ch;
      run = 1;
      put(ch, pos);
    } else if (++run == 2) {
      put(ch, pos);
    } else if (run == 3) {
      --n;
    }
  };
  // An unfolded symbol in a word: ends the piece so far with a space (once; none at the
  // word's start) and starts a new piece; no letter before it squeezes with one after.
  auto split_word = [&](size_t pos, size_t word_start, size_t& piece_start,
                        size_t& prev_piece_start, char& last) {
    if (n > word_start && o[n - 1] != ' ') {
      put(' ', pos);
      prev_piece_start = piece_start;
      piece_start = n;
    }
    last = 0;
  };
  // Replaces the output from `from` on by its expansion, if it is a chat abbreviation; the
  // new characters map to the first one's source.
  auto expand = [&](size_t from) {
    const std::string_view to = Expansion(std::string_view(o + from, n - from));
    if (!to.empty()) {
      std::memcpy(o + from, to.data(), to.size());
      if (off) std::fill(off + from + 1, off + from + to.size(), off[from]);
      n = from + to.size();
    }
  };
  for (;;) {
    while (i < len && kTables.cls[p[i]] == kSep) ++i;
    if (i >= len) break;
    const bool spaced = n > 0;
    if (IsSingleAt(p, len, i)) {
      const SpacedRun run = FindSpacedRun(p, len, i);
      if (run.count > 0) {
        // TokenPass::EmitWord over the run's characters: a digit or leet symbol is a letter
        // only between letters ("$" and "@" also first), any other symbol splits the word.
        size_t first_letter = run.count, last_letter = 0;
        for (size_t k = 0; k < run.count; ++k) {
          if (kTables.cls[p[run.At(k)]] == kLetter) {
            first_letter = std::min(first_letter, k);
            last_letter = k;
          }
        }
        if (spaced) put(' ', i - 1);
        const size_t word_start = n;
        size_t piece_start = n, prev_piece_start = n;
        char last = 0;
        int repeats = 0;
        auto put_letter = [&](char ch, size_t pos) { put_squeezed(ch, pos, last, repeats); };
        for (size_t k = 0; k < run.count; ++k) {
          const size_t pos = run.At(k);
          const uint8_t b = p[pos];
          const bool before = first_letter < k, after = last_letter > k;
          switch (kTables.cls[b]) {
            case kLetter:
              put_letter(kTables.lower[b], pos);
              break;
            case kDigit: {
              char c = before && after ? kTables.leet[b] : 0;
              if (c == 0) c = static_cast<char>(b);
              if (c >= 'a' && c <= 'z') {
                put_letter(c, pos);
              } else {
                put(c, pos);
                last = 0;
              }
              break;
            }
            default:  // kLeetSym
              if (LeetSymbolIsLetter(b, before, after)) {
                put_letter(kTables.leet[b], pos);
              } else {
                split_word(pos, word_start, piece_start, prev_piece_start, last);
              }
              break;
          }
        }
        if (n > word_start && o[n - 1] == ' ') {
          --n;
          piece_start = prev_piece_start;
        }
        if (n == word_start && spaced) --n;
        if (n > piece_start) expand(piece_start);
        // A one-letter word may lead the run ("a p r i v a t e"): the word may also start
        // after it, which the matcher is told as a soft word start.
        const char lead = kTables.lower[p[i]];
        if (run.count >= 4 && (lead == 'a' || lead == 'i' || lead == 'u' || lead == 'o') &&
            soft_starts != nullptr && n > 0) {
          size_t start = n;
          while (start > 0 && o[start - 1] != ' ') --start;
          soft_starts->push_back(static_cast<uint32_t>(start + 1));
        }
        i = run.At(run.count - 1) + 1;
        continue;
      }
    }
    if (spaced) put(' ', i - 1);
    const size_t word_start = n;
    size_t piece_start = n;  // an unfolded symbol starts a new piece of the word
    size_t prev_piece_start = n;
    char last = 0;
    int run = 0;
    bool seen_letter = false;
    ptrdiff_t last_letter = -2;  // position of the word's last letter; -2: not looked for
    auto put_letter = [&](char ch, size_t pos) { put_squeezed(ch, pos, last, run); };
    for (; i < len; ++i) {
      const uint8_t c = kTables.cls[p[i]];
      if (c == kLetter) {
        seen_letter = true;
        put_letter(kTables.lower[p[i]], i);
        continue;
      }
      if (c == kSep) break;
      if (c == kApos) continue;
      if (c == kHigh) {  // not ASCII after all
        if (soft_starts != nullptr) soft_starts->resize(soft_before);
        return -1;
      }
      // A digit or leet symbol: what it means depends on letters before and after it.
      if (last_letter == -2) {
        last_letter = -1;
        for (size_t j = i + 1; j < len && kTables.cls[p[j]] != kSep; ++j) {
          if (kTables.cls[p[j]] == kLetter) last_letter = static_cast<ptrdiff_t>(j);
        }
      }
      const bool letter_after = last_letter > static_cast<ptrdiff_t>(i);
      const char leet = kTables.leet[p[i]];
      if (c == kDigit) {
        if (seen_letter && letter_after && leet != 0) {
          put_letter(leet, i);
        } else {
          put(static_cast<char>(p[i]), i);
          last = 0;
        }
      } else if (LeetSymbolIsLetter(p[i], seen_letter, letter_after)) {
        put_letter(leet, i);
        if (!seen_letter && IsHandleSign(p[i]) && soft_starts != nullptr) {
          soft_starts->push_back(static_cast<uint32_t>(n));
        }
      } else {
        split_word(i, word_start, piece_start, prev_piece_start, last);
      }
    }
    if (n > word_start && o[n - 1] == ' ') {
      --n;
      piece_start = prev_piece_start;  // the piece before the dropped space is the last
    }
    if (n == word_start && spaced) --n;  // nothing but symbols and apostrophes
    if (n > piece_start) expand(piece_start);
  }
  return static_cast<ptrdiff_t>(n);
}

#ifdef __SSE2__
// The commonest message of all, without offsets: at most 64 bytes of ASCII letters, digits
// and separators only, each word all letters or all digits ("i am 12", not "12yo"), no
// letter three times in a row. Classified 16 bytes at a time into bit masks; each word is
// then copied lowercased (digits are unchanged by it) as one 16-byte move. Returns -2
// (nothing written that counts) for any other text (spaced-out single characters too),
// which FastAsciiPassTo then handles;
// otherwise exactly what FastAsciiPassTo returns (a randomised test checks this). `o` needs
// room for FastAsciiRoom(in.size()) + 16 bytes.
// Copies `len` (at most 64) bytes to `out` as overlapping moves of the largest width that
// fits: a variable-length memcpy was a call into glibc per message.
inline void CopyShort(const char* in, size_t len, uint8_t* out) {
  const auto move = [&](auto word, size_t at) {
    std::memcpy(&word, in + at, sizeof word);
    std::memcpy(out + at, &word, sizeof word);
  };
  if (len >= 32) {
    move(__m128i{}, 0);
    move(__m128i{}, 16);
    move(__m128i{}, len - 32);
    move(__m128i{}, len - 16);
  } else if (len >= 16) {
    move(__m128i{}, 0);
    move(__m128i{}, len - 16);
  } else if (len >= 8) {
    move(uint64_t{}, 0);
    move(uint64_t{}, len - 8);
  } else if (len >= 4) {
    move(uint32_t{}, 0);
    move(uint32_t{}, len - 4);
  } else {
    for (size_t i = 0; i < len; ++i) out[i] = static_cast<uint8_t>(in[i]);
  }
}

ptrdiff_t LettersOnlyPassTo(std::string_view in, char* o) {
  constexpr size_t kMax = 64;
  const size_t len = in.size();
  if (len == 0 || len > kMax) return -2;
  alignas(16) uint8_t src[kMax + 16] = {};  // zero padding: a separator
  CopyShort(in.data(), len, src);
  alignas(16) uint8_t lower[kMax + 16];
  uint64_t letters = 0, digits = 0, others = 0, hyphens = 0;
  const __m128i a = _mm_set1_epi8('a'), z_a = _mm_set1_epi8('z' - 'a');
  const __m128i case_bit = _mm_set1_epi8(0x20);
  const __m128i zero = _mm_set1_epi8('0'), nine = _mm_set1_epi8(9);
  // The symbols that are leetspeak or split a word. Spelled out: a loop over them (GCC
  // kept it a loop) broadcast each one afresh for every block, ~45 instructions a block.
  const __m128i dollar = _mm_set1_epi8('$'), at = _mm_set1_epi8('@'), bang = _mm_set1_epi8('!'),
                bar = _mm_set1_epi8('|'), apostrophe = _mm_set1_epi8('\''),
                backtick = _mm_set1_epi8('`'), star = _mm_set1_epi8('*'),
                hyphen = _mm_set1_epi8('-');
  for (size_t b = 0; b < len; b += 16) {
    const __m128i x = _mm_load_si128(reinterpret_cast<const __m128i*>(src + b));
    const __m128i folded = _mm_or_si128(x, case_bit);
    const __m128i t = _mm_sub_epi8(folded, a);
    const __m128i is_letter = _mm_cmpeq_epi8(_mm_min_epu8(t, z_a), t);
    const __m128i d = _mm_sub_epi8(x, zero);
    const __m128i is_digit = _mm_cmpeq_epi8(_mm_min_epu8(d, nine), d);
    const __m128i other = _mm_or_si128(
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, dollar), _mm_cmpeq_epi8(x, at)),
                     _mm_or_si128(_mm_cmpeq_epi8(x, bang), _mm_cmpeq_epi8(x, bar))),
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, apostrophe), _mm_cmpeq_epi8(x, backtick)),
                     _mm_cmpeq_epi8(x, star)));
    _mm_store_si128(reinterpret_cast<__m128i*>(lower + b), folded);
    letters |= static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(is_letter))) << b;
    digits |= static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(is_digit))) << b;
    hyphens |=
        static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, hyphen))))
        << b;
    others |= static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(other)) |
                                    static_cast<unsigned>(_mm_movemask_epi8(x)))  // >= 0x80
              << b;
  }
  const uint64_t valid = len == 64 ? ~uint64_t{0} : (uint64_t{1} << len) - 1;
  letters &= valid;
  digits &= valid;
  if ((others & valid) != 0) return -2;
  // A word cut by a hyphen (HasHyphenCut: letters at the cut, each side two characters or
  // more; here every character that is no separator is a letter or digit).
  const uint64_t word = letters | digits;
  if ((hyphens & (letters << 1) & (word << 2) & (letters >> 1) & (word >> 2)) != 0) return -2;
  // A word with both letters and digits is leetspeak or a unit ("n4ked", "12yo"): a letter
  // beside a digit sends the text to FastAsciiPassTo.
  if (((letters << 1) & digits) != 0 || ((digits << 1) & letters) != 0) return -2;
  // A letter equal to the next two (all letters): the run would be squeezed.
  uint64_t same_next = 0;
  for (size_t b = 0; b < len; b += 16) {
    const __m128i x = _mm_load_si128(reinterpret_cast<const __m128i*>(lower + b));
    const __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i*>(lower + b + 1));
    same_next |= static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, y))))
                 << b;
  }
  const uint64_t pair = same_next & letters & (letters >> 1);
  if ((pair & (pair >> 1)) != 0) return -2;
  size_t n = 0;
  uint64_t rest = letters | digits;
  while (rest != 0) {
    const unsigned start = static_cast<unsigned>(__builtin_ctzll(rest));
    const uint64_t from_start = rest >> start;
    const unsigned count =
        ~from_start == 0 ? 64 - start : static_cast<unsigned>(__builtin_ctzll(~from_start));
    rest = count + start >= 64 ? 0 : rest & (~uint64_t{0} << (start + count));
    if (n > 0) o[n++] = ' ';
    const size_t word_start = n;
    for (unsigned k = 0; k < count; k += 16) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(o + n + k),
                       _mm_loadu_si128(reinterpret_cast<const __m128i*>(lower + start + k)));
    }
    n += count;
    const std::string_view to = Expansion(std::string_view(o + word_start, count));
    if (!to.empty()) {
      std::memcpy(o + word_start, to.data(), to.size());
      n = word_start + to.size();
    }
    if (count == 1) {
      if (MayStartSpacedWord(src, len, start + 1)) return -2;
    }
  }
  return static_cast<ptrdiff_t>(n);
}
#endif

}  // namespace

bool FastAsciiPass(std::string_view in, std::string* out, std::vector<uint32_t>* offsets,
                   std::vector<uint32_t>* soft_starts) {
  const size_t len = in.size();
  uint32_t* off = nullptr;
  if (offsets != nullptr) {
    offsets->resize(FastAsciiRoom(len) + 1);
    off = offsets->data();
  }
  // Grows the buffer only when a message is the longest yet on this thread; resize() then
  // only sets the size.
  if (out->capacity() < FastAsciiRoom(len)) out->reserve(FastAsciiRoom(len));
  out->resize(FastAsciiRoom(len));
  const ptrdiff_t n = FastAsciiPassTo(in, out->data(), off, soft_starts);
  if (n < 0) return false;
  out->resize(static_cast<size_t>(n));
  if (offsets != nullptr) {
    offsets->resize(static_cast<size_t>(n) + 1);
    (*offsets)[static_cast<size_t>(n)] = static_cast<uint32_t>(len);
  }
  return true;
}

namespace {

std::string ToUtf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

// Serialised fold tables: kFoldMagic, the ICU and Unicode versions they were built
// with (a line), then the BMP entries from 0x80 and the astral ones, each as its kind, and
// for kReplace its length and bytes; astral entries are preceded by their count and each by
// its code point (little-endian u32). The version in the magic changes with that layout.
constexpr std::string_view kFoldMagic = "bantay-fold-2\n";

std::string IcuVersions() {
  UVersionInfo v;
  char icu[U_MAX_VERSION_STRING_LENGTH], unicode[U_MAX_VERSION_STRING_LENGTH];
  u_getVersion(v);
  u_versionToString(v, icu);
  u_getUnicodeVersion(v);
  u_versionToString(v, unicode);
  return std::string("icu ") + icu + " unicode " + unicode + "\n";
}

void PutFoldEntry(const Normaliser::FoldEntry& e, std::string* out) {
  out->push_back(static_cast<char>(e.kind));
  if (e.kind != Normaliser::FoldEntry::kReplace) return;
  out->push_back(static_cast<char>(e.len));
  out->append(e.bytes, e.len);
}

bool GetFoldEntry(std::string_view* in, Normaliser::FoldEntry* e) {
  if (in->empty() || static_cast<uint8_t>((*in)[0]) > Normaliser::FoldEntry::kReplace) {
    return false;
  }
  e->kind = static_cast<Normaliser::FoldEntry::Kind>((*in)[0]);
  in->remove_prefix(1);
  if (e->kind != Normaliser::FoldEntry::kReplace) return true;
  if (in->empty()) return false;
  e->len = static_cast<uint8_t>((*in)[0]);
  in->remove_prefix(1);
  if (e->len == 0 || e->len > sizeof(e->bytes) || in->size() < e->len) return false;
  std::memcpy(e->bytes, in->data(), e->len);
  in->remove_prefix(e->len);
  return true;
}

bool ReadU32(std::string_view* in, uint32_t* v) {
  if (in->size() < 4) return false;
  *v = 0;
  for (int i = 0; i < 4; ++i) *v |= uint32_t{static_cast<unsigned char>((*in)[i])} << (8 * i);
  in->remove_prefix(4);
  return true;
}

}  // namespace

Normaliser::Normaliser() = default;
Normaliser::~Normaliser() = default;

std::string Normaliser::Serialized() const {
  std::string out(kFoldMagic);
  out += IcuVersions();
  for (const FoldEntry& e : bmp_) PutFoldEntry(e, &out);
  const auto put_u32 = [&](uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
  };
  put_u32(static_cast<uint32_t>(astral_.size()));
  for (const auto& [cp, e] : astral_) {
    put_u32(cp);
    PutFoldEntry(e, &out);
  }
  return out;
}

Result<std::shared_ptr<const Normaliser>> Normaliser::Create(std::string_view prebuilt) {
  if (!prebuilt.empty() && prebuilt.starts_with(kFoldMagic)) {
    prebuilt.remove_prefix(kFoldMagic.size());
    const std::string versions = IcuVersions();
    if (prebuilt.starts_with(versions)) {
      prebuilt.remove_prefix(versions.size());
      std::shared_ptr<Normaliser> n(new Normaliser());
      n->bmp_.resize(0x10000 - 0x80);
      bool ok = true;
      for (FoldEntry& e : n->bmp_) ok = ok && GetFoldEntry(&prebuilt, &e);
      uint32_t count = 0;
      ok = ok && ReadU32(&prebuilt, &count) && count <= 0x110000;
      for (uint32_t i = 0; ok && i < count; ++i) {
        std::pair<uint32_t, FoldEntry> entry;
        ok = ReadU32(&prebuilt, &entry.first) && GetFoldEntry(&prebuilt, &entry.second) &&
             entry.first > 0xFFFF && (i == 0 || entry.first > n->astral_.back().first);
        if (ok) n->astral_.push_back(entry);
      }
      if (ok && prebuilt.empty()) {
        n->used_prebuilt_ = true;
        return std::shared_ptr<const Normaliser>(std::move(n));
      }
    }
  }
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(status);
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  if (U_FAILURE(status)) {
    return Fail(ErrorCode::kInternal, std::string("ICU normaliser: ") + u_errorName(status));
  }
  USpoofChecker* spoof = uspoof_open(&status);
  if (U_FAILURE(status)) {
    return Fail(ErrorCode::kInternal, std::string("ICU spoof checker: ") + u_errorName(status));
  }
  auto skeleton = [&](UChar32 cp) {
    UChar in[2];
    int32_t in_len = 0;
    U16_APPEND_UNSAFE(in, in_len, cp);
    UChar buf[32];
    UErrorCode st = U_ZERO_ERROR;
    const int32_t len = uspoof_getSkeleton(spoof, 0, in, in_len, buf, 32, &st);
    if (U_FAILURE(st)) return std::string();
    return ToUtf8(icu::UnicodeString(buf, len));
  };
  // The skeleton of each ASCII letter and digit, so that a look-alike whose skeleton equals
  // it ("m" -> "rn", Cyrillic "м" -> "rn") folds to that ASCII character.
  std::map<std::string, char> ascii_by_skeleton;
  for (const char* set : {"abcdefghijklmnopqrstuvwxyz", "0123456789"}) {
    for (const char* p = set; *p; ++p) ascii_by_skeleton.emplace(skeleton(*p), *p);
  }
  // Capitals too (Greek "Β" imitates "B", while its lowercase "β" imitates nothing).
  // Capitals share skeletons with other letters ("I" and "l"): look-alike capitals are
  // first looked up among the capitals.
  std::map<std::string, char> upper_by_skeleton;
  for (char c = 'A'; c <= 'Z'; ++c) {
    upper_by_skeleton.emplace(skeleton(c), static_cast<char>(c - 'A' + 'a'));
    ascii_by_skeleton.emplace(skeleton(c), static_cast<char>(c - 'A' + 'a'));
  }
  // Diacritics are dropped only in the combining-mark blocks used with Latin, Greek and
  // Cyrillic; other scripts' marks (Thai vowels, Devanagari signs) are part of their words.
  auto is_diacritic = [](UChar32 c) {
    return (c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) ||
           (c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0x20D0 && c <= 0x20FF) ||
           (c >= 0xFE20 && c <= 0xFE2F) || (c >= 0xFE00 && c <= 0xFE0F);
  };

  std::shared_ptr<Normaliser> n(new Normaliser());
  n->bmp_.resize(0x10000 - 0x80);
  auto build = [&](UChar32 cp) -> FoldEntry {
    FoldEntry e;
    std::string sk_cp;  // skeleton(cp), once computed
    bool have_sk_cp = false;
    const int8_t type = u_charType(cp);
    if (type == U_FORMAT_CHAR || is_diacritic(cp)) {
      e.kind = FoldEntry::kDelete;
      return e;
    }
    for (const auto& [point, word] : kPictographWords) {
      if (cp != point) continue;
      e.kind = FoldEntry::kReplace;
      e.len = static_cast<uint8_t>(word.size() + 2);
      e.bytes[0] = ' ';
      std::memcpy(e.bytes + 1, word.data(), word.size());
      e.bytes[word.size() + 1] = ' ';
      return e;
    }
    // Symbols that draw a Latin capital and have no decomposition: negative circled and
    // negative squared letters, and regional indicators (two of them in a row are a flag,
    // which NormaliseGeneral reads as a separator).
    for (const UChar32 first : {kNegativeCircledA, kNegativeSquaredA, kRegionalIndicatorA}) {
      if (cp >= first && cp < first + 26) {
        e.kind = FoldEntry::kReplace;
        e.len = 1;
        e.bytes[0] = static_cast<char>('a' + (cp - first));
        return e;
      }
    }
    // A look-alike of an ASCII letter, judged on the character as written. Only letters and
    // digits fold this way, so the (costly) skeleton is not computed for anything else.
    if (cp >= 0x80 && u_isalnum(cp)) {
      sk_cp = skeleton(cp);
      have_sk_cp = true;
      const std::string& sk = sk_cp;
      char mapped = 0;
      if (auto up = upper_by_skeleton.find(sk); u_isupper(cp) && up != upper_by_skeleton.end()) {
        mapped = up->second;
      } else if (auto it = ascii_by_skeleton.find(sk); it != ascii_by_skeleton.end()) {
        mapped = it->second;
      } else if (u_islower(cp) && u_toupper(cp) != cp) {
        // UTS #39 lists some look-alikes only as capitals: Cyrillic "К" is "K", but small
        // "к" is listed as nothing although it is used for "k". Judge it by its capital.
        if (auto cap = upper_by_skeleton.find(skeleton(u_toupper(cp)));
            cap != upper_by_skeleton.end()) {
          mapped = cap->second;
        }
      }
      if (mapped != 0) {
        e.kind = FoldEntry::kReplace;
        e.len = 1;
        e.bytes[0] = mapped;
        return e;
      }
    }
    switch (type) {
      case U_SPACE_SEPARATOR:
      case U_LINE_SEPARATOR:
      case U_PARAGRAPH_SEPARATOR:
      case U_CONTROL_CHAR:
      case U_UNASSIGNED:
      case U_SURROGATE:
      case U_PRIVATE_USE_CHAR:
        e.kind = FoldEntry::kSpace;
        return e;
      default:
        break;
    }
    if (cp == 0x2018 || cp == 0x2019 || cp == 0x02BC) {  // curly apostrophes join like '
      e.kind = FoldEntry::kReplace;
      e.len = 1;
      e.bytes[0] = '\'';
      return e;
    }
    UErrorCode st = U_ZERO_ERROR;
    icu::UnicodeString folded = nfkc_cf->normalize(icu::UnicodeString(cp), st);
    icu::UnicodeString decomposed = nfd->normalize(folded, st);
    if (U_FAILURE(st)) {
      e.kind = FoldEntry::kSpace;
      return e;
    }
    std::string out;
    bool any_letter_or_digit = false;
    for (int32_t i = 0; i < decomposed.length();) {
      const UChar32 c = decomposed.char32At(i);
      i += U16_LENGTH(c);
      if (is_diacritic(c) || u_charType(c) == U_FORMAT_CHAR) continue;
      if (c < 0x80) {
        out.push_back(static_cast<char>(c));
        any_letter_or_digit = true;
        continue;
      }
      const int8_t t = u_charType(c);
      const bool mark = t == U_NON_SPACING_MARK || t == U_COMBINING_SPACING_MARK ||
                        t == U_ENCLOSING_MARK;
      if (!u_isalnum(c) && !mark) continue;  // non-ASCII punctuation, symbols: separators
      any_letter_or_digit = true;
      // Most letters decompose to themselves (all CJK and Hangul): their skeleton is known.
      auto it = ascii_by_skeleton.find(c == cp && have_sk_cp ? sk_cp : skeleton(c));
      if (it != ascii_by_skeleton.end()) {
        out.push_back(it->second);
      } else {
        out += ToUtf8(icu::UnicodeString(c));
      }
    }
    if (!any_letter_or_digit && type == U_OTHER_SYMBOL) {
      // Emoji and dingbats separate like '~', not a space: put between the letters of
      // each word ("p❤r❤i❤v❤a❤t❤e s❤h❤o❤w"), a word's letters are joined but not the
      // next word's, whose gap is another (TokenPass: one run, one gap).
      e.kind = FoldEntry::kReplace;
      e.len = 1;
      e.bytes[0] = '~';
      return e;
    }
    if (!any_letter_or_digit || out.empty() || out.size() > sizeof(e.bytes)) {
      e.kind = FoldEntry::kSpace;
      return e;
    }
    e.kind = FoldEntry::kReplace;
    e.len = static_cast<uint8_t>(out.size());
    std::memcpy(e.bytes, out.data(), out.size());
    return e;
  };
  // The BMP table on every core, in blocks of code points taken in turn (ICU's normalisers
  // and a const spoof checker are thread-safe; the maps above are only read): start-up
  // time is time no input is scanned.
  {
    constexpr UChar32 kBlock = 1024;
    std::atomic<UChar32> next{0x80};
    auto fill = [&] {
      for (;;) {
        const UChar32 lo = next.fetch_add(kBlock);
        if (lo >= 0x10000) return;
        const UChar32 hi = std::min<UChar32>(0x10000, lo + kBlock);
        for (UChar32 cp = lo; cp < hi; ++cp) n->bmp_[cp - 0x80] = build(cp);
      }
    };
    const unsigned helpers = std::min(3u, std::max(1u, std::thread::hardware_concurrency()) - 1);
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < helpers; ++t) pool.emplace_back(fill);
    fill();
    for (auto& t : pool) t.join();
  }
  // Astral planes: only the blocks used to disguise letters (mathematical alphanumerics,
  // enclosed and squared letters, regional indicators), the emoji, and tag characters.
  const std::pair<UChar32, UChar32> astral_blocks[] = {
      {0x1D400, 0x1D7FF}, {0x1F100, 0x1F1FF}, {0x1F300, 0x1FAFF}, {0xE0000, 0xE007F}};
  for (auto [lo, hi] : astral_blocks) {
    for (UChar32 cp = lo; cp <= hi; ++cp) {
      FoldEntry e = build(cp);
      if (e.kind != FoldEntry::kSpace) n->astral_.emplace_back(cp, e);
    }
  }
  uspoof_close(spoof);
  return std::shared_ptr<const Normaliser>(std::move(n));
}

const Normaliser::FoldEntry* Normaliser::Lookup(uint32_t cp) const {
  if (cp < 0x10000) return &bmp_[cp - 0x80];
  auto it = std::lower_bound(astral_.begin(), astral_.end(), cp,
                             [](const auto& a, uint32_t v) { return a.first < v; });
  if (it != astral_.end() && it->first == cp) return &it->second;
  return nullptr;
}

void Normaliser::Normalise(std::string_view in, std::string* out, std::vector<uint32_t>* offsets,
                           std::vector<uint32_t>* soft_starts) const {
  if (soft_starts != nullptr) soft_starts->clear();
  if (in.size() >= UINT32_MAX) in = in.substr(0, UINT32_MAX - 1);
  const bool ascii = IsAsciiOnly(in);
  if (ascii && FastAsciiPass(in, out, offsets, soft_starts)) return;
  NormaliseGeneral(in, ascii, out, offsets, soft_starts);
}

Normaliser::Appended Normaliser::NormaliseAppend(std::string_view in, TextBuffer* out,
                                                 std::vector<uint32_t>* soft_starts) const {
  soft_starts->clear();
  if (in.size() >= UINT32_MAX) in = in.substr(0, UINT32_MAX - 1);
  char* room = out->Room(FastAsciiRoom(in.size()) + 16);
#ifdef __SSE2__
  // It refuses any byte >= 0x80 itself: most messages need no separate ASCII check.
  if (const ptrdiff_t n = LettersOnlyPassTo(in, room); n >= 0) {
    out->size += static_cast<size_t>(n);
    return {.mixed = false, .ascii = true};
  }
#endif
  const bool ascii = IsAsciiOnly(in);
  if (ascii) {
    if (const ptrdiff_t n = FastAsciiPassTo(in, room, nullptr, soft_starts); n >= 0) {
      out->size += static_cast<size_t>(n);
      return {.mixed = true, .ascii = true};
    }
  }
  thread_local std::string general;
  NormaliseGeneral(in, ascii, &general, nullptr, soft_starts);
  out->Append(general);
  return {.mixed = true, .ascii = ascii};
}

char Normaliser::LeetLetter(char c) { return kTables.leet[static_cast<uint8_t>(c)]; }

void Normaliser::NormaliseGeneral(std::string_view in, bool ascii, std::string* out,
                                  std::vector<uint32_t>* offsets,
                                  std::vector<uint32_t>* soft_starts) const {
  out->clear();
  if (offsets != nullptr) offsets->clear();
  if (ascii) {
    TokenPass(in, nullptr, out, offsets, soft_starts).Run();
    return;
  }
  // Stage 1: fold code points into `folded`, remembering where each byte came from.
  thread_local std::string folded;
  thread_local std::vector<uint32_t> folded_off;
  folded.clear();
  folded_off.clear();
  const auto* p = reinterpret_cast<const uint8_t*>(in.data());
  const int32_t n = static_cast<int32_t>(in.size());
  int32_t i = 0;
  while (i < n) {
    const int32_t start = i;
    if (p[i] < 0x80) {
      folded.push_back(static_cast<char>(p[i]));
      folded_off.push_back(static_cast<uint32_t>(i));
      ++i;
      continue;
    }
    UChar32 cp;
    U8_NEXT(p, i, n, cp);
    if (IsRegionalIndicator(cp) && i < n) {
      // Two regional indicators in a row are a flag ("🇵🇭"), not the letters "ph".
      int32_t next_i = i;
      UChar32 next;
      U8_NEXT(p, next_i, n, next);
      if (IsRegionalIndicator(next)) {
        folded.push_back(' ');
        folded_off.push_back(static_cast<uint32_t>(start));
        i = next_i;
        continue;
      }
    }
    const FoldEntry* e = cp < 0 ? nullptr : Lookup(static_cast<uint32_t>(cp));
    if (cp < 0 || e == nullptr || e->kind == FoldEntry::kSpace) {
      folded.push_back(' ');
      folded_off.push_back(static_cast<uint32_t>(start));
    } else if (e->IsWord() && !folded.empty() && IsAsciiAlnum(folded.back()) && i < n &&
               IsAsciiAlnum(static_cast<char>(p[i]))) {
      // A pictograph read as a word (kPictographWords) between two letters or digits is
      // put there to disguise a word ("g💰c💰a💰s💰h"): it separates like any symbol.
      folded.push_back('~');
      folded_off.push_back(static_cast<uint32_t>(start));
    } else if (e->kind == FoldEntry::kReplace) {
      for (int k = 0; k < e->len; ++k) {
        folded.push_back(e->bytes[k]);
        folded_off.push_back(static_cast<uint32_t>(start));
      }
    } else if (e->kind == FoldEntry::kKeep) {
      folded.append(in.substr(start, i - start));
      for (int32_t k = start; k < i; ++k) folded_off.push_back(static_cast<uint32_t>(start));
    }
    // kDelete: nothing.
  }
  folded_off.push_back(static_cast<uint32_t>(in.size()));
  // Homoglyphs and invisible characters usually fold to plain ASCII: then the one-pass
  // path gives TokenPass's text, and its offsets composed with stage 1's.
  if (IsAsciiOnly(folded)) {
    thread_local std::string fast;
    thread_local std::vector<uint32_t> fast_off;
    fast.resize(FastAsciiRoom(folded.size()));
    if (offsets != nullptr) fast_off.resize(FastAsciiRoom(folded.size()));
    const ptrdiff_t len =
        FastAsciiPassTo(folded, fast.data(), offsets != nullptr ? fast_off.data() : nullptr,
                        soft_starts);
    if (len >= 0) {
      out->assign(fast.data(), static_cast<size_t>(len));
      if (offsets != nullptr) {
        offsets->resize(static_cast<size_t>(len) + 1);
        for (ptrdiff_t k = 0; k < len; ++k) (*offsets)[k] = folded_off[fast_off[k]];
        (*offsets)[static_cast<size_t>(len)] = static_cast<uint32_t>(in.size());
      }
      return;
    }
  }
  TokenPass(folded, folded_off.data(), out, offsets, soft_starts).Run();
}

namespace {

// `end` moved back over ASCII separators, not past `begin`: the output character after a
// span may come after separators in the original.
uint32_t TrimSeparators(std::string_view in, uint32_t begin, uint32_t end) {
  while (end > begin) {
    const unsigned char c = static_cast<unsigned char>(in[end - 1]);
    if (c >= 0x80 || std::isalnum(c)) break;
    --end;
  }
  return end;
}

}  // namespace

std::pair<uint32_t, uint32_t> Normaliser::OriginalSpan(std::string_view in,
                                                       const std::vector<uint32_t>& offsets,
                                                       uint32_t nb, uint32_t ne) {
  if (offsets.empty()) return {0, 0};
  const uint32_t last = static_cast<uint32_t>(offsets.size() - 1);
  nb = std::min(nb, last);
  ne = std::min(std::max(ne, nb), last);
  const uint32_t begin = offsets[nb];
  const uint32_t end = ne == last ? static_cast<uint32_t>(in.size()) : offsets[ne];
  return {begin, TrimSeparators(in, begin, end)};
}

std::pair<uint32_t, uint32_t> Normaliser::SameTextSpan(std::string_view in, uint32_t nb,
                                                       uint32_t ne) {
  const auto last = static_cast<uint32_t>(in.size());
  nb = std::min(nb, last);
  ne = std::min(std::max(ne, nb), last);
  return {nb, TrimSeparators(in, nb, ne)};
}

}  // namespace bantay::text
