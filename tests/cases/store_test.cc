// tests/cases/store_test.cc: the case store suite, run against SQLite and PostgreSQL alike.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "backends.h"
#include "cases/cases.h"

namespace bantay::cases {
namespace {

using testing::PostgresBackend;
using testing::SqliteBackend;
using testing::TempDir;

constexpr int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z
constexpr int64_t kDay = 86400000;

std::string ScanLine(const std::string& conv, double score, const std::string& requester,
                     const std::string& other) {
  return R"({"conversation":")" + conv + R"(","score":)" + std::to_string(score) +
         R"(,"flagged":true,"signals":{"payment":1},"evidence":[{"message":2,"category":"payment","term":"western union","text":"i send western union","role":"requester"}],"participants":[{"author":")" +
         requester + R"(","role":"requester"},{"author":")" + other + R"(","role":"other"}]})";
}

std::string AccountLine(const std::string& account, const std::string& role, double score,
                        const std::vector<std::string>& linked = {}) {
  nlohmann::json j = {{"account", account},
                      {"role", role},
                      {"score", score},
                      {"flagged", true},
                      {"window", {{"start", "2026-01-01T00:00:00Z"}, {"end", "2026-01-08T00:00:00Z"}}},
                      {"evidence", {{"distinct_foreign", 7}, {"countries", {"US"}}, {"linked", linked}}}};
  return j.dump();
}

Lead MustParse(const std::string& line) {
  auto l = ParseLead(line, "test:1");
  EXPECT_TRUE(l) << l.error().ToString();
  return l ? *l : Lead{};
}

template <class Backend>
class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto spec = Backend::Spec(dir_);
    ASSERT_TRUE(spec) << spec.error().ToString();
    spec_ = *spec;
    store_ = Open();
    ASSERT_TRUE(store_);
    ASSERT_TRUE(store_->Bootstrap("root", "admin-password-1"));
    for (const auto& [name, role] : std::vector<std::pair<std::string, Role>>{
             {"ana", Role::kAnalyst}, {"sup", Role::kSupervisor}, {"aud", Role::kAuditor}}) {
      auto s = store_->CreateUser(admin_, name, role, "password-" + name);
      ASSERT_TRUE(s) << s.error().ToString();
    }
  }

  std::unique_ptr<Store> Open() {
    Options o;
    o.now_ms = [this] { return now_; };
    o.pseudonym_key = std::string(32, 'k');
    o.pseudonym_key_file = dir_.path() + "/pseudonym.key";
    o.signing_key_file = dir_.path() + "/signing.key";
    o.pwhash_opslimit = 1;       // crypto_pwhash_OPSLIMIT_MIN: tests stay fast
    o.pwhash_memlimit = 8192;    // crypto_pwhash_MEMLIMIT_MIN
    o.checkpoint_every = 5;
    auto s = OpenStore(spec_, o);
    EXPECT_TRUE(s) << s.error().ToString();
    return s ? std::move(*s) : nullptr;
  }

  std::string IngestOne(const std::string& line) {
    Lead l = MustParse(line);
    auto r = store_->Ingest(system_, std::span<const Lead>(&l, 1));
    EXPECT_TRUE(r) << r.error().ToString();
    auto page = store_->ListCases(ana_, {.subject = SubjectOf(l), .sort = SortBy::kId, .descending = false});
    EXPECT_TRUE(page && !page->cases.empty());
    return page && !page->cases.empty() ? page->cases.back().id : "";
  }
  std::string SubjectOf(const Lead& l) { return store_->Pseudonym(l.subjects.at(0)); }

  std::vector<evidence::Record> AuditWith(const std::string& outcome) {
    auto all = store_->ReadAudit(aud_, 0);
    EXPECT_TRUE(all);
    std::vector<evidence::Record> out;
    for (auto& r : *all) {
      if (r.body.value("outcome", "") == outcome) out.push_back(r);
    }
    return out;
  }

  TempDir dir_;
  std::string spec_;
  int64_t now_ = kT0;
  std::unique_ptr<Store> store_;
  const Actor admin_{"root", "127.0.0.1"};
  const Actor ana_{"ana", ""}, sup_{"sup", ""}, aud_{"aud", ""};
  const Actor system_ = Actor::System("ingest");
};

using testing::BackendNames;
using testing::Backends;
TYPED_TEST_SUITE(StoreTest, Backends, BackendNames);

TYPED_TEST(StoreTest, Open_AppliesMigrationsOnceAndReopens) {
  EXPECT_GE(this->store_->SchemaVersion(), 1);
  this->store_.reset();
  auto again = this->Open();
  ASSERT_TRUE(again);
  EXPECT_GE(again->SchemaVersion(), 1);
  auto users = again->ListUsers(this->admin_);
  ASSERT_TRUE(users);
  EXPECT_EQ(users->size(), 4u);
}

