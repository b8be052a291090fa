// text/scoring.cc: loading the conversation model's weights from data.
#include <charconv>
#include <map>

#include "text/text.h"

namespace bantay::text {

Result<ScoringWeights> ScoringWeights::Parse(std::string_view content,
                                             std::string_view file_name) {
  ScoringWeights w;
  std::map<std::string, double*> scalars = {
      {"bias", &w.bias},
      {"minor_age", &w.minor_age},
      {"adult_age", &w.adult_age},
      {"grooming_probe", &w.grooming_probe},
      {"sexual_and_payment", &w.sexual_and_payment},
      {"sexual_and_minor", &w.sexual_and_minor},
      {"solicit_and_payment", &w.solicit_and_payment},
      {"minor_before_sexual", &w.minor_before_sexual},
      {"proximity", &w.proximity},
      {"roles_split", &w.roles_split},
      {"no_minor", &w.no_minor},
      {"no_sexual", &w.no_sexual},
      {"benign_per_cue", &w.benign_per_cue},
      {"benign_cap", &w.benign_cap},
      {"benign_discount", &w.benign_discount},
      {"family_address", &w.family_address},
      {"adult_term", &w.adult_term},
      {"strong_solicitation", &w.strong_solicitation},
      {"weak_solicitation", &w.weak_solicitation},
      {"flag_threshold", &w.flag_threshold},
      {"minor_cue_floor", &w.minor_cue_floor},
      {"minor_sum_floor", &w.minor_sum_floor},
  };
  for (size_t c = 0; c < kCategoryCount; ++c) {
    scalars["category." + std::string(CategoryName(static_cast<Category>(c)))] = &w.category[c];
  }
  double proximity_messages = w.proximity_messages;
  scalars["proximity_messages"] = &proximity_messages;

  auto number = [](std::string_view s, double* out) {
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
    return ec == std::errc() && ptr == s.data() + s.size();
  };
  auto st = ForEachTsvRow(
      content, file_name, {"name", "value"},
      [&](uint64_t line_no, const std::vector<std::string_view>& cols) -> Status {
        if (cols[0] == "pair") {
          Pair p;
          if (cols.size() != 4 || cols[1].empty() || cols[2].empty() ||
              !number(cols[3], &p.weight)) {
            return Fail(ErrorCode::kParse, "pair lines are: pair<TAB>a<TAB>b<TAB>weight",
                        Where(file_name, line_no, "pair"));
          }
          p.a = std::string(cols[1]);
          p.b = std::string(cols[2]);
          w.pairs.push_back(std::move(p));
          return {};
        }
        if (cols.size() != 2) {
          return Fail(ErrorCode::kParse, "expected name<TAB>value", Where(file_name, line_no));
        }
        auto it = scalars.find(std::string(cols[0]));
        if (it == scalars.end()) {
          return Fail(ErrorCode::kParse, "unknown weight '" + std::string(cols[0]) + "'",
                      Where(file_name, line_no, "name"));
        }
        if (!number(cols[1], it->second)) {
          return Fail(ErrorCode::kParse, "value is not a number: '" + std::string(cols[1]) + "'",
                      Where(file_name, line_no, "value"));
        }
        return {};
      });
  if (!st) return tl::unexpected(st.error());
  if (proximity_messages < 0 || proximity_messages > 1000) {
    return Fail(ErrorCode::kParse, "proximity_messages must be in [0, 1000]", Where(file_name, 0));
  }
  w.proximity_messages = static_cast<int>(proximity_messages);
  if (!(w.flag_threshold > 0 && w.flag_threshold < 1)) {
    return Fail(ErrorCode::kParse, "flag_threshold must be in (0, 1)", Where(file_name, 0));
  }
  return w;
}

Result<ScoringWeights> ScoringWeights::Default() {
  for (const auto& [path, content] : EmbeddedFiles()) {
    if (path == "data/scoring/weights.tsv") return Parse(content, path);
  }
  return Fail(ErrorCode::kInternal, "no scoring weights embedded in this build");
}

}  // namespace bantay::text
