// text/lexicon.cc: lexicon TSV loading and validation.
#include <algorithm>
#include <charconv>
#include <filesystem>
#include <set>

#include "core/utf8.h"
#include "text/text.h"

namespace bantay::text {

namespace {

constexpr std::string_view kCategoryNames[] = {"sexual", "solicitation", "payment",   "minor",
                                               "adult",  "benign",       "age_probe", "family"};
static_assert(std::size(kCategoryNames) == kCategoryCount);

}  // namespace

std::string_view CategoryName(Category c) {
  return kCategoryNames[static_cast<size_t>(c) % kCategoryCount];
}

Result<Category> ParseCategory(std::string_view name) {
  for (size_t i = 0; i < kCategoryCount; ++i) {
    if (kCategoryNames[i] == name) return static_cast<Category>(i);
  }
  std::string known;
  for (auto n : kCategoryNames) known += (known.empty() ? "" : ", ") + std::string(n);
  return Fail(ErrorCode::kParse, "unknown category '" + std::string(name) + "' (one of " + known +
                                     ")");
}

Result<Lexicon> Lexicon::Parse(std::string_view content, std::string_view file_name) {
  Lexicon lex;
  std::set<std::pair<std::string, Category>> seen;
  auto st = ForEachTsvRow(
      content, file_name, {"term", "category", "weight", "language"},
      [&](uint64_t line_no, const std::vector<std::string_view>& cols) -> Status {
        auto where = [&](std::string_view field) { return Where(file_name, line_no, field); };
        for (auto c : cols) {
          if (!IsValidUtf8(c)) return Fail(ErrorCode::kParse, "invalid UTF-8", where(""));
        }
        if (cols.size() != 4) {
          return Fail(ErrorCode::kParse,
                      "expected 4 tab-separated columns, found " + std::to_string(cols.size()),
                      where(""));
        }
        Term t;
        std::string_view term = cols[0];
        if (term.empty() || term.front() == ' ' || term.back() == ' ') {
          return Fail(ErrorCode::kParse, "term is empty or has leading/trailing spaces",
                      where("term"));
        }
        if (term.size() > 1 && term.back() == '*') {
          t.prefix = true;
          term.remove_suffix(1);
        }
        t.term = std::string(term);
        auto cat = ParseCategory(cols[1]);
        if (!cat) return Fail(ErrorCode::kParse, cat.error().message, where("category"));
        t.category = *cat;
        if (term.front() == '<') {
          if (term != kAmountRecogniser) {
            return Fail(ErrorCode::kParse,
                        "unknown recogniser '" + t.term +
                            "' (known: " + std::string(kAmountRecogniser) + ")",
                        where("term"));
          }
          if (t.prefix || t.category != Category::kPayment) {
            return Fail(ErrorCode::kParse,
                        std::string(kAmountRecogniser) + " is a payment term, without '*'",
                        where(t.prefix ? "term" : "category"));
          }
          t.recogniser = true;
        }
        if (const int pictograph = PictographTerm(t.term); pictograph < 0) {
          return Fail(ErrorCode::kParse,
                      "term '" + t.term +
                          "' mixes pictographs (emoji) with other characters; write them as "
                          "separate terms",
                      where("term"));
        } else if (pictograph > 0) {
          if (t.prefix) {
            return Fail(ErrorCode::kParse, "a pictograph term takes no '*'", where("term"));
          }
          t.symbol = true;
        }
        double w = 0;
        auto [ptr, ec] = std::from_chars(cols[2].data(), cols[2].data() + cols[2].size(), w);
        if (ec != std::errc() || ptr != cols[2].data() + cols[2].size() || !(w > 0) || w > 10) {
          return Fail(ErrorCode::kParse,
                      "weight must be a number in (0, 10], got '" + std::string(cols[2]) + "'",
                      where("weight"));
        }
        t.weight = w;
        const std::string_view lang = cols[3];
        if (lang.size() < 2 || lang.size() > 3 ||
            !std::all_of(lang.begin(), lang.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
          return Fail(ErrorCode::kParse,
                      "language must be an ISO 639 code (en, tl, ceb, mul), got '" +
                          std::string(lang) + "'",
                      where("language"));
        }
        t.language = std::string(lang);
        if (!seen.emplace(t.term, t.category).second) {
          return Fail(ErrorCode::kParse,
                      "duplicate term '" + t.term + "' in category " +
                          std::string(CategoryName(t.category)),
                      where("term"));
        }
        t.where = where("");
        lex.terms_.push_back(std::move(t));
        return {};
      });
  if (!st) return tl::unexpected(st.error());
  return lex;
}

int Lexicon::Recogniser(std::string_view name) const {
  for (size_t t = 0; t < terms_.size(); ++t) {
    if (terms_[t].recogniser && terms_[t].term == name) return static_cast<int>(t);
  }
  return -1;
}

Result<Lexicon> Lexicon::LoadDir(const std::string& dir) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".tsv") files.push_back(entry.path());
  }
  if (ec) return Fail(ErrorCode::kNotFound, "cannot list lexicon directory: " + ec.message(), dir);
  if (files.empty()) return Fail(ErrorCode::kNotFound, "no *.tsv lexicon files", dir);
  std::sort(files.begin(), files.end());
  Lexicon all;
  for (const auto& f : files) {
    auto content = ReadFile(f.string());
    if (!content) return tl::unexpected(content.error());
    auto lex = Parse(*content, f.string());
    if (!lex) return tl::unexpected(lex.error());
    all.Append(*lex);
  }
  return all;
}

Result<Lexicon> Lexicon::Default() {
  Lexicon all;
  bool any = false;
  for (const auto& [path, content] : EmbeddedFiles()) {
    if (path.rfind("data/lexicons/", 0) != 0) continue;
    auto lex = Parse(content, path);
    if (!lex) return tl::unexpected(lex.error());
    all.Append(*lex);
    any = true;
  }
  if (!any) return Fail(ErrorCode::kInternal, "no lexicons embedded in this build");
  return all;
}

void Lexicon::Append(const Lexicon& other) {
  terms_.insert(terms_.end(), other.terms_.begin(), other.terms_.end());
}

}  // namespace bantay::text
