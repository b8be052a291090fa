// meta/countries.cc: CountryTable (country profiles: ISO code, name, World Bank income group,
// representative UTC offset) and the hotspot list, from data/countries/ (built in) or text.
#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>

#include "meta/call_fields.h"
#include "meta/meta.h"

namespace bantay::meta {

namespace {

constexpr std::string_view kDefaultDir = "data/countries";

bool IsUpperAlpha(char c) { return c >= 'A' && c <= 'Z'; }
bool IsAlnum(char c) { return IsUpperAlpha(c) || (c >= '0' && c <= '9'); }

std::string UpperTrimmed(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r')) {
    v.remove_suffix(1);
  }
  std::string out(v);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return out;
}

// Index of a two-letter upper-case code in a 26 x 26 table, or -1.
int CodeIndex(std::string_view code) {
  if (code.size() != 2) return -1;
  char a = code[0], b = code[1];
  if (a >= 'a' && a <= 'z') a = static_cast<char>(a - 32);
  if (b >= 'a' && b <= 'z') b = static_cast<char>(b - 32);
  if (!IsUpperAlpha(a) || !IsUpperAlpha(b)) return -1;
  return (a - 'A') * 26 + (b - 'A');
}

bool IsRegionCode(std::string_view r) {
  if (r.size() < 4 || r.size() > 6 || !IsUpperAlpha(r[0]) || !IsUpperAlpha(r[1]) || r[2] != '-') {
    return false;
  }
  for (size_t i = 3; i < r.size(); ++i) {
    if (!IsAlnum(r[i])) return false;
  }
  return true;
}

bool ParseIncome(std::string_view v, IncomeGroup* out) {
  static constexpr std::pair<std::string_view, IncomeGroup> kNames[] = {
      {"H", IncomeGroup::kHigh},
      {"UM", IncomeGroup::kUpperMiddle},
      {"LM", IncomeGroup::kLowerMiddle},
      {"L", IncomeGroup::kLow},
      {"UNKNOWN", IncomeGroup::kUnknown},
      {"", IncomeGroup::kUnknown},
      {"HIGH INCOME", IncomeGroup::kHigh},
      {"UPPER MIDDLE INCOME", IncomeGroup::kUpperMiddle},
      {"LOWER MIDDLE INCOME", IncomeGroup::kLowerMiddle},
      {"LOW INCOME", IncomeGroup::kLow},
  };
  const std::string upper = UpperTrimmed(v);
  for (const auto& [name, group] : kNames) {
    if (upper == name) {
      *out = group;
      return true;
    }
  }
  return false;
}

// Lines of a text without their line ends, numbered from 1.
template <class Fn>
Status ForEachLine(std::string_view text, Fn&& fn) {
  uint64_t line_no = 1;
  size_t pos = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (auto s = fn(line, line_no); !s) return s;
    pos = end + 1;
    ++line_no;
  }
  return {};
}

bool SkippedLine(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  return i == line.size() || line[i] == '#';
}

}  // namespace

std::string_view IncomeGroupName(IncomeGroup g) {
  switch (g) {
    case IncomeGroup::kLow:
      return "L";
    case IncomeGroup::kLowerMiddle:
      return "LM";
    case IncomeGroup::kUpperMiddle:
      return "UM";
    case IncomeGroup::kHigh:
      return "H";
    case IncomeGroup::kUnknown:
      break;
  }
  return "unknown";
}

struct CountryTable::Impl {
  std::vector<CountryProfile> profiles;  // in file order
  std::array<int16_t, 26 * 26> index;    // code -> position in `profiles`, -1 when unknown
  std::array<bool, 26 * 26> hotspot_country{};
  std::vector<std::string> hotspot_regions;  // sorted

  Impl() { index.fill(-1); }
};

