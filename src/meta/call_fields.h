// meta/call_fields.h: the call-record columns and the checks that both readers (CSV and
// JSONL) apply to their values, so that one record means the same in either format.
// Private to the meta module.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <netinet/in.h>

#include "meta/meta.h"

namespace bantay::meta::internal {

enum class Column : uint8_t {
  kCallId,
  kStart,
  kDuration,
  kCaller,
  kCallee,
  kMedia,
  kCallerIp,
  kCalleeIp,
  kCallerCountry,
  kCalleeCountry,
  kCallerRegion,
  kCalleeRegion,
  kIgnore,  // an unknown column
};
inline constexpr int kNumColumns = 12;

// Columns every record must have (ARCHITECTURE.md "Call records").
inline constexpr uint32_t kRequiredColumns =
    (1u << static_cast<int>(Column::kCallId)) | (1u << static_cast<int>(Column::kStart)) |
    (1u << static_cast<int>(Column::kDuration)) | (1u << static_cast<int>(Column::kCaller)) |
    (1u << static_cast<int>(Column::kCallee)) | (1u << static_cast<int>(Column::kMedia));

// A record line longer than this is rejected unread (call records are ~150 bytes).
inline constexpr size_t kMaxLineBytes = 1 << 20;

std::string_view ColumnName(Column c);
// The column of an exact (lower-case) name; kIgnore for a name that is not a column.
Column ColumnFromName(std::string_view name);

// Builds one call record from its fields and reports the first bad one. Reused across
// records; copies nothing: the record's texts are views of the values given, or of the
// builder's own buffers for normalised codes and numeric ids.
class RecordBuilder {
 public:
  // Starts a record: clears every field of `record()`.
  void Reset(uint64_t line);

  // Sets a column from its text (unquoted, unescaped), which must outlive the record's use.
  // Returns false when the value is bad; error() says why. kIgnore is accepted and dropped.
  bool SetText(Column c, std::string_view value);
  // SetText for each value of a CSV line that SplitCsvLine found clean (printable ASCII,
  // no spaces), stopping at the first bad one: common well-formed values are taken without
  // the general checks, anything else goes to SetText. Same outcome as SetText.
  bool SetCleanTexts(const Column* columns, const std::string_view* values, size_t n);
  // Typed setters for JSON numbers.
  bool SetStartSeconds(double seconds);
  bool SetStartSeconds(int64_t seconds);
  bool SetDuration(double seconds);
  bool SetDuration(int64_t seconds);
  bool SetId(Column c, int64_t id);  // a numeric call_id, caller or callee

  // Checks required columns and cross-field rules. false: bad_column() and error() say why.
  bool Finish();

  // Valid until the next Reset.
  const CallRecordView& record() const { return rec_; }
  Column bad_column() const { return bad_; }
  const std::string& error() const { return error_; }

  // Records that column `c` is bad, the message being the parts joined; returns false.
  // Out of line and cold, so that the setters' common path carries no string building.
  [[gnu::cold, gnu::noinline]] bool Bad(Column c, std::string_view a, std::string_view b = {},
                                        std::string_view d = {}, std::string_view e = {});

 private:
  bool SetCleanText(Column c, std::string_view value);
  bool SetStartText(std::string_view v);
  // "YYYY-MM-DDTHH:MM:SSZ" whose date is the one SetStartText last read in that form.
  bool SetStartSameDay(std::string_view v);
  bool SetDurationText(std::string_view v);
  bool SetIdText(Column c, std::string_view* out, std::string_view v);
  bool SetIp(Column c, std::string_view* out, std::string_view v);
  bool SetCountry(Column c, std::string_view* out, char* buf, std::string_view v);
  bool SetRegion(Column c, std::string_view* out, char* buf, std::string_view v);
  bool CheckSide(Column country_col, std::string_view* country, Column region_col,
                 std::string_view region);

  CallRecordView rec_;
  uint32_t present_ = 0;
  Column bad_ = Column::kIgnore;
  std::string error_;
  // Normalised (upper-case) codes and numeric ids that the record's views point into.
  char country_[2][2] = {};
  char region_[2][8] = {};
  char id_[3][24] = {};
  // The date part of the last "YYYY-MM-DDTHH:MM:SSZ" start and its UTC midnight in ms.
  uint64_t day_lo_ = 0;
  uint16_t day_hi_ = 0;
  int64_t day_ms_ = INT64_MIN;
};

// Splits one CSV line (without its line end) into fields per RFC 4180: fields in double
// quotes may hold commas and "" for a quote. Unquoted fields are trimmed of spaces and tabs.
// Views point into `line`, or into `scratch` for quoted fields with "" escapes.
// REQUIRES: scratch->capacity() >= line.size() (so that views into it stay valid).
// Returns false for a malformed quote (unterminated, or text after the closing quote) and
// sets *error. A quoted field cannot span lines: no call-record value holds a line break, and
// an unclosed quote then costs its own line only, not the rest of the input.
// `clean` (optional): set when the line has no quote and only printable ASCII but for the
// commas, no space (so no field was trimmed) and no control or non-ASCII byte.
// `readable`: bytes readable from line.data(), more than the line's own in a padded chunk.
// `sep`: the field separator (CsvSeparator of the header).
bool SplitCsvLine(std::string_view line, std::vector<std::string_view>* fields,
                  std::string* scratch, const char** error, bool* clean = nullptr,
                  size_t readable = 0, char sep = ',');

// The field separator of a CSV file from its header line: ',' when the header has a comma
// outside quotes, else ';' or a tab, whichever it has more of (exports of spreadsheets in
// many locales use ';', and TSV a tab); ',' when it has none (a single column).
char CsvSeparator(std::string_view header);

// Parses a chunk of JSONL call records (simdjson On-Demand; AVX2 kernel when the CPU has it).
void ParseCallJsonl(const Chunk& chunk, std::string_view file_name,
                    const std::function<void(const CallRecordView&)>& on_record,
                    std::vector<Rejection>* rejects);

// Whether the text is a dotted-quad IPv4 address (as inet_pton accepts it: no leading zeros).
bool IsIpv4Text(std::string_view text);
// Whether the text is an IPv4 or IPv6 address (what ParseIp accepts), cheaply for IPv4.
bool IsIpText(std::string_view text);

// Parses a textual IPv4 or IPv6 address. IPv4 is returned as IPv4-mapped IPv6
// (::ffff:a.b.c.d), as libloc stores it. False for anything else (names, ports, zones).
bool ParseIp(std::string_view text, in6_addr* out);

}  // namespace bantay::meta::internal