TYPED_TEST(StoreTest, Ingest_MergesLeadsAboutOneAccount_ScoreIsMax) {
  std::vector<Lead> leads = {MustParse(ScanLine("c1", 0.7, "buyer1", "kid1")),
                             MustParse(ScanLine("c2", 0.9, "buyer1", "kid2")),
                             MustParse(AccountLine("buyer1", "demand", 0.8))};
  auto r = this->store_->Ingest(this->system_, leads);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->ingested, 1u);
  EXPECT_EQ(r->merged, 2u);
  auto page = this->store_->ListCases(this->ana_, {});
  ASSERT_TRUE(page);
  ASSERT_EQ(page->total, 1);
  const CaseSummary& c = page->cases[0];
  EXPECT_DOUBLE_EQ(c.score, 0.9);
  EXPECT_EQ(c.kind, "mixed");
  EXPECT_EQ(c.leads, 3);
  auto detail = this->store_->GetCase(this->ana_, c.id);
  ASSERT_TRUE(detail);
  EXPECT_EQ(detail->leads.size(), 3u);
}

TYPED_TEST(StoreTest, Ingest_ReplayIsIdempotent) {
  std::vector<Lead> leads = {MustParse(ScanLine("c1", 0.7, "u1", "u2")),
                             MustParse(AccountLine("h1", "supply", 0.95))};
  ASSERT_TRUE(this->store_->Ingest(this->system_, leads));
  auto again = this->store_->Ingest(this->system_, leads);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->duplicate, 2u);
  EXPECT_EQ(again->ingested + again->merged, 0u);
  auto page = this->store_->ListCases(this->ana_, {});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, 2);
  int64_t leads_total = 0;
  for (const auto& c : page->cases) leads_total += c.leads;
  EXPECT_EQ(leads_total, 2);
}

TYPED_TEST(StoreTest, Ingest_LeadRepeatedWithinOneBatch_IsADuplicate) {
  const Lead a = MustParse(AccountLine("h1", "supply", 0.95));
  std::vector<Lead> leads = {a, MustParse(ScanLine("c1", 0.7, "u1", "u2")), a};
  auto r = this->store_->Ingest(this->system_, leads);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->ingested, 2u);
  EXPECT_EQ(r->duplicate, 1u);
  auto page = this->store_->ListCases(this->ana_, {});
  ASSERT_TRUE(page);
  int64_t leads_total = 0;
  for (const auto& c : page->cases) leads_total += c.leads;
  EXPECT_EQ(leads_total, 2);
}

TYPED_TEST(StoreTest, Ingest_BatchLargerThanOneLookupChunk_FindsEveryStoredLead) {
  std::vector<Lead> first, second;
  for (int i = 0; i < 250; ++i) {
    Lead l = MustParse(AccountLine("acct" + std::to_string(i), "demand", 0.6));
    (i % 2 ? second : first).push_back(l);
  }
  ASSERT_TRUE(this->store_->Ingest(this->system_, first));
  std::vector<Lead> all = first;
  all.insert(all.end(), second.begin(), second.end());
  auto r = this->store_->Ingest(this->system_, all);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->duplicate, first.size());
  EXPECT_EQ(r->ingested, second.size());
}

// The ledger remembers stream heads inside a transaction; a rolled-back batch must leave
// nothing behind that the next batch would chain onto.
TYPED_TEST(StoreTest, Ingest_FailedBatchRollsBack_NextBatchChainsOnCommittedHeads) {
  const Lead good = MustParse(AccountLine("h1", "supply", 0.9));
  Lead bad = MustParse(AccountLine("h2", "supply", 0.8));
  bad.source_time = "not a time";  // the ledger refuses it after h1's records were appended
  std::vector<Lead> failing = {good, bad};
  EXPECT_FALSE(this->store_->Ingest(this->system_, failing));
  auto page = this->store_->ListCases(this->ana_, {});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, 0);
  std::vector<Lead> retry = {good, MustParse(AccountLine("h3", "demand", 0.7)), good};
  auto r = this->store_->Ingest(this->system_, retry);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->ingested, 2u);
  EXPECT_EQ(r->duplicate, 1u);
  auto report = this->store_->VerifyLedger(this->aud_);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_TRUE(report->ok) << report->ToJson().dump();
  page = this->store_->ListCases(this->ana_, {});
  ASSERT_TRUE(page);
  ASSERT_EQ(page->total, 2);
  for (const auto& c : page->cases) {
    auto records = this->store_->ledger_storage().Read("case/" + c.id, 0);
    ASSERT_TRUE(records);
    ASSERT_EQ(records->size(), 2u) << c.id;
    EXPECT_EQ((*records)[0].seq, 0u);
    EXPECT_EQ((*records)[1].prev_hash, (*records)[0].hash);
  }
}

