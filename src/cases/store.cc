// cases/store.cc: the case store, written once against SqlConn for both backends.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>

#include "cases/cases.h"
#include "cases/crypto.h"
#include "cases/ledger_storage.h"
#include "cases/sql.h"
#include "cases/store_internal.h"

namespace bantay::cases {

namespace {

using nlohmann::json;

constexpr size_t kMaxText = 64 * 1024;   // notes, reasons, recorded messages
constexpr size_t kMaxName = 256;         // ids, user names, references
// The agent's assessment level from which a partner has shown illegal intent
// (bot::kIntentShownLevel; cases does not depend on bot).
constexpr int kBotIntentLevel = 3;

int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string FormatId(char prefix, int64_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%c-%06lld", prefix, static_cast<long long>(n));
  return buf;
}

int64_t ToInt(const std::optional<std::string>& v) { return v ? std::stoll(*v) : 0; }
double ToDouble(const std::optional<std::string>& v) { return v ? std::stod(*v) : 0; }

tl::unexpected<Error> Invalid(std::string message, std::string where = {}) {
  return Fail(ErrorCode::kInvalidArgument, std::move(message), std::move(where));
}

// A text a person typed: bounded, no NUL (PostgreSQL refuses it; SQLite must behave alike).
Status CheckText(std::string_view text, std::string_view field, size_t max, bool allow_empty) {
  if (!allow_empty && text.empty()) return Invalid(std::string(field) + " must not be empty");
  if (text.size() > max) {
    return Invalid(std::string(field) + " is longer than " + std::to_string(max) + " bytes");
  }
  if (text.find('\0') != std::string_view::npos) {
    return Invalid(std::string(field) + " must not contain NUL characters");
  }
  return {};
}

bool ValidUserName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ||
           c == '@';
  });
}

bool ValidPseudonym(std::string_view p) {
  return p.size() == 34 && (p[0] == 'p' || p[0] == 'c') && p[1] == '_' &&
         p.find_first_not_of("0123456789abcdef", 2) == std::string_view::npos;
}

// The agent conversation ids of a bot account lead ("evidence": {"source": "bot",
// "conversations": [...]}).
std::vector<std::string> BotConversationsOf(const json& body) {
  std::vector<std::string> out;
  auto ev = body.find("evidence");
  if (ev == body.end() || !ev->is_object() || ev->value("source", json()) != "bot") return out;
  auto convs = ev->find("conversations");
  if (convs == ev->end() || !convs->is_array()) return out;
  for (const auto& c : *convs) {
    if (c.is_string()) out.push_back(c.get<std::string>());
  }
  return out;
}

bool ValidCountry(std::string_view c) {
  return c.size() == 2 && std::isupper(static_cast<unsigned char>(c[0])) &&
         std::isupper(static_cast<unsigned char>(c[1]));
}

class SqlStore final : public Store {
 public:
  SqlStore(std::unique_ptr<SqlConn> db, Options options, std::string key, evidence::Signer signer,
           int schema_version)
      : db_(std::move(db)),
        options_(std::move(options)),
        key_(std::move(key)),
        signer_(std::move(signer)),
        ledger_storage_(db_.get()),
        ledger_(std::make_unique<evidence::Ledger>(
            ledger_storage_, signer_,
            evidence::LedgerOptions{options_.checkpoint_every,
                                    [this] { return FormatRfc3339(options_.now_ms()); }})),
        schema_version_(schema_version) {}

  std::string_view Backend() const override { return db_->Dialect(); }
  int SchemaVersion() const override { return schema_version_; }
  evidence::LedgerStorage& ledger_storage() override { return ledger_storage_; }

  std::string Pseudonym(std::string_view account_id) const override {
    return KeyedPseudonym(key_, "p", account_id);
  }

  // ---- Users ----------------------------------------------------------------------------

  Status Bootstrap(std::string_view name, std::string_view password) override {
    const Actor actor = Actor::System("bootstrap");
    return Tx([&]() -> Status {
      auto n = db_->Query("SELECT COUNT(*) FROM users");
      if (!n) return tl::unexpected(n.error());
      if (ToInt(n->at(0).at(0)) != 0) return Invalid("users exist already: bootstrap refused");
      if (auto s = InsertUser(name, Role::kAdmin, password); !s) return s;
      return Audit(actor, "create_user", name, "ok", {{"role", "admin"}});
    });
  }

  Status CreateUser(const Actor& actor, std::string_view name, Role role,
                    std::string_view password) override {
    if (auto r = Authorise(actor, Action::kManageUsers, name); !r) return tl::unexpected(r.error());
    if (role == Role::kSystem) return Invalid("the system role cannot be given to a user");
    return Tx([&]() -> Status {
      if (auto s = InsertUser(name, role, password); !s) return s;
      return Audit(actor, "create_user", name, "ok", {{"role", RoleName(role)}});
    });
  }

  Status SetUserDisabled(const Actor& actor, std::string_view name, bool disabled) override {
    if (auto r = Authorise(actor, Action::kManageUsers, name); !r) return tl::unexpected(r.error());
    return Tx([&]() -> Status {
      auto u = db_->Query("UPDATE users SET disabled = ? WHERE name = ? RETURNING name",
                          {int64_t{disabled}, std::string(name)});
      if (!u) return tl::unexpected(u.error());
      if (u->empty()) return Fail(ErrorCode::kNotFound, "no such user", std::string(name));
      return Audit(actor, disabled ? "disable_user" : "enable_user", name, "ok", {});
    });
  }

  Result<std::vector<UserInfo>> ListUsers(const Actor& actor) override {
    if (auto r = Authorise(actor, Action::kManageUsers, ""); !r) return tl::unexpected(r.error());
    auto rows = db_->Query("SELECT name, role, disabled FROM users ORDER BY name");
    if (!rows) return tl::unexpected(rows.error());
    std::vector<UserInfo> out;
    for (const auto& row : *rows) {
      auto role = ParseRole(row[1].value_or(""));
      out.push_back({row[0].value_or(""), role ? *role : Role::kAnalyst, ToInt(row[2]) != 0});
    }
    return out;
  }

  Result<UserInfo> GetUser(std::string_view name) override {
    auto rows = db_->Query("SELECT name, role, disabled FROM users WHERE name = ?",
                           {std::string(name)});
    if (!rows) return tl::unexpected(rows.error());
    if (rows->empty()) return Fail(ErrorCode::kNotFound, "no such user", std::string(name));
    auto role = ParseRole(rows->at(0)[1].value_or(""));
    if (!role) return tl::unexpected(role.error());
    return UserInfo{rows->at(0)[0].value_or(""), *role, ToInt(rows->at(0)[2]) != 0};
  }

  Result<UserInfo> Login(std::string_view name, std::string_view password,
                         std::string_view ip) override {
    const Actor actor{std::string(name.substr(0, kMaxName)), std::string(ip.substr(0, kMaxName))};
    const int64_t now = Now();
    std::vector<std::string> keys = {"user:" + actor.user};
    if (!ip.empty()) keys.push_back("ip:" + actor.ip);
    Result<UserInfo> result = Invalid("login refused");
    auto s = Tx([&]() -> Status {
      for (const auto& k : keys) {
        auto rows = db_->Query("SELECT locked_until_ms FROM login_attempts WHERE who = ?", {k});
        if (!rows) return tl::unexpected(rows.error());
        if (!rows->empty() && ToInt(rows->at(0)[0]) > now) {
          result = Invalid("login refused: too many failed attempts, try again later");
          return Audit(actor, "login", name, "locked", {});
        }
      }
      auto rows = db_->Query("SELECT role, pwhash, disabled FROM users WHERE name = ?",
                             {actor.user});
      if (!rows) return tl::unexpected(rows.error());
      // An unknown user costs one Argon2id check too, so timing does not tell which names exist.
      if (rows->empty() && dummy_hash_.empty()) {
        auto h = HashPassword("bantay-no-such-user", options_.pwhash_opslimit,
                              options_.pwhash_memlimit);
        if (h) dummy_hash_ = *h;
      }
      const bool known = !rows->empty();
      const bool matches = CheckPassword(known ? rows->at(0)[1].value_or("") : dummy_hash_, password);
      const bool ok = known && matches && ToInt(rows->at(0)[2]) == 0;
      if (!ok) {
        for (const auto& k : keys) {
          if (auto f = CountFailure(k, now); !f) return f;
        }
        result = Invalid("login refused: unknown user or wrong password");
        return Audit(actor, "login", name, "failed", {});
      }
      for (const auto& k : keys) {
        if (auto d = db_->Query("DELETE FROM login_attempts WHERE who = ?", {k}); !d) {
          return tl::unexpected(d.error());
        }
      }
      auto role = ParseRole(rows->at(0)[0].value_or(""));
      if (!role) return tl::unexpected(role.error());
      result = UserInfo{actor.user, *role, false};
      return Audit(actor, "login", name, "ok", {});
    });
    if (!s) return tl::unexpected(s.error());
    return result;
  }

  // ---- Ingest ---------------------------------------------------------------------------

