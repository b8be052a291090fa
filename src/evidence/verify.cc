// evidence/verify.cc: checks records and checkpoints against their hashes and signatures.
#include <algorithm>

#include "evidence/evidence.h"
#include "evidence/internal.h"

namespace bantay::evidence {

namespace {

std::string Num(uint64_t n) { return std::to_string(n); }

}  // namespace

nlohmann::json Problem::ToJson() const {
  nlohmann::json j = nlohmann::json::object();
  if (!file.empty()) j["file"] = file;
  if (!stream.empty()) {
    j["stream"] = stream;
    j["seq"] = seq;
  }
  if (line > 0) j["line"] = line;
  j["what"] = what;
  return j;
}

nlohmann::json VerifyReport::ToJson() const {
  nlohmann::json j = {{"ok", ok},
                      {"records_checked", records_checked},
                      {"checkpoints_checked", checkpoints_checked},
                      {"streams", streams},
                      {"files_checked", files_checked},
                      {"public_key", public_key}};
  if (!ok) j["problem"] = problem.ToJson();
  return j;
}

ChainVerifier::ChainVerifier(std::string public_key_hex) : key_(std::move(public_key_hex)) {
  report_.public_key = key_;
}

void ChainVerifier::Problem(evidence::Problem p) {
  if (!report_.ok) return;
  report_.ok = false;
  report_.problem = std::move(p);
}

void ChainVerifier::LineProblem(std::string_view file, uint64_t line, std::string what) {
  Record unknown;
  unknown.stream = current_;
  unknown.seq = current_.empty() ? 0 : RecordCount(current_);
  auto [stream, seq] = Expected(unknown);
  Problem({std::string(file), std::move(stream), seq, line, std::move(what)});
}

bool ChainVerifier::RecordProblem(std::string_view stream, uint64_t seq, uint64_t line,
                                  std::string what) {
  Problem({std::string(kRecordsFile), std::string(stream), seq, line, std::move(what)});
  return false;
}

bool ChainVerifier::CheckpointProblem(const Checkpoint& c, uint64_t line, std::string what) {
  Problem({std::string(kCheckpointsFile), c.stream, c.seq, line, std::move(what)});
  return false;
}

void ChainVerifier::ExpectLayout(Layout layout) { layout_ = std::move(layout); }

std::pair<std::string, uint64_t> ChainVerifier::Expected(const Record& r) const {
  if (!layout_.empty()) {
    uint64_t pos = seen_;
    for (const auto& [stream, hashes] : layout_) {
      if (pos < hashes.size()) return {stream, pos};
      pos -= hashes.size();
    }
    return {layout_.back().first, layout_.back().second.size() + pos};
  }
  // Without a manifest: a record whose stream field differs from the stream being read,
  // without starting a new one at seq 0, is taken as belonging to the current stream (its
  // stream field was changed, or records were moved).
  std::string stream = r.stream;
  if (!current_.empty() && r.stream != current_ && r.seq != 0) stream = current_;
  return {stream, RecordCount(stream)};
}

bool ChainVerifier::AddRecord(const Record& r, uint64_t line) {
  if (!report_.ok) return false;
  // Not a structured binding: clang 14 (the fuzz/sanitizer build) cannot capture one.
  const std::pair<std::string, uint64_t> expected = Expected(r);
  const std::string& stream = expected.first;
  const uint64_t expected_seq = expected.second;
  ++seen_;
  auto bad = [&](std::string what) {
    return RecordProblem(stream, expected_seq, line, std::move(what));
  };
  if (RecordHash(r) != r.hash) {
    return bad("hash does not match the record's content (a field was changed)");
  }
  auto found = streams_.find(stream);
  const bool is_new = found == streams_.end();
  if (!is_new && found->second.closed) {
    return bad("records of the stream are not contiguous (moved or reordered)");
  }
  if (r.stream != stream) {
    return bad("record of stream '" + r.stream + "' (seq " + Num(r.seq) + ") where stream '" +
               stream + "' was expected: stream field changed, or records moved or deleted");
  }
  if (r.seq < expected_seq) {
    return bad("seq " + Num(r.seq) + " where " + Num(expected_seq) +
               " was expected: duplicated or reordered record");
  }
  if (r.seq > expected_seq) {
    return bad("record " + Num(expected_seq) + " is missing (found seq " + Num(r.seq) +
               "): deleted or reordered");
  }
  if (!layout_.empty()) {
    const auto listed = std::find_if(layout_.begin(), layout_.end(),
                                     [&](const auto& s) { return s.first == stream; });
    if (r.seq >= listed->second.size()) {
      return bad("record not listed in the signed manifest (inserted or appended)");
    }
    if (listed->second[r.seq] != r.hash) {
      return bad("hash differs from the signed manifest (record replaced or inserted)");
    }
  }
  const std::string prev = is_new ? std::string(kZeroHash) : found->second.hashes.back();
  if (r.prev_hash != prev) {
    return bad(r.seq == 0 ? "prev_hash of the first record is not 64 zeros"
                          : "prev_hash does not match the hash of record " + Num(r.seq - 1) +
                                " (record " + Num(r.seq - 1) +
                                " was changed and rehashed, or this record's prev_hash was)");
  }
  if (is_new) {
    if (!current_.empty()) streams_[current_].closed = true;
    current_ = stream;
    order_.push_back(stream);
    found = streams_.emplace(stream, StreamState{}).first;
    ++report_.streams;
  }
  StreamState& st = found->second;
  auto received = ParseRfc3339(r.received_time);
  st.hashes.push_back(r.hash);
  st.received_ms.push_back(received ? *received : kNoTime);
  st.lines.push_back(line);
  ++report_.records_checked;
  return true;
}

bool ChainVerifier::FinishRecords() {
  if (!report_.ok) return false;
  if (!current_.empty()) streams_[current_].closed = true;
  for (const auto& [name, hashes] : layout_) {
    auto it = streams_.find(name);
    const uint64_t have = it == streams_.end() ? 0 : it->second.hashes.size();
    if (have < hashes.size()) {
      return RecordProblem(name, have, 0,
                           "record " + Num(have) + " is missing: the signed manifest lists " +
                               Num(hashes.size()) + " records, the file has " + Num(have) +
                               " (deleted or truncated)");
    }
  }
  return true;
}

bool ChainVerifier::AddCheckpoint(const Checkpoint& c, uint64_t line) {
  if (!report_.ok) return false;
  if (c.public_key != key_) {
    return CheckpointProblem(c, line, "checkpoint public_key is not the bundle's key");
  }
  if (!VerifySignatureHex(key_, CheckpointStatement(c), c.signature)) {
    return CheckpointProblem(c, line, "checkpoint signature does not verify");
  }
  auto it = streams_.find(c.stream);
  if (it == streams_.end()) {
    return CheckpointProblem(c, line, "checkpoint of a stream that has no records");
  }
  StreamState& st = it->second;
  if (st.last_checkpoint && c.seq <= *st.last_checkpoint) {
    return CheckpointProblem(c, line, "checkpoints out of order or duplicated");
  }
  if (c.seq >= st.hashes.size()) {
    return RecordProblem(c.stream, st.hashes.size(), 0,
                         "record " + Num(st.hashes.size()) + " is missing: a checkpoint signs " +
                             "record " + Num(c.seq) + " (deleted or truncated)");
  }
  if (st.hashes[c.seq] != c.hash) {
    return RecordProblem(c.stream, c.seq, st.lines[c.seq],
                         "hash differs from the signed checkpoint (the record or one before it "
                         "was changed and the chain rehashed)");
  }
  auto signed_at = ParseRfc3339(c.time);
  if (!signed_at || *signed_at < st.received_ms[c.seq]) {
    return CheckpointProblem(c, line, "checkpoint time is before the record it signs was received");
  }
  st.last_checkpoint = c.seq;
  ++st.checkpoints;
  ++report_.checkpoints_checked;
  return true;
}

uint64_t ChainVerifier::RecordCount(std::string_view stream) const {
  auto it = streams_.find(stream);
  return it == streams_.end() ? 0 : it->second.hashes.size();
}

uint64_t ChainVerifier::CheckpointCount(std::string_view stream) const {
  auto it = streams_.find(stream);
  return it == streams_.end() ? 0 : it->second.checkpoints;
}

Result<VerifyReport> VerifyStream(std::span<const Record> records,
                                  std::span<const Checkpoint> checkpoints,
                                  std::string_view public_key_hex) {
  unsigned char key[32];
  if (!FromHex(public_key_hex, key, sizeof key)) {
    return Fail(ErrorCode::kInvalidArgument, "public key must be 64 lower-case hex digits");
  }
  ChainVerifier v{std::string(public_key_hex)};
  for (size_t i = 0; i < records.size(); ++i) {
    if (!v.AddRecord(records[i], i + 1)) break;
  }
  v.FinishRecords();
  for (size_t i = 0; i < checkpoints.size(); ++i) {
    if (!v.AddCheckpoint(checkpoints[i], i + 1)) break;
  }
  return v.report();
}

}  // namespace bantay::evidence
