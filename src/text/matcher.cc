// text/matcher.cc: one Vectorscan literal database for all lexicon terms.
#include <hs/hs.h>

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "text/scratch_impl.h"
#include "text/text.h"

namespace bantay::text {

struct Matcher::Db {
  hs_database_t* db = nullptr;
  std::vector<std::string> literals;                 // unique normalised literals
  std::vector<std::vector<uint32_t>> literal_terms;  // terms each literal stands for
  std::vector<uint8_t> term_prefix;                  // per term: trailing '*' in the lexicon
  ~Db() { hs_free_database(db); }
};

namespace {

inline bool IsWordByte(char c) {
  const auto b = static_cast<unsigned char>(c);
  return (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b >= 0x80;
}

// Spellings of a normalised term to match: itself, without spaces ("westernunion"), with
// 'l' read as 'i' (capital I for l: "paypaI"), and with one consonant doubled.
std::vector<std::string> Variants(const std::string& literal, bool drop_vowels) {
  std::vector<std::string> out{literal};
  // A masked vowel: the normaliser drops the star of "n*ked" and "p*ssy"; long terms only,
  // so that no common word appears ("cam" must not become "cm").
  if (drop_vowels && literal.size() >= 5) {
    for (size_t i = 1; i + 1 < literal.size(); ++i) {
      if (std::strchr("aeiou", literal[i]) != nullptr && literal[i - 1] != ' ' &&
          literal[i + 1] != ' ') {
        out.push_back(literal.substr(0, i) + literal.substr(i + 1));
      }
    }
  }
  if (literal.find(' ') != std::string::npos) {
    std::string joined;
    for (char c : literal) {
      if (c != ' ') joined.push_back(c);
    }
    out.push_back(joined);
  }
  const size_t base = out.size();
  for (size_t v = 0; v < base; ++v) {
    std::vector<size_t> ls;
    for (size_t i = 0; i < out[v].size(); ++i) {
      if (out[v][i] == 'l') ls.push_back(i);
    }
    if (ls.empty()) continue;
    const size_t k = std::min<size_t>(ls.size(), 2);
    for (unsigned mask = 1; mask < (1u << k); ++mask) {
      std::string s = out[v];
      for (size_t b = 0; b < k; ++b) {
        if (mask & (1u << b)) s[ls[b]] = 'i';
      }
      if (mask == (1u << k) - 1) {  // the last variant folds every 'l'
        for (size_t idx : ls) s[idx] = 'i';
      }
      out.push_back(std::move(s));
    }
  }
  // Doubles written single: the normaliser squeezes a run of three or more to one letter
  // ("undressss" -> "undres"). Only for longer terms, where it cannot make a common word
  // ("ass" must not become "as").
  const size_t before_single = out.size();
  for (size_t v = 0; v < before_single; ++v) {
    if (out[v].size() < 5) continue;
    std::string single;
    for (char c : out[v]) {
      if (single.empty() || single.back() != c || c < 'a' || c > 'z') single.push_back(c);
    }
    if (single != out[v]) out.push_back(single);
  }
  // A doubled consonant ("sexx", "nakedd", "cashh"): the normaliser squeezes only runs of
  // three, so doubles are spelled out here. Vowels are not doubled: "son" is not "soon".
  const size_t before_doubling = out.size();
  for (size_t v = 0; v < before_doubling; ++v) {
    const std::string base = out[v];
    for (size_t i = 0; i < base.size(); ++i) {
      const char c = base[i];
      if (c < 'a' || c > 'z' || std::strchr("aeiou", c) != nullptr) continue;
      if ((i > 0 && base[i - 1] == c) || (i + 1 < base.size() && base[i + 1] == c)) continue;
      out.push_back(base.substr(0, i + 1) + base.substr(i));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

struct MatchContext {
  const char* text;
  size_t len;
  std::span<const uint32_t> soft_starts;
  const Matcher::Db* db;
  std::vector<Hit>* hits;
};

int OnMatch(unsigned int id, unsigned long long /*from*/, unsigned long long to,
            unsigned int /*flags*/, void* ctx_ptr) {
  auto* ctx = static_cast<MatchContext*>(ctx_ptr);
  const size_t lit_len = ctx->db->literals[id].size();
  const size_t begin = to - lit_len;
  if (begin > 0 && IsWordByte(ctx->text[begin - 1]) &&
      std::find(ctx->soft_starts.begin(), ctx->soft_starts.end(), begin) ==
          ctx->soft_starts.end()) {
    return 0;
  }
  const bool right_ok = to >= ctx->len || !IsWordByte(ctx->text[to]);
  for (uint32_t term : ctx->db->literal_terms[id]) {
    size_t end = to;
    if (!right_ok) {
      if (!ctx->db->term_prefix[term]) continue;
      while (end < ctx->len && IsWordByte(ctx->text[end])) ++end;  // evidence: whole word
    }
    ctx->hits->push_back({term, static_cast<uint32_t>(begin), static_cast<uint32_t>(end)});
  }
  return 0;
}

}  // namespace

Scratch::Scratch() : impl_(std::make_unique<Impl>()) {}
Scratch::~Scratch() = default;
Scratch::Scratch(Scratch&&) noexcept = default;
Scratch& Scratch::operator=(Scratch&&) noexcept = default;
Scratch::Impl::~Impl() { hs_free_scratch(hs); }

Matcher::~Matcher() = default;

Result<std::shared_ptr<const Matcher>> Matcher::Create(const Lexicon& lexicon,
                                                       std::shared_ptr<const Normaliser> norm) {
  std::shared_ptr<Matcher> m(new Matcher());
  m->lexicon_ = lexicon;
  m->norm_ = std::move(norm);
  m->db_ = std::make_unique<Db>();
  Db& db = *m->db_;
  std::unordered_map<std::string, uint32_t> index;
  std::string normalised;
  const auto& terms = lexicon.terms();
  if (terms.empty()) return Fail(ErrorCode::kInvalidArgument, "lexicon has no terms");
  for (uint32_t t = 0; t < terms.size(); ++t) {
    db.term_prefix.push_back(terms[t].prefix);
    m->norm_->Normalise(terms[t].term, &normalised);
    if (normalised.empty()) {
      return Fail(ErrorCode::kParse,
                  "term '" + terms[t].term + "' is empty after normalisation", terms[t].where);
    }
    const bool drop_vowels = terms[t].category == Category::kSexual ||
                             terms[t].category == Category::kPayment;
    for (auto& lit : Variants(normalised, drop_vowels)) {
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
  std::vector<const char*> exprs;
  std::vector<size_t> lens;
  std::vector<unsigned> ids, flags;
  for (uint32_t i = 0; i < db.literals.size(); ++i) {
    exprs.push_back(db.literals[i].data());
    lens.push_back(db.literals[i].size());
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

void Matcher::Match(std::string_view text, Scratch& scratch, std::vector<Hit>* hits,
                    std::span<const uint32_t> soft_starts) const {
  hits->clear();
  if (text.empty()) return;
  Scratch::Impl& s = *scratch.impl();
  if (s.hs_db != db_->db) {
    if (hs_alloc_scratch(db_->db, &s.hs) != HS_SUCCESS) return;
    s.hs_db = db_->db;
  }
  MatchContext ctx{text.data(), text.size(), soft_starts, db_.get(), hits};
  hs_scan(db_->db, text.data(), static_cast<unsigned>(text.size()), 0, s.hs, OnMatch, &ctx);
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
