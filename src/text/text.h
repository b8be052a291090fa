// text/text.h: content analysis of chats and call transcripts: normalisation, lexicons,
// Vectorscan matching, age expressions, conversation scoring, and chat input readers.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"

namespace bantay::text {

// ---- Normalisation ------------------------------------------------------------------------

// A growable byte buffer that, unlike std::string::resize, does not zero-fill what it adds.
struct TextBuffer {
  std::unique_ptr<char[]> data;
  size_t size = 0;
  size_t capacity = 0;
  // Room for `more` bytes past `size`; the caller writes there and then advances `size`.
  char* Room(size_t more) {
    if (size + more > capacity) {
      const size_t grown = std::max(size + more, capacity * 2);
      std::unique_ptr<char[]> bigger(new char[grown]);
      if (size > 0) std::memcpy(bigger.get(), data.get(), size);
      data = std::move(bigger);
      capacity = grown;
    }
    return data.get() + size;
  }
  void Append(std::string_view s) {
    if (!s.empty()) std::memcpy(Room(s.size()), s.data(), s.size());
    size += s.size();
  }
  void PushBack(char c) {
    *Room(1) = c;
    ++size;
  }
  std::string_view view() const { return std::string_view(data.get(), size); }
};

// Folds text to a canonical form on which lexicon literals are matched: NFKC + case folding,
// zero-width and format characters removed, diacritics stripped, homoglyphs folded to the
// Latin letter they imitate (UTS #39 confusables), leetspeak inside words folded
// (w3stern -> western), single letters separated by spaces, dots or dashes joined
// (p a y p a l -> paypal), runs of three or more equal letters squeezed (nakeddd -> naked;
// doubles are kept: "butt" is not "but"), punctuation turned into single spaces. Digits standing alone stay digits so that ages survive.
// Built once (about 0.1 s: it derives a per-code-point fold table from ICU data), then
// shared read-only by any number of threads.
class Normaliser {
 public:
  // `prebuilt`, when given, is Serialized() of a normaliser made earlier (bantay embeds one
  // made at build time). It is used when the running ICU is the version it was made with,
  // saving the fold table's build (~30 ms of every core at start); otherwise the table is
  // built as without it.
  static Result<std::shared_ptr<const Normaliser>> Create(std::string_view prebuilt = {});

  // The fold tables, for Create's `prebuilt`.
  std::string Serialized() const;
  // Whether Create took the tables from `prebuilt` rather than building them.
  bool used_prebuilt() const { return used_prebuilt_; }

  // Writes the canonical form of `in` to `out` (replacing its contents). When `offsets` is
  // given it receives, for each byte of `out`, the byte offset in `in` of the character that
  // produced it, plus one final entry equal to in.size(), so that an output range [b, e)
  // maps back to the original range [offsets[b], end) of whole characters.
  // Invalid UTF-8 bytes are treated as separators. Pure-ASCII input never calls ICU.
  // `soft_starts`, when given, receives positions inside joined words where a word may also
  // start ("a p r i v a t e" -> "aprivate", soft start before "private").
  void Normalise(std::string_view in, std::string* out,
                 std::vector<uint32_t>* offsets = nullptr,
                 std::vector<uint32_t>* soft_starts = nullptr) const;

  // What NormaliseAppend learnt of a text on its way.
  struct Appended {
    // A word it appended may have a digit next to a letter (Matcher::ReadLeetDigits has
    // work); false when each is all letters or all digits (most texts).
    bool mixed = false;
    bool ascii = true;  // every byte of `in` was ASCII (it has no pictograph)
  };
  // Appends the canonical form of `in` to `out` (no offsets); `soft_starts` as for
  // Normalise, relative to the start of the appended text. For Scanner's batches.
  Appended NormaliseAppend(std::string_view in, TextBuffer* out,
                           std::vector<uint32_t>* soft_starts) const;

  // The letter that leet digit or symbol `c` stands for between letters ('4' -> 'a', '1'
  // -> 'i', '$' -> 's'), 0 for any other byte.
  static char LeetLetter(char c);