Result<CountryTable> CountryTable::Load(std::string_view countries_csv,
                                        std::string_view hotspots_tsv,
                                        std::string_view file_name) {
  const std::string dir = file_name.empty() ? std::string() : std::string(file_name) + "/";
  const std::string csv_name = dir + "countries.csv";
  const std::string tsv_name = dir + "hotspots.tsv";
  auto impl = std::make_shared<Impl>();

  // countries.csv: a header naming the columns, then one country a line.
  int col_code = -1, col_name = -1, col_income = -1, col_offset = -1;
  size_t num_cols = 0;
  std::vector<std::string_view> fields;
  std::string scratch;
  auto csv_status = ForEachLine(countries_csv, [&](std::string_view line,
                                                   uint64_t line_no) -> Status {
    if (SkippedLine(line)) return {};
    if (scratch.capacity() < line.size()) scratch.reserve(line.size());
    const char* error = nullptr;
    if (!internal::SplitCsvLine(line, &fields, &scratch, &error)) {
      return Fail(ErrorCode::kParse, error, Where(csv_name, line_no));
    }
    if (num_cols == 0) {  // the header
      for (size_t i = 0; i < fields.size(); ++i) {
        const std::string name = UpperTrimmed(fields[i]);
        const int col = static_cast<int>(i);
        if (name == "CODE") col_code = col;
        if (name == "NAME") col_name = col;
        if (name == "INCOME_GROUP") col_income = col;
        if (name == "UTC_OFFSET_MIN") col_offset = col;
      }
      if (col_code < 0 || col_income < 0) {
        return Fail(ErrorCode::kParse,
                    "header must name the columns code and income_group (and name, "
                    "utc_offset_min)",
                    Where(csv_name, line_no));
      }
      num_cols = fields.size();
      return {};
    }
    if (fields.size() != num_cols) {
      return Fail(ErrorCode::kParse,
                  "expected " + std::to_string(num_cols) + " fields, found " +
                      std::to_string(fields.size()),
                  Where(csv_name, line_no));
    }
    CountryProfile p;
    p.code = UpperTrimmed(fields[col_code]);
    const int idx = CodeIndex(p.code);
    if (idx < 0) {
      return Fail(ErrorCode::kParse, "code must be ISO 3166-1 alpha-2 (two letters)",
                  Where(csv_name, line_no, "code"));
    }
    if (impl->index[idx] >= 0) {
      return Fail(ErrorCode::kParse, "duplicate country " + p.code,
                  Where(csv_name, line_no, "code"));
    }
    if (col_name >= 0) p.name = std::string(fields[col_name]);
    if (!ParseIncome(fields[col_income], &p.income)) {
      return Fail(ErrorCode::kParse, "income_group must be H, UM, LM, L or unknown",
                  Where(csv_name, line_no, "income_group"));
    }
    if (col_offset >= 0) {
      std::string_view v = fields[col_offset];
      if (!v.empty() && v.front() == '+') v.remove_prefix(1);
      int offset = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), offset);
      if (ec != std::errc() || end != v.data() + v.size() || offset < -720 || offset > 840) {
        return Fail(ErrorCode::kParse, "utc_offset_min must be minutes from -720 to 840",
                    Where(csv_name, line_no, "utc_offset_min"));
      }
      p.utc_offset_min = offset;
    }
    impl->index[idx] = static_cast<int16_t>(impl->profiles.size());
    impl->profiles.push_back(std::move(p));
    return {};
  });
  if (!csv_status) return tl::unexpected(csv_status.error());
  if (impl->profiles.empty()) {
    return Fail(ErrorCode::kParse, "no countries", Where(csv_name, 0));
  }

  // hotspots.tsv: code<TAB>kind<TAB>note, kind "country" or "region".
  bool header_seen = false;
  auto tsv_status = ForEachLine(hotspots_tsv, [&](std::string_view line,
                                                  uint64_t line_no) -> Status {
    if (SkippedLine(line)) return {};
    const size_t tab1 = line.find('\t');
    const std::string code = UpperTrimmed(line.substr(0, tab1));
    if (!header_seen) {
      header_seen = true;
      if (code == "CODE") return {};
    }
    if (tab1 == std::string_view::npos) {
      return Fail(ErrorCode::kParse, "expected code<TAB>kind<TAB>note", Where(tsv_name, line_no));
    }
    const size_t tab2 = line.find('\t', tab1 + 1);
    const std::string kind = UpperTrimmed(line.substr(tab1 + 1, tab2 == std::string_view::npos
                                                                    ? std::string_view::npos
                                                                    : tab2 - tab1 - 1));
    if (kind == "COUNTRY") {
      const int idx = CodeIndex(code);
      if (idx < 0 || impl->index[idx] < 0) {
        return Fail(ErrorCode::kParse, "unknown country '" + code + "'",
                    Where(tsv_name, line_no, "code"));
      }
      impl->hotspot_country[idx] = true;
    } else if (kind == "REGION") {
      if (!IsRegionCode(code)) {
        return Fail(ErrorCode::kParse,
                    "region must be an ISO 3166-2 code such as PH-07, not '" + code + "'",
                    Where(tsv_name, line_no, "code"));
      }
      if (impl->index[CodeIndex(code.substr(0, 2))] < 0) {
        return Fail(ErrorCode::kParse, "unknown country in region '" + code + "'",
                    Where(tsv_name, line_no, "code"));
      }
      impl->hotspot_regions.push_back(code);
    } else {
      return Fail(ErrorCode::kParse, "kind must be country or region",
                  Where(tsv_name, line_no, "kind"));
    }
    return {};
  });
  if (!tsv_status) return tl::unexpected(tsv_status.error());
  auto& regions = impl->hotspot_regions;
  std::sort(regions.begin(), regions.end());
  regions.erase(std::unique(regions.begin(), regions.end()), regions.end());

  CountryTable table;
  table.impl_ = std::move(impl);
  return table;
}

