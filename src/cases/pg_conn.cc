// cases/pg_conn.cc: SqlConn over PostgreSQL (libpqxx 6.4), for shared deployments.
#include <map>

#include <pqxx/pqxx>

#include "cases/sql.h"

namespace bantay::cases {

namespace {

// "?" placeholders -> "$1", "$2", ... (outside quoted literals).
std::string Renumber(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  bool quoted = false;
  for (char c : sql) {
    if (c == '\'') quoted = !quoted;
    if (c == '?' && !quoted) {
      out += '$' + std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

class PgConn final : public SqlConn {
 public:
  explicit PgConn(std::unique_ptr<pqxx::connection> conn) : conn_(std::move(conn)) {}
  ~PgConn() override {
    if (in_transaction_) Rollback();
    tx_.reset();
  }

  std::string_view Dialect() const override { return "postgresql"; }

  Result<std::vector<SqlRow>> Query(std::string_view sql,
                                    const std::vector<SqlValue>& params) override {
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (size_t i = 0; i < params.size(); ++i) {
      const SqlValue& v = params[i];
      if (std::holds_alternative<std::nullptr_t>(v)) continue;
      if (const auto* n = std::get_if<int64_t>(&v)) {
        texts[i] = std::to_string(*n);
      } else if (const auto* d = std::get_if<double>(&v)) {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.17g", *d);
        texts[i] = buf;
      } else {
        texts[i] = std::get<std::string>(v);
        if (texts[i].find('\0') != std::string::npos) {
          return Fail(ErrorCode::kInvalidArgument, "text contains a NUL character");
        }
      }
      values[i] = texts[i].c_str();
    }
    try {
      pqxx::transaction_base& tx = Tx();
      const std::string* name = Prepared(sql);
      pqxx::result r =
          name ? tx.exec_prepared(*name, pqxx::prepare::make_dynamic_params(values))
               : tx.exec_params(Renumber(sql), pqxx::prepare::make_dynamic_params(values));
      std::vector<SqlRow> rows;
      rows.reserve(r.size());
      for (const auto& row : r) {
        SqlRow out(row.size());
        for (size_t c = 0; c < row.size(); ++c) {
          if (!row[static_cast<pqxx::row::size_type>(c)].is_null()) {
            out[c] = row[static_cast<pqxx::row::size_type>(c)].c_str();
          }
        }
        rows.push_back(std::move(out));
      }
      return rows;
    } catch (const pqxx::integrity_constraint_violation& e) {
      return Fail(ErrorCode::kInvalidArgument, std::string("postgresql: ") + e.what());
    } catch (const std::exception& e) {
      return Fail(ErrorCode::kIo, std::string("postgresql: ") + e.what());
    }
  }

  Status ExecScript(std::string_view sql) override {
    try {
      Tx().exec(std::string(sql));
      return {};
    } catch (const std::exception& e) {
      return Fail(ErrorCode::kIo, std::string("postgresql: ") + e.what());
    }
  }

  Status Begin() override {
    try {
      tx_.reset();
      tx_ = std::make_unique<pqxx::work>(*conn_);
      in_transaction_ = true;
      ++transaction_serial_;
      tx_->exec("SELECT pg_advisory_xact_lock(7231001)");
      return {};
    } catch (const std::exception& e) {
      Rollback();
      return Fail(ErrorCode::kIo, std::string("postgresql: ") + e.what());
    }
  }
  Status BeginRead() override {
    try {
      tx_.reset();
      tx_ = std::make_unique<
          pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>>(*conn_);
      ++transaction_serial_;
      in_transaction_ = true;
      return {};
    } catch (const std::exception& e) {
      Rollback();
      return Fail(ErrorCode::kIo, std::string("postgresql: ") + e.what());
    }
  }
  Status Commit() override {
    try {
      tx_->commit();
      tx_.reset();
      in_transaction_ = false;
      return {};
    } catch (const std::exception& e) {
      Rollback();
      return Fail(ErrorCode::kIo, std::string("postgresql commit: ") + e.what());
    }
  }
  void Rollback() override {
    try {
      if (tx_) tx_->abort();
    } catch (const std::exception&) {
    }
    tx_.reset();
    in_transaction_ = false;
  }

 private:
  // Statements are prepared once per connection and cached per SQL text, as on SQLite: an
  // unprepared statement is parsed and planned by the server on every call (ingest runs
  // about a dozen per lead). Statements built with a variable IN list beyond the cache's
  // size run unprepared. Returns nullptr for those.
  const std::string* Prepared(std::string_view sql) {
    auto it = prepared_.find(sql);
    if (it != prepared_.end()) return &it->second;
    if (prepared_.size() >= kMaxPrepared) return nullptr;
    std::string name = "s" + std::to_string(prepared_.size());
    conn_->prepare(name, Renumber(sql));
    return &prepared_.emplace(std::string(sql), std::move(name)).first->second;
  }

  // Outside a write transaction, statements run in autocommit mode.
  pqxx::transaction_base& Tx() {
    if (!tx_) tx_ = std::make_unique<pqxx::nontransaction>(*conn_);
    return *tx_;
  }

  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<pqxx::transaction_base> tx_;
  static constexpr size_t kMaxPrepared = 256;
  std::map<std::string, std::string, std::less<>> prepared_;  // SQL text -> statement name
};

}  // namespace

Result<std::unique_ptr<SqlConn>> OpenPostgres(const std::string& uri) {
  try {
    auto conn = std::make_unique<pqxx::connection>(uri);
    auto pg = std::make_unique<PgConn>(std::move(conn));
    if (auto s = pg->ExecScript("SET client_min_messages = warning"); !s) return tl::unexpected(s.error());
    // Prepared statements keep being planned for their parameters: a generic plan, made
    // while a table was small, walked every case in creation order to find a lead's open
    // case (LIMIT 1), 1.5 ms a lead at 20,000 cases and growing. PostgreSQL 12 or later;
    // older servers keep their default.
    (void)pg->ExecScript("SET plan_cache_mode = force_custom_plan");
    return std::unique_ptr<SqlConn>(std::move(pg));
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kIo, std::string("cannot connect to PostgreSQL: ") + e.what());
  }
}

}  // namespace bantay::cases
