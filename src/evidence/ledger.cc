// evidence/ledger.cc: appends hash-chained records and signs checkpoints of stream heads.
#include <chrono>

#include "evidence/evidence.h"

namespace bantay::evidence {

Ledger::Ledger(LedgerStorage& storage, const Signer& signer, LedgerOptions options)
    : storage_(storage), signer_(signer), options_(std::move(options)) {}

std::string Ledger::Now() const {
  if (options_.now) return options_.now();
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return FormatRfc3339(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

Result<Record> Ledger::Append(std::string_view stream, std::string_view kind,
                              std::string_view source_time, nlohmann::json body) {
  if (stream.empty()) return Fail(ErrorCode::kInvalidArgument, "empty stream name", "stream");
  if (kind.empty()) return Fail(ErrorCode::kInvalidArgument, "empty record kind", "kind");
  if (!source_time.empty()) {
    if (auto t = ParseRfc3339(source_time); !t) {
      return Fail(ErrorCode::kInvalidArgument, "not an RFC 3339 time: " + std::string(source_time),
                  "source_time");
    }
  }
  try {
    (void)body.dump();  // strict UTF-8: a record's text is kept exactly or not at all
  } catch (const nlohmann::json::exception& e) {
    return Fail(ErrorCode::kInvalidArgument, std::string("record body: ") + e.what(), "body");
  }
  Record r;
  r.stream = std::string(stream);
  r.kind = std::string(kind);
  r.source_time = std::string(source_time);
  r.received_time = Now();
  if (auto t = ParseRfc3339(r.received_time); !t) {
    return Fail(ErrorCode::kInvalidArgument,
                "clock returned a time that is not RFC 3339: " + r.received_time, "received_time");
  }
  r.body = std::move(body);
  auto last = storage_.Last(stream);
  if (!last) return tl::unexpected(last.error());
  r.seq = *last ? (*last)->seq + 1 : 0;
  r.prev_hash = *last ? (*last)->hash : std::string(kZeroHash);
  r.hash = RecordHash(r);
  if (auto s = storage_.Put(r); !s) return tl::unexpected(s.error());
  if (options_.checkpoint_every > 0 && (r.seq + 1) % options_.checkpoint_every == 0) {
    if (auto c = Checkpoint(stream); !c) return tl::unexpected(c.error());
  }
  return r;
}

Result<Checkpoint> Ledger::Checkpoint(std::string_view stream) {
  auto last = storage_.Last(stream);
  if (!last) return tl::unexpected(last.error());
  if (!*last) {
    return Fail(ErrorCode::kNotFound, "cannot checkpoint an empty stream", std::string(stream));
  }
  const Record& head = **last;
  const std::string key = signer_.PublicKeyHex();
  auto existing = storage_.Checkpoints(stream);
  if (!existing) return tl::unexpected(existing.error());
  if (!existing->empty()) {
    const evidence::Checkpoint& prev = existing->back();
    if (prev.seq == head.seq && prev.hash == head.hash && prev.public_key == key) return prev;
  }
  evidence::Checkpoint c;
  c.stream = head.stream;
  c.seq = head.seq;
  c.hash = head.hash;
  c.time = Now();
  c.public_key = key;
  c.signature = signer_.SignHex(CheckpointStatement(c));
  if (auto s = storage_.PutCheckpoint(c); !s) return tl::unexpected(s.error());
  return c;
}

}  // namespace bantay::evidence
