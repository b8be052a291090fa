// text/scanner.cc: per-message analysis and per-conversation scoring.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "text/json_writer.h"
#include "text/scratch_impl.h"
#include "text/text.h"

namespace bantay::text {

namespace {

constexpr size_t kMaxCuesPerConversation = 4096;
constexpr uint32_t kProbeAnswerWindow = 5;  // messages after an age question

[[gnu::always_inline]] inline bool HasDigit(std::string_view s) {
  size_t i = 0;
#ifdef __SSE2__
  // Sixteen bytes at a time: a byte is a digit when (byte - '0') is below 10 unsigned.
  const __m128i zero = _mm_set1_epi8('0');
  const __m128i nine = _mm_set1_epi8(9);
  const auto any_digit_in = [&](__m128i x) {
    const __m128i d = _mm_sub_epi8(x, zero);
    return _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, nine), d)) != 0;
  };
  const auto any_digit = [&](const char* p) {
    return any_digit_in(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  };
  for (; i + 16 <= s.size(); i += 16) {
    if (any_digit(s.data() + i)) return true;
  }
  if (i == s.size()) return false;
  // The rest, fewer than 16 bytes (most messages are short): the last 16 bytes of the
  // text when it has that many; else, from 4 bytes on, its first and last 8 (or 4) bytes,
  // overlapping, loaded straight from the text. Copying a short text into a block of
  // separators and loading the block stalled on store forwarding (the copy's narrower
  // stores cannot feed the 16-byte load): ~30% of AddAnalysed's samples.
  const char* const p = s.data();
  const size_t n = s.size();
  if (n >= 16) return any_digit(p + n - 16);
  if (n >= 8) {
    uint64_t first, last;
    std::memcpy(&first, p, 8);
    std::memcpy(&last, p + n - 8, 8);
    return any_digit_in(
        _mm_set_epi64x(static_cast<long long>(last), static_cast<long long>(first)));
  }
  if (n >= 4) {
    uint32_t first, last;
    std::memcpy(&first, p, 4);
    std::memcpy(&last, p + n - 4, 4);
    return any_digit_in(
        _mm_set_epi32(0x20202020, 0x20202020, static_cast<int>(last), static_cast<int>(first)));
  }
  for (; i < n; ++i) {
    if (p[i] >= '0' && p[i] <= '9') return true;
  }
  return false;
#else
  for (; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9') return true;
  }
  return false;
#endif
}

// Cuts `s` to at most `max` bytes at a UTF-8 character boundary.
std::string_view CutUtf8(std::string_view s, size_t max) {
  if (s.size() <= max) return s;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

uint32_t AuthorIndex(std::vector<std::string>* authors, std::string_view name) {
  for (uint32_t i = 0; i < authors->size(); ++i) {
    if (SameBytes((*authors)[i], name)) return i;
  }
  authors->emplace_back(name);
  return static_cast<uint32_t>(authors->size() - 1);
}

// A feature that fired. The name is formatted only for conversations that are printed.
struct Feature {
  std::string_view name;
  const std::string* suffix;  // appended to the name when set (a pair's terms)
  int number;                 // appended to the name when >= 0 (an age)
  double contribution;
};

// The features of the conversation this thread is finishing.
std::vector<Feature>& ThreadFeatures() {
  thread_local std::vector<Feature> features;
  return features;
}

// For an age question of the lexicon, the answer that says a minor when the question asks
// yes or no: "yes" to one naming a minor ("are you a minor", "r u underage", "are you under
// 18", "minor ka ba"), "no" to one naming 18, legal age or adulthood ("are you 18", "r u
// legal", "18 ka na ba"); 0 for the others ("how old are you").
int YesNoQuestionAnswer(std::string_view question) {
  const auto has = [&](std::string_view w) { return question.find(w) != std::string_view::npos; };
  if (has("minor") || has("menor") || has("underage") || has("under 18")) return 1;
  if (has("18") || has("legal") || has("adult") || has("disiotso") || has("eighteen")) {
    return -1;
  }
  return 0;
}

// Whether `text` (a message as written) has a plus sign: ASCII, fullwidth, superscript,
// subscript, small or heavy, or the word "plus" in any case.
bool WritesPlus(std::string_view text) {
  if (text.find('+') != std::string_view::npos) return true;
  for (std::string_view sign : {"\uFF0B", "\u207A", "\u208A", "\uFE62", "\u2795"}) {
    if (text.find(sign) != std::string_view::npos) return true;
  }
  for (size_t i = 0; i + 4 <= text.size(); ++i) {
    if ((text[i] | 0x20) == 'p' && (text[i + 1] | 0x20) == 'l' && (text[i + 2] | 0x20) == 'u' &&
        (text[i + 3] | 0x20) == 's') {
      return true;
    }
  }
  return false;
}

// A cue's weight: its term's, discounted by benign context; ages weigh nothing here.
float CueWeight(const Scanner::State::Cue& c, const std::vector<Term>& terms,
                const ScoringWeights& w) {
  if (c.term >= terms.size()) return 0.f;
  const auto weight = static_cast<float>(terms[c.term].weight);
  return c.discounted ? weight * static_cast<float>(w.benign_discount) : weight;
}

// Appends a feature as a reason: its name, then " (+1.25)", in at most three appends.
void AppendReason(const Feature& f, std::string* r) {
  char buf[128];  // the name, then at most 40 bytes: a number, " (+", digits, ".25)"
  char* p = buf;
  if (f.name.size() <= sizeof buf - 40) {
    std::memcpy(p, f.name.data(), f.name.size());
    p += f.name.size();
  } else {  // a name this long never occurs; kept whole anyway
    r->append(f.name);
  }
  if (f.number >= 0) p = std::to_chars(p, p + 12, f.number).ptr;
  if (f.suffix != nullptr) {
    r->append(buf, p);
    r->append(*f.suffix);
    p = buf;
  }
  // Two decimals by integer arithmetic (snprintf cost ~1.5K instructions).
  const long long hundredths = std::llround(std::abs(f.contribution) * 100.0);
  std::memcpy(p, f.contribution < 0 && hundredths != 0 ? " (-" : " (+", 3);
  p = std::to_chars(p + 3, p + 3 + 20, hundredths / 100).ptr;
  *p++ = '.';
  *p++ = static_cast<char>('0' + hundredths / 10 % 10);
  *p++ = static_cast<char>('0' + hundredths % 10);
  *p++ = ')';
  r->append(buf, p);
}

}  // namespace

