// cases/migrations.cc: the versioned schema of the case store, portable between SQLite and
// PostgreSQL (TEXT, BIGINT, DOUBLE PRECISION only; ids are made by the store, not the database).
#include <string>
#include <vector>

#include "cases/sql.h"

namespace bantay::cases {

namespace {

// Migration N+1 is kMigrations[N]. Never edit an applied migration: append a new one.
const std::vector<std::string_view> kMigrations = {
    // 1: cases, leads, workflow, authorisations, recorded content, identities, users, ledger.
    R"sql(
CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL);
CREATE TABLE cases (
  id TEXT PRIMARY KEY, status TEXT NOT NULL, kind TEXT NOT NULL,
  score DOUBLE PRECISION NOT NULL, assignee TEXT NOT NULL DEFAULT '',
  country TEXT NOT NULL DEFAULT '', created_ms BIGINT NOT NULL, updated_ms BIGINT NOT NULL,
  closed_ms BIGINT NOT NULL DEFAULT 0, leads BIGINT NOT NULL DEFAULT 0);
CREATE INDEX cases_status ON cases (status, score);
CREATE INDEX cases_updated ON cases (updated_ms);
CREATE TABLE case_subjects (case_id TEXT NOT NULL REFERENCES cases(id), subject TEXT NOT NULL,
  PRIMARY KEY (case_id, subject));
CREATE INDEX case_subjects_subject ON case_subjects (subject);
CREATE TABLE case_related (case_id TEXT NOT NULL REFERENCES cases(id), subject TEXT NOT NULL,
  reason TEXT NOT NULL, PRIMARY KEY (case_id, subject));
CREATE INDEX case_related_subject ON case_related (subject);
CREATE TABLE case_links (a TEXT NOT NULL, b TEXT NOT NULL, reason TEXT NOT NULL,
  PRIMARY KEY (a, b));
CREATE TABLE leads (hash TEXT PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases(id),
  kind TEXT NOT NULL, score DOUBLE PRECISION NOT NULL, received_ms BIGINT NOT NULL,
  body TEXT);
CREATE INDEX leads_case ON leads (case_id);
CREATE TABLE notes (id BIGINT PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases(id),
  author TEXT NOT NULL, text TEXT NOT NULL, created_ms BIGINT NOT NULL);
CREATE INDEX notes_case ON notes (case_id);
CREATE TABLE authorisations (id TEXT PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases(id),
  authority TEXT NOT NULL, legal_reference TEXT NOT NULL, scope TEXT NOT NULL,
  start_ms BIGINT NOT NULL, expiry_ms BIGINT NOT NULL, granted_by TEXT NOT NULL,
  created_ms BIGINT NOT NULL, revoked_ms BIGINT NOT NULL DEFAULT 0);
CREATE INDEX authorisations_case ON authorisations (case_id);
CREATE TABLE contents (id TEXT PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases(id),
  account TEXT NOT NULL, content TEXT, sha256 TEXT NOT NULL, source_time TEXT NOT NULL,
  received_ms BIGINT NOT NULL, authorisation_id TEXT NOT NULL, deleted_ms BIGINT NOT NULL DEFAULT 0);
CREATE INDEX contents_case ON contents (case_id);
CREATE TABLE identities (pseudonym TEXT PRIMARY KEY, nonce TEXT NOT NULL,
  ciphertext TEXT NOT NULL);
CREATE TABLE users (name TEXT PRIMARY KEY, role TEXT NOT NULL, pwhash TEXT NOT NULL,
  created_ms BIGINT NOT NULL, disabled BIGINT NOT NULL DEFAULT 0);
CREATE TABLE login_attempts (who TEXT PRIMARY KEY, failures BIGINT NOT NULL,
  first_ms BIGINT NOT NULL, locked_until_ms BIGINT NOT NULL);
CREATE TABLE ledger (stream TEXT NOT NULL, seq BIGINT NOT NULL, kind TEXT NOT NULL,
  source_time TEXT NOT NULL, received_time TEXT NOT NULL, body TEXT NOT NULL,
  prev_hash TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (stream, seq));
CREATE TABLE checkpoints (stream TEXT NOT NULL, seq BIGINT NOT NULL, hash TEXT NOT NULL,
  time TEXT NOT NULL, public_key TEXT NOT NULL, signature TEXT NOT NULL,
  PRIMARY KEY (stream, seq));
)sql",
    // 2: queue orders without a sort of every case (the unfiltered queue sorted by score
    // scanned and sorted all rows: 16 requests/s at 100k cases).
    R"sql(
CREATE INDEX cases_score ON cases (score, id);
CREATE INDEX cases_created ON cases (created_ms, id);
CREATE INDEX cases_updated_id ON cases (updated_ms, id);
CREATE INDEX cases_kind ON cases (kind, score);
CREATE INDEX cases_assignee ON cases (assignee, score);
)sql",
    // 3: the undercover agent's mirrored conversations, transcript lines, operator commands
    // and dashboard counters (docs/bot-operators.md).
    R"sql(