  // The original byte range [begin, end) of normalised range [nb, ne).
  // REQUIRES: `offsets` filled by Normalise of `in`.
  static std::pair<uint32_t, uint32_t> OriginalSpan(std::string_view in,
                                                    const std::vector<uint32_t>& offsets,
                                                    uint32_t nb, uint32_t ne);
  // The same for text that normalises to itself (whose offsets are the identity), without
  // normalising it again.
  static std::pair<uint32_t, uint32_t> SameTextSpan(std::string_view in, uint32_t nb,
                                                    uint32_t ne);

  struct FoldEntry;  // private table entry, defined in normalise.cc
  ~Normaliser();

 private:
  Normaliser();
  std::vector<FoldEntry> bmp_;  // one entry per BMP code point >= 0x80
  std::vector<std::pair<uint32_t, FoldEntry>> astral_;  // sorted, for code points > 0xFFFF
  bool used_prebuilt_ = false;
  const FoldEntry* Lookup(uint32_t cp) const;
  // Normalise without the one-pass ASCII fast path (`ascii`: `in` is pure ASCII).
  void NormaliseGeneral(std::string_view in, bool ascii, std::string* out,
                        std::vector<uint32_t>* offsets,
                        std::vector<uint32_t>* soft_starts) const;
};

// ---- Lexicons -----------------------------------------------------------------------------

enum class Category : uint8_t {
  kSexual,        // sexual acts, body parts, nudity
  kSolicitation,  // requests for a cam show, private show, to undress on video
  kPayment,       // remittance brands, e-wallets, crypto, money-transfer jargon, prices
  kMinor,         // age and school cues, words for children
  kAdult,         // stated adult age, "18+"
  kBenign,        // benign context: school fees, tuition, medicine, sex education
  kAgeProbe,      // questions about age ("how old are you", "ilang taon ka")
  kFamily,        // a participant addressing another as kin ("opo lola", "thank you ma")
  kCount
};
inline constexpr size_t kCategoryCount = static_cast<size_t>(Category::kCount);
std::string_view CategoryName(Category c);
Result<Category> ParseCategory(std::string_view name);

struct Term {
  std::string term;       // as written in the lexicon (shown in evidence)
  Category category = Category::kSexual;
  double weight = 1.0;    // strength of the cue, > 0
  std::string language;   // ISO 639 code: en, tl, ceb, ... ("mul" for brand names)
  bool prefix = false;    // written with a trailing '*': also matches longer words
  // Written "<name>": found by a parser of its own, never matched as a literal
  // (kRecognisers: "<amount>", a money amount, FindAmounts).
  bool recogniser = false;
  // Written as pictographs (emoji: "🍆", "🔞", "👉👌"), which the normaliser reads as
  // separators: matched in a message's original text instead (Matcher::FindSymbols).
  bool symbol = false;
  std::string where;      // file:line it came from
};

// A validated set of terms. Immutable once loaded.
class Lexicon {
 public:
  // Parses one TSV file: header "term<TAB>category<TAB>weight<TAB>language", then one term a
  // line; blank lines and lines starting with '#' are skipped. Every line is validated and the
  // first bad one is reported as file:line:field.
  static Result<Lexicon> Parse(std::string_view content, std::string_view file_name);
  // Loads every *.tsv file of a directory, in name order.
  static Result<Lexicon> LoadDir(const std::string& dir);
  // The lexicons built into the binary from data/lexicons.
  static Result<Lexicon> Default();

  void Append(const Lexicon& other);
  const std::vector<Term>& terms() const { return terms_; }
  // The index of the first recogniser term named `name` ("<amount>"), or -1 when the lexicon
  // has none (its parser then finds nothing).
  int Recogniser(std::string_view name) const;

