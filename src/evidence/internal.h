// evidence/internal.h: helpers shared by the evidence module's files. Private to the module.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "evidence/evidence.h"

namespace bantay::evidence {

std::string ToHex(const unsigned char* data, size_t size);
// Lower-case hex of exactly `size` bytes into `out`; false otherwise.
bool FromHex(std::string_view hex, unsigned char* out, size_t size);
// 64 lower-case hex digits.
bool IsHexDigest(std::string_view s);
// Calls sodium_init() once per process.
void EnsureSodium();

// Checks records one by one (then checkpoints) and keeps the first problem. Used by
// VerifyStream on spans and by VerifyBundle on the lines of a bundle's files.
class ChainVerifier {
 public:
  explicit ChainVerifier(std::string public_key_hex);

  // The streams of a signed manifest, in file order, each with its record hashes by seq.
  // When set, the n-th record must be the one the manifest lists at that position: this
  // names a record that was replaced, inserted or deleted even if the chain was rehashed.
  using Layout = std::vector<std::pair<std::string, std::vector<std::string>>>;
  void ExpectLayout(Layout layout);

  // `line` is the record's 1-based line in records.jsonl (its position for a span).
  // Returns false once a problem has been found.
  bool AddRecord(const Record& r, uint64_t line);
  bool AddCheckpoint(const Checkpoint& c, uint64_t line);
  // After the records: every stream of ExpectHashes present and complete.
  bool FinishRecords();

  // A line that could not be read as a record: named as the record expected there.
  void LineProblem(std::string_view file, uint64_t line, std::string what);
  // Marks a problem found outside (parse errors, files); keeps only the first.
  void Problem(evidence::Problem p);
  bool ok() const { return report_.ok; }
  // Number of records of `stream` seen, checkpoints of `stream` seen.
  uint64_t RecordCount(std::string_view stream) const;
  uint64_t CheckpointCount(std::string_view stream) const;
  const std::vector<std::string>& StreamOrder() const { return order_; }
  VerifyReport& report() { return report_; }

 private:
  struct StreamState {
    std::vector<std::string> hashes;   // by seq
    std::vector<int64_t> received_ms;  // by seq
    std::vector<uint64_t> lines;       // by seq
    bool closed = false;               // another stream followed it
    uint64_t checkpoints = 0;
    std::optional<uint64_t> last_checkpoint;  // seq
  };
  bool RecordProblem(std::string_view stream, uint64_t seq, uint64_t line, std::string what);
  bool CheckpointProblem(const Checkpoint& c, uint64_t line, std::string what);

  std::string key_;
  std::map<std::string, StreamState, std::less<>> streams_;
  // Where the next record should be: (stream, seq) by layout position, or by the records.
  std::pair<std::string, uint64_t> Expected(const Record& r) const;

  Layout layout_;
  uint64_t seen_ = 0;  // AddRecord calls
  std::vector<std::string> order_;
  std::string current_;
  VerifyReport report_;
};

}  // namespace bantay::evidence