// A scored state as json::AppendLine reads it (Finish copies it into a ConversationScore):
// evidence spans mapped back to the original text (flagged only: the text is printed only
// for them), age terms and reasons formatted, all into per-thread buffers. One at a time
// per thread.
class Scanner::StateSource {
 public:
  StateSource(std::string_view conversation, const State& state, const Scored& scored,
              const Scanner& scanner)
      : conversation_(conversation),
        state_(state),
        scored_(scored),
        terms_(scanner.matcher_->lexicon().terms()),
        w_(scanner.weights_),
        b_(ThreadBuffers()) {
    const auto& cues = state.cues;
    b_.spans.assign(cues.size(), {0, 0});
    if (scored.flagged) {
      uint32_t mapped_text = UINT32_MAX;
      for (size_t i = 0; i < cues.size(); ++i) {
        const std::string_view text = state.Text(cues[i].text);
        if (cues[i].same_text) {
          b_.spans[i] = Normaliser::SameTextSpan(text, cues[i].span_begin, cues[i].span_end);
          continue;
        }
        if (cues[i].text != mapped_text) {
          scanner.matcher_->normaliser().Normalise(text, &b_.normalised, &b_.offsets);
          mapped_text = cues[i].text;
        }
        b_.spans[i] =
            Normaliser::OriginalSpan(text, b_.offsets, cues[i].span_begin, cues[i].span_end);
      }
    }
    b_.age_terms.clear();
    b_.term_bounds.assign(cues.size(), {0, 0});
    for (size_t i = 0; i < cues.size(); ++i) {
      if (cues[i].term != State::kAgeTerm) continue;
      const auto begin = static_cast<uint32_t>(b_.age_terms.size());
      b_.age_terms.append(cues[i].unasked      ? "unasked age "
                          : cues[i].from_grade ? "grade age "
                          : cues[i].under      ? "under "
                                               : "age ");
      // "under 18" for an age of at most 17
      const int age = cues[i].under ? cues[i].age + 1 : cues[i].age;
      char digits[8];
      b_.age_terms.append(digits, std::to_chars(digits, digits + sizeof digits, age).ptr);
      b_.term_bounds[i] = {begin, static_cast<uint32_t>(b_.age_terms.size())};
    }
    b_.reasons.clear();
    b_.reason_bounds.clear();
    for (const Feature& f : ThreadFeatures()) {
      const auto begin = static_cast<uint32_t>(b_.reasons.size());
      AppendReason(f, &b_.reasons);
      b_.reason_bounds.emplace_back(begin, static_cast<uint32_t>(b_.reasons.size()));
    }
  }

  std::string_view conversation() const { return conversation_; }
  double score() const { return scored_.score; }
  bool flagged() const { return scored_.flagged; }
  const std::array<uint32_t, kCategoryCount>& signals() const { return scored_.signals; }
  uint32_t messages() const { return state_.messages; }
  int requester() const { return scored_.requester; }
  size_t evidence_count() const { return state_.cues.size(); }
  uint32_t message(size_t i) const { return state_.cues[i].message; }
  Category category(size_t i) const { return state_.cues[i].category; }
  std::string_view term(size_t i) const {
    const State::Cue& c = state_.cues[i];
    if (c.term != State::kAgeTerm) return terms_[c.term].term;
    return Slice(b_.age_terms, b_.term_bounds[i]);
  }
  // Message text only for flagged conversations (SAFETY.md 3: no content kept otherwise).
  std::string_view text(size_t i) const {
    return scored_.flagged ? state_.Text(state_.cues[i].text) : std::string_view();
  }
  uint32_t span_begin(size_t i) const { return b_.spans[i].first; }
  uint32_t span_end(size_t i) const { return b_.spans[i].second; }
  double weight(size_t i) const {
    const State::Cue& c = state_.cues[i];
    if (c.term == State::kAgeTerm) {
      if (c.category != Category::kMinor) return -w_.adult_age;
      return c.from_grade ? w_.minor_cue_floor : w_.minor_age;  // as ScoreState weighs it
    }
    return CueWeight(c, terms_, w_);
  }
  uint32_t author(size_t i) const { return state_.cues[i].author; }
  size_t reason_count() const { return b_.reason_bounds.size(); }
  std::string_view reason(size_t i) const { return Slice(b_.reasons, b_.reason_bounds[i]); }
  // Participants only for flagged conversations, like the text.
  size_t author_count() const { return scored_.flagged ? state_.authors.size() : 0; }
  std::string_view author_name(size_t i) const { return state_.authors[i]; }

 private:
  struct Buffers {
    std::vector<std::pair<uint32_t, uint32_t>> spans;  // per cue, in the original text
    std::string normalised;
    std::vector<uint32_t> offsets;
    std::string age_terms;  // "age 12", "grade age 10" of the age cues, one after another
    std::vector<std::pair<uint32_t, uint32_t>> term_bounds;  // per cue, in age_terms
    std::string reasons;
    std::vector<std::pair<uint32_t, uint32_t>> reason_bounds;
  };
  static Buffers& ThreadBuffers() {
    thread_local Buffers buffers;
    return buffers;
  }
  static std::string_view Slice(const std::string& s, std::pair<uint32_t, uint32_t> bounds) {
    return std::string_view(s).substr(bounds.first, bounds.second - bounds.first);
  }