TYPED_TEST(StoreTest, Ingest_CaseNumbersContinueAcrossBatchesAndRollbacks) {
  auto batch = [&](int from, int n) {
    std::vector<Lead> leads;
    for (int i = from; i < from + n; ++i) {
      leads.push_back(MustParse(AccountLine("acct" + std::to_string(i), "demand", 0.6)));
    }
    return leads;
  };
  ASSERT_TRUE(this->store_->Ingest(this->system_, batch(0, 3)));
  std::vector<Lead> failing = batch(3, 2);
  failing.back().source_time = "not a time";
  EXPECT_FALSE(this->store_->Ingest(this->system_, failing));
  ASSERT_TRUE(this->store_->Ingest(this->system_, batch(5, 3)));
  auto page = this->store_->ListCases(this->ana_, {.sort = SortBy::kId, .descending = false});
  ASSERT_TRUE(page);
  std::vector<std::string> ids;
  for (const auto& c : page->cases) ids.push_back(c.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"C-000001", "C-000002", "C-000003", "C-000004",
                                           "C-000005", "C-000006"}));
}

TYPED_TEST(StoreTest, Ingest_LinksHubAndCustomerCases) {
  // The customer's lead names the hub account as sharing an IP; they arrive in either order.
  const std::string customer = this->IngestOne(AccountLine("cust1", "demand", 0.8, {"hub1"}));
  const std::string hub = this->IngestOne(AccountLine("hub1", "supply", 0.9));
  ASSERT_NE(customer, hub);
  auto d = this->store_->GetCase(this->ana_, hub);
  ASSERT_TRUE(d);
  ASSERT_EQ(d->links.size(), 1u);
  EXPECT_EQ(d->links[0].first, customer);
  // A conversation whose other participant is the hub links the requester's case too.
  const std::string buyer = this->IngestOne(ScanLine("c9", 0.9, "buyer9", "hub1"));
  auto b = this->store_->GetCase(this->ana_, buyer);
  ASSERT_TRUE(b);
  ASSERT_EQ(b->links.size(), 1u);
  EXPECT_EQ(b->links[0].first, hub);
}

TYPED_TEST(StoreTest, Ingest_StoresOnlyPseudonyms) {
  const std::string id = this->IngestOne(ScanLine("conv-secret", 0.9, "alice.real", "bob.real"));
  auto d = this->store_->GetCase(this->sup_, id);
  ASSERT_TRUE(d);
  std::string everything = d->leads[0].body.dump();
  for (const auto& r : d->timeline) everything += r.body.dump();
  for (const auto& s : d->summary.subjects) everything += s;
  EXPECT_EQ(everything.find("alice.real"), std::string::npos);
  EXPECT_EQ(everything.find("bob.real"), std::string::npos);
  EXPECT_EQ(everything.find("conv-secret"), std::string::npos);
  EXPECT_NE(everything.find(this->store_->Pseudonym("alice.real")), std::string::npos);
}

TYPED_TEST(StoreTest, Reidentify_SupervisorWithReasonOnly_Audited) {
  this->IngestOne(AccountLine("acct-42", "supply", 0.9));
  const std::string p = this->store_->Pseudonym("acct-42");
  auto denied = this->store_->Reidentify(this->ana_, p, "curious");
  ASSERT_FALSE(denied);
  EXPECT_TRUE(IsPermissionDenied(denied.error()));
  EXPECT_FALSE(this->store_->Reidentify(this->sup_, p, ""));
  auto id = this->store_->Reidentify(this->sup_, p, "referral to PNP-WCPC, warrant 12");
  ASSERT_TRUE(id) << id.error().ToString();
  EXPECT_EQ(*id, "acct-42");
  bool audited = false;
  for (const auto& r : this->AuditWith("ok")) {
    audited |= r.body["action"] == "reidentify" &&
               r.body["detail"]["reason"] == "referral to PNP-WCPC, warrant 12";
  }
  EXPECT_TRUE(audited);
}

TYPED_TEST(StoreTest, Workflow_FollowsNewTriageReviewReferred_RefusesOthers) {
  const std::string id = this->IngestOne(AccountLine("h1", "supply", 0.9));
  EXPECT_FALSE(this->store_->SetStatus(this->sup_, id, CaseStatus::kReferred, ""));
  EXPECT_FALSE(this->store_->SetStatus(this->ana_, id, CaseStatus::kReview, ""));
  ASSERT_TRUE(this->store_->SetStatus(this->ana_, id, CaseStatus::kTriage, "looks real"));
  ASSERT_TRUE(this->store_->Assign(this->ana_, id, "sup"));
  ASSERT_TRUE(this->store_->SetStatus(this->ana_, id, CaseStatus::kReview, ""));
  auto analyst_refers = this->store_->SetStatus(this->ana_, id, CaseStatus::kReferred, "");
  ASSERT_FALSE(analyst_refers);
  EXPECT_TRUE(IsPermissionDenied(analyst_refers.error()));
  ASSERT_TRUE(this->store_->SetStatus(this->sup_, id, CaseStatus::kReferred, "to police"));
  EXPECT_FALSE(this->store_->SetStatus(this->sup_, id, CaseStatus::kTriage, ""));
  auto d = this->store_->GetCase(this->ana_, id);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->summary.status, CaseStatus::kReferred);
  EXPECT_EQ(d->summary.assignee, "sup");
  ASSERT_EQ(d->notes.size(), 2u);
  EXPECT_EQ(d->notes[0].text, "looks real");
  std::vector<std::string> statuses;
  for (const auto& r : d->timeline) {
    if (r.kind == "status") statuses.push_back(r.body["to"]);
  }
  EXPECT_EQ(statuses, (std::vector<std::string>{"triage", "review", "referred"}));
  // A new lead about a referred account opens a new case rather than reopening it.
  const std::string again = this->IngestOne(AccountLine("h1", "supply", 0.7));
  EXPECT_NE(again, id);
}

