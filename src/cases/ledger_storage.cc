// cases/ledger_storage.cc: evidence::LedgerStorage on the ledger and checkpoints tables.
#include "cases/ledger_storage.h"

namespace bantay::cases {

namespace {

constexpr std::string_view kRecordColumns =
    "SELECT stream, seq, kind, source_time, received_time, body, prev_hash, hash FROM ledger ";

Result<evidence::Record> ToRecord(const SqlRow& row) {
  evidence::Record r;
  r.stream = row[0].value_or("");
  r.seq = std::stoull(row[1].value_or("0"));
  r.kind = row[2].value_or("");
  r.source_time = row[3].value_or("");
  r.received_time = row[4].value_or("");
  r.body = nlohmann::json::parse(row[5].value_or("null"), nullptr, false);
  if (r.body.is_discarded()) {
    return Fail(ErrorCode::kInternal, "ledger body is not JSON",
                r.stream + ":" + std::to_string(r.seq));
  }
  r.prev_hash = row[6].value_or("");
  r.hash = row[7].value_or("");
  return r;
}

Result<std::vector<evidence::Record>> ToRecords(Result<std::vector<SqlRow>> rows) {
  if (!rows) return tl::unexpected(rows.error());
  std::vector<evidence::Record> out;
  out.reserve(rows->size());
  for (const auto& row : *rows) {
    auto r = ToRecord(row);
    if (!r) return tl::unexpected(r.error());
    out.push_back(std::move(*r));
  }
  return out;
}

// Runs `f` in a transaction unless one is already open (then it joins it).
template <class F>
Status InTransaction(SqlConn* db, F&& f) {
  if (db->in_transaction()) return f();
  if (auto s = db->Begin(); !s) return s;
  if (auto s = f(); !s) {
    db->Rollback();
    return s;
  }
  return db->Commit();
}

}  // namespace

std::optional<evidence::Record>* SqlLedgerStorage::KnownHead(std::string_view stream) {
  if (!db_->in_transaction() || heads_serial_ != db_->transaction_serial()) return nullptr;
  auto it = heads_.find(stream);
  return it == heads_.end() ? nullptr : &it->second;
}

void SqlLedgerStorage::RememberHead(std::string_view stream,
                                    std::optional<evidence::Record> head) {
  if (!db_->in_transaction()) return;
  if (heads_serial_ != db_->transaction_serial()) {
    heads_.clear();
    heads_serial_ = db_->transaction_serial();
  }
  heads_.insert_or_assign(std::string(stream), std::move(head));
}

Result<std::optional<evidence::Record>> SqlLedgerStorage::Last(std::string_view stream) {
  if (const auto* known = KnownHead(stream)) return *known;
  auto rows = ToRecords(db_->Query(std::string(kRecordColumns) +
                                       "WHERE stream = ? ORDER BY seq DESC LIMIT 1",
                                   {std::string(stream)}));
  if (!rows) return tl::unexpected(rows.error());
  std::optional<evidence::Record> head;
  if (!rows->empty()) head = std::move(rows->front());
  RememberHead(stream, head);
  return head;
}

Status SqlLedgerStorage::Put(const evidence::Record& r) {
  return InTransaction(db_, [&]() -> Status {
    uint64_t expected = 0;
    if (const auto* known = KnownHead(r.stream)) {
      expected = *known ? (*known)->seq + 1 : 0;
    } else {
      auto last = db_->Query("SELECT MAX(seq) FROM ledger WHERE stream = ?", {r.stream});
      if (!last) return tl::unexpected(last.error());
      const auto& max = last->at(0).at(0);
      expected = max ? std::stoull(*max) + 1 : 0;
    }
    if (r.seq != expected) {
      return Fail(ErrorCode::kInvalidArgument,
                  "ledger put out of order: seq " + std::to_string(r.seq) + ", expected " +
                      std::to_string(expected),
                  r.stream);
    }
    auto ins = db_->Query(
        "INSERT INTO ledger (stream, seq, kind, source_time, received_time, body, prev_hash, "
        "hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        {r.stream, static_cast<int64_t>(r.seq), r.kind, r.source_time, r.received_time,
         r.body.dump(), r.prev_hash, r.hash});
    if (!ins) return tl::unexpected(ins.error());
    RememberHead(r.stream, r);
    return {};
  });
}

Result<std::vector<evidence::Record>> SqlLedgerStorage::Read(std::string_view stream,
                                                             uint64_t from_seq) {
  return ToRecords(db_->Query(std::string(kRecordColumns) +
                                  "WHERE stream = ? AND seq >= ? ORDER BY seq",
                              {std::string(stream), static_cast<int64_t>(from_seq)}));
}

Status SqlLedgerStorage::PutCheckpoint(const evidence::Checkpoint& c) {
  return InTransaction(db_, [&]() -> Status {
    auto ins = db_->Query(
        "INSERT INTO checkpoints (stream, seq, hash, time, public_key, signature) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        {c.stream, static_cast<int64_t>(c.seq), c.hash, c.time, c.public_key, c.signature});
    if (!ins) return tl::unexpected(ins.error());
    return {};
  });
}

Result<std::vector<evidence::Checkpoint>> SqlLedgerStorage::Checkpoints(std::string_view stream) {
  auto rows = db_->Query(
      "SELECT stream, seq, hash, time, public_key, signature FROM checkpoints WHERE stream = ? "
      "ORDER BY seq",
      {std::string(stream)});
  if (!rows) return tl::unexpected(rows.error());
  std::vector<evidence::Checkpoint> out;
  for (const auto& row : *rows) {
    evidence::Checkpoint c;
    c.stream = row[0].value_or("");
    c.seq = std::stoull(row[1].value_or("0"));
    c.hash = row[2].value_or("");
    c.time = row[3].value_or("");
    c.public_key = row[4].value_or("");
    c.signature = row[5].value_or("");
    out.push_back(std::move(c));
  }
  return out;
}

Result<std::vector<std::string>> SqlLedgerStorage::Streams() {
  auto rows = db_->Query("SELECT DISTINCT stream FROM ledger ORDER BY stream");
  if (!rows) return tl::unexpected(rows.error());
  std::vector<std::string> out;
  for (const auto& row : *rows) out.push_back(row[0].value_or(""));
  return out;
}

}  // namespace bantay::cases
