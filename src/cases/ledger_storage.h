// cases/ledger_storage.h: evidence::LedgerStorage on the case store's tables, so ledger
// records commit in the same transaction as the case rows they describe. Private to cases.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "cases/sql.h"
#include "evidence/evidence.h"

namespace bantay::cases {

// Uses the store's connection: inside an open transaction records join it; outside one each
// Put is its own transaction. Thread-compatible (as the connection).
class SqlLedgerStorage final : public evidence::LedgerStorage {
 public:
  explicit SqlLedgerStorage(SqlConn* db) : db_(db) {}

  Result<std::optional<evidence::Record>> Last(std::string_view stream) override;
  Status Put(const evidence::Record& record) override;
  Result<std::vector<evidence::Record>> Read(std::string_view stream,
                                             uint64_t from_seq = 0) override;
  Status PutCheckpoint(const evidence::Checkpoint& checkpoint) override;
  Result<std::vector<evidence::Checkpoint>> Checkpoints(std::string_view stream) override;
  Result<std::vector<std::string>> Streams() override;

  // Tells the storage, inside a write transaction, that `stream` has no records yet (the
  // stream of a case this transaction created), so its first append needs no head query.
  // Were the stream not empty after all, the first record's INSERT fails (seq 0 exists).
  void NoteNewStream(std::string_view stream) {
    if (!KnownHead(stream)) RememberHead(stream, std::nullopt);
  }

 private:
  // The head of `stream` as known in the open write transaction, or nullptr when unknown
  // (no transaction open, or the stream not touched in this one). Writers are serialised
  // (SqlConn::Begin), so inside one transaction a stream's head moves only through Put:
  // Last and Put's order check then need no query (they were 2 of the 3 round trips of an
  // append). The outer optional is empty for an empty stream.
  std::optional<evidence::Record>* KnownHead(std::string_view stream);
  void RememberHead(std::string_view stream, std::optional<evidence::Record> head);

  SqlConn* db_;
  uint64_t heads_serial_ = 0;  // the transaction heads_ belongs to
  std::map<std::string, std::optional<evidence::Record>, std::less<>> heads_;
};

}  // namespace bantay::cases