Result<CountryTable> CountryTable::Default() {
  std::string_view csv, tsv;
  bool have_csv = false, have_tsv = false;
  for (const auto& [path, content] : EmbeddedFiles()) {
    if (path == "data/countries/countries.csv") {
      csv = content;
      have_csv = true;
    } else if (path == "data/countries/hotspots.tsv") {
      tsv = content;
      have_tsv = true;
    }
  }
  if (!have_csv || !have_tsv) {
    return Fail(ErrorCode::kInternal,
                "data/countries/countries.csv and hotspots.tsv are not embedded in this build");
  }
  return Load(csv, tsv, kDefaultDir);
}

const CountryProfile* CountryTable::Find(std::string_view code) const {
  if (!impl_) return nullptr;
  const int idx = CodeIndex(code);
  if (idx < 0 || impl_->index[idx] < 0) return nullptr;
  return &impl_->profiles[impl_->index[idx]];
}

bool CountryTable::IsHotspot(std::string_view country, std::string_view region) const {
  if (!impl_) return false;
  const int idx = CodeIndex(country);
  if (idx >= 0 && impl_->hotspot_country[idx]) return true;
  if (impl_->hotspot_regions.empty()) return false;
  // A region of another country says nothing about this one (a German account's calls from
  // Cebu do not make it a Cebu account): as if the region were unknown.
  if (!country.empty() && (region.size() < 2 || CodeIndex(region.substr(0, 2)) != idx)) region = {};
  if (region.empty()) {
    // The region is unknown (IP databases often give the country only): a country with
    // listed hotspot regions counts, since detection must not hinge on the region column.
    if (country.size() != 2) return false;
    char prefix[3] = {static_cast<char>(country[0] & ~0x20), static_cast<char>(country[1] & ~0x20),
                      '-'};
    return std::any_of(impl_->hotspot_regions.begin(), impl_->hotspot_regions.end(),
                       [&](const std::string& r) {
                         return r.compare(0, 3, std::string_view(prefix, 3)) == 0;
                       });
  }
  if (region.size() >= 2) {
    const int ridx = CodeIndex(region.substr(0, 2));
    if (ridx >= 0 && impl_->hotspot_country[ridx]) return true;
  }
  char upper[8];
  if (region.size() > sizeof upper) return false;
  for (size_t i = 0; i < region.size(); ++i) {
    const char c = region[i];
    upper[i] = c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c;
  }
  const std::string_view key(upper, region.size());
  return std::binary_search(impl_->hotspot_regions.begin(), impl_->hotspot_regions.end(), key,
                            [](std::string_view a, std::string_view b) { return a < b; });
}

}  // namespace bantay::meta