 private:
  std::vector<Term> terms_;
};

// ---- Matching -----------------------------------------------------------------------------

// A lexicon match in normalised text: [begin, end) are byte offsets in the normalised text.
struct Hit {
  uint32_t term = 0;  // index into Lexicon::terms()
  uint32_t begin = 0;
  uint32_t end = 0;
};

// Per-thread scratch space for matching and normalisation; reuse it across messages.
class Scratch {
 public:
  Scratch();
  ~Scratch();
  Scratch(Scratch&&) noexcept;
  Scratch& operator=(Scratch&&) noexcept;

  struct Impl;
  Impl* impl() { return impl_.get(); }

 private:
  std::unique_ptr<Impl> impl_;
};

// All lexicon terms compiled once into one Vectorscan literal database, matched on normalised
// text with word boundaries. Overlapping hits are resolved: a hit inside a longer hit is
// dropped ("sex" inside "sex education"). Thread-safe; `scratch` is per thread.
class Matcher {
 public:
  // `prebuilt`, when given, is SerializedDatabase() of a matcher built earlier (bantay embeds
  // the built-in lexicons' at build time). It is used when its literals are exactly this
  // lexicon's and Vectorscan accepts it (same version, a CPU with the features it was built
  // for), saving the compile (~80 ms of one core at start); otherwise the database is
  // compiled as without it.
  static Result<std::shared_ptr<const Matcher>> Create(const Lexicon& lexicon,
                                                       std::shared_ptr<const Normaliser> norm,
                                                       std::string_view prebuilt = {});
  ~Matcher();

  // The literals and the compiled database, for Create's `prebuilt`.
  Result<std::string> SerializedDatabase() const;
  // Whether Create took the database from `prebuilt` rather than compiling it.
  bool used_prebuilt() const { return used_prebuilt_; }

  // Appends the hits in `normalised` to `hits` (cleared first), sorted by position.
  // `normalised` is Normalise's output: words of word bytes (a-z, 0-9, bytes >= 0x80) with
  // one space between words. `soft_starts` (from Normalise) are positions that count as
  // word starts.
  // `number_word` (may be null) is set when the text has a number word ("eleven", "dose"):
  // the age parser reads such a text although it has no digit ("she is eleven years old").
  void Match(std::string_view normalised, Scratch& scratch, std::vector<Hit>* hits,
             std::span<const uint32_t> soft_starts = {}, bool* number_word = nullptr) const;
  // The same for texts laid out one after another, each as a space, a normalised text and
  // a space ("  " therefore separates texts, and no hit spans two). Positions, of hits and
  // of `soft_starts`, are in `padded`. Saves Match's copy for a batch of texts.
  // `number_words` (may be null) receives a position inside each number word, in order.
  void MatchPadded(std::string_view padded, Scratch& scratch, std::vector<Hit>* hits,
                   std::span<const uint32_t> soft_starts = {},
                   std::vector<uint32_t>* number_words = nullptr) const;

  // Normalise reads a leet digit as a letter only between letters ("w3stern"): elsewhere a
  // digit stays one, for "5yo", "1st", "5pm", "4u", "mp3" and "5kids" are no leetspeak. This
  // reads the digits of a word that has letters as the letters they stand for when the word
  // they then spell is a word of the lexicon or of the age parser: "0ld" -> "old", "5ex" ->
  // "sex", "pr1v473" -> "private", "49e" -> "age", "1m 13" -> "im 13". A number with its
  // unit stays ("100k" is no "look"), and in a word of two only 0 and 1, the digits that look
  // like their letters, are read ("n0", "1m"; "4m" is no "am"). In place: the length, and so
  // every offset, stays. Call it on Normalise's output before matching and age parsing.
  void ReadLeetDigits(char* text, size_t size) const;
  void ReadLeetDigits(std::string* text) const { ReadLeetDigits(text->data(), text->size()); }
  // The text as Match and the age parser take it: Normalise's output (without offsets),
  // then ReadLeetDigits. (Scanner's batches do the same with NormaliseAppend.)
  void Normalise(std::string_view in, std::string* out,
                 std::vector<uint32_t>* soft_starts = nullptr) const {
    norm_->Normalise(in, out, nullptr, soft_starts);
    ReadLeetDigits(out);
  }