CREATE TABLE bot_conversations (id TEXT PRIMARY KEY, network TEXT NOT NULL,
  partner TEXT NOT NULL, state TEXT NOT NULL, level BIGINT NOT NULL,
  taken_over BIGINT NOT NULL, operator_id TEXT NOT NULL, started_ms BIGINT NOT NULL,
  last_ms BIGINT NOT NULL, lines BIGINT NOT NULL);
CREATE INDEX bot_conversations_last ON bot_conversations (last_ms, id);
CREATE TABLE bot_lines (conversation_id TEXT NOT NULL, seq BIGINT NOT NULL,
  time_ms BIGINT NOT NULL, speaker TEXT NOT NULL, text TEXT NOT NULL,
  bank_entry TEXT NOT NULL, PRIMARY KEY (conversation_id, seq));
CREATE TABLE bot_commands (id BIGINT PRIMARY KEY, conversation_id TEXT NOT NULL,
  kind TEXT NOT NULL, operator_id TEXT NOT NULL, text TEXT NOT NULL,
  created_ms BIGINT NOT NULL, done_ms BIGINT NOT NULL DEFAULT 0,
  result TEXT NOT NULL DEFAULT '');
CREATE INDEX bot_commands_pending ON bot_commands (done_ms, id);
CREATE TABLE bot_counters (day TEXT NOT NULL, name TEXT NOT NULL, value BIGINT NOT NULL,
  PRIMARY KEY (day, name));
)sql",
    // 4: retention of agent conversations: when their text was erased, and the case their
    // lead went into (conversations with intent are kept as long as that case's content).
    R"sql(
ALTER TABLE bot_conversations ADD COLUMN erased_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE bot_conversations ADD COLUMN case_id TEXT NOT NULL DEFAULT '';
)sql",
    // 5: a case page reads its links from both ends (a = ? UNION b = ?); the primary key
    // serves only the first.
    R"sql(
CREATE INDEX case_links_b ON case_links (b);
)sql",
};

Result<int> CurrentVersion(SqlConn& db) {
  auto rows = db.Query("SELECT COALESCE(MAX(version), 0) FROM schema_version");
  if (!rows) return tl::unexpected(rows.error());
  return std::stoi(rows->at(0).at(0).value_or("0"));
}

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(kMigrations.size()); }

Result<int> Migrate(SqlConn& db) {
  if (auto s = db.ExecScript(
          "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT PRIMARY KEY, "
          "applied_ms BIGINT NOT NULL)");
      !s) {
    return tl::unexpected(s.error());
  }
  for (;;) {
    // Read the version inside the write transaction: two processes opening a new store at
    // once must not both apply a migration.
    if (auto s = db.Begin(); !s) return tl::unexpected(s.error());
    auto version = CurrentVersion(db);
    if (!version) {
      db.Rollback();
      return version;
    }
    if (*version >= LatestSchemaVersion()) {
      db.Rollback();
      return *version;
    }
    const int next = *version + 1;
    if (auto s = db.ExecScript(kMigrations[next - 1]); !s) {
      db.Rollback();
      return Fail(s.error().code, "schema migration " + std::to_string(next) + ": " +
                                      s.error().message);
    }
    auto ins = db.Query("INSERT INTO schema_version (version, applied_ms) VALUES (?, ?)",
                        {int64_t{next}, int64_t{0}});
    if (!ins) {
      db.Rollback();
      return tl::unexpected(ins.error());
    }
    if (auto s = db.Commit(); !s) return tl::unexpected(s.error());
  }
}

}  // namespace bantay::cases
