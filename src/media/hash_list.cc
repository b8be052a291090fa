// media/hash_list.cc: hash lists from hotlines and platforms (CSV or TSV of hex PDQ hashes
// with list, label and source), validated row by row, and their stored TSV form.
#include <algorithm>
#include <map>
#include <numeric>

#include "media/media.h"

namespace bantay::media {

namespace {

constexpr size_t kMaxFieldBytes = 256;

// Splits one line: TSV fields as they are; CSV fields may be double-quoted ("" is a quote).
// Returns false for an unterminated quote.
bool SplitLine(std::string_view line, char sep, std::vector<std::string>* fields) {
  fields->clear();
  if (sep == '\t') {
    size_t b = 0;
    while (true) {
      const size_t e = line.find('\t', b);
      fields->emplace_back(line.substr(b, e == std::string_view::npos ? e : e - b));
      if (e == std::string_view::npos) return true;
      b = e + 1;
    }
  }
  std::string field;
  size_t i = 0;
  while (true) {
    field.clear();
    if (i < line.size() && line[i] == '"') {
      ++i;
      while (true) {
        if (i >= line.size()) return false;
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += line[i++];
      }
      while (i < line.size() && line[i] != ',') field += line[i++];  // text after the quote
    } else {
      while (i < line.size() && line[i] != ',') field += line[i++];
    }
    fields->push_back(field);
    if (i >= line.size()) return true;
    ++i;  // the comma
  }
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Fields end up in a TSV store: no control characters, bounded length.
std::string CheckField(std::string_view value) {
  if (value.size() > kMaxFieldBytes) {
    return "longer than " + std::to_string(kMaxFieldBytes) + " bytes";
  }
  for (unsigned char c : value) {
    if (c < 0x20 || c == 0x7f) return "contains a control character";
  }
  return {};
}

}  // namespace

uint32_t HashList::InfoIndex(const ListInfo& info) {
  for (size_t i = infos_.size(); i-- > 0;) {  // few distinct infos; recent ones likelier
    if (infos_[i] == info) return static_cast<uint32_t>(i);
  }
  infos_.push_back(info);
  info_count_.push_back(0);
  return static_cast<uint32_t>(infos_.size() - 1);
}

Result<HashList> HashList::Parse(std::string_view content, std::string_view file_name,
                                 const ListInfo& defaults, std::vector<Rejection>* rejects) {
  HashList list;
  const std::string file(file_name);
  std::vector<std::string> fields;
  // Column positions: pdq, list, label, source, item (-1 when absent).
  std::array<int, 5> col{-1, -1, -1, -1, -1};
  static constexpr std::array<std::string_view, 5> kNames{"pdq", "list", "label", "source",
                                                          "item"};
  char sep = 0;
  size_t width = 0;
  uint64_t line_no = 0;
  // infos_ is searched linearly; a map keeps large lists with many labels fast.
  std::map<std::array<std::string, 4>, uint32_t> info_ids;
  size_t pos = 0;
  while (pos < content.size()) {
    size_t end = content.find('\n', pos);
    if (end == std::string_view::npos) end = content.size();
    std::string_view line = content.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (Trim(line).empty() || line.front() == '#') continue;
    if (sep == 0) {
      sep = line.find('\t') != std::string_view::npos ? '\t' : ',';
      SplitLine(line, sep, &fields);
      width = fields.size();
      for (size_t i = 0; i < fields.size(); ++i) {
        std::string name(Trim(fields[i]));
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (name == "hash") name = "pdq";
        for (size_t k = 0; k < kNames.size(); ++k) {
          if (name == kNames[k] && col[k] < 0) col[k] = static_cast<int>(i);
        }
      }
      if (col[0] < 0) {
        return Fail(ErrorCode::kParse,
                    "header has no 'pdq' (or 'hash') column; expected e.g. "
                    "pdq,list,label,source",
                    Where(file, line_no));
      }
      continue;
    }
    auto reject = [&](std::string_view field, std::string message) {
      rejects->push_back({Where(file, line_no, field), std::move(message), false});
    };
    if (!SplitLine(line, sep, &fields)) {
      reject("", "unterminated quoted field");
      continue;
    }
    if (fields.size() < width) {
      reject("", "has " + std::to_string(fields.size()) + " fields, the header has " +
                     std::to_string(width));
      continue;
    }
    auto hash = Hash256::FromHex(Trim(fields[col[0]]));
    if (!hash) {
      reject("pdq", hash.error().message);
      continue;
    }
    std::array<std::string, 4> values{defaults.list, defaults.label, defaults.source,
                                      defaults.item};
    bool bad = false;
    for (size_t k = 1; k < 5 && !bad; ++k) {
      if (col[k] < 0) continue;
      std::string_view v = Trim(fields[col[k]]);
      if (v.empty()) continue;
      if (std::string why = CheckField(v); !why.empty()) {
        reject(kNames[k], std::move(why));
        bad = true;
      } else {
        values[k - 1] = std::string(v);
      }
    }
    if (bad) continue;
    if (values[0].empty()) {
      reject("list", "no list name (give a list column or --name)");
      continue;
    }
    auto [it, inserted] = info_ids.try_emplace(values, static_cast<uint32_t>(list.infos_.size()));
    if (inserted) {
      list.infos_.push_back({values[0], values[1], values[2], values[3]});
      list.info_count_.push_back(0);
    }
    list.hashes_.push_back(*hash);
    list.info_of_.push_back(it->second);
  }
  if (sep == 0) return Fail(ErrorCode::kParse, "no header line (empty hash list)", file);
  list.Normalise();
  return list;
}

void HashList::Normalise() {
  std::vector<uint32_t> order(hashes_.size());
  std::iota(order.begin(), order.end(), 0);
  auto key = [&](uint32_t i) { return std::make_pair(hashes_[i].w, info_of_[i]); };
  std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) { return key(x) < key(y); });
  order.erase(std::unique(order.begin(), order.end(),
                          [&](uint32_t x, uint32_t y) { return key(x) == key(y); }),
              order.end());
  std::vector<Hash256> hashes;
  std::vector<uint32_t> info_of;
  hashes.reserve(order.size());
  info_of.reserve(order.size());
  std::fill(info_count_.begin(), info_count_.end(), 0);
  for (uint32_t i : order) {
    hashes.push_back(hashes_[i]);
    info_of.push_back(info_of_[i]);
    ++info_count_[info_of_[i]];
  }
  hashes_ = std::move(hashes);
  info_of_ = std::move(info_of);
}

void HashList::Append(const HashList& other) {
  for (size_t i = 0; i < other.size(); ++i) {
    hashes_.push_back(other.hashes_[i]);
    info_of_.push_back(InfoIndex(other.info(i)));
  }
  Normalise();
}

std::string HashList::Serialize() const {
  std::string out = "pdq\tlist\tlabel\tsource\titem\n";
  out.reserve(out.size() + hashes_.size() * 100);
  for (size_t i = 0; i < hashes_.size(); ++i) {
    const ListInfo& in = info(i);
    out += hashes_[i].ToHex();
    for (const std::string* f : {&in.list, &in.label, &in.source, &in.item}) {
      out += '\t';
      out += *f;
    }
    out += '\n';
  }
  return out;
}

}  // namespace bantay::media