  // Appends to `hits` (cleared first) the lexicon's pictograph terms (Term::symbol) in
  // `text`, a message as written (not normalised): [begin, end) are byte offsets in `text`.
  // A pictograph's presentation selectors, skin-tone modifiers and joiners are skipped, the
  // longest term at a position wins, and a run of one term ("🍆🍆🍆") is one hit.
  // An ASCII text has none and returns at once.
  void FindSymbols(std::string_view text, std::vector<Hit>* hits) const;
  bool has_symbols() const { return !symbols_.empty(); }

  // The normalised literal patterns and the term each stands for (for tests and for the
  // ripgrep side of the benchmark).
  struct Pattern {
    std::string literal;
    uint32_t term;
  };
  const std::vector<Pattern>& patterns() const { return patterns_; }
  const Lexicon& lexicon() const { return lexicon_; }
  const Normaliser& normaliser() const { return *norm_; }

  struct Db;

 private:
  Matcher() = default;
  // Fills leet_words_ and leet_prefixes_ (ReadLeetDigits) from the normalised terms (with
  // whether each is a prefix term) and the age parser's phrases.
  void IndexLeetWords(const std::vector<std::pair<std::string, bool>>& terms);
  Lexicon lexicon_;
  std::shared_ptr<const Normaliser> norm_;
  std::vector<Pattern> patterns_;
  std::unique_ptr<Db> db_;
  bool used_prebuilt_ = false;
  // ReadLeetDigits's words, every l read as i, sorted: whole words, and the last words of
  // prefix terms.
  std::vector<std::string> leet_words_, leet_prefixes_;
  // The pictograph terms' code points (modifiers left out), sorted by first code point and
  // then longest first (FindSymbols).
  struct Symbol {
    std::u32string points;
    uint32_t term;
  };
  std::vector<Symbol> symbols_;
  friend class Scratch;
};

// ---- Age expressions ----------------------------------------------------------------------

// A stated age found in normalised text ("i am 11", "11 yrs old", "grade 5", "edad 12").
struct AgeStatement {
  int age = 0;            // years; a school grade is converted to a typical age
  bool from_grade = false;
  uint32_t begin = 0;     // normalised byte range of the expression
  uint32_t end = 0;
  // "not yet 18", "wala pa ko 18": younger than age + 1, so at most `age`.
  bool under = false;
};

// Finds age statements in normalised text. Numbers followed by money or time units ("5 min",
// "20 usd") are not ages.
void FindAges(std::string_view normalised, std::vector<AgeStatement>* out);
// A short message that starts with a number ("11", "11 po", "just 12", "15 why?"): the
// number, or -1. It is an age when it answers an age question. `only_fillers` is set when
// the other words are all age or politeness fillers ("10 lang po", "9 yrs"), which makes it
// a (weaker) age statement even without a question.
int BareAgeAnswer(std::string_view normalised, bool* only_fillers = nullptr);
// A short message that is only a yes or a no, with politeness and "not yet" fillers: 1 for
// "yes po", "opo", "oo"; -1 for "no", "not yet", "hindi pa po", "dili pa"; 0 otherwise. An
// age when it answers a yes-no age question ("are you 18?" "not yet").
int YesNoAnswer(std::string_view normalised);

// ---- Money amounts ------------------------------------------------------------------------

// The lexicon's recognisers (Term::recogniser): names of terms found by a parser instead of
// the matcher.
inline constexpr std::string_view kAmountRecogniser = "<amount>";

// Pictographs in lexicon terms (Term::symbol): 1 when `term` is written in pictographs only
// (symbols such as emoji, with their modifiers and joiners), 0 when it has none, -1 when it
// mixes them with letters, digits or punctuation. `points` (may be null) receives the
// pictographs of a pictograph term, modifiers left out.
int PictographTerm(std::string_view term, std::u32string* points = nullptr);

// A money amount in a message's original text, [begin, end) in bytes: a number with a
// currency sign before or after it, a space between or not ("$50", "₱1,000", "50$",
// "€ 30", "P500"), or with a currency code written against it ("500php", "usd50",
// "20bucks", "0.5btc"). A code apart from its number ("500 pesos") is a lexicon term, and a
// number alone ("1k", "500") is no amount (a count, a price or a time).
struct AmountSpan {
  uint32_t begin = 0;
  uint32_t end = 0;
};
void FindAmounts(std::string_view text, std::vector<AmountSpan>* out);

// ---- Messages and conversations ---------------------------------------------------------

struct Message {
  std::string conversation;
  std::string author;
  std::string text;
  int64_t time = kNoTime;  // UTC ms, kNoTime when absent
  uint64_t line = 0;       // line of the record in its input (the reader knows the file;
                           // 0 when the reader defers line numbers)
};

// A message as views into storage someone else owns (see ParseChatJsonlRefs).
struct MessageRef {
  std::string_view conversation;
  std::string_view author;
  std::string_view text;
  int64_t time = kNoTime;
  uint64_t line = 0;    // 0 when the chunk's reader defers line numbers
  bool stable = false;  // the views outlive the callback that receives them
};

// ---- Scoring ------------------------------------------------------------------------------

// Weights and thresholds of the conversation model, loaded from data/scoring/weights.tsv.
// docs/scoring.md explains each one.
struct ScoringWeights {
  double bias = -6.0;
  std::array<double, kCategoryCount> category{};  // per category, on log(1 + sum of cues)
  double minor_age = 3.0;           // a stated age under 18
  double adult_age = -2.0;          // a stated age of 18 or more by the non-requester
  double grooming_probe = 0.8;      // age question by the requester, then sexual cues
  double sexual_and_payment = 1.5;  // both present
  double sexual_and_minor = 2.5;    // both present
  double solicit_and_payment = 0.8;
  double minor_before_sexual = 1.0; // the minor cue came first: the requester knew
  double proximity = 0.6;           // sexual and payment cues within `proximity_messages`
  double roles_split = 0.8;         // requester and minor are different participants
  double no_minor = -4.0;           // no minor cue at all
  double no_sexual = -4.0;          // neither sexual nor strong solicitation cues
  double benign_per_cue = -0.4;     // per unit of benign-context weight (capped)
  double benign_cap = 3.0;
  double benign_discount = 0.25;    // factor on other cues in a message with a benign cue
  // A family cue from someone other than the requester: the child calls the requester
  // mother or grandmother, a family's conversation (its message's cues are discounted as a
  // benign cue's are).
  double family_address = -5.0;
  double adult_term = -1.2;         // on log(1 + adult cue weight)
  double strong_solicitation = 1.5; // solicitation weight at or above which it counts as sexual
  double weak_solicitation = 0.3;   // share of weaker solicitation (less benign) that does
  int proximity_messages = 4;
  double flag_threshold = 0.5;      // default --min-score
  double minor_cue_floor = 1.2;     // a minor term this strong alone shows a minor
  double minor_sum_floor = 2.5;     // or minor terms adding up to this
  // Weighted pairs of terms or categories (the seed method's "masturbate" + "bitcoin").
  struct Pair {
    std::string a, b;  // a term as written in the lexicon, or "category:NAME"
    double weight = 0;
  };
  std::vector<Pair> pairs;

