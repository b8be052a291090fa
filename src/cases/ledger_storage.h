// cases/ledger_storage.h: evidence::LedgerStorage on the case store's tables, so ledger
// records commit in the same transaction as the case rows they describe. Private to cases.
#pragma once

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

 private:
  SqlConn* db_;
};

}  // namespace bantay::cases