TYPED_TEST(StoreTest, RecordContent_NeedsActiveAuthorisationCoveringAccount) {
  const std::string id = this->IngestOne(AccountLine("h1", "supply", 0.9));
  const std::string p = this->store_->Pseudonym("h1");
  const std::string other = this->store_->Pseudonym("someone-else");
  auto none = this->store_->RecordContent(this->sup_, id, p, "hello", "");
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("no active authorisation"), std::string::npos);
  Authorisation a;
  a.case_id = id;
  a.authority = "Judge R. Santos, RTC Manila";
  a.legal_reference = "Cyber warrant 2026-0012";
  a.scope = {p};
  a.start_ms = kT0 + kDay;
  a.expiry_ms = kT0 + 60 * kDay;
  EXPECT_TRUE(IsPermissionDenied(this->store_->AddAuthorisation(this->ana_, a).error()));
  auto auth = this->store_->AddAuthorisation(this->sup_, a);
  ASSERT_TRUE(auth) << auth.error().ToString();
  EXPECT_FALSE(this->store_->RecordContent(this->sup_, id, p, "before start", ""));
  this->now_ = kT0 + 2 * kDay;
  auto m = this->store_->RecordContent(this->sup_, id, p, "hello there", "2026-01-03T10:00:00Z");
  ASSERT_TRUE(m) << m.error().ToString();
  EXPECT_FALSE(this->store_->RecordContent(this->sup_, id, other, "not in scope", ""));
  this->now_ = kT0 + 60 * kDay;  // expiry: collection stops
  EXPECT_FALSE(this->store_->RecordContent(this->sup_, id, p, "after expiry", ""));
  this->now_ = kT0 + 3 * kDay;
  ASSERT_TRUE(this->store_->RevokeAuthorisation(this->sup_, *auth));
  EXPECT_FALSE(this->store_->RecordContent(this->sup_, id, p, "after revocation", ""));
  auto d = this->store_->GetCase(this->sup_, id);
  ASSERT_TRUE(d);
  ASSERT_EQ(d->contents.size(), 1u);
  EXPECT_EQ(d->contents[0].content.value_or(""), "hello there");
  EXPECT_EQ(d->contents[0].source_time, "2026-01-03T10:00:00Z");
  EXPECT_EQ(d->authorisations.size(), 1u);
  EXPECT_NE(d->authorisations[0].revoked_ms, 0);
}

TYPED_TEST(StoreTest, CloseNoAbuse_DeletesContent_LedgerKeepsOnlyItsHash) {
  const std::string id = this->IngestOne(AccountLine("h1", "supply", 0.9));
  const std::string p = this->store_->Pseudonym("h1");
  Authorisation a{.case_id = id, .authority = "judge", .legal_reference = "order 1",
                  .scope = {p}, .start_ms = kT0, .expiry_ms = kT0 + 10 * kDay};
  ASSERT_TRUE(this->store_->AddAuthorisation(this->sup_, a));
  ASSERT_TRUE(this->store_->RecordContent(this->sup_, id, p, "ordinary family call", ""));
  ASSERT_TRUE(this->store_->CloseNoAbuse(this->ana_, id, "nothing found"));
  auto d = this->store_->GetCase(this->sup_, id);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->summary.status, CaseStatus::kDismissed);
  ASSERT_EQ(d->contents.size(), 1u);
  EXPECT_FALSE(d->contents[0].content.has_value());
  bool deletion = false;
  for (const auto& r : d->timeline) {
    EXPECT_EQ(r.body.dump().find("ordinary family call"), std::string::npos);
    if (r.kind == "deletion") {
      deletion = true;
      EXPECT_EQ(r.body["sha256"], d->contents[0].sha256);
    }
  }
  EXPECT_TRUE(deletion);
  auto verify = this->store_->VerifyLedger(this->aud_);
  ASSERT_TRUE(verify);
  EXPECT_TRUE(verify->ok) << verify->ToJson().dump();
}