  std::string_view conversation_;
  const State& state_;
  const Scored& scored_;
  const std::vector<Term>& terms_;
  const ScoringWeights& w_;
  Buffers& b_;
};

Result<std::shared_ptr<const Scanner>> Scanner::Create(std::shared_ptr<const Matcher> matcher,
                                                       ScoringWeights weights,
                                                       ScanOptions options) {
  std::shared_ptr<Scanner> s(new Scanner());
  s->matcher_ = std::move(matcher);
  s->weights_ = std::move(weights);
  s->options_ = options;
  const auto& terms = s->matcher_->lexicon().terms();
  auto resolve = [&](const std::string& spec, std::vector<uint8_t>* mask) -> Status {
    mask->assign(terms.size(), 0);
    bool any = false;
    if (spec.rfind("category:", 0) == 0) {
      auto cat = ParseCategory(spec.substr(9));
      if (!cat) return tl::unexpected(cat.error());
      for (size_t t = 0; t < terms.size(); ++t) {
        if (terms[t].category == *cat) (*mask)[t] = any = true;
      }
    } else {
      for (size_t t = 0; t < terms.size(); ++t) {
        const std::string written = terms[t].term + (terms[t].prefix ? "*" : "");
        if (written == spec || terms[t].term == spec) (*mask)[t] = any = true;
      }
    }
    if (!any) {
      return Fail(ErrorCode::kInvalidArgument,
                  "weighted pair names '" + spec + "', which is not in the lexicon");
    }
    return {};
  };
  std::vector<std::pair<std::vector<uint8_t>, std::vector<uint8_t>>> sides;
  for (const auto& p : s->weights_.pairs) {
    std::vector<uint8_t> a, b;
    if (auto st = resolve(p.a, &a); !st) return tl::unexpected(st.error());
    if (auto st = resolve(p.b, &b); !st) return tl::unexpected(st.error());
    if (p.weight == 0) continue;
    s->pairs_.push_back({p.weight, p.a + " + " + p.b});
    sides.emplace_back(std::move(a), std::move(b));
  }
  s->pair_words_ = (s->pairs_.size() + 63) / 64;
  s->pair_side_a_.assign(terms.size() * s->pair_words_, 0);
  s->pair_side_b_.assign(terms.size() * s->pair_words_, 0);
  for (size_t p = 0; p < sides.size(); ++p) {
    const uint64_t bit = uint64_t{1} << (p % 64);
    for (size_t t = 0; t < terms.size(); ++t) {
      if (sides[p].first[t]) s->pair_side_a_[t * s->pair_words_ + p / 64] |= bit;
      if (sides[p].second[t]) s->pair_side_b_[t * s->pair_words_ + p / 64] |= bit;
    }
  }
  s->minor_answer_.assign(terms.size(), 0);
  for (size_t t = 0; t < terms.size(); ++t) {
    if (terms[t].category == Category::kAgeProbe) {
      s->minor_answer_[t] = static_cast<int8_t>(YesNoQuestionAnswer(terms[t].term));
    }
  }
  s->plus_term_.assign(terms.size(), 0);
  for (size_t t = 0; t < terms.size(); ++t) {
    s->plus_term_[t] = terms[t].term.find('+') != std::string::npos;
  }
  if (const int amount = s->matcher_->lexicon().Recogniser(kAmountRecogniser); amount >= 0) {
    s->amount_term_ = static_cast<uint32_t>(amount);
  }
  State empty;
  s->reports_without_cues_ = s->ScoreState(&empty).report;
  return std::shared_ptr<const Scanner>(std::move(s));
}

double Scanner::threshold() const {
  return options_.min_score >= 0 ? options_.min_score : weights_.flag_threshold;
}

void Scanner::Add(const Message& message, Scratch& scratch, State* state) const {
  Scratch::Impl& s = *scratch.impl();
  matcher_->Normalise(message.text, &s.normalised, &s.soft_starts);
  TextFacts facts;
  matcher_->Match(s.normalised, scratch, &s.hits, s.soft_starts, &facts.number_word);
  AddAnalysed(message.author, message.text, s.normalised, s.hits, facts, scratch, state);
}

void Scanner::AddBatch(std::span<const MessageRef> messages, std::span<State* const> states,
                       Scratch& scratch) const {
  Scratch::Impl& s = *scratch.impl();
  const Normaliser& norm = matcher_->normaliser();
  s.batch_text.size = 0;
  s.batch_starts.clear();
  s.batch_ascii.clear();
  s.batch_soft.clear();
  for (const MessageRef& m : messages) {
    const uint32_t start = static_cast<uint32_t>(s.batch_text.size);
    s.batch_starts.push_back(start);
    s.batch_text.PushBack(' ');  // padded for MatchPadded: no match crosses messages
    // Digits the normaliser kept beside letters ("0ld", "pr1v473"), read where they spell
    // a word; only texts the letters-only pass refused can have them, and need a digit.
    const Normaliser::Appended appended =
        norm.NormaliseAppend(m.text, &s.batch_text, &s.soft_starts);
    s.batch_ascii.push_back(appended.ascii);
    if (appended.mixed) {
      char* const text = s.batch_text.data.get() + start + 1;
      const size_t size = s.batch_text.size - start - 1;
      if (HasDigit(std::string_view(text, size))) matcher_->ReadLeetDigits(text, size);
    }
    s.batch_text.PushBack(' ');
    for (uint32_t soft : s.soft_starts) s.batch_soft.push_back(start + 1 + soft);
  }
  s.batch_starts.push_back(static_cast<uint32_t>(s.batch_text.size));
  const std::string_view batch_text = s.batch_text.view();
  // Hits come sorted by position, so each message's are a contiguous run.
  matcher_->MatchPadded(batch_text, scratch, &s.batch_hits, s.batch_soft, &s.batch_numbers);
  size_t h = 0, number = 0;
  std::vector<Hit>& local = s.hits;
  for (size_t i = 0; i < messages.size(); ++i) {
    const uint32_t begin = s.batch_starts[i] + 1, end = s.batch_starts[i + 1] - 1;
    local.clear();
    for (; h < s.batch_hits.size() && s.batch_hits[h].begin < end; ++h) {
      Hit hit = s.batch_hits[h];
      hit.begin -= begin;
      hit.end -= begin;
      local.push_back(hit);
    }
    TextFacts facts;
    facts.ascii = s.batch_ascii[i] != 0;
    for (; number < s.batch_numbers.size() && s.batch_numbers[number] < end; ++number) {
      facts.number_word = facts.number_word || s.batch_numbers[number] >= begin;
    }
    const std::string_view normalised = batch_text.substr(begin, end - begin);
    AddAnalysed(messages[i].author, messages[i].text, normalised, local, facts, scratch, states[i]);
  }
}