  static Result<ScoringWeights> Parse(std::string_view content, std::string_view file_name);
  static Result<ScoringWeights> Default();
};

// One piece of evidence: a term found in a message.
struct Evidence {
  uint32_t message = 0;     // index of the message within its conversation
  Category category = Category::kSexual;
  std::string term;         // lexicon term, or "age N" for an age statement
  double weight = 0;
  uint32_t author = 0;      // index of the author within the conversation
  uint32_t span_begin = 0;  // byte range of the match in the original message text
  uint32_t span_end = 0;
};

struct ConversationScore {
  std::string conversation;
  double score = 0;
  bool flagged = false;
  std::array<uint32_t, kCategoryCount> signals{};  // cue counts per category
  std::vector<Evidence> evidence;
  std::vector<std::string> reasons;   // structural features that fired, strongest first
  std::vector<std::string> texts;     // original text per evidence entry (flagged only)
  int requester = -1;                 // author index judged to be the approaching adult
  uint32_t messages = 0;
  std::vector<std::string> authors;   // participants by author index (flagged only)
};

struct ScanOptions {
  double min_score = -1;      // flag threshold; < 0 means the weights' flag_threshold
  bool keep_unflagged = false;// also report unflagged conversations (without message text)
  size_t max_text_bytes = 2000;  // evidence text is cut to this many bytes
};

// Scores whole conversations. Messages of a conversation may arrive in pieces (interleaved
// input, several threads); a ConversationState gathers what scoring needs and keeps only
// the text of messages that matched something. Thread-safe; Scratch is per thread.
class Scanner {
 public:
  static Result<std::shared_ptr<const Scanner>> Create(std::shared_ptr<const Matcher> matcher,
                                                       ScoringWeights weights,
                                                       ScanOptions options = {});