TYPED_TEST(StoreTest, Retention_ErasesDismissedLeadBodiesAndOldContent_WithInjectedClock) {
  const std::string dismissed = this->IngestOne(AccountLine("a1", "supply", 0.9));
  const std::string open = this->IngestOne(AccountLine("b1", "supply", 0.9));
  const std::string pb = this->store_->Pseudonym("b1");
  Authorisation a{.case_id = open, .authority = "judge", .legal_reference = "order 2",
                  .scope = {pb}, .start_ms = kT0, .expiry_ms = kT0 + 200 * kDay};
  ASSERT_TRUE(this->store_->AddAuthorisation(this->sup_, a));
  ASSERT_TRUE(this->store_->RecordContent(this->sup_, open, pb, "message", ""));
  ASSERT_TRUE(this->store_->SetStatus(this->ana_, dismissed, CaseStatus::kTriage, ""));
  ASSERT_TRUE(this->store_->SetStatus(this->ana_, dismissed, CaseStatus::kDismissed, "no"));
  EXPECT_TRUE(IsPermissionDenied(this->store_->RunRetention(this->ana_, kT0).error()));
  auto early = this->store_->RunRetention(this->admin_, kT0 + 29 * kDay);
  ASSERT_TRUE(early);
  EXPECT_EQ(early->lead_bodies_erased, 0u);
  EXPECT_EQ(early->contents_deleted, 0u);
  auto later = this->store_->RunRetention(this->admin_, kT0 + 31 * kDay);
  ASSERT_TRUE(later);
  EXPECT_EQ(later->lead_bodies_erased, 1u);
  auto d = this->store_->GetCase(this->ana_, dismissed);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->leads[0].body.is_null());
  auto much_later = this->store_->RunRetention(Actor::System("retention"), kT0 + 91 * kDay);
  ASSERT_TRUE(much_later);
  EXPECT_EQ(much_later->contents_deleted, 1u);
  auto o = this->store_->GetCase(this->ana_, open);
  ASSERT_TRUE(o);
  EXPECT_FALSE(o->contents[0].content.has_value());
}

