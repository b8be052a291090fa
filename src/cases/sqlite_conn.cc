// cases/sqlite_conn.cc: SqlConn over SQLite (embedded default: one file, WAL journal).
#include <sqlite3.h>

#include <map>

#include "cases/sql.h"

namespace bantay::cases {

namespace {

class SqliteConn final : public SqlConn {
 public:
  explicit SqliteConn(sqlite3* db) : db_(db) {}
  ~SqliteConn() override {
    if (in_transaction_) Rollback();
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  std::string_view Dialect() const override { return "sqlite"; }

  Result<std::vector<SqlRow>> Query(std::string_view sql,
                                    const std::vector<SqlValue>& params) override {
    // Prepared statements are cached per SQL text (the store issues a few dozen distinct
    // statements; preparing each call cost most of an ingest).
    sqlite3_stmt* stmt = nullptr;
    auto it = cache_.find(sql);
    if (it != cache_.end()) {
      stmt = it->second;
    } else {
      if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                             SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
        return Failure("prepare");
      }
      if (cache_.size() < kMaxCached) cache_.emplace(std::string(sql), stmt);
    }
    const bool cached = cache_.count(sql) > 0;
    std::unique_ptr<sqlite3_stmt, void (*)(sqlite3_stmt*)> guard(
        stmt, cached ? +[](sqlite3_stmt* s) {
          sqlite3_reset(s);
          sqlite3_clear_bindings(s);
        }
                     : +[](sqlite3_stmt* s) { sqlite3_finalize(s); });
    for (size_t i = 0; i < params.size(); ++i) {
      const int idx = static_cast<int>(i + 1);
      int rc = SQLITE_OK;
      const SqlValue& v = params[i];
      if (std::holds_alternative<std::nullptr_t>(v)) {
        rc = sqlite3_bind_null(stmt, idx);
      } else if (const auto* n = std::get_if<int64_t>(&v)) {
        rc = sqlite3_bind_int64(stmt, idx, *n);
      } else if (const auto* d = std::get_if<double>(&v)) {
        rc = sqlite3_bind_double(stmt, idx, *d);
      } else {
        const std::string& s = std::get<std::string>(v);
        rc = sqlite3_bind_text(stmt, idx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
      }
      if (rc != SQLITE_OK) return Failure("bind");
    }
    std::vector<SqlRow> rows;
    for (;;) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return Failure("step");
      const int n = sqlite3_column_count(stmt);
      SqlRow row(n);
      for (int c = 0; c < n; ++c) {
        if (sqlite3_column_type(stmt, c) == SQLITE_NULL) continue;
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
        row[c] = std::string(text, sqlite3_column_bytes(stmt, c));
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

  Status ExecScript(std::string_view sql) override {
    const std::string s(sql);
    char* msg = nullptr;
    if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
      std::string m = msg ? msg : "unknown error";
      sqlite3_free(msg);
      return Fail(ErrorCode::kIo, "sqlite: " + m);
    }
    return {};
  }

  Status Begin() override {
    if (auto s = ExecScript("BEGIN IMMEDIATE"); !s) return s;
    ++transaction_serial_;
    in_transaction_ = true;
    return {};
  }
  Status BeginRead() override {
    if (auto s = ExecScript("BEGIN"); !s) return s;
    ++transaction_serial_;
    in_transaction_ = true;
    return {};
  }
  Status Commit() override {
    auto s = ExecScript("COMMIT");
    if (!s) {
      Rollback();
      return s;
    }
    in_transaction_ = false;
    return {};
  }
  void Rollback() override {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    in_transaction_ = false;
  }

 private:
  tl::unexpected<Error> Failure(std::string_view step) {
    const int code = sqlite3_errcode(db_);
    const ErrorCode ec = code == SQLITE_CONSTRAINT ? ErrorCode::kInvalidArgument : ErrorCode::kIo;
    return Fail(ec, std::string("sqlite ") + std::string(step) + ": " + sqlite3_errmsg(db_));
  }

  static constexpr size_t kMaxCached = 256;
  sqlite3* db_;
  std::map<std::string, sqlite3_stmt*, std::less<>> cache_;
};

}  // namespace

Result<std::unique_ptr<SqlConn>> OpenSqlite(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    std::string m = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return Fail(ErrorCode::kIo, "cannot open SQLite store: " + m, path);
  }
  sqlite3_busy_timeout(db, 10000);
  auto conn = std::make_unique<SqliteConn>(db);
  // WAL: readers do not block the writer; synchronous=FULL: a committed batch survives a
  // power cut, not only a killed process (acknowledged records must never be lost).
  // secure_delete: erased text is overwritten with zeros in the file, not left in free space
  // (SAFETY.md 3: deleted material is deleted); the store truncates the log after erasures.
  if (auto s = conn->ExecScript("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                                "PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;");
      !s) {
    return Fail(s.error().code, s.error().message, path);
  }
  return std::unique_ptr<SqlConn>(std::move(conn));
}

}  // namespace bantay::cases