  // Per-conversation accumulated state. Not thread-safe.
  struct State;

  // Analyses one message (the next one of its conversation) into `state`.
  void Add(const Message& message, Scratch& scratch, State* state) const;
  // The same for several messages at once, with one Vectorscan pass over all of them (a
  // scan call has a fixed cost that short chat messages would pay each time).
  // REQUIRES: states[i] is the state of messages[i]'s conversation; equal to calling Add
  // on each message in order.
  void AddBatch(std::span<const MessageRef> messages, std::span<State* const> states,
                Scratch& scratch) const;
  // Appends `later` (a later piece of the same conversation) to `state`.
  void Merge(State* state, State&& later) const;
  // A state packed into few bytes (varints, no per-vector headers or growth slack), for
  // callers that hold every conversation until the end of the input: a State's own vectors
  // took twice the memory, and fresh memory is costly on first touch. Appends to *out.
  static void Freeze(const State& state, std::string* out);
  // The same written at `out`, which has room for FrozenSizeBound(state) bytes; returns
  // the end of what was written.
  static char* Freeze(const State& state, char* out);
  static size_t FrozenSizeBound(const State& state);
  // Reads a state written by Freeze into *state, reusing its buffers; returns the end.
  static const char* Thaw(const char* frozen, State* state);
  ConversationScore Finish(std::string conversation, State&& state) const;
  // Finish, appending the result's scan output line (AppendScoreJson's, then '\n') to *out
  // when the conversation is flagged or options().keep_unflagged, straight from the state
  // (no ConversationScore strings) and written once, in place. Returns whether it was
  // flagged.
  bool FinishJson(std::string_view conversation, State&& state, TextBuffer* out) const;
  // FinishJson of a frozen state, thawed into *scratch as far as it is needed: the cues
  // for its score, the names and texts only for a line to print. A conversation without a
  // cue scores the same whatever it said (the weights' "no minor cue", "no sexual
  // request"), so when that score is neither flagged nor reported it is not thawed at all
  // (most conversations of a platform's day), and not scored either.
  bool FinishFrozenJson(std::string_view conversation, const char* frozen, State* scratch,
                        TextBuffer* out) const;

  // Convenience for tests and small inputs: scores one conversation's messages in order.
  ConversationScore ScoreConversation(std::span<const Message> messages,
                                      Scratch& scratch) const;

  const ScoringWeights& weights() const { return weights_; }
  const ScanOptions& options() const { return options_; }
  const Matcher& matcher() const { return *matcher_; }
  double threshold() const;