void Scanner::AddAnalysed(std::string_view author_name, std::string_view text,
                          std::string_view normalised, const std::vector<Hit>& hits,
                          TextFacts facts, Scratch& scratch, State* state) const {
  const uint32_t index = state->messages++;
  Scratch::Impl& s = *scratch.impl();
  s.ages.clear();
  // Ages need a digit, or a number word beside an age cue ("i am twelve yrs old"); a bare
  // answer is a short message. Most messages have neither and skip both parsers.
  int bare = -1;
  bool bare_fillers = false;
  const bool digit = HasDigit(normalised);
  bool age_context = digit || facts.number_word;
  if (!age_context) {
    const auto& terms = matcher_->lexicon().terms();
    for (const Hit& h : hits) {
      const Category c = terms[h.term].category;
      age_context = age_context || c == Category::kMinor || c == Category::kAdult ||
                    c == Category::kAgeProbe;
    }
  }
  if (age_context) FindAges(normalised, &s.ages);
  // Money amounts are read in the original text: normalisation drops currency signs.
  s.amounts.clear();
  if (digit && amount_term_ != kNoTerm) FindAmounts(text, &s.amounts);
  // A number with a currency is a price, not an age answer ("how much?" "$15").
  if (s.ages.empty() && s.amounts.empty() && (digit || normalised.size() <= 24) &&
      normalised.size() <= 64) {
    bare = BareAgeAnswer(normalised, &bare_fillers);
    // A short message whose number is a word, without an age cue the lexicon knows: it is
    // read as one with digits is ("i am twelve", "thirteen years old" as "i am 12").
    if (bare >= 0 && !age_context) {
      FindAges(normalised, &s.ages);
      if (!s.ages.empty()) bare = -1;
    }
  }
  // Or a bare yes or no, which an age question may make an age ("are you 18?" "not yet"),
  // looked for only within kProbeAnswerWindow messages after a yes-no age question of this
  // piece of the conversation. A question that ends one input chunk's piece is not
  // answered from the next (looking in every piece's first messages cost 6% of a scan).
  const int yes_no = state->yes_no_question != UINT32_MAX &&
                             index - state->yes_no_question <= kProbeAnswerWindow &&
                             s.ages.empty() && bare < 0
                         ? YesNoAnswer(normalised)
                         : 0;
  // Pictograph terms ("🍆", "🔞") are read in the original text: normalisation separates by
  // them.
  s.symbols.clear();
  if (!facts.ascii) matcher_->FindSymbols(text, &s.symbols);
  if (hits.empty() && s.ages.empty() && s.amounts.empty() && s.symbols.empty() && bare < 0 &&
      yes_no == 0) {
    return;
  }
  if (state->cues.size() >= kMaxCuesPerConversation) return;

  const uint32_t author = AuthorIndex(&state->authors, author_name);
  const std::string_view original = CutUtf8(text, options_.max_text_bytes);
  // Then Finish maps spans back without normalising the text again.
  const bool same = original.size() == text.size() && normalised == text;
  const uint32_t text_index = static_cast<uint32_t>(state->text_starts.size());
  state->text_starts.push_back(static_cast<uint32_t>(state->text_arena.size()));
  state->text_arena.append(original);
  // Spans stay in normalised coordinates; Finish maps them to the original text, and only
  // for conversations it flags.
  // Written in place, field by field: a cue built on the stack was copied with 16-byte
  // loads of its 4-byte stores, which the CPU cannot forward (a stall per cue).
  const auto add_cue = [&](uint32_t term, uint32_t begin, uint32_t end, int16_t age,
                           Category category, bool from_grade) {
    State::Cue& c = state->cues.emplace_back();
    c.message = index;
    c.author = author;
    c.term = term;
    c.text = text_index;
    c.span_begin = begin;
    c.span_end = end;
    c.age = age;
    c.category = category;
    c.from_grade = from_grade;
    c.same_text = same;
  };
  const auto& terms = matcher_->lexicon().terms();
  // "not yet 18" is a minor's age: the adult term "18+" that the lexicon finds inside it
  // (the normaliser drops the plus) is not said.
  const auto inside_under = [&](const Hit& h) {
    return std::any_of(s.ages.begin(), s.ages.end(), [&](const AgeStatement& a) {
      return a.under && h.begin >= a.begin && h.end <= a.end;
    });
  };
  for (const Hit& h : hits) {
    const Category category = terms[h.term].category;
    if (category == Category::kAdult && !s.ages.empty() && inside_under(h)) continue;
    if (plus_term_[h.term] && !WritesPlus(text)) continue;  // "18 pesos" is no "18+"
    if (category == Category::kAgeProbe && minor_answer_[h.term] != 0) {
      state->yes_no_question = index;
    }
    add_cue(h.term, h.begin, h.end, 0, category, false);
  }
  for (const AmountSpan& a : s.amounts) {
    if (a.begin >= original.size()) break;  // beyond the kept text
    add_cue(amount_term_, a.begin, a.end, 0, Category::kPayment, false);
    state->cues.back().same_text = true;  // a span in the original text
  }
  for (const Hit& h : s.symbols) {
    if (h.begin >= original.size()) break;  // beyond the kept text
    add_cue(h.term, h.begin, h.end, 0, terms[h.term].category, false);
    state->cues.back().same_text = true;  // a span in the original text
  }
  for (const AgeStatement& a : s.ages) {
    add_cue(State::kAgeTerm, a.begin, a.end, static_cast<int16_t>(a.age),
            a.age < 18 ? Category::kMinor : Category::kAdult, a.from_grade);
    state->cues.back().under = a.under;
  }
  if (bare >= 0) {
    add_cue(State::kBareNumber, 0, static_cast<uint32_t>(normalised.size()),
            static_cast<int16_t>(bare), Category::kCount, bare_fillers);
  } else if (yes_no != 0) {
    add_cue(State::kBareYesNo, 0, static_cast<uint32_t>(normalised.size()),
            static_cast<int16_t>(yes_no), Category::kCount, false);
  }
}