// Deleted means gone from the files too (SAFETY.md 3): after a case is closed with no abuse
// found, the recorded text is in neither the SQLite database file (freed pages are zeroed:
// secure_delete) nor its write-ahead log (checkpointed and truncated after an erasure; this
// part failed before). SQLite only: PostgreSQL keeps dead rows until vacuum (docs/cases.md).
TEST(StoreFiles, SqliteDeletedContentLeavesNoTraceInTheFiles) {
  testing::TempDir dir;
  Options o;
  o.now_ms = [] { return kT0; };
  o.pseudonym_key = std::string(32, 'k');
  o.pseudonym_key_file = dir.path() + "/pseudonym.key";
  o.signing_key_file = dir.path() + "/signing.key";
  o.pwhash_opslimit = 1;
  o.pwhash_memlimit = 8192;
  const std::string path = dir.path() + "/store.db";
  auto store = OpenStore(path, o);
  ASSERT_TRUE(store) << store.error().ToString();
  ASSERT_TRUE((*store)->Bootstrap("root", "admin-password-1"));
  const Actor admin{"root", ""};
  ASSERT_TRUE((*store)->CreateUser(admin, "sup", Role::kSupervisor, "password-sup"));
  const Actor sup{"sup", ""};
  Lead l = MustParse(AccountLine("a1", "supply", 0.9));
  ASSERT_TRUE((*store)->Ingest(Actor::System("ingest"), std::span<const Lead>(&l, 1)));
  auto page = (*store)->ListCases(sup, {});
  ASSERT_TRUE(page) << page.error().ToString();
  ASSERT_EQ(page->cases.size(), 1u);
  const std::string case_id = page->cases[0].id;
  const std::string pa = (*store)->Pseudonym("a1");
  Authorisation a{.case_id = case_id, .authority = "judge", .legal_reference = "order 1",
                  .scope = {pa}, .start_ms = kT0, .expiry_ms = kT0 + 10 * kDay};
  ASSERT_TRUE((*store)->AddAuthorisation(sup, a));
  const std::string marker = "recorded-text-7f3a91c2-that-must-go";
  // Long enough to spill into overflow pages, which a plain delete only puts on the freelist.
  ASSERT_TRUE((*store)->RecordContent(sup, case_id, pa, std::string(9000, 'y') + marker, ""));
  auto file_has = [&](const std::string& name) {
    std::ifstream in(name, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return bytes.find(marker) != std::string::npos;
  };
  ASSERT_TRUE(file_has(path) || file_has(path + "-wal"));  // the check can see it
  ASSERT_TRUE((*store)->CloseNoAbuse(sup, case_id, "nothing found"));
  EXPECT_FALSE(file_has(path)) << "database file";
  EXPECT_FALSE(file_has(path + "-wal")) << "write-ahead log";
}

// Calls the store method guarded by `action` as `actor`; returns the error if any.
std::optional<Error> CallAction(Store& s, Action action, const Actor& actor,
                                const std::string& case_id) {
  auto err = [](const auto& r) -> std::optional<Error> {
    if (r) return std::nullopt;
    return r.error();
  };
  Lead lead = MustParse(AccountLine("x1", "supply", 0.5));
  switch (action) {
    case Action::kListCases: return err(s.ListCases(actor, {}));
    case Action::kReadCase: return err(s.GetCase(actor, case_id));
    case Action::kIngest: return err(s.Ingest(actor, std::span<const Lead>(&lead, 1)));
    case Action::kTriage: return err(s.Assign(actor, case_id, ""));
    case Action::kRefer: return err(s.BuildReferral(actor, case_id, {}, ""));
    case Action::kDismiss: return err(s.CloseNoAbuse(actor, case_id, "r"));
    case Action::kAddNote: return err(s.AddNote(actor, case_id, "n"));
    case Action::kManageAuthorisations: return err(s.RevokeAuthorisation(actor, "A-000009"));
    case Action::kRecordContent: return err(s.RecordContent(actor, case_id, "p_0", "c", ""));
    case Action::kReidentify: return err(s.Reidentify(actor, "p_0", "reason"));
    case Action::kExport: return err(s.ExportCase(actor, case_id));
    case Action::kTakeover: return err(s.RecordTakeover(actor, case_id, "conv", "reason"));
    case Action::kReadAudit: return err(s.ReadAudit(actor, 0));
    case Action::kManageUsers: return err(s.ListUsers(actor));
    case Action::kRunRetention: return err(s.RunRetention(actor, 0));
  }
  return std::nullopt;
}

TYPED_TEST(StoreTest, Roles_EveryActionRefusedForEveryOtherRole_AndAudited) {
  const std::string id = this->IngestOne(AccountLine("h1", "supply", 0.9));
  ASSERT_TRUE(this->store_->CreateUser(this->admin_, "adm2", Role::kAdmin, "password-adm2"));
  const std::vector<std::pair<Role, Actor>> actors = {{Role::kAnalyst, this->ana_},
                                                      {Role::kSupervisor, this->sup_},
                                                      {Role::kAuditor, this->aud_},
                                                      {Role::kAdmin, Actor{"adm2", ""}}};
  size_t refusals = 0;
  for (const auto& [action, roles] : PermissionTable()) {
    for (const auto& [role, actor] : actors) {
      if (Allowed(role, action)) continue;
      auto e = CallAction(*this->store_, action, actor, id);
      ASSERT_TRUE(e.has_value()) << ActionName(action) << " by " << RoleName(role);
      EXPECT_TRUE(IsPermissionDenied(*e)) << ActionName(action) << ": " << e->ToString();
      ++refusals;
    }
  }
  // Unknown users are refused everything too.
  EXPECT_TRUE(CallAction(*this->store_, Action::kListCases, Actor{"nobody", ""}, id).has_value());
  auto denied = this->AuditWith("denied");
  EXPECT_EQ(denied.size(), refusals + 1);
}

TYPED_TEST(StoreTest, Login_LocksOutAfterRepeatedFailures_ThenRecovers) {
  EXPECT_TRUE(this->store_->Login("ana", "password-ana", "10.0.0.1"));
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(this->store_->Login("ana", "wrong", "10.0.0.2"));
  auto locked = this->store_->Login("ana", "password-ana", "10.0.0.3");
  ASSERT_FALSE(locked);
  EXPECT_NE(locked.error().message.find("too many"), std::string::npos);
  this->now_ += 16 * 60 * 1000;
  auto ok = this->store_->Login("ana", "password-ana", "10.0.0.3");
  ASSERT_TRUE(ok) << ok.error().ToString();
  EXPECT_EQ(ok->role, Role::kAnalyst);
  EXPECT_FALSE(this->store_->Login("ghost", "password-x", ""));
  EXPECT_FALSE(this->store_->CreateUser(this->admin_, "bad name", Role::kAnalyst, "password-1"));
}

TYPED_TEST(StoreTest, SqlInjectionAttempts_AreStoredLiterallyOrRefused) {
  const std::vector<std::string> attacks = {
      "'; DROP TABLE cases; --", "\" OR 1=1 --", "x' OR '1'='1", "1); DELETE FROM users; --",
      "Robert'); DROP TABLE leads;--", "?", "$1"};
  const std::string id = this->IngestOne(AccountLine("h1", "supply", 0.9));
  for (const auto& a : attacks) {
    auto n = this->store_->AddNote(this->ana_, id, a);
    ASSERT_TRUE(n) << n.error().ToString();
    // As ids, user names, filters and pseudonyms: refused or not found, never executed.
    EXPECT_FALSE(this->store_->GetCase(this->ana_, a));
    EXPECT_FALSE(this->store_->Assign(this->ana_, id, a));
    EXPECT_FALSE(this->store_->Reidentify(this->sup_, a, a));
    EXPECT_FALSE(this->store_->Login(a, a, a));
    auto page = this->store_->ListCases(this->ana_, {.kind = a, .assignee = a, .subject = a});
    ASSERT_TRUE(page);
    EXPECT_EQ(page->total, 0);
    // Injected text inside a lead is data too.
    this->IngestOne(AccountLine("acct" + a, "supply", 0.5));
  }
  auto d = this->store_->GetCase(this->ana_, id);
  ASSERT_TRUE(d);
  ASSERT_EQ(d->notes.size(), attacks.size());
  for (size_t i = 0; i < attacks.size(); ++i) EXPECT_EQ(d->notes[i].text, attacks[i]);
  auto page = this->store_->ListCases(this->ana_, {});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, static_cast<int64_t>(1 + attacks.size()));
  EXPECT_EQ(this->store_->ListUsers(this->admin_)->size(), 4u);
  EXPECT_FALSE(this->store_->AddNote(this->ana_, id, std::string("nul\0inside", 10)));
}

