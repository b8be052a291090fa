// meta/call_reader.cc: CallRecordReader: call records as CSV with a header (a hand-rolled
// RFC 4180 splitter over views into the chunk, no allocation per field) or as JSONL.
#include <cstring>

#include "core/utf8.h"
#include "meta/call_fields.h"
#include "meta/meta.h"

namespace bantay::meta {

using internal::Column;

struct CallRecordReader::Columns {
  std::vector<Column> by_index;  // column of each CSV field, kIgnore for unknown names
  uint64_t header_line = 0;      // the header's line number in the input
  char separator = ',';          // ',', ';' or a tab (internal::CsvSeparator)
};

namespace {

// The chunk's bytes, without a UTF-8 byte-order mark at the start of the input.
std::string_view Body(const Chunk& chunk, const ChunkLines& lines) {
  return lines.at_input_start() ? WithoutByteOrderMark(chunk.data) : chunk.data;
}

bool Blank(std::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t') return false;
  }
  return true;
}

std::string TooLong(size_t bytes) {
  return "line of " + std::to_string(bytes) + " bytes is longer than the limit of " +
         std::to_string(internal::kMaxLineBytes);
}

// Calls fn(line, line_no) for each line of the chunk, without its line end, until fn
// returns false. Returns the number of lines it went through.
template <class Fn>
uint64_t ForEachLine(std::string_view data, uint64_t first_line, Fn&& fn) {
  uint64_t line_no = first_line;
  size_t pos = 0;
  while (pos < data.size()) {
    PrefetchInputAhead(data.data() + pos);
    const void* nl = std::memchr(data.data() + pos, '\n', data.size() - pos);
    const size_t end =
        nl ? static_cast<size_t>(static_cast<const char*>(nl) - data.data()) : data.size();
    std::string_view line = data.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!fn(line, line_no)) return line_no - first_line + 1;
    pos = end + 1;
    ++line_no;
  }
  return line_no - first_line;
}

void ParseCsv(const CallRecordReader::Columns& cols, const Chunk& chunk, std::string_view file,
              const std::function<void(const CallRecordView&)>& on_record,
              std::vector<Rejection>* rejects) {
  internal::RecordBuilder builder;
  std::vector<std::string_view> fields;
  fields.reserve(cols.by_index.size() + 1);
  std::string scratch;
  scratch.reserve(256);
  const size_t want = cols.by_index.size();
  const Column* by_index = cols.by_index.data();
  const char* const end = chunk.data.data() + chunk.data.size() + kChunkPadding;
  ChunkLines lines(chunk, file, rejects);
  // The header is a line of the input's first chunk (CallRecordReader::Create).
  const uint64_t header_line = lines.at_input_start() ? cols.header_line : 0;
  const uint64_t count =
      ForEachLine(Body(chunk, lines), lines.first(), [&](std::string_view line, uint64_t line_no) {
        if (line.empty() || line_no == header_line) return true;
        if ((line.front() == ' ' || line.front() == '\t') && Blank(line)) return true;
        if (line.size() > internal::kMaxLineBytes) {
          lines.Reject(line_no, "", TooLong(line.size()));
          return true;
        }
        if (scratch.capacity() < line.size()) scratch.reserve(line.size());
        const char* error = nullptr;
        bool clean = false;
        const size_t readable = static_cast<size_t>(end - line.data());
        if (!internal::SplitCsvLine(line, &fields, &scratch, &error, &clean, readable,
                                    cols.separator)) {
          lines.Reject(line_no, "", error);
          return true;
        }
        if (fields.size() != want) {
          lines.Reject(line_no, "",
                       "expected " + std::to_string(want) + " fields as in the header, found " +
                           std::to_string(fields.size()));
          return true;
        }
        builder.Reset(line_no);
        bool ok = true;
        if (clean) {
          ok = builder.SetCleanTexts(by_index, fields.data(), want);
        } else {
          for (size_t i = 0; i < want && ok; ++i) ok = builder.SetText(by_index[i], fields[i]);
        }
        if (ok && builder.Finish()) {
          on_record(builder.record());
        } else {
          lines.Reject(line_no, internal::ColumnName(builder.bad_column()), builder.error());
        }
        return true;
      });
  lines.Finish(count);
}

}  // namespace