  Result<IngestCounts> Ingest(const Actor& actor, std::span<const Lead> leads) override {
    if (auto r = Authorise(actor, Action::kIngest, ""); !r) return tl::unexpected(r.error());
    IngestCounts counts;
    auto s = Tx([&]() -> Status {
      std::set<std::string, std::less<>> stored;  // content hashes already in the store
      if (auto k = StoredLeads(leads, &stored); !k) return k;
      for (const Lead& lead : leads) {
        if (auto l = IngestOne(lead, &stored, &counts); !l) return l;
      }
      return Audit(actor, "ingest", "", "ok",
                   {{"leads", leads.size()}, {"opened", counts.ingested}, {"merged", counts.merged},
                    {"duplicate", counts.duplicate}, {"linked", counts.linked}});
    });
    if (!s) return tl::unexpected(s.error());
    return counts;
  }

  Result<std::string> RememberPseudonym(const Actor& actor,
                                        std::string_view account_id) override {
    if (auto r = Authorise(actor, Action::kIngest, ""); !r) return tl::unexpected(r.error());
    if (auto s = CheckText(account_id, "account", kMaxText, false); !s) {
      return tl::unexpected(s.error());
    }
    std::string p;
    auto s = Tx([&]() -> Status {
      Status st;
      p = RememberIdentity("p", account_id, &st);
      return st;
    });
    if (!s) return tl::unexpected(s.error());
    return p;
  }

  Result<std::string> Reidentify(const Actor& actor, std::string_view pseudonym,
                                 std::string_view reason) override {
    if (auto r = Authorise(actor, Action::kReidentify, pseudonym); !r) {
      return tl::unexpected(r.error());
    }
    if (auto s = CheckText(reason, "reason", kMaxText, false); !s) return tl::unexpected(s.error());
    std::string id;
    auto s = Tx([&]() -> Status {
      auto rows = db_->Query("SELECT nonce, ciphertext FROM identities WHERE pseudonym = ?",
                             {std::string(pseudonym)});
      if (!rows) return tl::unexpected(rows.error());
      if (rows->empty()) {
        return Fail(ErrorCode::kNotFound, "unknown pseudonym", std::string(pseudonym));
      }
      auto plain = OpenIdentity(key_, rows->at(0)[0].value_or(""), rows->at(0)[1].value_or(""));
      if (!plain) return tl::unexpected(plain.error());
      id = std::move(*plain);
      return Audit(actor, "reidentify", pseudonym, "ok", {{"reason", reason}});
    });
    if (!s) {
      AuditAlone(actor, "reidentify", pseudonym, "failed", {{"reason", reason}});
      return tl::unexpected(s.error());
    }
    return id;
  }

  // ---- Queue and detail -----------------------------------------------------------------

  Result<CasePage> ListCases(const Actor& actor, const CaseFilter& filter) override {
    if (auto r = Authorise(actor, Action::kListCases, ""); !r) return tl::unexpected(r.error());
    std::string where = " WHERE 1 = 1";
    std::vector<SqlValue> params;
    if (filter.status) {
      where += " AND status = ?";
      params.emplace_back(std::string(StatusName(*filter.status)));
    }
    if (!filter.kind.empty()) {
      where += " AND kind = ?";
      params.emplace_back(filter.kind);
    }
    if (!filter.assignee.empty()) {
      where += " AND assignee = ?";
      params.emplace_back(filter.assignee);
    }
    if (filter.min_score > 0) {
      where += " AND score >= ?";
      params.emplace_back(filter.min_score);
    }
    if (!filter.subject.empty()) {
      where += " AND id IN (SELECT case_id FROM case_subjects WHERE subject = ?)";
      params.emplace_back(filter.subject);
    }
    CasePage page;
    auto total = db_->Query("SELECT COUNT(*) FROM cases" + where, params);
    if (!total) return tl::unexpected(total.error());
    page.total = ToInt(total->at(0)[0]);
    const char* column = filter.sort == SortBy::kScore     ? "score"
                         : filter.sort == SortBy::kUpdated ? "updated_ms"
                         : filter.sort == SortBy::kCreated ? "created_ms"
                                                           : "id";
    const char* dir = filter.descending ? " DESC" : " ASC";
    params.emplace_back(std::clamp<int64_t>(filter.limit, 0, 1000));
    params.emplace_back(std::max<int64_t>(filter.offset, 0));
    auto rows = db_->Query(std::string(kSummaryColumns) + " FROM cases" + where + " ORDER BY " +
                               column + dir + ", id" + dir + " LIMIT ? OFFSET ?",
                           params);
    if (!rows) return tl::unexpected(rows.error());
    for (const auto& row : *rows) page.cases.push_back(ToSummary(row));
    if (auto s = FillSubjects(&page.cases); !s) return tl::unexpected(s.error());
    return page;
  }

  Result<CaseDetail> GetCase(const Actor& actor, std::string_view case_id) override {
    if (auto r = Authorise(actor, Action::kReadCase, case_id); !r) return tl::unexpected(r.error());
    // The case is read from one snapshot outside the writers' lock, then the read is audited;
    // nothing is returned unless the audit record committed. Reading under the lock
    // serialised every case page behind its ~9 queries (PostgreSQL: 64 pages/s).
    if (auto s = db_->BeginRead(); !s) return tl::unexpected(s.error());
    auto detail = LoadDetail(case_id);
    if (!detail) {
      db_->Rollback();
      return detail;
    }
    if (auto s = db_->Commit(); !s) return tl::unexpected(s.error());
    auto s = AuditAlone(actor, "read_case", case_id, "ok", {});
    if (!s) return tl::unexpected(s.error());
    return detail;
  }

  // ---- Workflow -------------------------------------------------------------------------

  Status SetStatus(const Actor& actor, std::string_view case_id, CaseStatus status,
                   std::string_view note) override {
    const Action action = status == CaseStatus::kReferred    ? Action::kRefer
                          : status == CaseStatus::kDismissed ? Action::kDismiss
                                                             : Action::kTriage;
    if (auto r = Authorise(actor, action, case_id); !r) return tl::unexpected(r.error());
    if (auto s = CheckText(note, "note", kMaxText, true); !s) return s;
    return Tx([&]() -> Status { return ChangeStatus(actor, case_id, status, note, false); });
  }

  Status Assign(const Actor& actor, std::string_view case_id, std::string_view assignee) override {
    if (auto r = Authorise(actor, Action::kTriage, case_id); !r) return tl::unexpected(r.error());
    return Tx([&]() -> Status {
      if (!assignee.empty()) {
        auto u = GetUser(assignee);
        if (!u) return tl::unexpected(u.error());
      }
      auto c = LoadSummary(case_id);
      if (!c) return tl::unexpected(c.error());
      auto u = db_->Query("UPDATE cases SET assignee = ?, updated_ms = ? WHERE id = ?",
                          {std::string(assignee), Now(), std::string(case_id)});
      if (!u) return tl::unexpected(u.error());
      return CaseEvent(case_id, "assign", "",
                       {{"user", actor.user}, {"from", c->assignee}, {"to", assignee}});
    });
  }

  Result<int64_t> AddNote(const Actor& actor, std::string_view case_id,
                          std::string_view text) override {
    if (auto r = Authorise(actor, Action::kAddNote, case_id); !r) return tl::unexpected(r.error());
    if (auto s = CheckText(text, "note", kMaxText, false); !s) return tl::unexpected(s.error());
    int64_t id = 0;
    auto s = Tx([&]() -> Status {
      auto n = InsertNote(actor, case_id, text);
      if (!n) return tl::unexpected(n.error());
      id = *n;
      return {};
    });
    if (!s) return tl::unexpected(s.error());
    return id;
  }

  Status SetCountry(const Actor& actor, std::string_view case_id,
                    std::string_view country) override {
    if (auto r = Authorise(actor, Action::kTriage, case_id); !r) return tl::unexpected(r.error());
    if (!ValidCountry(country)) return Invalid("country must be an ISO 3166-1 alpha-2 code");
    return Tx([&]() -> Status {
      if (auto c = LoadSummary(case_id); !c) return tl::unexpected(c.error());
      auto u = db_->Query("UPDATE cases SET country = ?, updated_ms = ? WHERE id = ?",
                          {std::string(country), Now(), std::string(case_id)});
      if (!u) return tl::unexpected(u.error());
      return CaseEvent(case_id, "country", "", {{"user", actor.user}, {"country", country}});
    });
  }

  Status CloseNoAbuse(const Actor& actor, std::string_view case_id,
                      std::string_view reason) override {
    if (auto r = Authorise(actor, Action::kDismiss, case_id); !r) return tl::unexpected(r.error());
    if (auto s = CheckText(reason, "reason", kMaxText, false); !s) return s;
    return ErasingTx([&]() -> Status {
      if (auto s = ChangeStatus(actor, case_id, CaseStatus::kDismissed, reason, true); !s) return s;
      auto rows = db_->Query(
          "SELECT id FROM contents WHERE case_id = ? AND deleted_ms = 0 ORDER BY id",
          {std::string(case_id)});
      if (!rows) return tl::unexpected(rows.error());
      for (const auto& row : *rows) {
        if (auto d = DeleteContent(actor, row[0].value_or(""), "no abuse found: " +
                                                                   std::string(reason));
            !d) {
          return d;
        }
      }
      return {};
    });
  }