TYPED_TEST(StoreTest, ListCases_FiltersSortsAndPages) {
  for (int i = 0; i < 12; ++i) {
    this->now_ = kT0 + i * 1000;
    this->IngestOne(AccountLine("acct" + std::to_string(i), i % 2 ? "supply" : "demand",
                                0.5 + i * 0.01));
  }
  this->IngestOne(ScanLine("c1", 0.99, "u1", "u2"));
  auto all = this->store_->ListCases(this->ana_, {});
  ASSERT_TRUE(all);
  EXPECT_EQ(all->total, 13);
  EXPECT_DOUBLE_EQ(all->cases.front().score, 0.99);
  auto meta = this->store_->ListCases(
      this->ana_, {.kind = "meta", .sort = SortBy::kScore, .descending = false, .offset = 2,
                   .limit = 3});
  ASSERT_TRUE(meta);
  EXPECT_EQ(meta->total, 12);
  ASSERT_EQ(meta->cases.size(), 3u);
  EXPECT_NEAR(meta->cases[0].score, 0.52, 1e-9);
  EXPECT_NEAR(meta->cases[2].score, 0.54, 1e-9);
  ASSERT_EQ(meta->cases[0].subjects.size(), 1u);
  auto strong = this->store_->ListCases(this->ana_, {.min_score = 0.6});
  ASSERT_TRUE(strong);
  EXPECT_EQ(strong->total, 3);
  ASSERT_TRUE(this->store_->SetStatus(this->ana_, all->cases[0].id, CaseStatus::kTriage, ""));
  auto triage = this->store_->ListCases(this->ana_, {.status = CaseStatus::kTriage});
  ASSERT_TRUE(triage);
  ASSERT_EQ(triage->total, 1);
  EXPECT_EQ(triage->cases[0].kind, "text");
}

TYPED_TEST(StoreTest, Referral_TextOnlyCase_RoutedByCountry_WithEvidenceHashes) {
  std::string line = ScanLine("c1", 0.95, "buyer", "kid");
  line.insert(line.size() - 1, R"(,"country":"PH")");
  const std::string id = this->IngestOne(line);
  const std::vector<Agency> table = {
      {"PH", "PNP-WCPC", "referral", "wcpc@example.invalid", "example"},
      {"*", "Interpol", "NCB", "", "example"}};
  auto r = this->store_->BuildReferral(this->sup_, id, table, "");
  ASSERT_TRUE(r) << r.error().ToString();
  ASSERT_EQ(r->agencies.size(), 1u);
  EXPECT_EQ(r->agencies[0].agency, "PNP-WCPC");
  for (const char* tag : {"<incidentSummary>", "<incidentType>Online Enticement",
                          "<chatImIncident>", "<personOrUserReported>", "<screenName>p_",
                          "<countryCode>PH</countryCode>", "<sha256>", "<reporter>",
                          "i send western union"}) {
    EXPECT_NE(r->xml.find(tag), std::string::npos) << tag;
  }
  auto j = nlohmann::json::parse(r->json);
  EXPECT_EQ(j["incidentSummary"]["incidentType"], "Online Enticement of Children for Sexual Acts");
  EXPECT_NE(r->html.find("<h1>Referral report, case " + id), std::string::npos);
  EXPECT_EQ(r->xml.find("buyer<"), std::string::npos);
  auto other = this->store_->SetCountry(this->sup_, id, "DE");
  ASSERT_TRUE(other);
  auto fallback = this->store_->BuildReferral(this->sup_, id, table, "");
  ASSERT_TRUE(fallback);
  EXPECT_EQ(fallback->agencies[0].agency, "Interpol");
}

