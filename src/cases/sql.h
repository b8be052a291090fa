// cases/sql.h: the small SQL connection interface the case store is written against, with
// one implementation per backend (SQLite, PostgreSQL). Private to the cases module.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/core.h"

namespace bantay::cases {

// A bound parameter: NULL, integer, real or text. Text is always bound, never spliced into
// SQL, so nothing a user types can change a statement.
using SqlValue = std::variant<std::nullptr_t, int64_t, double, std::string>;

// One result row: column values as text (NULL = nullopt), in SELECT order.
using SqlRow = std::vector<std::optional<std::string>>;

// A connection to one database. Statements use `?` placeholders (the PostgreSQL
// implementation renumbers them). Not thread-safe: one connection per thread.
class SqlConn {
 public:
  virtual ~SqlConn() = default;

  // "sqlite" or "postgresql".
  virtual std::string_view Dialect() const = 0;

  // Runs one statement and returns its rows (empty for statements without results).
  virtual Result<std::vector<SqlRow>> Query(std::string_view sql,
                                            const std::vector<SqlValue>& params = {}) = 0;
  // Runs a script of statements without parameters (migrations).
  virtual Status ExecScript(std::string_view sql) = 0;

  // A write transaction: on SQLite BEGIN IMMEDIATE (one writer at a time); on PostgreSQL
  // BEGIN plus a transaction-level advisory lock, so writers are serialised there too and
  // counters read inside the transaction stay correct.
  virtual Status Begin() = 0;
  // A read-only transaction: one consistent snapshot of the database, taken without the
  // writers' lock (SQLite: a deferred BEGIN in WAL mode; PostgreSQL: REPEATABLE READ, READ
  // ONLY). Ended by Commit or Rollback like a write transaction.
  virtual Status BeginRead() = 0;
  virtual Status Commit() = 0;
  virtual void Rollback() = 0;
  bool in_transaction() const { return in_transaction_; }
  // Incremented by every Begin(): names the open transaction, for caches that are valid only
  // inside one (the ledger's stream heads).
  uint64_t transaction_serial() const { return transaction_serial_; }

 protected:
  bool in_transaction_ = false;
  uint64_t transaction_serial_ = 0;
};

// Opens (and creates) an SQLite database file in WAL mode.
Result<std::unique_ptr<SqlConn>> OpenSqlite(const std::string& path);
// Connects to PostgreSQL with a libpq URI ("postgresql://user@host:port/db").
Result<std::unique_ptr<SqlConn>> OpenPostgres(const std::string& uri);

// Applies the schema migrations not yet recorded in schema_version, each in its own
// transaction. Returns the resulting schema version.
Result<int> Migrate(SqlConn& db);

// The latest schema version this build knows.
int LatestSchemaVersion();

}  // namespace bantay::cases