Result<CallRecordReader> CallRecordReader::Create(const Chunk& first,
                                                  std::string_view file_name) {
  CallRecordReader reader;
  reader.file_ = std::string(file_name);
  std::string_view header;
  uint64_t header_line = 0;
  // Read only: Parse reports the first chunk's lines and names its rejections.
  std::vector<Rejection> none;
  const ChunkLines lines(first, file_name, &none);
  ForEachLine(Body(first, lines), lines.first(), [&](std::string_view line, uint64_t line_no) {
    if (Blank(line)) return true;
    header = line;
    header_line = line_no;
    return false;
  });
  if (header_line == 0) {
    return Fail(ErrorCode::kParse, "no header line (expected CSV column names or a JSON object)",
                Where(file_name, lines.first()));
  }
  size_t lead = 0;
  while (lead < header.size() && (header[lead] == ' ' || header[lead] == '\t')) ++lead;
  if (header[lead] == '{') {
    reader.csv_ = false;
    return reader;
  }
  if (header.size() > internal::kMaxLineBytes) {
    return Fail(ErrorCode::kParse, TooLong(header.size()), Where(file_name, header_line));
  }
  std::vector<std::string_view> names;
  std::string scratch;
  scratch.reserve(header.size());
  const char* error = nullptr;
  const char separator = internal::CsvSeparator(header);
  if (!internal::SplitCsvLine(header, &names, &scratch, &error, nullptr, 0, separator)) {
    return Fail(ErrorCode::kParse, std::string("header: ") + error, Where(file_name, header_line));
  }
  auto cols = std::make_shared<Columns>();
  cols->header_line = header_line;
  cols->separator = separator;
  uint32_t seen = 0;
  std::string lower;
  for (std::string_view name : names) {
    lower.assign(name);
    for (char& c : lower) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
    const Column c = internal::ColumnFromName(lower);
    if (c != Column::kIgnore) {
      const uint32_t bit = 1u << static_cast<int>(c);
      if (seen & bit) {
        return Fail(ErrorCode::kParse, "duplicate column '" + lower + "' in the header",
                    Where(file_name, header_line, lower));
      }
      seen |= bit;
    }
    cols->by_index.push_back(c);
  }
  for (int i = 0; i < internal::kNumColumns; ++i) {
    if ((internal::kRequiredColumns >> i & 1) && !(seen >> i & 1)) {
      const std::string_view name = internal::ColumnName(static_cast<Column>(i));
      return Fail(ErrorCode::kParse,
                  "missing required column '" + std::string(name) +
                      "' (the first line must name the columns: call_id, start, duration_s, "
                      "caller, callee, media, ...)",
                  Where(file_name, header_line));
    }
  }
  reader.columns_ = std::move(cols);
  return reader;
}

CallRecordView::CallRecordView(const CallRecord& r)
    : call_id(r.call_id),
      start_ms(r.start_ms),
      duration_s(r.duration_s),
      caller(r.caller),
      callee(r.callee),
      media(r.media),
      caller_ip(r.caller_ip),
      callee_ip(r.callee_ip),
      caller_country(r.caller_country),
      callee_country(r.callee_country),
      caller_region(r.caller_region),
      callee_region(r.callee_region),
      line(r.line) {}

CallRecord CallRecordView::ToRecord() const {
  CallRecord r;
  r.call_id.assign(call_id);
  r.start_ms = start_ms;
  r.duration_s = duration_s;
  r.caller.assign(caller);
  r.callee.assign(callee);
  r.media = media;
  r.caller_ip.assign(caller_ip);
  r.callee_ip.assign(callee_ip);
  r.caller_country.assign(caller_country);
  r.callee_country.assign(callee_country);
  r.caller_region.assign(caller_region);
  r.callee_region.assign(callee_region);
  r.line = line;
  return r;
}

void CallRecordReader::Parse(const Chunk& chunk,
                             const std::function<void(CallRecord&&)>& on_record,
                             std::vector<Rejection>* rejects) const {
  Parse(chunk, [&](const CallRecordView& r) { on_record(r.ToRecord()); }, rejects);
}

void CallRecordReader::Parse(const Chunk& chunk,
                             const std::function<void(const CallRecordView&)>& on_record,
                             std::vector<Rejection>* rejects) const {
  if (csv_) {
    ParseCsv(*columns_, chunk, file_, on_record, rejects);
  } else {
    internal::ParseCallJsonl(chunk, file_, on_record, rejects);
  }
}

}  // namespace bantay::meta