TYPED_TEST(StoreTest, IdentifiedReferral_NamesAccounts_SupervisorOnly_AuditedPerSubject) {
  const std::string id = this->IngestOne(ScanLine("c1", 0.95, "buyer", "kid"));
  const std::vector<Agency> table = {{"*", "Interpol", "NCB", "", "example"}};
  // Pseudonymous by default: no account id anywhere in the report.
  auto plain = this->store_->BuildReferral(this->sup_, id, table, "");
  ASSERT_TRUE(plain) << plain.error().ToString();
  EXPECT_EQ(plain->json.find("\"buyer\""), std::string::npos);
  EXPECT_TRUE(plain->identified.empty());
  // Analysts may refer but not re-identify: refused, nothing built.
  auto refused = this->store_->BuildReferral(this->ana_, id, table, "police request 17");
  ASSERT_FALSE(refused);
  // A supervisor with a reason gets the account ids, each re-identification audited.
  auto audit_before = this->store_->ReadAudit(this->aud_, 0);
  ASSERT_TRUE(audit_before);
  auto r = this->store_->BuildReferral(this->sup_, id, table, "police request 17");
  ASSERT_TRUE(r) << r.error().ToString();
  const std::string buyer = this->store_->Pseudonym("buyer");
  EXPECT_NE(std::find(r->identified.begin(), r->identified.end(), buyer), r->identified.end());
  EXPECT_NE(r->xml.find("<screenName>buyer</screenName>"), std::string::npos) << r->xml;
  EXPECT_NE(r->json.find("pseudonym in the reporter's case store: " + buyer), std::string::npos);
  EXPECT_NE(r->xml.find("reason: police request 17"), std::string::npos);
  auto audit = this->store_->ReadAudit(this->aud_, 0);
  ASSERT_TRUE(audit);
  int reidentified = 0;
  for (size_t i = audit_before->size(); i < audit->size(); ++i) {
    const auto& p = (*audit)[i].body;
    if (p.value("action", "") == "reidentify" && p.value("target", "") == buyer &&
        p.dump().find("police request 17") != std::string::npos) {
      ++reidentified;
    }
  }
  EXPECT_EQ(reidentified, 1);
  // A reason that is not text is refused.
  EXPECT_FALSE(this->store_->BuildReferral(this->sup_, id, table, std::string(1, '\0')));
}

TYPED_TEST(StoreTest, ExportBundle_VerifiesOffline_AndIsAudited) {
  const std::string id = this->IngestOne(ScanLine("c1", 0.95, "buyer", "kid"));
  ASSERT_TRUE(this->store_->AddNote(this->sup_, id, "note <b>&</b>"));
  TempDir out;
  std::ofstream(out.path() + "/referral.json") << "{}\n";
  auto denied = this->store_->WriteCaseBundle(this->ana_, id, out.path());
  ASSERT_FALSE(denied);
  auto b = this->store_->WriteCaseBundle(this->sup_, id, out.path());
  ASSERT_TRUE(b) << b.error().ToString();
  EXPECT_GE(b->records, 3u);
  auto v = evidence::VerifyBundle(out.path());
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->ok) << v->ToJson().dump();
  bool listed = false;
  for (const auto& f : b->files) listed |= f.name == "referral.json";
  EXPECT_TRUE(listed);
  bool audited = false;
  for (const auto& r : this->AuditWith("ok")) audited |= r.body["action"] == "export";
  EXPECT_TRUE(audited);
  auto whole = this->store_->VerifyLedger(this->aud_);
  ASSERT_TRUE(whole);
  EXPECT_TRUE(whole->ok) << whole->ToJson().dump();
}

TYPED_TEST(StoreTest, Ledger_EveryCaseChangeIsChainedInItsStream) {
  const std::string id = this->IngestOne(AccountLine("h1", "supply", 0.9));
  ASSERT_TRUE(this->store_->SetStatus(this->ana_, id, CaseStatus::kTriage, ""));
  ASSERT_TRUE(this->store_->AddNote(this->ana_, id, "n1"));
  ASSERT_TRUE(this->store_->RecordTakeover(this->ana_, id, "conv-1", "agent drifted"));
  auto records = this->store_->ledger_storage().Read("case/" + id, 0);
  ASSERT_TRUE(records);
  std::vector<std::string> kinds;
  for (const auto& r : *records) kinds.push_back(r.kind);
  EXPECT_EQ(kinds, (std::vector<std::string>{"opened", "lead", "status", "note", "takeover"}));
  EXPECT_EQ((*records)[1].source_time, "2026-01-08T00:00:00Z");
  EXPECT_EQ((*records)[1].received_time, "2026-01-01T00:00:00Z");
  for (size_t i = 1; i < records->size(); ++i) {
    EXPECT_EQ((*records)[i].prev_hash, (*records)[i - 1].hash);
  }
}

}  // namespace
}  // namespace bantay::cases
