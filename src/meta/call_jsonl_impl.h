// meta/call_jsonl_impl.h: the call-record JSONL parser body, compiled once per instruction set
// (call_jsonl.cc: portable; call_jsonl_avx2.cc: AVX2), because simdjson's On-Demand API picks
// its SIMD kernel at compile time. Included only by those two files.
#include <cstring>

#include <simdjson.h>

#include "meta/call_fields.h"

namespace bantay::meta::internal {
namespace BANTAY_CALL_JSONL_VARIANT {

static_assert(kChunkPadding >= simdjson::SIMDJSON_PADDING);

namespace {

class LineParser {
 public:
  LineParser(const std::function<void(const CallRecordView&)>& on_record, ChunkLines* lines)
      : on_record_(on_record), lines_(lines) {}

  // `capacity`: readable bytes from line.data() (at least line.size() + padding).
  void Parse(std::string_view line, size_t capacity, uint64_t line_no) {
    builder_.Reset(line_no);
    column_ = Column::kIgnore;
    switch (TryParse(line, capacity)) {
      case Outcome::kOk:
        if (builder_.Finish()) {
          on_record_(builder_.record());
        } else {
          Reject(line_no, ColumnName(builder_.bad_column()), builder_.error());
        }
        return;
      case Outcome::kBadField:
        Reject(line_no, ColumnName(builder_.bad_column()), builder_.error());
        return;
      case Outcome::kTrailing:
        Reject(line_no, "", "trailing characters after the JSON object");
        return;
      case Outcome::kJson:
        break;
    }
    const std::string_view field =
        column_ == Column::kIgnore ? std::string_view() : ColumnName(column_);
    switch (json_error_) {
      case simdjson::UTF8_ERROR:
        Reject(line_no, field, "invalid UTF-8");
        break;
      case simdjson::INCORRECT_TYPE:
      case simdjson::TAPE_ERROR:
        Reject(line_no, field, column_ == Column::kIgnore ? "record is not a JSON object"
                                                          : "invalid JSON value");
        break;
      default:
        Reject(line_no, field,
               std::string("invalid JSON: ") + simdjson::error_message(json_error_));
        break;
    }
  }

 private:
  enum class Outcome { kOk, kBadField, kTrailing, kJson };

  Outcome Json(simdjson::error_code e) {
    json_error_ = e;
    return Outcome::kJson;
  }

  Outcome TryParse(std::string_view line, size_t capacity) {
    simdjson::ondemand::document doc;
    if (auto e = parser_.iterate(line.data(), line.size(), capacity).get(doc)) return Json(e);
    simdjson::ondemand::object obj;
    if (auto e = doc.get_object().get(obj)) return Json(e);
    for (auto field_result : obj) {
      simdjson::ondemand::field field;
      if (auto e = std::move(field_result).get(field)) return Json(e);
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) return Json(e);
      const Column c = ColumnFromName(key);
      column_ = c;
      if (c == Column::kIgnore) continue;  // On-Demand skips the value
      simdjson::ondemand::value v = field.value();
      simdjson::ondemand::json_type type;
      if (auto e = v.type().get(type)) return Json(e);
      switch (type) {
        case simdjson::ondemand::json_type::null:
          break;  // optional columns stay empty; a required one is reported missing
        case simdjson::ondemand::json_type::string: {
          std::string_view sv;
          if (auto e = v.get_string().get(sv)) return Json(e);
          if (!builder_.SetText(c, sv)) return Outcome::kBadField;
          break;
        }
        case simdjson::ondemand::json_type::number: {
          simdjson::ondemand::number n;
          if (auto e = v.get_number().get(n)) return Json(e);
          if (!SetNumber(c, n)) return Outcome::kBadField;
          break;
        }
        default:
          builder_.Bad(c, "wrong type for ", ColumnName(c), " (expected a ", Expected(c));
          return Outcome::kBadField;
      }
    }
    column_ = Column::kIgnore;
    if (!doc.current_location().error()) return Outcome::kTrailing;
    return Outcome::kOk;
  }

  static std::string_view Expected(Column c) {
    switch (c) {
      case Column::kStart:
        return "string or number)";
      case Column::kDuration:
        return "number)";
      case Column::kCallId:
      case Column::kCaller:
      case Column::kCallee:
        return "string or integer)";
      default:
        return "string)";
    }
  }

  bool SetNumber(Column c, simdjson::ondemand::number n) {
    const auto kind = n.get_number_type();
    const bool is_int = kind == simdjson::ondemand::number_type::signed_integer;
    switch (c) {
      case Column::kStart:
        return is_int ? builder_.SetStartSeconds(n.get_int64())
                      : builder_.SetStartSeconds(n.as_double());
      case Column::kDuration:
        return is_int ? builder_.SetDuration(n.get_int64()) : builder_.SetDuration(n.as_double());
      case Column::kCallId:
      case Column::kCaller:
      case Column::kCallee:
        if (is_int) return builder_.SetId(c, n.get_int64());
        break;
      default:
        break;
    }
    return builder_.Bad(c, "wrong type for ", ColumnName(c), " (expected a ", Expected(c));
  }

  void Reject(uint64_t line_no, std::string_view field, std::string message) {
    lines_->Reject(line_no, field, std::move(message));
  }

  const std::function<void(const CallRecordView&)>& on_record_;
  ChunkLines* lines_;
  simdjson::ondemand::parser parser_;
  RecordBuilder builder_;
  Column column_ = Column::kIgnore;
  simdjson::error_code json_error_ = simdjson::SUCCESS;
};

}  // namespace

void ParseCallJsonlImpl(const Chunk& chunk, std::string_view file_name,
                        const std::function<void(const CallRecordView&)>& on_record,
                        std::vector<Rejection>* rejects) {
  ChunkLines lines(chunk, file_name, rejects);
  LineParser parser(on_record, &lines);
  const char* data = chunk.data.data();
  size_t size = chunk.data.size();
  size_t capacity_end = size + kChunkPadding;
  if (lines.at_input_start() && size >= 3 && std::memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
    data += 3;  // UTF-8 byte-order mark
    size -= 3;
    capacity_end -= 3;
  }
  uint64_t line_no = lines.first();
  size_t pos = 0;
  while (pos < size) {
    PrefetchInputAhead(data + pos);
    const void* nl = std::memchr(data + pos, '\n', size - pos);
    const size_t end = nl ? static_cast<size_t>(static_cast<const char*>(nl) - data) : size;
    std::string_view line(data + pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t first = 0;
    while (first < line.size() && (line[first] == ' ' || line[first] == '\t')) ++first;
    if (first < line.size()) {
      if (line.size() > kMaxLineBytes) {
        lines.Reject(line_no, "",
                     "line of " + std::to_string(line.size()) +
                         " bytes is longer than the limit of " + std::to_string(kMaxLineBytes));
      } else {
        parser.Parse(line, capacity_end - pos, line_no);
      }
    }
    pos = end + 1;
    ++line_no;
  }
  lines.Finish(line_no - lines.first());
}

}  // namespace BANTAY_CALL_JSONL_VARIANT
}  // namespace bantay::meta::internal
