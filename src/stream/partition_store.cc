// stream/partition_store.cc: one input partition's half-edges and resume offset in SQLite.
#include <sqlite3.h>

#include "stream/stream.h"

namespace bantay::stream {

struct PartitionStore::Impl {
  sqlite3* db = nullptr;
  std::string path;
  sqlite3_stmt* insert = nullptr;
  sqlite3_stmt* checkpoint = nullptr;

  ~Impl() {
    sqlite3_finalize(insert);
    sqlite3_finalize(checkpoint);
    sqlite3_close(db);
  }

  tl::unexpected<Error> Err(std::string_view what) const {
    return Fail(ErrorCode::kIo, std::string(what) + ": " + sqlite3_errmsg(db), path);
  }

  Status Exec(const char* sql) {
    char* msg = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
      std::string m = msg ? msg : "sqlite error";
      sqlite3_free(msg);
      return Fail(ErrorCode::kIo, m + " (" + sql + ")", path);
    }
    return {};
  }
};

PartitionStore::~PartitionStore() = default;

Result<std::unique_ptr<PartitionStore>> PartitionStore::Open(const std::string& dir,
                                                             const std::string& topic,
                                                             int partition) {
  std::unique_ptr<PartitionStore> s(new PartitionStore());
  s->impl_ = std::make_unique<Impl>();
  Impl& m = *s->impl_;
  m.path = dir + "/" + topic + "." + std::to_string(partition) + ".sqlite";
  if (sqlite3_open_v2(m.path.c_str(), &m.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                      nullptr) != SQLITE_OK) {
    return m.Err("cannot open the partition store");
  }
  sqlite3_busy_timeout(m.db, 10000);
  // WAL with synchronous=NORMAL: a committed transaction survives the process being killed
  // (docs/stream.md); FULL would also survive power loss, at an fsync per batch.
  for (const char* sql :
       {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL",
        "CREATE TABLE IF NOT EXISTS half_edges(call_id TEXT NOT NULL, side INTEGER NOT NULL, "
        "epoch INTEGER NOT NULL, value BLOB NOT NULL, PRIMARY KEY(call_id, side))",
        "CREATE TABLE IF NOT EXISTS checkpoint(id INTEGER PRIMARY KEY CHECK(id = 0), "
        "next_offset INTEGER NOT NULL, closed_epoch INTEGER NOT NULL, "
        "scored_epoch INTEGER NOT NULL)",
        "INSERT OR IGNORE INTO checkpoint VALUES(0, -1, 0, 0)"}) {
    if (auto st = m.Exec(sql); !st) return tl::unexpected(st.error());
  }
  sqlite3_stmt* q = nullptr;
  if (sqlite3_prepare_v2(m.db, "SELECT next_offset, closed_epoch, scored_epoch FROM checkpoint",
                         -1, &q, nullptr) != SQLITE_OK ||
      sqlite3_step(q) != SQLITE_ROW) {
    sqlite3_finalize(q);
    return m.Err("cannot read the checkpoint");
  }
  s->next_offset_ = sqlite3_column_int64(q, 0);
  s->closed_epoch_ = sqlite3_column_int64(q, 1);
  s->scored_epoch_ = sqlite3_column_int64(q, 2);
  sqlite3_finalize(q);
  if (sqlite3_prepare_v2(m.db, "INSERT OR IGNORE INTO half_edges VALUES(?, ?, ?, ?)", -1,
                         &m.insert, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(m.db,
                         "UPDATE checkpoint SET next_offset = ?, closed_epoch = ?, "
                         "scored_epoch = ? WHERE id = 0",
                         -1, &m.checkpoint, nullptr) != SQLITE_OK) {
    return m.Err("cannot prepare statements");
  }
  return s;
}

Status PartitionStore::Apply(const std::vector<Entry>& entries) {
  if (entries.empty()) return {};
  Impl& m = *impl_;
  if (auto st = m.Exec("BEGIN IMMEDIATE"); !st) return st;
  int64_t closed = closed_epoch_;
  auto rollback = [&](std::string_view what) {
    auto e = m.Err(what);
    (void)m.Exec("ROLLBACK");
    return e;
  };
  for (const Entry& e : entries) {
    if (e.close) {
      closed = std::max(closed, e.close_epoch);
      continue;
    }
    if (e.call_id.empty()) continue;  // a rejected message: only the offset moves
    sqlite3_reset(m.insert);
    sqlite3_bind_text(m.insert, 1, e.call_id.data(), static_cast<int>(e.call_id.size()),
                      SQLITE_STATIC);
    sqlite3_bind_int(m.insert, 2, e.caller_side ? 1 : 0);
    sqlite3_bind_int64(m.insert, 3, closed + 1);  // the epoch still open in this partition
    sqlite3_bind_blob(m.insert, 4, e.value.data(), static_cast<int>(e.value.size()),
                      SQLITE_STATIC);
    if (sqlite3_step(m.insert) != SQLITE_DONE) return rollback("cannot store a half-edge");
  }
  sqlite3_reset(m.checkpoint);
  sqlite3_bind_int64(m.checkpoint, 1, entries.back().offset + 1);
  sqlite3_bind_int64(m.checkpoint, 2, closed);
  sqlite3_bind_int64(m.checkpoint, 3, scored_epoch_);
  if (sqlite3_step(m.checkpoint) != SQLITE_DONE) return rollback("cannot store the offset");
  if (auto st = m.Exec("COMMIT"); !st) {
    (void)m.Exec("ROLLBACK");
    return st;
  }
  next_offset_ = entries.back().offset + 1;
  closed_epoch_ = closed;
  return {};
}

Status PartitionStore::SetScored(int64_t epoch) {
  Impl& m = *impl_;
  sqlite3_reset(m.checkpoint);
  sqlite3_bind_int64(m.checkpoint, 1, next_offset_);
  sqlite3_bind_int64(m.checkpoint, 2, closed_epoch_);
  sqlite3_bind_int64(m.checkpoint, 3, epoch);
  if (sqlite3_step(m.checkpoint) != SQLITE_DONE) return m.Err("cannot store the scored epoch");
  scored_epoch_ = epoch;
  return {};
}

Status PartitionStore::ForEach(int64_t first, int64_t epoch,
                               const std::function<Status(std::string_view)>& fn) const {
  Impl& m = *impl_;
  sqlite3_stmt* q = nullptr;
  if (sqlite3_prepare_v2(m.db,
                         "SELECT value FROM half_edges WHERE epoch BETWEEN ? AND ? ORDER BY rowid",
                         -1, &q, nullptr) != SQLITE_OK) {
    return m.Err("cannot read half-edges");
  }
  sqlite3_bind_int64(q, 1, first);
  sqlite3_bind_int64(q, 2, epoch);
  Status st;
  int rc;
  while (st && (rc = sqlite3_step(q)) == SQLITE_ROW) {
    st = fn(std::string_view(static_cast<const char*>(sqlite3_column_blob(q, 0)),
                             static_cast<size_t>(sqlite3_column_bytes(q, 0))));
  }
  if (st && rc != SQLITE_DONE) st = m.Err("cannot read half-edges");
  sqlite3_finalize(q);
  return st;
}

Status PartitionStore::Prune(int64_t epoch) {
  Impl& m = *impl_;
  sqlite3_stmt* q = nullptr;
  if (sqlite3_prepare_v2(m.db, "DELETE FROM half_edges WHERE epoch < ?", -1, &q, nullptr) !=
      SQLITE_OK) {
    return m.Err("cannot prune half-edges");
  }
  sqlite3_bind_int64(q, 1, epoch);
  const int rc = sqlite3_step(q);
  sqlite3_finalize(q);
  if (rc != SQLITE_DONE) return m.Err("cannot prune half-edges");
  return {};
}

uint64_t PartitionStore::size() const {
  sqlite3_stmt* q = nullptr;
  uint64_t n = 0;
  if (sqlite3_prepare_v2(impl_->db, "SELECT count(*) FROM half_edges", -1, &q, nullptr) ==
          SQLITE_OK &&
      sqlite3_step(q) == SQLITE_ROW) {
    n = static_cast<uint64_t>(sqlite3_column_int64(q, 0));
  }
  sqlite3_finalize(q);
  return n;
}

}  // namespace bantay::stream