void Scanner::Merge(State* state, State&& later) const {
  std::vector<uint32_t> author_map(later.authors.size());
  for (uint32_t i = 0; i < later.authors.size(); ++i) {
    author_map[i] = AuthorIndex(&state->authors, later.authors[i]);
  }
  const uint32_t text_base = static_cast<uint32_t>(state->text_starts.size());
  const uint32_t arena_base = static_cast<uint32_t>(state->text_arena.size());
  state->text_arena.append(later.text_arena);
  for (uint32_t start : later.text_starts) state->text_starts.push_back(arena_base + start);
  for (State::Cue c : later.cues) {
    if (state->cues.size() >= kMaxCuesPerConversation) break;
    c.message += state->messages;
    c.author = author_map[c.author];
    c.text += text_base;
    state->cues.push_back(c);
  }
  if (later.yes_no_question != UINT32_MAX) {
    state->yes_no_question = state->messages + later.yes_no_question;
  }
  state->messages += later.messages;
}

namespace {

// Unsigned LEB128: most numbers of a state (message and author indices, term ids, offsets,
// lengths) fit in one or two bytes.
constexpr size_t kMaxVarBytes = 5;
char* PutVar(uint32_t v, char* out) {
  while (v >= 0x80) {
    *out++ = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  *out++ = static_cast<char>(v);
  return out;
}
uint32_t GetVar(const char** in) {
  const auto* p = reinterpret_cast<const unsigned char*>(*in);
  uint32_t v = 0;
  for (int shift = 0;; shift += 7) {
    const uint32_t byte = *p++;
    v |= (byte & 0x7F) << shift;
    if (byte < 0x80) break;
  }
  *in = reinterpret_cast<const char*>(p);
  return v;
}

}  // namespace

// Frozen layout, every number a varint: messages, author count, cue count, text count, arena
// size; per author its length and bytes; per cue message, author, term + 2 (so that the
// age and bare-number markers take one byte), text, span begin, span length, age (zigzag),
// then category and flags in one byte; the text starts as differences; the text arena.
// Differences and the term shift wrap in 32 bits, so any value round-trips.
size_t Scanner::FrozenSizeBound(const State& state) {
  size_t author_bytes = 0;
  for (const std::string& a : state.authors) author_bytes += a.size();
  return kMaxVarBytes *
             (5 + state.authors.size() + 7 * state.cues.size() + state.text_starts.size()) +
         author_bytes + state.cues.size() + state.text_arena.size();
}

char* Scanner::Freeze(const State& state, char* out) {
  out = PutVar(state.messages, out);
  out = PutVar(static_cast<uint32_t>(state.authors.size()), out);
  out = PutVar(static_cast<uint32_t>(state.cues.size()), out);
  out = PutVar(static_cast<uint32_t>(state.text_starts.size()), out);
  out = PutVar(static_cast<uint32_t>(state.text_arena.size()), out);
  for (const std::string& a : state.authors) {
    out = PutVar(static_cast<uint32_t>(a.size()), out);
    std::memcpy(out, a.data(), a.size());
    out += a.size();
  }
  for (const State::Cue& c : state.cues) {
    out = PutVar(c.message, out);
    out = PutVar(c.author, out);
    out = PutVar(c.term + 2, out);
    out = PutVar(c.text, out);
    out = PutVar(c.span_begin, out);
    out = PutVar(c.span_end - c.span_begin, out);
    // The age zigzagged, then the "under" flag as its lowest bit (the byte below is full).
    const auto age = static_cast<uint32_t>(static_cast<int32_t>(c.age));
    out = PutVar(((age << 1) ^ (c.age < 0 ? UINT32_MAX : 0)) << 1 | c.under, out);
    *out++ = static_cast<char>(static_cast<uint8_t>(c.category) | c.from_grade << 5 |
                               c.discounted << 6 | c.same_text << 7);
  }
  static_assert(kCategoryCount < 32);  // plus the bare-number marker kCount: five bits
  uint32_t previous = 0;
  for (uint32_t start : state.text_starts) {
    out = PutVar(start - previous, out);
    previous = start;
  }
  std::memcpy(out, state.text_arena.data(), state.text_arena.size());
  return out + state.text_arena.size();
}

void Scanner::Freeze(const State& state, std::string* out) {
  const size_t at = out->size();
  out->resize(at + FrozenSizeBound(state));
  char* const begin = out->data() + at;
  out->resize(at + static_cast<size_t>(Freeze(state, begin) - begin));
}

namespace {
// The counts a frozen state starts with (Freeze writes them first).
struct FrozenHeader {
  uint32_t messages, authors, cues, texts, arena;
};
const char* ReadFrozenHeader(const char* in, FrozenHeader* h) {
  h->messages = GetVar(&in);
  h->authors = GetVar(&in);
  h->cues = GetVar(&in);
  h->texts = GetVar(&in);
  h->arena = GetVar(&in);
  return in;
}

// Thaw in two steps, so that a conversation that prints nothing is scored from its cues
// alone: ThawCues reads the counts and the cues (and sizes the authors, whose names it
// skips; scoring needs only how many there are), ThawTexts the names, the text starts and
// the text arena. `authors_at` is where ReadFrozenHeader ended; ThawCues returns where the
// text starts begin.
const char* ThawCues(const FrozenHeader& h, const char* in, Scanner::State* state) {
  using State = Scanner::State;
  state->yes_no_question = UINT32_MAX;  // not frozen: the piece takes no more messages
  state->messages = h.messages;
  state->authors.resize(h.authors);
  for (uint32_t a = 0; a < h.authors; ++a) in += GetVar(&in);
  state->cues.resize(h.cues);
  for (State::Cue& c : state->cues) {
    c.message = GetVar(&in);
    c.author = GetVar(&in);
    c.term = GetVar(&in) - 2;
    c.text = GetVar(&in);
    c.span_begin = GetVar(&in);
    c.span_end = c.span_begin + GetVar(&in);
    const uint32_t age_bits = GetVar(&in);
    c.under = age_bits & 1;
    const uint32_t zigzag = age_bits >> 1;
    c.age = static_cast<int16_t>(static_cast<int32_t>((zigzag >> 1) ^ (0U - (zigzag & 1))));
    const auto bits = static_cast<uint8_t>(*in++);
    c.category = static_cast<Category>(bits & 0x1F);
    c.from_grade = (bits >> 5) & 1;
    c.discounted = (bits >> 6) & 1;
    c.same_text = (bits >> 7) & 1;
    c.unasked = false;  // set by ScoreState, never frozen
  }
  return in;
}

const char* ThawTexts(const FrozenHeader& h, const char* authors_at, const char* texts_at,
                      Scanner::State* state) {
  for (std::string& a : state->authors) {
    const uint32_t len = GetVar(&authors_at);
    a.assign(authors_at, len);
    authors_at += len;
  }
  state->text_starts.resize(h.texts);
  uint32_t start = 0;
  for (uint32_t& t : state->text_starts) {
    start += GetVar(&texts_at);
    t = start;
  }
  state->text_arena.assign(texts_at, h.arena);
  return texts_at + h.arena;
}

}  // namespace

const char* Scanner::Thaw(const char* in, State* state) {
  FrozenHeader h;
  const char* authors_at = ReadFrozenHeader(in, &h);
  return ThawTexts(h, authors_at, ThawCues(h, authors_at, state), state);
}

Scanner::Scored Scanner::ScoreState(State* state) const {
  const ScoringWeights& w = weights_;
  const auto& terms = matcher_->lexicon().terms();
  Scored out;
  auto& cues = state->cues;

  // Bare numbers become ages when they answer another participant's age question, and a
  // bare yes or no a minor's age ("under 18") when it gives a yes-no age question the
  // answer of a minor.
  {
    // A yes or a no is read as an age only between two people (in a group it may answer
    // anyone), and from one who says nothing adult: no adult term, adult age or bare number
    // of 18 or more ("are you 18+?" "no" ... "im 20, verified model": the answer was to
    // something else).
    const bool two_people = state->authors.size() == 2;
    // Whether `author` says something adult: asked only of a yes or no that would count.
    const auto says_adult = [&](uint32_t author) {
      return std::any_of(cues.begin(), cues.end(), [&](const State::Cue& c) {
        return c.author == author &&
               (c.category == Category::kAdult || (c.term == State::kBareNumber && c.age >= 18));
      });
    };
    int probe_author = -1;
    uint32_t probe_message = 0;
    int minor_answer = 0;  // of the last age question
    for (auto& c : cues) {
      if (c.term == State::kBareYesNo) {
        if (probe_author >= 0 && c.author != static_cast<uint32_t>(probe_author) &&
            c.message - probe_message <= kProbeAnswerWindow && minor_answer != 0 &&
            c.age == minor_answer && two_people && !says_adult(c.author)) {
          c.term = State::kAgeTerm;
          c.category = Category::kMinor;
          c.age = 17;
          c.under = true;
          probe_author = -1;
        }
      } else if (c.term == State::kBareNumber) {
        const bool fillers = c.from_grade;  // Add() keeps the only-fillers flag here
        if (probe_author >= 0 && c.author != static_cast<uint32_t>(probe_author) &&
            c.message - probe_message <= kProbeAnswerWindow) {
          c.term = State::kAgeTerm;
          c.category = c.age < 18 ? Category::kMinor : Category::kAdult;
          c.from_grade = false;
          probe_author = -1;
        } else if (fillers && c.age < 18) {
          // "10 lang po" unprompted: a weaker minor cue, weighted like a school grade.
          c.term = State::kAgeTerm;
          c.category = Category::kMinor;
          c.from_grade = true;
          c.unasked = true;
        }
      } else if (c.category == Category::kAgeProbe) {
        probe_author = static_cast<int>(c.author);
        probe_message = c.message;
        minor_answer = minor_answer_[c.term];
      }
    }
    cues.erase(std::remove_if(cues.begin(), cues.end(),
                              [](const State::Cue& c) {
                                return c.term == State::kBareNumber || c.term == State::kBareYesNo;
                              }),
               cues.end());
  }

  // Benign context in a message discounts the other cues of that message ("send money for
  // school fees", "sex education for grade 6").
  {
    thread_local std::vector<uint32_t> benign_messages;
    benign_messages.clear();
    for (const auto& c : cues) {
      if (c.category == Category::kBenign || c.category == Category::kFamily) {
        benign_messages.push_back(c.message);
      }
    }
    for (auto& c : cues) {
      if (c.category == Category::kBenign || c.category == Category::kFamily ||
          c.term == State::kAgeTerm) {
        continue;
      }
      c.discounted =
          std::binary_search(benign_messages.begin(), benign_messages.end(), c.message);
    }
  }

  const auto weight_of = [&](const State::Cue& c) { return CueWeight(c, terms, w); };

  // The requester: the participant who brings the most sexual, solicitation, payment and
  // age-question cues (the approaching adult).
  thread_local std::vector<double> req;
  req.assign(state->authors.size(), 0.0);
  for (const auto& c : cues) {
    if (c.category == Category::kSexual || c.category == Category::kSolicitation ||
        c.category == Category::kPayment || c.category == Category::kAgeProbe) {
      req[c.author] += weight_of(c);
    }
  }
  int requester = -1;
  for (size_t a = 0; a < req.size(); ++a) {
    if (req[a] > 0 && (requester < 0 || req[a] > req[requester])) requester = static_cast<int>(a);
  }
  out.requester = requester;
  const auto by_other = [&](const State::Cue& c) {
    return requester < 0 || c.author != static_cast<uint32_t>(requester);
  };

  // Category sums; a term repeated counts with diminishing weight.
  std::array<double, kCategoryCount> sum{};
  // Occurrences so far of each term (cues are few: a short list beats a table per call).
  thread_local std::vector<std::pair<uint32_t, uint8_t>> seen_count;
  seen_count.clear();
  double strong_solicit = 0, minor_max = 0;
  int minor_age = -1, adult_age = -1;
  bool minor_age_by_other = false;
  uint32_t first_minor = UINT32_MAX, first_sexual = UINT32_MAX, probe_by_req = UINT32_MAX;
  thread_local std::vector<uint32_t> sexual_msgs, payment_msgs;
  sexual_msgs.clear();
  payment_msgs.clear();
  for (const auto& c : cues) {
    const size_t cat = static_cast<size_t>(c.category);
    out.signals[cat]++;
    if (c.term == State::kAgeTerm) {
      if (c.category == Category::kMinor) {
        if (c.from_grade) {
          sum[cat] += w.minor_cue_floor;
          minor_max = std::max(minor_max, w.minor_cue_floor);
        } else {
          minor_age = minor_age < 0 ? c.age : std::min<int>(minor_age, c.age);
          minor_age_by_other = minor_age_by_other || by_other(c);
        }
        first_minor = std::min(first_minor, c.message);
      } else if (by_other(c)) {
        adult_age = std::max<int>(adult_age, c.age);
      }
      continue;
    }
    const float cue_weight = weight_of(c);
    double weight = cue_weight;
    auto seen = std::find_if(seen_count.begin(), seen_count.end(),
                             [&](const auto& p) { return p.first == c.term; });
    if (seen == seen_count.end()) {
      seen_count.emplace_back(c.term, 0);
      seen = seen_count.end() - 1;
    }
    uint8_t& n = seen->second;
    if (n >= 3) continue;
    weight *= n == 0 ? 1.0 : 0.5;
    ++n;
    if (c.category == Category::kAdult && !by_other(c)) continue;  // the requester is adult
    sum[cat] += weight;
    switch (c.category) {
      case Category::kSexual:
        first_sexual = std::min(first_sexual, c.message);
        sexual_msgs.push_back(c.message);
        break;
      case Category::kSolicitation:
        if (cue_weight >= w.strong_solicitation) {
          strong_solicit += weight;
          first_sexual = std::min(first_sexual, c.message);
          sexual_msgs.push_back(c.message);
        }
        break;
      case Category::kPayment:
        payment_msgs.push_back(c.message);
        break;
      case Category::kMinor:
        minor_max = std::max<double>(minor_max, cue_weight);
        if (cue_weight >= w.minor_cue_floor * w.benign_discount) {
          first_minor = std::min(first_minor, c.message);
        }
        break;
      case Category::kAgeProbe:
        if (!by_other(c)) probe_by_req = std::min(probe_by_req, c.message);
        break;
      default:
        break;
    }
  }
  const size_t kSex = static_cast<size_t>(Category::kSexual);
  const size_t kSol = static_cast<size_t>(Category::kSolicitation);
  const size_t kPay = static_cast<size_t>(Category::kPayment);
  const size_t kMin = static_cast<size_t>(Category::kMinor);
  const size_t kAdu = static_cast<size_t>(Category::kAdult);
  const size_t kBen = static_cast<size_t>(Category::kBenign);
  const size_t kPro = static_cast<size_t>(Category::kAgeProbe);
  const bool has_minor_age = minor_age >= 0;
  const bool minor_any =
      has_minor_age || minor_max >= w.minor_cue_floor || sum[kMin] >= w.minor_sum_floor;
  // Weaker requests ("show", "pakita sa cam", "are you alone") add up to a request too,
  // unless benign context (a lesson, a class) explains them.
  const double weak_solicit = std::max(0.0, sum[kSol] - strong_solicit - sum[kBen]);
  const double sexual_eff = sum[kSex] + strong_solicit + w.weak_solicitation * weak_solicit;
  const bool sexual_any = sexual_eff >= 0.5;
  const bool payment_any = sum[kPay] >= 0.5;

  std::vector<Feature>& features = ThreadFeatures();
  features.clear();
  auto add = [&](std::string_view name, double contribution, int number = -1,
                 const std::string* suffix = nullptr) {
    if (contribution != 0) features.push_back({name, suffix, number, contribution});
  };
  add("sexual terms", w.category[kSex] * std::log1p(sum[kSex]));
  add("solicitation terms", w.category[kSol] * std::log1p(sum[kSol]));
  add("payment terms", w.category[kPay] * std::log1p(sum[kPay]));
  add("minor cues", w.category[kMin] * std::log1p(sum[kMin]));
  add("age questions", w.category[kPro] * std::log1p(sum[kPro]));
  if (has_minor_age) add("stated age ", w.minor_age, minor_age);
  if (adult_age >= 0 && !has_minor_age) {
    add("stated adult age ", w.adult_age, adult_age);
  }
  add("adult cues", w.adult_term * std::log1p(sum[kAdu]));
  add("benign context", w.benign_per_cue * std::min(w.benign_cap, sum[kBen]));
  if (sexual_any && payment_any) add("sexual + payment", w.sexual_and_payment);
  if (sexual_any && minor_any) add("sexual + minor", w.sexual_and_minor);
  if (sum[kSol] >= 0.5 && payment_any) add("solicitation + payment", w.solicit_and_payment);
  if (sexual_any && minor_any && first_minor <= first_sexual) {
    add("minor cue before sexual request", w.minor_before_sexual);
  }
  if (sexual_any && payment_any) {
    bool near = false;
    for (uint32_t a : sexual_msgs) {
      for (uint32_t b : payment_msgs) {
        near = near || (a > b ? a - b : b - a) <= static_cast<uint32_t>(w.proximity_messages);
      }
      if (near) break;
    }
    if (near) add("sexual and payment close together", w.proximity);
  }
  if (requester >= 0 && minor_any && sexual_any && (minor_age_by_other || !has_minor_age)) {
    add("requester and minor are different participants", w.roles_split);
  }
  if (probe_by_req != UINT32_MAX && sexual_any && probe_by_req < first_sexual) {
    add("requester asked age, then sexual request", w.grooming_probe);
  }
  // The child calls the requester mother or grandmother: a family talking (a parent buying
  // clothes, reminding of a bath, sending an allowance), not a stranger's request. The
  // term's weight (at most 1) says how sure its address is ("ma" is also ma'am).
  double family = 0;
  for (const auto& c : cues) {
    if (c.category == Category::kFamily && by_other(c)) {
      family = std::max(family, std::min(1.0, static_cast<double>(weight_of(c))));
    }
  }
  add("family context", w.family_address * family);
  if (!minor_any) add("no minor cue", w.no_minor);
  if (!sexual_any) add("no sexual request", w.no_sexual);
  if (!pairs_.empty()) {
    thread_local std::vector<uint64_t> present_a, present_b;
    present_a.assign(pair_words_, 0);
    present_b.assign(pair_words_, 0);
    for (const auto& c : cues) {
      if (c.term >= terms.size()) continue;
      const size_t at = c.term * pair_words_;
      for (size_t k = 0; k < pair_words_; ++k) {
        present_a[k] |= pair_side_a_[at + k];
        present_b[k] |= pair_side_b_[at + k];
      }
    }
    for (size_t p = 0; p < pairs_.size(); ++p) {
      const uint64_t both = present_a[p / 64] & present_b[p / 64];
      if ((both >> (p % 64)) & 1) add("pair ", pairs_[p].weight, -1, &pairs_[p].name);
    }
  }

  double z = w.bias;
  for (const auto& f : features) z += f.contribution;
  out.score = 1.0 / (1.0 + std::exp(-z));
  out.flagged = out.score >= threshold();
  out.report = out.flagged || options_.keep_unflagged;
  if (out.report) {
    // Strongest first, ties in the order they were added, as std::stable_sort would put
    // them; an insertion sort, because there are at most a few dozen features and
    // std::stable_sort took a temporary buffer from the heap for every printed conversation.
    for (size_t i = 1; i < features.size(); ++i) {
      const Feature f = features[i];
      size_t j = i;
      for (; j > 0 && std::abs(features[j - 1].contribution) < std::abs(f.contribution); --j) {
        features[j] = features[j - 1];
      }
      features[j] = f;
    }
  }
  return out;
}

ConversationScore Scanner::Finish(std::string conversation, State&& state) const {
  const Scored scored = ScoreState(&state);
  ConversationScore out;
  out.conversation = std::move(conversation);
  out.messages = state.messages;
  out.score = scored.score;
  out.flagged = scored.flagged;
  out.requester = scored.requester;
  out.signals = scored.signals;
  if (!scored.report) return out;
  const StateSource source(out.conversation, state, scored, *this);
  for (size_t i = 0; i < source.reason_count(); ++i) out.reasons.emplace_back(source.reason(i));
  for (size_t i = 0; i < source.evidence_count(); ++i) {
    Evidence e;
    e.message = source.message(i);
    e.category = source.category(i);
    e.author = source.author(i);
    e.span_begin = source.span_begin(i);
    e.span_end = source.span_end(i);
    e.term = source.term(i);
    e.weight = source.weight(i);
    out.evidence.push_back(std::move(e));
    out.texts.emplace_back(source.text(i));
  }
  // Who took part, for the case store; like the text, only for flagged conversations.
  if (out.flagged) out.authors = std::move(state.authors);
  return out;
}

bool Scanner::FinishJson(std::string_view conversation, State&& state, TextBuffer* out) const {
  if (state.cues.empty() && !reports_without_cues_) return false;  // FinishFrozenJson
  const Scored scored = ScoreState(&state);
  if (scored.report) WriteScored(conversation, state, scored, out);
  return scored.flagged;
}

void Scanner::WriteScored(std::string_view conversation, const State& state, const Scored& scored,
                          TextBuffer* out) const {
  json::AppendLine(StateSource(conversation, state, scored, *this), out);
  out->PushBack('\n');
}

bool Scanner::FinishFrozenJson(std::string_view conversation, const char* frozen, State* scratch,
                               TextBuffer* out) const {
  FrozenHeader h;
  const char* authors_at = ReadFrozenHeader(frozen, &h);
  if (h.cues == 0 && !reports_without_cues_) return false;
  // Scored from the cues; the names and texts are read only for a line to print.
  const char* texts_at = ThawCues(h, authors_at, scratch);
  const Scored scored = ScoreState(scratch);
  if (scored.report) {
    ThawTexts(h, authors_at, texts_at, scratch);
    WriteScored(conversation, *scratch, scored, out);
  }
  return scored.flagged;
}

ConversationScore Scanner::ScoreConversation(std::span<const Message> messages,
                                             Scratch& scratch) const {
  State state;
  for (const auto& m : messages) Add(m, scratch, &state);
  return Finish(messages.empty() ? std::string() : messages.front().conversation,
                std::move(state));
}

}  // namespace bantay::text
