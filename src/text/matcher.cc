// text/matcher.cc: one Vectorscan literal database for all lexicon terms.
#include <hs/hs.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <unordered_map>

#include "text/age_impl.h"
#include "text/scratch_impl.h"
#include "text/spelling.h"
#include "text/text.h"

namespace bantay::text {

struct Matcher::Db {
  hs_database_t* db = nullptr;
  std::vector<std::string> literals;                 // unique normalised literals
  std::vector<std::vector<uint32_t>> literal_terms;  // terms each literal stands for
  std::vector<uint8_t> term_prefix;                  // per term: trailing '*' in the lexicon
  // Per literal: a number word of the age parser (NumberWords), whose matches Match reports
  // apart from hits. A literal only for that stands for no term.
  std::vector<uint8_t> literal_number;
  // What Vectorscan matches: each literal with a space in front, and one behind unless a
  // term it stands for is a prefix (Index). Matched on padded text (MatchPadded), a literal
  // can then only match at word boundaries: Vectorscan no longer reports the many matches
  // inside words ("sex" in "sussex", "kid" in "kids") that the callback used to reject
  // (a quarter of all), and longer literals confirm fewer false candidates: 18% less time
  // in Vectorscan on the bench corpus.
  std::vector<std::string> padded;
  // What OnMatch reads per match, packed from the above (Index): per literal the length
  // of its padded form, whether that ends with a space, and its run in `match_terms`,
  // each term with its prefix flag.
  struct LiteralInfo {
    uint32_t len;
    uint32_t first;  // into match_terms
    uint32_t count : 30;
    uint32_t closed : 1;
    uint32_t number : 1;  // a number word (literal_number)
  };
  struct MatchTerm {
    uint32_t term;
    bool prefix;
  };
  std::vector<LiteralInfo> literal_info;
  std::vector<MatchTerm> match_terms;
  void Index() {
    literal_info.clear();
    match_terms.clear();
    padded.clear();
    for (size_t i = 0; i < literals.size(); ++i) {
      const bool closed = std::none_of(literal_terms[i].begin(), literal_terms[i].end(),
                                       [&](uint32_t t) { return term_prefix[t] != 0; });
      padded.push_back(' ' + literals[i] + (closed ? " " : ""));
      literal_info.push_back({static_cast<uint32_t>(padded.back().size()),
                              static_cast<uint32_t>(match_terms.size()),
                              static_cast<uint32_t>(literal_terms[i].size()), closed,
                              i < literal_number.size() && literal_number[i] != 0});
      for (uint32_t t : literal_terms[i]) match_terms.push_back({t, term_prefix[t] != 0});
    }
  }
  ~Db() { hs_free_database(db); }
};

namespace {

inline bool IsWordByte(char c) {
  const auto b = static_cast<unsigned char>(c);
  return (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b >= 0x80;
}

// Spellings of a normalised term to match (see the comments inside). The lexicon's few
// hundred terms become a few thousand literals: Vectorscan's cost grows with their number,
// so each kind of variant is limited to where offenders use it.
std::vector<std::string> Variants(const std::string& literal, bool obfuscated_category) {
  std::vector<std::string> out{literal};
  // Joined: "westernunion".
  if (literal.find(' ') != std::string::npos) {
    std::string joined;
    for (char c : literal) {
      if (c != ' ') joined.push_back(c);
    }
    out.push_back(joined);
  }
  const size_t spellings = out.size();  // the term and its joined form
  for (size_t v = 0; v < spellings; ++v) {
    const std::string base = out[v];
    // A doubled final consonant ("sexx", "nakedd", "cashh"): the normaliser squeezes only
    // runs of three. Vowels are not doubled ("son" is not "soon").
    for (size_t i = 0; i < base.size(); ++i) {
      const char c = base[i];
      const bool word_end = i + 1 == base.size() || base[i + 1] == ' ';
      if (!word_end || c < 'a' || c > 'z' || std::strchr("aeiou", c) != nullptr) continue;
      if (i > 0 && base[i - 1] == c) continue;
      out.push_back(base.substr(0, i + 1) + base.substr(i));
    }
    // Doubles written single: a run of three or more is squeezed to one letter
    // ("undressss" -> "undres"). Long terms only ("ass" must not become "as").
    if (base.size() >= 5) {
      std::string single;
      for (char c : base) {
        if (single.empty() || single.back() != c || c < 'a' || c > 'z') single.push_back(c);
      }
      if (single != base) out.push_back(single);
    }
  }
  // "1" written for "l" folds to 'i' ("o1d"), as does a capital I for l ("paypaI"): each
  // single 'l' read as 'i', and all of them at once.
  for (size_t v = 0; v < spellings; ++v) {
    const std::string base = out[v];
    size_t count = 0;
    for (size_t i = 0; i < base.size(); ++i) {
      if (base[i] != 'l') continue;
      ++count;
      std::string s = base;
      s[i] = 'i';
      out.push_back(std::move(s));
    }
    if (count > 1) {
      std::string s = base;
      std::replace(s.begin(), s.end(), 'l', 'i');
      out.push_back(std::move(s));
    }
  }
  if (obfuscated_category) {
    // A masked vowel: the normaliser drops the star of "n*ked" and "p*ssy"; long terms
    // only, so that no common word appears ("cam" must not become "cm").
    if (literal.size() >= 5) {
      for (size_t i = 1; i + 1 < literal.size(); ++i) {
        if (std::strchr("aeiou", literal[i]) != nullptr && literal[i - 1] != ' ' &&
            literal[i + 1] != ' ') {
          out.push_back(literal.substr(0, i) + literal.substr(i + 1));
        }
      }
    }
  }
  // Vowels left out ("nkd", "pypl", "prvt shw", "wstrn union", "stdnt", "ilng taon"), of
  // every category: Filipino text-speak writes most words so.
  for (std::string& v : VowelsLeftOut(literal)) out.push_back(std::move(v));
  // A word cut by a space ("pay pal", "bit coin", "west ern", "pak ita ka sa cam"): each
  // cut leaving two or more letters on both sides, of each word of five or more letters,
  // one word of a phrase at a time, for the categories offenders disguise.
  if (obfuscated_category) {
    for (size_t begin = 0; begin < literal.size();) {
      size_t end = literal.find(' ', begin);
      if (end == std::string::npos) end = literal.size();
      for (size_t at = begin + 2; end - begin >= 5 && at + 2 <= end; ++at) {
        out.push_back(literal.substr(0, at) + ' ' + literal.substr(at));
      }
      begin = end + 1;
    }
  }
  // Two words joined, of three or more: the normaliser joins a word cut by a hyphen, so
  // "pick-up the money" reads "pickup the money". Only the term as written (each variant
  // above is a literal more to match).
  const size_t spaces = static_cast<size_t>(std::count(literal.begin(), literal.end(), ' '));
  for (size_t at = literal.find(' '); spaces >= 2 && at != std::string::npos;
       at = literal.find(' ', at + 1)) {
    out.push_back(literal.substr(0, at) + literal.substr(at + 1));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

struct MatchContext {
  const char* text;
  size_t len;
  const Matcher::Db* db;
  std::vector<Hit>* hits;
  std::vector<uint32_t>* numbers = nullptr;  // number words' last letters (may be null)
};

// A match of a padded literal ending at `to`: its word (or words) begin after the leading
// space. A closed literal ends at a word end; an open one (a prefix term's) is a hit for a
// prefix term wherever it ends, extended to the word's end for the evidence, and for the
// literal's other terms only at a word end.
int OnMatch(unsigned int id, unsigned long long /*from*/, unsigned long long to,
            unsigned int /*flags*/, void* ctx_ptr) {
  auto* ctx = static_cast<MatchContext*>(ctx_ptr);
  const Matcher::Db::LiteralInfo& literal = ctx->db->literal_info[id];
  const auto begin = static_cast<uint32_t>(to - literal.len + 1);
  const Matcher::Db::MatchTerm* terms = ctx->db->match_terms.data() + literal.first;
  if (literal.number && ctx->numbers != nullptr) {  // closed: " word " ends at `to`
    ctx->numbers->push_back(static_cast<uint32_t>(to - 2));
  }
  if (literal.closed) {
    for (uint32_t k = 0; k < literal.count; ++k) {
      ctx->hits->push_back({terms[k].term, begin, static_cast<uint32_t>(to - 1)});
    }
    return 0;
  }
  const bool right_ok = to >= ctx->len || !IsWordByte(ctx->text[to]);
  for (uint32_t k = 0; k < literal.count; ++k) {
    size_t end = to;
    if (!right_ok) {
      if (!terms[k].prefix) continue;
      while (end < ctx->len && IsWordByte(ctx->text[end])) ++end;  // evidence: whole word
    }
    ctx->hits->push_back({terms[k].term, begin, static_cast<uint32_t>(end)});
  }
  return 0;
}

// Matches that begin at a soft word start, which has a word byte in front. Each soft start
// gets a padded copy of its text from there to its message's end (the first double space:
// one message's trailing pad and the next one's leading pad; no literal holds two spaces,
// so a copy that ran on would find nothing more, only cost more), scanned in one go; of
// its hits only those beginning at a copy's start count, moved back to the soft start.
void MatchSoftStarts(const Matcher::Db& db, std::string_view padded, Scratch::Impl& s,
                     std::vector<Hit>* hits, std::span<const uint32_t> soft_starts) {
  s.soft_text.size = 0;
  s.soft_copies.clear();
  for (uint32_t start : soft_starts) {
    // Inside a word only (a word start is matched already), and each once.
    if (start == 0 || start >= padded.size() || !IsWordByte(padded[start - 1]) ||
        (!s.soft_copies.empty() && s.soft_copies.back().second == start)) {
      continue;
    }
    size_t end = padded.find("  ", start);
    if (end == std::string_view::npos) end = padded.size();
    while (end > start && padded[end - 1] == ' ') --end;
    s.soft_copies.push_back({static_cast<uint32_t>(s.soft_text.size + 1), start});
    s.soft_text.PushBack(' ');
    s.soft_text.Append(padded.substr(start, end - start));
    s.soft_text.PushBack(' ');
  }
  if (s.soft_copies.empty()) return;
  std::vector<Hit>& found = s.soft_hits;
  found.clear();
  MatchContext ctx{s.soft_text.data.get(), s.soft_text.size, &db, &found};
  hs_scan(db.db, s.soft_text.data.get(), static_cast<unsigned>(s.soft_text.size), 0, s.hs, OnMatch,
          &ctx);
  for (const Hit& h : found) {
    const auto copy = std::lower_bound(
        s.soft_copies.begin(), s.soft_copies.end(), h.begin,
        [](const std::pair<uint32_t, uint32_t>& c, uint32_t at) { return c.first < at; });
    if (copy == s.soft_copies.end() || copy->first != h.begin) continue;
    hits->push_back({h.term, copy->second, copy->second + (h.end - h.begin)});
  }
}

// A serialised matcher database: kPrebuiltMagic, the number of literals, each literal as its
// length and bytes (lengths little-endian u32), then hs_serialize_database's bytes. The
// literals are compared whole, so a database is never used for another lexicon. The version
// in the magic changes when the compile's mode or flags below do.
constexpr std::string_view kPrebuiltMagic = "bantay-hsdb-2\n";

void PutU32(uint32_t v, std::string* out) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}

bool GetU32(std::string_view* in, uint32_t* v) {
  if (in->size() < 4) return false;
  *v = 0;
  for (int i = 0; i < 4; ++i) *v |= uint32_t{static_cast<unsigned char>((*in)[i])} << (8 * i);
  in->remove_prefix(4);
  return true;
}

// The database in `prebuilt` if it was compiled from exactly `literals` (padded) and Vectorscan
// accepts it here, else null.
hs_database_t* LoadPrebuilt(std::string_view prebuilt, const std::vector<std::string>& literals) {
  if (!prebuilt.starts_with(kPrebuiltMagic)) return nullptr;
  prebuilt.remove_prefix(kPrebuiltMagic.size());
  uint32_t count = 0;
  if (!GetU32(&prebuilt, &count) || count != literals.size()) return nullptr;
  for (const std::string& literal : literals) {
    uint32_t len = 0;
    if (!GetU32(&prebuilt, &len) || len != literal.size() || prebuilt.size() < len ||
        prebuilt.substr(0, len) != literal) {
      return nullptr;
    }
    prebuilt.remove_prefix(len);
  }
  hs_database_t* db = nullptr;
  if (hs_deserialize_database(prebuilt.data(), prebuilt.size(), &db) != HS_SUCCESS) {
    return nullptr;
  }
  return db;
}

}  // namespace

void Matcher::IndexLeetWords(const std::vector<std::pair<std::string, bool>>& terms) {
  const auto add_words = [&](std::string_view phrase, bool prefix_term) {
    for (size_t at = 0; at <= phrase.size();) {
      const size_t space = std::min(phrase.find(' ', at), phrase.size());
      if (space > at) {
        // Every l read as i, as ReadLeetDigits looks words up. The last word of a prefix
        // term starts words ("sex" of "sexy").
        std::string word(phrase.substr(at, space - at));
        std::replace(word.begin(), word.end(), 'l', 'i');
        const bool last = space == phrase.size();
        (prefix_term && last ? leet_prefixes_ : leet_words_).push_back(std::move(word));
      }
      at = space + 1;
    }
  };
  for (const auto& [term, prefix] : terms) add_words(term, prefix);
  for (std::string_view phrase : AgeVocabulary()) add_words(phrase, false);
  for (auto* list : {&leet_words_, &leet_prefixes_}) {
    std::sort(list->begin(), list->end());
    list->erase(std::unique(list->begin(), list->end()), list->end());
  }
}

void Matcher::ReadLeetDigits(char* text, size_t size) const {
  constexpr size_t kMaxWord = 32;
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  const auto is_lower = [](char c) { return c >= 'a' && c <= 'z'; };
  // The words with a digit beside a letter, found from their digits: most texts have none.
  for (size_t i = 0; i < size; ++i) {
    if (!is_digit(text[i]) ||
        !((i > 0 && is_lower(text[i - 1])) || (i + 1 < size && is_lower(text[i + 1])))) {
      continue;
    }
    size_t b = i, e = i + 1;
    while (b > 0 && text[b - 1] != ' ') --b;
    while (e < size && text[e] != ' ') ++e;
    i = e;  // on to the next word
    const std::string_view w(text + b, e - b);
    size_t lead = 0;  // digits the word starts with
    while (lead < w.size() && is_digit(w[lead])) ++lead;
    const auto digits = static_cast<size_t>(std::count_if(w.begin(), w.end(), is_digit));
    // A number and its unit ("100k", "5yo", "1st") stays; so does a word of two unless its
    // digit looks like its letter ("n0", "1m"; "4m" is no "am"), which may be a unit too.
    const bool lookalike = w.size() == 2 && (w[0] <= '1' || w[1] <= '1');
    if (w.size() > kMaxWord || (w.size() < 3 && !lookalike) ||
        (!lookalike && lead == digits && IsNumberUnit(w.substr(lead)))) {
      continue;
    }
    // Each digit as its letter, a 1 as i as the normaliser reads it between letters; looked
    // up with every l read as i, as the words are kept ("sch001" is "school").
    char word[kMaxWord], folded[kMaxWord];
    bool letters_only = true;
    for (size_t k = 0; k < w.size(); ++k) {
      const char c = is_digit(w[k]) ? Normaliser::LeetLetter(w[k]) : w[k];
      letters_only = letters_only && c != 0;
      word[k] = c;
      folded[k] = c == 'l' ? 'i' : c;
    }
    const std::string_view key(folded, w.size());
    if (letters_only &&
        (std::binary_search(leet_words_.begin(), leet_words_.end(), key, std::less<>()) ||
         std::any_of(leet_prefixes_.begin(), leet_prefixes_.end(),
                     [&](const std::string& p) { return key.starts_with(p); }))) {
      std::memcpy(text + b, word, w.size());
    }
  }
}

Result<std::string> Matcher::SerializedDatabase() const {
  char* bytes = nullptr;
  size_t size = 0;
  if (hs_serialize_database(db_->db, &bytes, &size) != HS_SUCCESS) {
    return Fail(ErrorCode::kInternal, "Vectorscan could not serialise the database");
  }
  std::string out(kPrebuiltMagic);
  PutU32(static_cast<uint32_t>(db_->padded.size()), &out);
  for (const std::string& literal : db_->padded) {
    PutU32(static_cast<uint32_t>(literal.size()), &out);
    out += literal;
  }
  out.append(bytes, size);
  std::free(bytes);
  return out;
}

Scratch::Scratch() : impl_(std::make_unique<Impl>()) {}
Scratch::~Scratch() = default;
Scratch::Scratch(Scratch&&) noexcept = default;
Scratch& Scratch::operator=(Scratch&&) noexcept = default;
Scratch::Impl::~Impl() { hs_free_scratch(hs); }

Matcher::~Matcher() = default;

Result<std::shared_ptr<const Matcher>> Matcher::Create(const Lexicon& lexicon,
                                                       std::shared_ptr<const Normaliser> norm,
                                                       std::string_view prebuilt) {
  std::shared_ptr<Matcher> m(new Matcher());
  m->lexicon_ = lexicon;
  m->norm_ = std::move(norm);
  m->db_ = std::make_unique<Db>();
  Db& db = *m->db_;
  std::unordered_map<std::string, uint32_t> index;
  std::string normalised;
  std::vector<std::pair<std::string, bool>> words;  // normalised terms, and whether prefix
  const auto& terms = lexicon.terms();
  if (terms.empty()) return Fail(ErrorCode::kInvalidArgument, "lexicon has no terms");
  for (uint32_t t = 0; t < terms.size(); ++t) {
    db.term_prefix.push_back(terms[t].prefix);
    if (terms[t].recogniser) continue;  // found by its parser (Scanner), not as a literal
    if (terms[t].symbol) {              // found in the original text (FindSymbols)
      m->norm_->Normalise(terms[t].term, &normalised);
      if (!normalised.empty()) {  // "📷" is read as "cam": a literal would never be found
        return Fail(ErrorCode::kParse,
                    "pictograph term '" + terms[t].term + "' is read as the word '" + normalised +
                        "'; write the word instead",
                    terms[t].where);
      }
      std::u32string points;
      PictographTerm(terms[t].term, &points);
      m->symbols_.push_back({std::move(points), t});
      continue;
    }
    m->norm_->Normalise(terms[t].term, &normalised);
    if (normalised.empty()) {
      return Fail(ErrorCode::kParse,
                  "term '" + terms[t].term + "' is empty after normalisation", terms[t].where);
    }
    const bool obfuscated_category = terms[t].category == Category::kSexual ||
                                     terms[t].category == Category::kPayment ||
                                     terms[t].category == Category::kSolicitation;
    // The term as written, not its variants (split ones such as "pre syo" are no words).
    words.emplace_back(normalised, terms[t].prefix);
    std::vector<std::string> spellings = Variants(normalised, obfuscated_category);
    // A hyphenated term ("nag-eskwela") normalises joined, as the same word does in a
    // message; it is also written with a space ("nag eskwela").
    if (terms[t].term.find('-') != std::string::npos) {
      std::string spaced = terms[t].term;
      std::replace(spaced.begin(), spaced.end(), '-', ' ');
      std::string spaced_normalised;
      m->norm_->Normalise(spaced, &spaced_normalised);
      if (spaced_normalised != normalised) {
        words.emplace_back(spaced_normalised, terms[t].prefix);
        for (auto& lit : Variants(spaced_normalised, obfuscated_category)) {
          if (std::find(spellings.begin(), spellings.end(), lit) == spellings.end()) {
            spellings.push_back(std::move(lit));
          }
        }
      }
    }
    for (auto& lit : spellings) {
      auto [it, inserted] = index.emplace(lit, static_cast<uint32_t>(db.literals.size()));
      if (inserted) {
        db.literals.push_back(lit);
        db.literal_terms.emplace_back();
      }
      auto& list = db.literal_terms[it->second];
      // Two terms of one category that read the same ("touch urself", "touch yourself")
      // count once.
      if (std::any_of(list.begin(), list.end(), [&](uint32_t other) {
            return terms[other].category == terms[t].category;
          })) {
        continue;
      }
      list.push_back(t);
      m->patterns_.push_back({lit, t});
    }
  }
  if (db.literals.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "lexicon has no terms to match, only recognisers and pictographs");
  }
  // The age parser's number words, so that a text with one is read for ages although it has
  // no digit: a literal of their own unless a term has the same.
  db.literal_number.assign(db.literals.size(), 0);
  for (std::string_view word : NumberWords()) {
    auto [it, inserted] =
        index.emplace(std::string(word), static_cast<uint32_t>(db.literals.size()));
    if (inserted) {
      db.literals.emplace_back(word);
      db.literal_terms.emplace_back();
      db.literal_number.push_back(1);
    } else {
      db.literal_number[it->second] = 1;
    }
  }
  // By first code point, the longest first; a pictograph listed twice (in two categories)
  // keeps its first line, as a literal of two terms of one category does.
  std::stable_sort(m->symbols_.begin(), m->symbols_.end(), [](const Symbol& a, const Symbol& b) {
    return a.points[0] != b.points[0] ? a.points[0] < b.points[0]
                                      : a.points.size() > b.points.size();
  });
  m->IndexLeetWords(words);
  db.Index();
  if (!prebuilt.empty()) {
    db.db = LoadPrebuilt(prebuilt, db.padded);
    m->used_prebuilt_ = db.db != nullptr;
    if (m->used_prebuilt_) return std::shared_ptr<const Matcher>(std::move(m));
  }
  std::vector<const char*> exprs;
  std::vector<size_t> lens;
  std::vector<unsigned> ids, flags;
  for (uint32_t i = 0; i < db.padded.size(); ++i) {
    exprs.push_back(db.padded[i].data());
    lens.push_back(db.padded[i].size());
    ids.push_back(i);
    flags.push_back(0);
  }
  hs_compile_error_t* err = nullptr;
  if (hs_compile_lit_multi(exprs.data(), flags.data(), ids.data(), lens.data(),
                           static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK, nullptr, &db.db,
                           &err) != HS_SUCCESS) {
    std::string msg = err && err->message ? err->message : "unknown error";
    const int expr = err ? err->expression : -1;
    hs_free_compile_error(err);
    return Fail(ErrorCode::kInternal,
                "Vectorscan compile failed: " + msg +
                    (expr >= 0 ? " (pattern '" + db.literals[expr] + "')" : ""));
  }
  return std::shared_ptr<const Matcher>(std::move(m));
}

void Matcher::Match(std::string_view normalised, Scratch& scratch, std::vector<Hit>* hits,
                    std::span<const uint32_t> soft_starts, bool* number_word) const {
  Scratch::Impl& s = *scratch.impl();
  s.padded.size = 0;
  s.padded.PushBack(' ');
  s.padded.Append(normalised);
  s.padded.PushBack(' ');
  s.padded_soft.clear();
  for (uint32_t soft : soft_starts) s.padded_soft.push_back(soft + 1);
  thread_local std::vector<uint32_t> numbers;
  MatchPadded(s.padded.view(), scratch, hits, s.padded_soft,
              number_word != nullptr ? &numbers : nullptr);
  if (number_word != nullptr) *number_word = !numbers.empty();
  for (Hit& h : *hits) {
    --h.begin;
    --h.end;
  }
}

void Matcher::MatchPadded(std::string_view padded, Scratch& scratch, std::vector<Hit>* hits,
                          std::span<const uint32_t> soft_starts,
                          std::vector<uint32_t>* number_words) const {
  hits->clear();
  if (number_words != nullptr) number_words->clear();
  if (padded.empty()) return;
  Scratch::Impl& s = *scratch.impl();
  if (s.hs_db != db_->db) {
    if (hs_alloc_scratch(db_->db, &s.hs) != HS_SUCCESS) return;
    s.hs_db = db_->db;
  }
  MatchContext ctx{padded.data(), padded.size(), db_.get(), hits, number_words};
  hs_scan(db_->db, padded.data(), static_cast<unsigned>(padded.size()), 0, s.hs, OnMatch, &ctx);
  if (!soft_starts.empty()) MatchSoftStarts(*db_, padded, s, hits, soft_starts);
  if (hits->size() < 2) return;
  std::sort(hits->begin(), hits->end(), [](const Hit& a, const Hit& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    if (a.end != b.end) return a.end > b.end;
    return a.term < b.term;
  });
  // Drop hits strictly inside a longer one ("sex" inside "sex education").
  size_t kept = 0;
  uint32_t cover_begin = 0, cover_end = 0;
  bool have_cover = false;
  for (const Hit& h : *hits) {
    if (have_cover && h.end <= cover_end && !(h.begin == cover_begin && h.end == cover_end)) {
      continue;
    }
    if (!have_cover || h.end > cover_end) {
      cover_begin = h.begin;
      cover_end = h.end;
      have_cover = true;
    }
    (*hits)[kept++] = h;
  }
  hits->resize(kept);
}

}  // namespace bantay::text