  // ---- Authorisations -------------------------------------------------------------------

  Result<std::string> AddAuthorisation(const Actor& actor, const Authorisation& a) override {
    if (auto r = Authorise(actor, Action::kManageAuthorisations, a.case_id); !r) {
      return tl::unexpected(r.error());
    }
    if (auto s = CheckText(a.authority, "authority", kMaxName, false); !s) return tl::unexpected(s.error());
    if (auto s = CheckText(a.legal_reference, "legal_reference", kMaxName, false); !s) {
      return tl::unexpected(s.error());
    }
    if (a.start_ms >= a.expiry_ms) return Invalid("authorisation must start before it expires");
    if (a.scope.empty()) return Invalid("authorisation scope must name at least one account");
    for (const auto& p : a.scope) {
      if (!ValidPseudonym(p)) return Invalid("scope entries must be pseudonyms (p_...)", p);
    }
    std::string id;
    auto s = Tx([&]() -> Status {
      if (auto c = LoadSummary(a.case_id); !c) return tl::unexpected(c.error());
      auto n = NextNumber("authorisation");
      if (!n) return tl::unexpected(n.error());
      id = FormatId('A', *n);
      const json scope = a.scope;
      auto ins = db_->Query(
          "INSERT INTO authorisations (id, case_id, authority, legal_reference, scope, start_ms, "
          "expiry_ms, granted_by, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {id, a.case_id, a.authority, a.legal_reference, scope.dump(), a.start_ms, a.expiry_ms,
           actor.user, Now()});
      if (!ins) return tl::unexpected(ins.error());
      return CaseEvent(a.case_id, "authorisation", "",
                       {{"id", id},
                        {"user", actor.user},
                        {"authority", a.authority},
                        {"legal_reference", a.legal_reference},
                        {"scope", scope},
                        {"start", FormatRfc3339(a.start_ms)},
                        {"expiry", FormatRfc3339(a.expiry_ms)}});
    });
    if (!s) return tl::unexpected(s.error());
    return id;
  }

  Status RevokeAuthorisation(const Actor& actor, std::string_view authorisation_id) override {
    if (auto r = Authorise(actor, Action::kManageAuthorisations, authorisation_id); !r) {
      return tl::unexpected(r.error());
    }
    return Tx([&]() -> Status {
      auto rows = db_->Query(
          "UPDATE authorisations SET revoked_ms = ? WHERE id = ? AND revoked_ms = 0 "
          "RETURNING case_id",
          {Now(), std::string(authorisation_id)});
      if (!rows) return tl::unexpected(rows.error());
      if (rows->empty()) {
        return Fail(ErrorCode::kNotFound, "no such active authorisation",
                    std::string(authorisation_id));
      }
      return CaseEvent(rows->at(0)[0].value_or(""), "authorisation_revoked", "",
                       {{"id", authorisation_id}, {"user", actor.user}});
    });
  }

  Result<std::string> RecordContent(const Actor& actor, std::string_view case_id,
                                    std::string_view account, std::string_view content,
                                    std::string_view source_time) override {
    if (auto r = Authorise(actor, Action::kRecordContent, case_id); !r) {
      return tl::unexpected(r.error());
    }
    if (auto s = CheckText(content, "content", kMaxText, true); !s) return tl::unexpected(s.error());
    if (!source_time.empty() && !ParseRfc3339(source_time)) {
      return Invalid("source_time must be RFC 3339", "source_time");
    }
    std::string id;
    auto s = Tx([&]() -> Status {
      auto c = LoadSummary(case_id);
      if (!c) return tl::unexpected(c.error());
      if (c->status == CaseStatus::kDismissed || c->status == CaseStatus::kReferred) {
        return Invalid("case " + c->id + " is closed: recording refused");
      }
      auto auth = ActiveAuthorisation(case_id, account);
      if (!auth) return tl::unexpected(auth.error());
      if (auth->empty()) {
        return Invalid("no active authorisation covers account " + std::string(account) +
                       " in case " + std::string(case_id) + ": recording refused");
      }
      auto n = NextNumber("content");
      if (!n) return tl::unexpected(n.error());
      id = FormatId('M', *n);
      const std::string sha = evidence::Sha256Hex(content);
      auto ins = db_->Query(
          "INSERT INTO contents (id, case_id, account, content, sha256, source_time, "
          "received_ms, authorisation_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          {id, std::string(case_id), std::string(account), std::string(content), sha,
           std::string(source_time), Now(), *auth});
      if (!ins) return tl::unexpected(ins.error());
      // The ledger keeps the digest only: content that shows no abuse must be deletable.
      return CaseEvent(case_id, "message", source_time,
                       {{"content_id", id},
                        {"account", account},
                        {"sha256", sha},
                        {"bytes", content.size()},
                        {"authorisation", *auth},
                        {"user", actor.user}});
    });
    if (!s) {
      AuditAlone(actor, "record_content", case_id, "refused", {{"error", s.error().message}});
      return tl::unexpected(s.error());
    }
    return id;
  }

  Status RecordTakeover(const Actor& actor, std::string_view case_id,
                        std::string_view conversation, std::string_view reason) override {
    if (auto r = Authorise(actor, Action::kTakeover, case_id); !r) return tl::unexpected(r.error());
    if (auto s = CheckText(reason, "reason", kMaxText, false); !s) return s;
    if (auto s = CheckText(conversation, "conversation", kMaxName, false); !s) return s;
    return Tx([&]() -> Status {
      if (auto c = LoadSummary(case_id); !c) return tl::unexpected(c.error());
      const json body = {{"user", actor.user}, {"conversation", conversation}, {"reason", reason}};
      if (auto s = CaseEvent(case_id, "takeover", "", body); !s) return s;
      return Audit(actor, "takeover", case_id, "ok", body);
    });
  }

  // ---- Retention ------------------------------------------------------------------------

  Result<RetentionCounts> RunRetention(const Actor& actor, int64_t now_ms) override {
    if (auto r = Authorise(actor, Action::kRunRetention, ""); !r) return tl::unexpected(r.error());
    constexpr int64_t kDay = 86400000, kHour = 3600000;
    RetentionCounts counts;
    auto s = ErasingTx([&]() -> Status {
      auto cases = db_->Query(
          "SELECT DISTINCT c.id FROM cases c JOIN leads l ON l.case_id = c.id WHERE c.status = ? "
          "AND c.closed_ms <= ? AND l.body IS NOT NULL ORDER BY c.id",
          {std::string("dismissed"), now_ms - options_.dismissed_lead_days * kDay});
      if (!cases) return tl::unexpected(cases.error());
      for (const auto& row : *cases) {
        const std::string id = row[0].value_or("");
        auto u = db_->Query("UPDATE leads SET body = NULL WHERE case_id = ? AND body IS NOT NULL "
                            "RETURNING hash",
                            {id});
        if (!u) return tl::unexpected(u.error());
        json hashes = json::array();
        for (const auto& h : *u) hashes.push_back(h[0].value_or(""));
        counts.lead_bodies_erased += u->size();
        if (auto e = CaseEvent(id, "erasure", "",
                               {{"reason", "retention: dismissed case"}, {"leads", hashes}});
            !e) {
          return e;
        }
      }
      auto contents = db_->Query(
          "SELECT m.id FROM contents m JOIN cases c ON c.id = m.case_id WHERE m.deleted_ms = 0 "
          "AND ((c.status <> 'referred' AND m.received_ms <= ?) OR "
          "(c.status = 'referred' AND m.received_ms <= ?)) ORDER BY m.id",
          {now_ms - options_.unreferred_content_days * kDay,
           now_ms - options_.referred_content_days * kDay});
      if (!contents) return tl::unexpected(contents.error());
      for (const auto& row : *contents) {
        if (auto d = DeleteContent(actor, row[0].value_or(""), "retention period ended"); !d) {
          return d;
        }
        ++counts.contents_deleted;
      }
      // Agent conversations that never showed intent lose their text soon (SAFETY.md 3: no
      // content of conversations that are not flagged); those with intent are kept as long
      // as recorded content of their case (referred or not).
      auto convs = db_->Query(
          "SELECT b.id, b.level, COALESCE(c.status, '') FROM bot_conversations b LEFT JOIN "
          "cases c ON c.id = b.case_id WHERE b.erased_ms = 0 AND ((b.level < ? AND b.last_ms <= ?) "
          "OR (b.level >= ? AND COALESCE(c.status, '') <> 'referred' AND b.last_ms <= ?) OR "
          "(b.level >= ? AND c.status = 'referred' AND b.last_ms <= ?)) ORDER BY b.id",
          {int64_t{kBotIntentLevel}, now_ms - options_.bot_no_intent_hours * kHour,
           int64_t{kBotIntentLevel}, now_ms - options_.unreferred_content_days * kDay,
           int64_t{kBotIntentLevel}, now_ms - options_.referred_content_days * kDay});
      if (!convs) return tl::unexpected(convs.error());
      for (const auto& row : *convs) {
        const bool intent = ToInt(row[1]) >= kBotIntentLevel;
        auto n = EraseBotConversation(
            actor, row[0].value_or(""),
            intent ? "retention period ended (" + row[2].value_or("") + " case)"
                   : "retention: no intent shown within " +
                         std::to_string(options_.bot_no_intent_hours) + " h of the last line");
        if (!n) return tl::unexpected(n.error());
        ++counts.bot_conversations_erased;
        counts.bot_lines_erased += *n;
      }
      return Audit(actor, "retention", "", "ok",
                   {{"lead_bodies_erased", counts.lead_bodies_erased},
                    {"contents_deleted", counts.contents_deleted},
                    {"bot_conversations_erased", counts.bot_conversations_erased},
                    {"bot_lines_erased", counts.bot_lines_erased},
                    {"now", FormatRfc3339(now_ms)}});
    });
    if (!s) return tl::unexpected(s.error());
    return counts;
  }

  // ---- Evidence, audit, referral --------------------------------------------------------

  Result<std::pair<std::vector<evidence::Record>, std::vector<evidence::Checkpoint>>> ExportCase(
      const Actor& actor, std::string_view case_id) override {
    if (auto r = Authorise(actor, Action::kExport, case_id); !r) return tl::unexpected(r.error());
    std::pair<std::vector<evidence::Record>, std::vector<evidence::Checkpoint>> out;
    auto s = Tx([&]() -> Status {
      if (auto c = LoadSummary(case_id); !c) return tl::unexpected(c.error());
      const std::string stream = "case/" + std::string(case_id);
      if (auto c = CheckpointHead(stream); !c) return c;
      auto records = ledger_storage_.Read(stream, 0);
      if (!records) return tl::unexpected(records.error());
      auto cps = ledger_storage_.Checkpoints(stream);
      if (!cps) return tl::unexpected(cps.error());
      out = {std::move(*records), std::move(*cps)};
      return Audit(actor, "export", case_id, "ok", {{"records", out.first.size()}});
    });
    if (!s) return tl::unexpected(s.error());
    return out;
  }

  Result<evidence::BundleSummary> WriteCaseBundle(const Actor& actor, std::string_view case_id,
                                                  const std::filesystem::path& dir) override {
    auto exported = ExportCase(actor, case_id);
    if (!exported) return tl::unexpected(exported.error());
    auto summary = LoadSummary(case_id);
    if (!summary) return tl::unexpected(summary.error());
    const json info = {{"case", summary->id},
                       {"status", StatusName(summary->status)},
                       {"kind", summary->kind},
                       {"subjects", summary->subjects},
                       {"exported_by", actor.user},
                       {"exported_at", NowText()}};
    return evidence::WriteBundle(dir, exported->first, exported->second, signer_, info);
  }

  Result<std::vector<evidence::Record>> ReadAudit(const Actor& actor, uint64_t from_seq) override {
    if (auto r = Authorise(actor, Action::kReadAudit, "audit"); !r) return tl::unexpected(r.error());
    auto records = ledger_storage_.Read("audit", from_seq);
    if (!records) return records;
    if (auto s = AuditAlone(actor, "read_audit", "audit", "ok", {{"from", from_seq}}); !s) {
      return tl::unexpected(s.error());
    }
    return records;
  }

  Result<evidence::VerifyReport> VerifyLedger(const Actor& actor, std::string_view stream) override {
    if (auto r = Authorise(actor, Action::kReadAudit, stream); !r) return tl::unexpected(r.error());
    std::vector<std::string> streams;
    if (!stream.empty()) {
      streams.emplace_back(stream);
    } else {
      auto all = ledger_storage_.Streams();
      if (!all) return tl::unexpected(all.error());
      streams = std::move(*all);
    }
    evidence::VerifyReport last;
    for (const auto& s : streams) {
      auto records = ledger_storage_.Read(s, 0);
      if (!records) return tl::unexpected(records.error());
      auto cps = ledger_storage_.Checkpoints(s);
      if (!cps) return tl::unexpected(cps.error());
      auto report = evidence::VerifyStream(*records, *cps, signer_.PublicKeyHex());
      if (!report) return report;
      if (!report->ok) return report;
      last = std::move(*report);
    }
    if (auto s = AuditAlone(actor, "verify_ledger", stream, "ok", {{"streams", streams.size()}});
        !s) {
      return tl::unexpected(s.error());
    }
    return last;
  }

  Result<ReferralReport> BuildReferral(const Actor& actor, std::string_view case_id,
                                       std::span<const Agency> agencies,
                                       std::string_view identify_reason) override {
    if (auto r = Authorise(actor, Action::kRefer, case_id); !r) return tl::unexpected(r.error());
    const bool identify = !identify_reason.empty();
    if (identify) {
      if (auto r = Authorise(actor, Action::kReidentify, case_id); !r) {
        return tl::unexpected(r.error());
      }
      if (auto st = CheckText(identify_reason, "reason", kMaxText, false); !st) {
        return tl::unexpected(st.error());
      }
    }
    ReferralReport report;
    auto s = Tx([&]() -> Status {
      auto d = LoadDetail(case_id);
      if (!d) return tl::unexpected(d.error());
      ReferralIdentities ids;
      if (identify) {
        ids.reason = std::string(identify_reason);
        for (const auto& subject : d->summary.subjects) {
          auto rows = db_->Query("SELECT nonce, ciphertext FROM identities WHERE pseudonym = ?",
                                 {subject});
          if (!rows) return tl::unexpected(rows.error());
          if (rows->empty()) continue;  // not an account pseudonym (or erased): stays as it is
          auto plain =
              OpenIdentity(key_, rows->at(0)[0].value_or(""), rows->at(0)[1].value_or(""));
          if (!plain) return tl::unexpected(plain.error());
          ids.accounts.emplace(subject, std::move(*plain));
          if (auto a = Audit(actor, "reidentify", subject, "ok",
                             {{"reason", identify_reason}, {"case", case_id}, {"for", "referral"}});
              !a) {
            return a;
          }
        }
      }
      auto built = MakeReferral(*d, agencies, actor.user, NowText(), ids);
      if (!built) return tl::unexpected(built.error());
      report = std::move(*built);
      json names = json::array();
      for (const auto& a : report.agencies) names.push_back(a.agency);
      return Audit(actor, "referral", case_id, "ok",
                   {{"agencies", names}, {"identified", report.identified.size()}});
    });
    if (!s) return tl::unexpected(s.error());
    return report;
  }

  Status AuthoriseReferralExport(const Actor& actor, std::string_view case_id) override {
    for (const Action a : {Action::kExport, Action::kRefer}) {
      if (auto r = Authorise(actor, a, case_id); !r) return tl::unexpected(r.error());
    }
    return {};
  }

  // ---- Undercover agent --------------------------------------------------------------------

  Status MirrorBotConversation(const Actor& actor, BotConversation c,
                               std::span<const BotLine> lines) override {
    const BotMirror one{std::move(c), {lines.begin(), lines.end()}};
    return MirrorBotConversations(actor, std::span<const BotMirror>(&one, 1));
  }

  Status MirrorBotConversations(const Actor& actor, std::span<const BotMirror> batch) override {
    if (auto r = Authorise(actor, Action::kIngest, "bot"); !r) return tl::unexpected(r.error());
    for (const BotMirror& m : batch) {
      if (auto s = CheckText(m.conversation.id, "conversation", kMaxName, false); !s) return s;
      if (auto s = CheckText(m.conversation.partner, "partner", kMaxName, false); !s) return s;
      for (const BotLine& l : m.lines) {
        if (auto s = CheckText(l.text, "text", kMaxText, true); !s) return s;
        if (auto s = CheckText(l.speaker, "speaker", kMaxName, false); !s) return s;
      }
    }
    return Tx([&]() -> Status {
      for (const BotMirror& m : batch) {
        const BotConversation& c = m.conversation;
        Status st;
        const std::string partner = RememberIdentity("p", c.network + "/" + c.partner, &st);
        if (!st) return st;
        auto up = db_->Query(
            "INSERT INTO bot_conversations (id, network, partner, state, level, taken_over, "
            "operator_id, started_ms, last_ms, lines) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET state = excluded.state, level = excluded.level, "
            "taken_over = excluded.taken_over, operator_id = excluded.operator_id, "
            "last_ms = excluded.last_ms, lines = excluded.lines",
            {c.id, c.network, partner, c.state, int64_t{c.level}, int64_t{c.taken_over},
             c.operator_id, c.started_ms, c.last_ms, c.lines});
        if (!up) return tl::unexpected(up.error());
        for (const BotLine& l : m.lines) {
          auto ins = db_->Query(
              "INSERT INTO bot_lines (conversation_id, seq, time_ms, speaker, text, bank_entry) "
              "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (conversation_id, seq) DO NOTHING",
              {c.id, l.seq, l.time_ms, l.speaker, l.text, l.bank_entry});
          if (!ins) return tl::unexpected(ins.error());
        }
      }
      return {};
    });
  }

  Status SetBotCounters(const Actor& actor, std::span<const BotCounter> counters) override {
    if (auto r = Authorise(actor, Action::kIngest, "bot_counters"); !r) return tl::unexpected(r.error());
    return Tx([&]() -> Status {
      for (const BotCounter& k : counters) {
        if (auto s = CheckText(k.name, "counter", kMaxName, false); !s) return s;
        auto up = db_->Query(
            "INSERT INTO bot_counters (day, name, value) VALUES (?, ?, ?) "
            "ON CONFLICT (day, name) DO UPDATE SET value = excluded.value",
            {k.day, k.name, k.value});
        if (!up) return tl::unexpected(up.error());
      }
      return {};
    });
  }

  Result<std::vector<std::string>> BotConversationIds(const Actor& actor) override {
    if (auto r = Authorise(actor, Action::kIngest, "bot"); !r) return tl::unexpected(r.error());
    auto rows = db_->Query("SELECT id FROM bot_conversations");
    if (!rows) return tl::unexpected(rows.error());
    std::vector<std::string> out;
    out.reserve(rows->size());
    for (const auto& row : *rows) out.push_back(row.at(0).value_or(""));
    return out;
  }

  Result<std::vector<BotConversation>> ListBotConversations(const Actor& actor,
                                                            int64_t limit) override {
    if (auto r = Authorise(actor, Action::kListCases, "bot"); !r) return tl::unexpected(r.error());
    auto rows = db_->Query(
        "SELECT id, network, partner, state, level, taken_over, operator_id, started_ms, "
        "last_ms, lines, erased_ms FROM bot_conversations ORDER BY last_ms DESC, id LIMIT ?",
        {std::clamp<int64_t>(limit, 1, 1000)});
    if (!rows) return tl::unexpected(rows.error());
    std::vector<BotConversation> out;
    for (const SqlRow& r : *rows) {
      out.push_back({r[0].value_or(""), r[1].value_or(""), r[2].value_or(""), r[3].value_or(""),
                     static_cast<int>(ToInt(r[4])), ToInt(r[5]) != 0, r[6].value_or(""),
                     ToInt(r[7]), ToInt(r[8]), ToInt(r[9]), ToInt(r[10])});
    }
    return out;
  }

  Result<std::vector<BotLine>> ReadBotTranscript(const Actor& actor, std::string_view id,
                                                 int64_t after_seq) override {
    if (auto r = Authorise(actor, Action::kReadCase, id); !r) return tl::unexpected(r.error());
    auto exists = db_->Query("SELECT 1 FROM bot_conversations WHERE id = ?", {std::string(id)});
    if (!exists) return tl::unexpected(exists.error());
    if (exists->empty()) return Fail(ErrorCode::kNotFound, "no such conversation", std::string(id));
    auto rows = db_->Query(
        "SELECT seq, time_ms, speaker, text, bank_entry FROM bot_lines "
        "WHERE conversation_id = ? AND seq > ? ORDER BY seq",
        {std::string(id), after_seq});
    if (!rows) return tl::unexpected(rows.error());
    // Opening a transcript is audited; the console's follow-up polls for new lines are not.
    if (after_seq < 0) {
      if (auto s = AuditAlone(actor, "bot_read", id, "ok", {{"lines", rows->size()}}); !s) {
        return tl::unexpected(s.error());
      }
    }
    std::vector<BotLine> out;
    for (const SqlRow& r : *rows) {
      out.push_back({ToInt(r[0]), ToInt(r[1]), r[2].value_or(""), r[3].value_or(""), r[4].value_or("")});
    }
    return out;
  }

  Result<std::vector<BotCounter>> ListBotCounters(const Actor& actor) override {
    if (auto r = Authorise(actor, Action::kListCases, "bot_counters"); !r) return tl::unexpected(r.error());
    auto rows = db_->Query("SELECT day, name, value FROM bot_counters ORDER BY day, name");
    if (!rows) return tl::unexpected(rows.error());
    std::vector<BotCounter> out;
    for (const SqlRow& r : *rows) out.push_back({r[0].value_or(""), r[1].value_or(""), ToInt(r[2])});
    return out;
  }

  Result<int64_t> AddBotCommand(const Actor& actor, std::string_view id, std::string_view kind,
                                std::string_view text) override {
    if (auto r = Authorise(actor, Action::kTakeover, id); !r) return tl::unexpected(r.error());
    if (kind != "takeover" && kind != "say" && kind != "handback" && kind != "end") {
      return Invalid("command must be takeover, say, handback or end", "kind");
    }
    if (auto s = CheckText(text, "text", kMaxText, kind != "say"); !s) return tl::unexpected(s.error());
    if (kind != "say" && !text.empty()) return Invalid("only say takes text", "text");
    int64_t number = 0;
    auto s = Tx([&]() -> Status {
      auto exists = db_->Query("SELECT 1 FROM bot_conversations WHERE id = ?", {std::string(id)});
      if (!exists) return tl::unexpected(exists.error());
      if (exists->empty()) return Fail(ErrorCode::kNotFound, "no such conversation", std::string(id));
      auto n = NextNumber("bot_command");
      if (!n) return tl::unexpected(n.error());
      number = *n;
      auto ins = db_->Query(
          "INSERT INTO bot_commands (id, conversation_id, kind, operator_id, text, created_ms) "
          "VALUES (?, ?, ?, ?, ?, ?)",
          {number, std::string(id), std::string(kind), actor.user, std::string(text), Now()});
      if (!ins) return tl::unexpected(ins.error());
      return Audit(actor, "bot_" + std::string(kind), id, "ok",
                   {{"command", number}, {"bytes", text.size()}});
    });
    if (!s) return tl::unexpected(s.error());
    return number;
  }

  Result<std::vector<BotCommand>> PendingBotCommands(const Actor& actor) override {
    if (auto r = Authorise(actor, Action::kIngest, "bot_commands"); !r) return tl::unexpected(r.error());
    return QueryBotCommands("WHERE done_ms = 0 ORDER BY id", {});
  }

  Status CompleteBotCommand(const Actor& actor, int64_t command_id,
                            std::string_view result) override {
    if (auto r = Authorise(actor, Action::kIngest, "bot_commands"); !r) return tl::unexpected(r.error());
    if (auto s = CheckText(result, "result", kMaxText, false); !s) return s;
    auto up = db_->Query("UPDATE bot_commands SET done_ms = ?, result = ? WHERE id = ? AND done_ms = 0",
                         {Now(), std::string(result), command_id});
    if (!up) return tl::unexpected(up.error());
    return {};
  }

  Result<BotCommand> GetBotCommand(const Actor& actor, int64_t command_id) override {
    if (auto r = Authorise(actor, Action::kListCases, "bot_commands"); !r) return tl::unexpected(r.error());
    auto found = QueryBotCommands("WHERE id = ?", {command_id});
    if (!found) return tl::unexpected(found.error());
    if (found->empty()) return Fail(ErrorCode::kNotFound, "no such command", std::to_string(command_id));
    return found->front();
  }

 private:
  static constexpr std::string_view kSummaryColumns =
      "SELECT id, status, kind, score, assignee, country, created_ms, updated_ms, leads";

  Result<std::vector<BotCommand>> QueryBotCommands(std::string_view where,
                                                   const std::vector<SqlValue>& params) {
    auto rows = db_->Query("SELECT id, conversation_id, kind, operator_id, text, created_ms, "
                           "done_ms, result FROM bot_commands " + std::string(where), params);
    if (!rows) return tl::unexpected(rows.error());
    std::vector<BotCommand> out;
    for (const SqlRow& r : *rows) {
      out.push_back({ToInt(r[0]), r[1].value_or(""), r[2].value_or(""), r[3].value_or(""),
                     r[4].value_or(""), ToInt(r[5]), ToInt(r[6]), r[7].value_or("")});
    }
    return out;
  }

  int64_t Now() const { return options_.now_ms(); }
  std::string NowText() const { return FormatRfc3339(Now()); }

  template <class F>
  Status Tx(F&& f) {
    if (auto s = db_->Begin(); !s) return s;
    Status s = f();
    if (s) s = WriteCounters();
    if (!s) {
      db_->Rollback();
      return s;
    }
    return db_->Commit();
  }

  // A transaction that erases text. With SQLite, once it commits the write-ahead log (which
  // still holds the pages as they were) is checkpointed and truncated, so that the text is
  // gone from the files (secure_delete zeroes it in the database itself). Best effort: a
  // reader holding an old snapshot keeps the log until it ends; the next erasure retries.
  // PostgreSQL keeps dead row versions until vacuum (docs/cases.md).
  template <class F>
  Status ErasingTx(F&& f) {
    Status s = Tx(std::forward<F>(f));
    if (s && db_->Dialect() == "sqlite") {
      if (auto c = db_->ExecScript("PRAGMA wal_checkpoint(TRUNCATE);"); !c) return c;
    }
    return s;
  }

  // The one place permissions are checked. A refusal is audited in its own transaction.
  Result<Role> Authorise(const Actor& actor, Action action, std::string_view target) {
    Result<Role> role = Invalid("unknown user");
    if (actor.user.rfind("system:", 0) == 0) {
      role = Role::kSystem;
    } else if (auto u = GetUser(actor.user); u && !u->disabled) {
      role = u->role;
    } else if (u) {
      role = Invalid("user is disabled");
    }
    if (role && Allowed(*role, action)) return role;
    const std::string why = role ? "role " + std::string(RoleName(*role)) + " may not " +
                                       std::string(ActionName(action))
                                 : role.error().message;
    AuditAlone(actor, ActionName(action), target, "denied", {{"why", why}});
    return Fail(ErrorCode::kPermissionDenied, std::string(kPermissionDenied) + ": " + why,
                actor.user);
  }

  Status Audit(const Actor& actor, std::string_view action, std::string_view target,
               std::string_view outcome, json detail) {
    json body = {{"user", actor.user},  {"ip", actor.ip},         {"action", action},
                 {"target", target},    {"outcome", outcome},     {"detail", std::move(detail)}};
    auto r = ledger_->Append("audit", "audit", "", std::move(body));
    if (!r) return tl::unexpected(r.error());
    return {};
  }
  Status AuditAlone(const Actor& actor, std::string_view action, std::string_view target,
                    std::string_view outcome, json detail) {
    return Tx([&]() -> Status { return Audit(actor, action, target, outcome, std::move(detail)); });
  }

  Status CaseEvent(std::string_view case_id, std::string_view kind, std::string_view source_time,
                   json body) {
    auto r = ledger_->Append("case/" + std::string(case_id), kind, source_time, std::move(body));
    if (!r) return tl::unexpected(r.error());
    return {};
  }

  Status CheckpointHead(const std::string& stream) {
    auto last = ledger_storage_.Last(stream);
    if (!last) return tl::unexpected(last.error());
    if (!*last) return {};
    auto cps = ledger_storage_.Checkpoints(stream);
    if (!cps) return tl::unexpected(cps.error());
    if (!cps->empty() && cps->back().seq == (*last)->seq) return {};
    auto c = ledger_->Checkpoint(stream);
    if (!c) return tl::unexpected(c.error());
    return {};
  }

  // Inside a write transaction (Tx), a counter's first number is taken from the table and
  // the following ones are counted here; Tx writes the last one back before it commits (an
  // ingest batch opening 500 cases did 500 UPDATEs of the "case" counter, now 2).
  Result<int64_t> NextNumber(std::string_view counter) {
    if (db_->in_transaction()) {
      if (counters_serial_ != db_->transaction_serial()) {
        counters_.clear();
        counters_serial_ = db_->transaction_serial();
      }
      auto it = counters_.find(counter);
      if (it != counters_.end()) {
        it->second.unwritten = true;
        return ++it->second.value;
      }
    }
    int64_t value = 1;
    auto rows = db_->Query("UPDATE counters SET value = value + 1 WHERE name = ? RETURNING value",
                           {std::string(counter)});
    if (!rows) return tl::unexpected(rows.error());
    if (!rows->empty()) {
      value = ToInt(rows->at(0)[0]);
    } else {
      auto ins =
          db_->Query("INSERT INTO counters (name, value) VALUES (?, 1)", {std::string(counter)});
      if (!ins) return tl::unexpected(ins.error());
    }
    if (db_->in_transaction()) counters_.emplace(std::string(counter), TxCounter{value, false});
    return value;
  }

  // Writes back the counters NextNumber counted in the open transaction.
  Status WriteCounters() {
    if (counters_serial_ != db_->transaction_serial()) return {};
    for (auto& [name, c] : counters_) {
      if (!c.unwritten) continue;
      auto up = db_->Query("UPDATE counters SET value = ? WHERE name = ?", {c.value, name});
      if (!up) return tl::unexpected(up.error());
      c.unwritten = false;
    }
    return {};
  }

  Status InsertUser(std::string_view name, Role role, std::string_view password) {
    if (!ValidUserName(name)) {
      return Invalid("user names are 1-64 letters, digits, '.', '_', '-' or '@'", std::string(name));
    }
    if (password.size() < 8 || password.size() > 1024) {
      return Invalid("passwords must have 8 to 1024 bytes");
    }
    auto hash = HashPassword(password, options_.pwhash_opslimit, options_.pwhash_memlimit);
    if (!hash) return tl::unexpected(hash.error());
    auto exists = GetUser(name);
    if (exists) return Invalid("user exists already", std::string(name));
    auto ins = db_->Query("INSERT INTO users (name, role, pwhash, created_ms) VALUES (?, ?, ?, ?)",
                          {std::string(name), std::string(RoleName(role)), *hash, Now()});
    if (!ins) return tl::unexpected(ins.error());
    return {};
  }

  Status CountFailure(const std::string& key, int64_t now) {
    auto rows = db_->Query("SELECT failures, first_ms FROM login_attempts WHERE who = ?", {key});
    if (!rows) return tl::unexpected(rows.error());
    int64_t failures = 1, first = now;
    if (!rows->empty() && ToInt(rows->at(0)[1]) + options_.login_window_s * 1000LL > now) {
      failures = ToInt(rows->at(0)[0]) + 1;
      first = ToInt(rows->at(0)[1]);
    }
    const int64_t locked = failures >= options_.max_failed_logins
                               ? now + options_.lockout_s * 1000LL
                               : 0;
    auto up = db_->Query(
        "INSERT INTO login_attempts (who, failures, first_ms, locked_until_ms) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (who) DO UPDATE SET failures = excluded.failures, first_ms = "
        "excluded.first_ms, locked_until_ms = excluded.locked_until_ms",
        {key, failures, first, locked});
    if (!up) return tl::unexpected(up.error());
    return {};
  }

  // -- Ingest internals --

  // A subject key and, for accounts, the id to keep in the identity table.
  // One statement, not a look-up and then an insert: a known pseudonym keeps its first
  // sealed identity (sealing again is a few microseconds, a round trip to PostgreSQL more).
  std::string RememberIdentity(std::string_view prefix, std::string_view id, Status* status) {
    std::string p = KeyedPseudonym(key_, prefix, id);
    std::string nonce, cipher;
    SealIdentity(key_, id, &nonce, &cipher);
    auto ins = db_->Query(
        "INSERT INTO identities (pseudonym, nonce, ciphertext) VALUES (?, ?, ?) "
        "ON CONFLICT (pseudonym) DO NOTHING",
        {p, nonce, cipher});
    if (!ins) *status = tl::unexpected(ins.error());
    return p;
  }

  // Adds to `stored` the content hashes of `leads` that the store holds already: one query
  // per kStoredChunk leads instead of one per lead. The IN list is padded to its full length
  // by repeating a hash, so that every chunk is the same (prepared) statement.
  Status StoredLeads(std::span<const Lead> leads, std::set<std::string, std::less<>>* stored) {
    constexpr size_t kStoredChunk = 100;
    std::string sql = "SELECT hash FROM leads WHERE hash IN (";
    for (size_t i = 0; i < kStoredChunk; ++i) sql += i ? ", ?" : "?";
    sql += ")";
    std::vector<SqlValue> params;
    for (size_t start = 0; start < leads.size(); start += kStoredChunk) {
      params.clear();
      for (size_t i = 0; i < kStoredChunk; ++i) {
        params.emplace_back(leads[std::min(start + i, leads.size() - 1)].content_hash);
      }
      auto rows = db_->Query(sql, params);
      if (!rows) return tl::unexpected(rows.error());
      for (const auto& row : *rows) stored->insert(row[0].value_or(""));
    }
    return {};
  }

  // REQUIRES: `stored` holds every content hash in the store that this batch names
  // (StoredLeads), and gets this lead's, so a lead repeated within the batch is a duplicate.
  Status IngestOne(const Lead& lead, std::set<std::string, std::less<>>* stored,
                   IngestCounts* counts) {
    if (!stored->insert(lead.content_hash).second) {
      ++counts->duplicate;
      return {};
    }
    Status st;
    std::map<std::string, std::string> pseud;  // account id -> pseudonym
    auto pseudonym = [&](const std::string& id) {
      auto it = pseud.find(id);
      if (it != pseud.end()) return it->second;
      return pseud[id] = RememberIdentity("p", id, &st);
    };
    std::vector<std::string> keys;
    for (const auto& s : lead.subjects) keys.push_back(pseudonym(s));
    if (!lead.conversation.empty()) keys.push_back(RememberIdentity("c", lead.conversation, &st));
    if (!st) return st;
    // The lead as stored: every account id replaced by its pseudonym.
    json body = lead.body;
    PseudonymiseBody(lead.kind, &body, [&](const std::string& id) { return pseudonym(id); });
    if (body.contains("conversation") && !lead.conversation.empty()) {
      body["conversation"] = keys.back();
    }
    if (!st) return st;

    std::string case_id;
    if (!keys.empty()) {
      std::string sql =
          "SELECT c.id FROM case_subjects s JOIN cases c ON c.id = s.case_id WHERE c.status NOT IN "
          "('referred', 'dismissed') AND s.subject IN (";
      std::vector<SqlValue> params;
      for (size_t i = 0; i < keys.size(); ++i) {
        sql += i ? ", ?" : "?";
        params.emplace_back(keys[i]);
      }
      sql += ") ORDER BY c.created_ms, c.id LIMIT 1";
      auto rows = db_->Query(sql, params);
      if (!rows) return tl::unexpected(rows.error());
      if (!rows->empty()) case_id = rows->at(0)[0].value_or("");
    }
    const std::string kind(LeadKindName(lead.kind));
    const int64_t now = Now();
    if (case_id.empty()) {
      auto n = NextNumber("case");
      if (!n) return tl::unexpected(n.error());
      case_id = FormatId('C', *n);
      auto ins = db_->Query(
          "INSERT INTO cases (id, status, kind, score, country, created_ms, updated_ms, leads) "
          "VALUES (?, 'new', ?, ?, ?, ?, ?, 1)",
          {case_id, kind, lead.score, lead.country, now, now});
      if (!ins) return tl::unexpected(ins.error());
      ++counts->ingested;
      ledger_storage_.NoteNewStream("case/" + case_id);
      if (auto e = CaseEvent(case_id, "opened", "", {{"kind", kind}}); !e) return e;
    } else {
      auto up = db_->Query(
          "UPDATE cases SET score = CASE WHEN score < ? THEN ? ELSE score END, kind = CASE WHEN "
          "kind = ? THEN kind ELSE 'mixed' END, country = CASE WHEN country = '' THEN ? ELSE "
          "country END, updated_ms = ?, leads = leads + 1 WHERE id = ?",
          {lead.score, lead.score, kind, lead.country, now, case_id});
      if (!up) return tl::unexpected(up.error());
      ++counts->merged;
    }
    for (const auto& k : keys) {
      auto ins = db_->Query(
          "INSERT INTO case_subjects (case_id, subject) VALUES (?, ?) ON CONFLICT DO NOTHING",
          {case_id, k});
      if (!ins) return tl::unexpected(ins.error());
    }
    auto ins = db_->Query(
        "INSERT INTO leads (hash, case_id, kind, score, received_ms, body) VALUES (?, ?, ?, ?, ?, ?)",
        {lead.content_hash, case_id, kind, lead.score, now, body.dump()});
    if (!ins) return tl::unexpected(ins.error());
    // The agent's conversations behind a bot lead are kept under this case's retention.
    for (const std::string& conversation : BotConversationsOf(body)) {
      auto up = db_->Query(
          "UPDATE bot_conversations SET case_id = ? WHERE id = ? AND case_id = ''",
          {case_id, conversation});
      if (!up) return tl::unexpected(up.error());
    }
    if (auto e = CaseEvent(case_id, "lead", lead.source_time,
                           {{"content_hash", lead.content_hash},
                            {"kind", kind},
                            {"score", lead.score},
                            {"flagged", lead.flagged},
                            {"lead", body}});
        !e) {
      return e;
    }
    // Links: cases whose subjects this lead names as related, and cases that named this
    // lead's subjects as related before.
    for (const auto& [account, reason] : lead.related) {
      const std::string p = pseudonym(account);
      if (!st) return st;
      auto rel = db_->Query(
          "INSERT INTO case_related (case_id, subject, reason) VALUES (?, ?, ?) "
          "ON CONFLICT DO NOTHING",
          {case_id, p, reason});
      if (!rel) return tl::unexpected(rel.error());
      auto others = db_->Query("SELECT case_id FROM case_subjects WHERE subject = ? AND case_id <> ?",
                               {p, case_id});
      if (!others) return tl::unexpected(others.error());
      for (const auto& o : *others) {
        if (auto l = Link(case_id, o[0].value_or(""), reason, counts); !l) return l;
      }
    }
    for (const auto& k : keys) {
      auto others = db_->Query(
          "SELECT case_id, reason FROM case_related WHERE subject = ? AND case_id <> ?",
          {k, case_id});
      if (!others) return tl::unexpected(others.error());
      for (const auto& o : *others) {
        if (auto l = Link(case_id, o[0].value_or(""), o[1].value_or(""), counts); !l) return l;
      }
    }
    return {};
  }

  Status Link(const std::string& a, const std::string& b, const std::string& reason,
              IngestCounts* counts) {
    const std::string& lo = std::min(a, b);
    const std::string& hi = std::max(a, b);
    auto rows = db_->Query(
        "INSERT INTO case_links (a, b, reason) VALUES (?, ?, ?) ON CONFLICT DO NOTHING RETURNING a",
        {lo, hi, reason});
    if (!rows) return tl::unexpected(rows.error());
    if (rows->empty()) return {};
    ++counts->linked;
    if (auto e = CaseEvent(a, "link", "", {{"case", b}, {"reason", reason}}); !e) return e;
    return CaseEvent(b, "link", "", {{"case", a}, {"reason", reason}});
  }

  // -- Workflow internals --

  Status ChangeStatus(const Actor& actor, std::string_view case_id, CaseStatus to,
                      std::string_view note, bool any_open_state) {
    auto c = LoadSummary(case_id);
    if (!c) return tl::unexpected(c.error());
    const bool open = c->status != CaseStatus::kReferred && c->status != CaseStatus::kDismissed;
    if (!(TransitionAllowed(c->status, to) || (any_open_state && open))) {
      return Invalid("transition " + std::string(StatusName(c->status)) + " -> " +
                         std::string(StatusName(to)) + " is not allowed",
                     std::string(case_id));
    }
    const bool closing = to == CaseStatus::kReferred || to == CaseStatus::kDismissed;
    auto up = db_->Query("UPDATE cases SET status = ?, updated_ms = ?, closed_ms = ? WHERE id = ?",
                         {std::string(StatusName(to)), Now(), closing ? Now() : int64_t{0},
                          std::string(case_id)});
    if (!up) return tl::unexpected(up.error());
    if (auto e = CaseEvent(case_id, "status", "",
                           {{"user", actor.user},
                            {"from", StatusName(c->status)},
                            {"to", StatusName(to)},
                            {"note", note}});
        !e) {
      return e;
    }
    if (!note.empty()) {
      if (auto n = InsertNote(actor, case_id, note); !n) return tl::unexpected(n.error());
    }
    return {};
  }

  Result<int64_t> InsertNote(const Actor& actor, std::string_view case_id, std::string_view text) {
    if (auto c = LoadSummary(case_id); !c) return tl::unexpected(c.error());
    auto n = NextNumber("note");
    if (!n) return n;
    auto ins = db_->Query(
        "INSERT INTO notes (id, case_id, author, text, created_ms) VALUES (?, ?, ?, ?, ?)",
        {*n, std::string(case_id), actor.user, std::string(text), Now()});
    if (!ins) return tl::unexpected(ins.error());
    if (auto e = CaseEvent(case_id, "note", "",
                           {{"id", *n}, {"author", actor.user}, {"text", text}});
        !e) {
      return tl::unexpected(e.error());
    }
    return *n;
  }

  Status DeleteContent(const Actor& actor, const std::string& content_id, std::string reason) {
    auto rows = db_->Query(
        "UPDATE contents SET content = NULL, deleted_ms = ? WHERE id = ? AND deleted_ms = 0 "
        "RETURNING case_id, sha256, account",
        {Now(), content_id});
    if (!rows) return tl::unexpected(rows.error());
    if (rows->empty()) return {};
    const std::string case_id = rows->at(0)[0].value_or("");
    const json body = {{"content_id", content_id},
                       {"sha256", rows->at(0)[1].value_or("")},
                       {"account", rows->at(0)[2].value_or("")},
                       {"reason", reason},
                       {"user", actor.user}};
    return LogDeletion(actor, "case/" + case_id, case_id, body);
  }

  // The one way deleted content is accounted for: the stream whose records hold the content's
  // digests gets a "deletion" record (no content), and the audit stream the same body.
  Status LogDeletion(const Actor& actor, const std::string& stream, std::string_view target,
                     const json& body) {
    auto r = ledger_->Append(stream, "deletion", "", body);
    if (!r) return tl::unexpected(r.error());
    return Audit(actor, "delete_content", target, "ok", body);
  }

  // Erases the transcript text of an agent conversation (retention of conversations without
  // intent). Its ledger stream keeps the line digests and gets the deletion record; a
  // conversation the store has no ledger stream for (a demo run) is logged in the audit only.
  Result<int64_t> EraseBotConversation(const Actor& actor, const std::string& id,
                                       std::string reason) {
    auto lines = db_->Query("DELETE FROM bot_lines WHERE conversation_id = ? RETURNING seq", {id});
    if (!lines) return tl::unexpected(lines.error());
    auto up = db_->Query("UPDATE bot_conversations SET erased_ms = ? WHERE id = ?", {Now(), id});
    if (!up) return tl::unexpected(up.error());
    // An operator's queued line is part of the conversation too.
    auto said = db_->Query("UPDATE bot_commands SET text = '' WHERE conversation_id = ?", {id});
    if (!said) return tl::unexpected(said.error());
    const json body = {{"conversation", id},
                       {"lines", lines->size()},
                       {"reason", std::move(reason)},
                       {"user", actor.user}};
    const std::string stream = "bot/" + id;
    auto last = ledger_storage_.Last(stream);
    if (!last) return tl::unexpected(last.error());
    if (auto s = *last ? LogDeletion(actor, stream, id, body)
                       : Audit(actor, "delete_content", id, "ok", body);
        !s) {
      return tl::unexpected(s.error());
    }
    return static_cast<int64_t>(lines->size());
  }

  // The id of an authorisation of `case_id` active now whose scope covers `account`, or "".
  Result<std::string> ActiveAuthorisation(std::string_view case_id, std::string_view account) {
    auto rows = db_->Query(
        "SELECT id, scope FROM authorisations WHERE case_id = ? AND revoked_ms = 0 AND "
        "start_ms <= ? AND expiry_ms > ? ORDER BY id",
        {std::string(case_id), Now(), Now()});
    if (!rows) return tl::unexpected(rows.error());
    for (const auto& row : *rows) {
      const json scope = json::parse(row[1].value_or("[]"), nullptr, false);
      if (!scope.is_array()) continue;
      for (const auto& s : scope) {
        if (s.is_string() && s.get_ref<const std::string&>() == account) {
          return row[0].value_or("");
        }
      }
    }
    return std::string();
  }

  // -- Reads --

  static CaseSummary ToSummary(const SqlRow& row) {
    CaseSummary c;
    c.id = row[0].value_or("");
    c.status = ParseStatus(row[1].value_or("new")).value_or(CaseStatus::kNew);
    c.kind = row[2].value_or("");
    c.score = ToDouble(row[3]);
    c.assignee = row[4].value_or("");
    c.country = row[5].value_or("");
    c.created_ms = ToInt(row[6]);
    c.updated_ms = ToInt(row[7]);
    c.leads = ToInt(row[8]);
    return c;
  }

  Status FillSubjects(std::vector<CaseSummary>* cases) {
    if (cases->empty()) return {};
    std::string sql = "SELECT case_id, subject FROM case_subjects WHERE case_id IN (";
    std::vector<SqlValue> params;
    std::map<std::string, CaseSummary*> by_id;
    for (size_t i = 0; i < cases->size(); ++i) {
      sql += i ? ", ?" : "?";
      params.emplace_back((*cases)[i].id);
      by_id[(*cases)[i].id] = &(*cases)[i];
    }
    sql += ") ORDER BY case_id, subject";
    auto rows = db_->Query(sql, params);
    if (!rows) return tl::unexpected(rows.error());
    for (const auto& row : *rows) {
      auto it = by_id.find(row[0].value_or(""));
      if (it != by_id.end()) it->second->subjects.push_back(row[1].value_or(""));
    }
    return {};
  }

  Result<CaseSummary> LoadSummary(std::string_view case_id) {
    auto rows = db_->Query(std::string(kSummaryColumns) + " FROM cases WHERE id = ?",
                           {std::string(case_id)});
    if (!rows) return tl::unexpected(rows.error());
    if (rows->empty()) return Fail(ErrorCode::kNotFound, "no such case", std::string(case_id));
    std::vector<CaseSummary> one = {ToSummary(rows->at(0))};
    if (auto s = FillSubjects(&one); !s) return tl::unexpected(s.error());
    return std::move(one[0]);
  }

  Result<CaseDetail> LoadDetail(std::string_view case_id) {
    CaseDetail d;
    auto summary = LoadSummary(case_id);
    if (!summary) return tl::unexpected(summary.error());
    d.summary = std::move(*summary);
    const std::vector<SqlValue> id = {std::string(case_id)};
    auto leads = db_->Query(
        "SELECT hash, kind, score, received_ms, body FROM leads WHERE case_id = ? "
        "ORDER BY received_ms, hash",
        id);
    if (!leads) return tl::unexpected(leads.error());
    for (const auto& r : *leads) {
      LeadRecord l{r[0].value_or(""), r[1].value_or(""), ToDouble(r[2]), ToInt(r[3]), nullptr};
      if (r[4]) l.body = json::parse(*r[4], nullptr, false);
      d.leads.push_back(std::move(l));
    }
    auto notes = db_->Query(
        "SELECT id, author, text, created_ms FROM notes WHERE case_id = ? ORDER BY id", id);
    if (!notes) return tl::unexpected(notes.error());
    for (const auto& r : *notes) {
      d.notes.push_back({ToInt(r[0]), r[1].value_or(""), r[2].value_or(""), ToInt(r[3])});
    }
    auto auths = db_->Query(
        "SELECT id, case_id, authority, legal_reference, scope, start_ms, expiry_ms, granted_by, "
        "revoked_ms FROM authorisations WHERE case_id = ? ORDER BY id",
        id);
    if (!auths) return tl::unexpected(auths.error());
    for (const auto& r : *auths) {
      Authorisation a;
      a.id = r[0].value_or("");
      a.case_id = r[1].value_or("");
      a.authority = r[2].value_or("");
      a.legal_reference = r[3].value_or("");
      const json scope = json::parse(r[4].value_or("[]"), nullptr, false);
      if (scope.is_array()) {
        for (const auto& s : scope) {
          if (s.is_string()) a.scope.push_back(s.get<std::string>());
        }
      }
      a.start_ms = ToInt(r[5]);
      a.expiry_ms = ToInt(r[6]);
      a.granted_by = r[7].value_or("");
      a.revoked_ms = ToInt(r[8]);
      d.authorisations.push_back(std::move(a));
    }
    auto contents = db_->Query(
        "SELECT id, account, content, sha256, source_time, received_ms, authorisation_id FROM "
        "contents WHERE case_id = ? ORDER BY id",
        id);
    if (!contents) return tl::unexpected(contents.error());
    for (const auto& r : *contents) {
      d.contents.push_back({r[0].value_or(""), r[1].value_or(""), r[2], r[3].value_or(""),
                            r[4].value_or(""), ToInt(r[5]), r[6].value_or("")});
    }
    auto links = db_->Query(
        "SELECT b, reason FROM case_links WHERE a = ? UNION SELECT a, reason FROM case_links "
        "WHERE b = ? ORDER BY 1",
        {std::string(case_id), std::string(case_id)});
    if (!links) return tl::unexpected(links.error());
    for (const auto& r : *links) d.links.emplace_back(r[0].value_or(""), r[1].value_or(""));
    auto timeline = ledger_storage_.Read("case/" + std::string(case_id), 0);
    if (!timeline) return tl::unexpected(timeline.error());
    d.timeline = std::move(*timeline);
    return d;
  }

  std::unique_ptr<SqlConn> db_;
  Options options_;
  std::string key_;
  evidence::Signer signer_;
  SqlLedgerStorage ledger_storage_;
  std::unique_ptr<evidence::Ledger> ledger_;
  int schema_version_;
  std::string dummy_hash_;  // for logins of unknown users
  struct TxCounter {
    int64_t value;    // the last number handed out
    bool unwritten;   // the counters table holds less
  };
  uint64_t counters_serial_ = 0;  // the transaction counters_ belongs to
  std::map<std::string, TxCounter, std::less<>> counters_;
};

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

}  // namespace