 private:
  Scanner() = default;
  std::shared_ptr<const Matcher> matcher_;
  ScoringWeights weights_;
  ScanOptions options_;
  struct PairMask {
    double weight = 0;
    std::string name;
  };
  std::vector<PairMask> pairs_;
  // Per term, for the yes-no age questions among the age probes, the answer that says a
  // minor: -1 for "no" ("are you 18?", "legal ka na ba?"), 1 for "yes" ("are you a
  // minor?"); 0 for every other term (YesNoQuestionAnswer).
  std::vector<int8_t> minor_answer_;
  // Per term, whether it is written with a plus ("18+"): the normaliser drops the plus, so
  // such a term is kept only from a message that writes one (a bare "18" is a price, a
  // count or a time as often as an age).
  std::vector<uint8_t> plus_term_;
  // The lexicon's "<amount>" term (money amounts, FindAmounts), or kNoTerm: a lexicon
  // without it finds none.
  static constexpr uint32_t kNoTerm = UINT32_MAX;
  uint32_t amount_term_ = kNoTerm;
  // Per term, a bit per pair (in words of 64) for the pairs it is on side a / side b of,
  // at [term * pair_words_ + pair / 64]: one pass over the cues finds every pair present.
  size_t pair_words_ = 0;
  std::vector<uint64_t> pair_side_a_, pair_side_b_;
  // Whether a conversation without a cue is reported (flagged, or keep_unflagged).
  bool reports_without_cues_ = true;
  // What Finish's scoring decides; the features that fired are kept per thread in
  // scanner.cc, strongest first when `report`.
  struct Scored {
    double score = 0;
    bool flagged = false;
    bool report = false;  // flagged, or options_.keep_unflagged
    int requester = -1;
    std::array<uint32_t, kCategoryCount> signals{};
  };
  // Resolves bare numbers and benign context in state->cues and scores them; reads nothing
  // else of the state but how many authors it has.
  Scored ScoreState(State* state) const;
  // Appends a scored state's output line and '\n' (FinishJson).
  void WriteScored(std::string_view conversation, const State& state, const Scored& scored,
                   TextBuffer* out) const;
  class StateSource;  // a scored state as the output line writer reads it (scanner.cc)
  // What normalisation and matching learnt of a text besides its hits.
  struct TextFacts {
    bool ascii = false;        // known to be all ASCII: it has no pictograph
    bool number_word = false;  // it has a number word: read it for ages
  };
  // Add, after normalisation and matching: ages, bare answers, pictographs, cues.
  void AddAnalysed(std::string_view author, std::string_view text, std::string_view normalised,
                   const std::vector<Hit>& hits, TextFacts facts, Scratch& scratch,
                   State* state) const;
};

struct Scanner::State {
  // 28 bytes: a conversation may keep thousands (the weight is the term's, looked up when
  // scored).
  struct Cue {
    uint32_t message;
    uint32_t author;
    uint32_t term;       // lexicon term index, or kAgeTerm / kBareNumber / kBareYesNo
    uint32_t text;       // index into text_starts
    uint32_t span_begin, span_end;  // in the message's normalised text
    int16_t age;         // for ages and bare numbers
    Category category;   // for ages: kMinor under 18, kAdult from 18
    bool from_grade : 1;  // an age inferred from a school grade
    bool discounted : 1;  // benign context in the same message (set when scored)
    // The span is in the original text: the message normalises to itself and its kept
    // text is whole, or the cue was found in the original text (a money amount).
    bool same_text : 1;
    bool unasked : 1;     // an age said as a bare number, not asked for (set when scored;
                          // weighted as from_grade)
    bool under : 1;       // an age said as "not yet age + 1" (AgeStatement::under)
  };
  static_assert(sizeof(Cue) == 28);
  static constexpr uint32_t kAgeTerm = UINT32_MAX;
  // A message that is only a number ("11 po"): an age if it answers an age question.
  static constexpr uint32_t kBareNumber = UINT32_MAX - 1;
  // A message that is only a yes (age 1) or a no (age -1): an age if it answers a yes-no
  // age question.
  static constexpr uint32_t kBareYesNo = UINT32_MAX - 2;
  uint32_t messages = 0;
  // The last message with a yes-no age question ("are you 18?"), UINT32_MAX for none:
  // while messages are added, a bare yes or no is looked for only shortly after it. Not
  // frozen (a frozen piece takes no more messages).
  uint32_t yes_no_question = UINT32_MAX;
  std::vector<std::string> authors;
  std::vector<Cue> cues;
  // Original text of the messages with cues (cut to ScanOptions::max_text_bytes), one after
  // another: message k is text_arena[text_starts[k], text_starts[k + 1] or the end).
  std::string text_arena;
  std::vector<uint32_t> text_starts;
  // Back to a new conversation's state, keeping the buffers' room (a state reused for
  // another conversation must carry nothing of the last, not even the question it asked).
  void Clear() {
    messages = 0;
    yes_no_question = UINT32_MAX;
    authors.clear();
    cues.clear();
    text_arena.clear();
    text_starts.clear();
  }
  std::string_view Text(uint32_t k) const {
    const uint32_t b = text_starts[k];
    const uint32_t e = k + 1 < text_starts.size() ? text_starts[k + 1]
                                                  : static_cast<uint32_t>(text_arena.size());
    return std::string_view(text_arena).substr(b, e - b);
  }
};

// Serialises a score as one line of scan output JSON (ARCHITECTURE.md), without newline.
std::string ScoreToJson(const ConversationScore& score, const Lexicon& lexicon);
// The same line appended to *out (no newline), for callers that gather many.
void AppendScoreJson(const ConversationScore& score, std::string* out);

// ---- Readers ------------------------------------------------------------------------------

using bantay::Rejection;

// Parses chat JSONL lines of one chunk. Good records go to `on_message`, bad ones to
// `rejects`; nothing is silently dropped. Lines longer than `max_line_bytes` are rejected.
// Records of the usual shape (flat, string values without escapes) take a hand-written
// path; everything else goes through simdjson. `fast_path = false` sends every line through
// simdjson (tests check that both give the same results). Thread-safe (a parser per call).
// A chunk whose reader defers line numbers (Chunk::lines) gets them counted here: the
// parser reports the chunk's line count and, to name a rejected line, waits until the
// chunks before it have reported theirs; its messages then carry line 0.
void ParseChatJsonl(const Chunk& chunk, std::string_view file_name, size_t max_line_bytes,
                    const std::function<void(Message&&)>& on_message,
                    std::vector<Rejection>* rejects, bool fast_path = true);
// The same, handing the records on as views (no copies), in input order, in batches of at
// most kChatBatch (one call per batch, not per record): into the chunk when
// `MessageRef::stable`, otherwise into the parser's buffers and valid only during the call.
inline constexpr size_t kChatBatch = 256;
void ParseChatJsonlRefs(const Chunk& chunk, std::string_view file_name, size_t max_line_bytes,
                        const std::function<void(std::span<const MessageRef>)>& on_batch,
                        std::vector<Rejection>* rejects, bool fast_path = true);

// Parses a JSON array of chat records ("[{...}, {...}]", pretty-printed or not), as exports
// often write them: each element as a line of chat JSONL, rejections naming the line where
// the element starts; a truncated array keeps the records before the cut and reports it.
// REQUIRES: kChunkPadding readable bytes after `content` (all of an input).
void ParseChatJsonArray(std::string_view content, std::string_view file_name,
                        const std::function<void(std::span<const MessageRef>)>& on_batch,
                        std::vector<Rejection>* rejects);

// Parses PAN 2012 XML (<conversations><conversation id><message line><author/><time/>
// <text/>), tolerating HTML entities (also double-escaped), missing text or time, and a
// truncated file (what came before the cut is returned and the cut is reported).
// PAN12 times are HH:MM only: they are kept as milliseconds after midnight of day 0.
void ParsePan12(std::string_view content, std::string_view file_name,
                const std::function<void(Message&&)>& on_message,
                std::vector<Rejection>* rejects);

// Decodes HTML/XML character entities (&amp; &lt; &#39; &#x27; ...), repeatedly while the
// result still contains entities (double-escaped text), at most 3 rounds.
std::string DecodeEntities(std::string_view text);

}  // namespace bantay::text