Result<std::unique_ptr<Store>> OpenStore(std::string_view spec, Options options) {
  if (!options.now_ms) options.now_ms = SystemNowMs;
  const bool pg = StartsWith(spec, "postgresql://") || StartsWith(spec, "postgres://");
  if (spec.empty()) return Invalid("no store given (a file path or postgresql://...)");
  const std::string path(spec);
  if (!pg) {
    const std::filesystem::path dir = std::filesystem::absolute(path).parent_path();
    if (options.pseudonym_key_file.empty()) options.pseudonym_key_file = dir / "bantay-pseudonym.key";
    if (options.signing_key_file.empty()) options.signing_key_file = dir / "bantay-signing.key";
  } else if ((options.pseudonym_key.empty() && options.pseudonym_key_file.empty()) ||
             options.signing_key_file.empty()) {
    return Invalid("a PostgreSQL store needs a pseudonym key file and a signing key file");
  }
  std::string key = options.pseudonym_key;
  if (key.empty()) {
    auto k = LoadOrCreateKeyFile(options.pseudonym_key_file, 32);
    if (!k) return tl::unexpected(k.error());
    key = std::move(*k);
  } else if (key.size() < 16) {
    return Invalid("pseudonym key must have at least 16 bytes");
  }
  auto signer = evidence::Signer::LoadOrCreate(options.signing_key_file);
  if (!signer) return tl::unexpected(signer.error());
  auto db = pg ? OpenPostgres(path) : OpenSqlite(path);
  if (!db) return tl::unexpected(db.error());
  auto version = Migrate(**db);
  if (!version) return tl::unexpected(version.error());
  return std::unique_ptr<Store>(std::make_unique<SqlStore>(
      std::move(*db), std::move(options), std::move(key), std::move(*signer), *version));
}

}  // namespace bantay::cases
