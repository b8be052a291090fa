// cli/cases_cmd.cc: `bantay ingest` (leads into the case store), `bantay cases ...` (queue,
// case detail, workflow, authorisations, referral, retention, users, audit) and
// `bantay evidence export`, so scripts can drive the store without the console.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "cases/cases.h"
#include "cli/commands.h"
#include "cli/store_flags.h"
#include "core/core.h"

namespace bantay::cli {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kExitError = 1;  // the store refused or failed (not a usage error)

// Flags every store command shares: the store and the acting user.
struct StoreFlags : StoreLocation {
  std::string user;  // acting user; empty: the CLI's system principal where allowed

  void Add(CLI::App* cmd, bool user_required) {
    AddStoreFlags(cmd, true);
    auto* u = cmd->add_option("--user", user, "Acting user (audited)");
    if (user_required) u->required();
  }

  cases::Actor Actor(std::string_view job) const {
    return user.empty() ? cases::Actor::System(std::string(job)) : cases::Actor{user, "cli"};
  }
};

int Report(std::string_view command, const Error& e) {
  fmt::print(stderr, "bantay {}: {}\n", command, e.ToString());
  return kExitError;
}

// Runs `body` with an open store; errors are printed and give exit 1.
template <class F>
std::function<int()> WithStore(std::shared_ptr<StoreFlags> flags, std::string name, F body) {
  return [flags, name, body]() -> int {
    auto store = flags->OpenCaseStore();
    if (!store) return Report(name, store.error());
    Status s = body(**store);
    if (!s) return Report(name, s.error());
    return kExitOk;
  };
}

void PrintJsonLine(const json& j) {
  const std::string s = j.dump(-1, ' ', false, json::error_handler_t::replace);
  std::fwrite(s.data(), 1, s.size(), stdout);
  std::fputc('\n', stdout);
}

Status WriteText(const fs::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) return Fail(ErrorCode::kIo, "cannot write", path.string());
  return {};
}

// ---- bantay ingest --------------------------------------------------------------------------

struct IngestFlags {
  std::vector<std::string> files;
  size_t batch = 500;
  bool strict = false;
  size_t max_errors = 20;
};

int RunIngest(const StoreFlags& sf, const IngestFlags& f) {
  auto store = sf.OpenCaseStore();
  if (!store) return Report("ingest", store.error());
  const cases::Actor actor = sf.Actor("ingest");
  cases::IngestCounts total;
  uint64_t rejected = 0, leads = 0;
  std::vector<cases::Lead> batch;
  std::string last_where;
  // A batch is acknowledged (the "committed through" line) only after its transaction commits.
  auto flush = [&]() -> Status {
    if (batch.empty()) return {};
    auto r = (*store)->Ingest(actor, batch);
    if (!r) return tl::unexpected(r.error());
    total.ingested += r->ingested;
    total.merged += r->merged;
    total.duplicate += r->duplicate;
    total.linked += r->linked;
    leads += batch.size();
    fmt::print(stderr, "bantay ingest: committed through {} ({} leads)\n", last_where, leads);
    std::fflush(stderr);
    batch.clear();
    return {};
  };
  std::vector<std::string> files = f.files.empty() ? std::vector<std::string>{"-"} : f.files;
  for (const std::string& path : files) {
    auto reader = LineChunkReader::Open(path, 1 << 20);
    if (!reader) return Report("ingest", reader.error());
    Chunk chunk;
    for (;;) {
      auto more = (*reader)->Next(&chunk);
      if (!more) return Report("ingest", more.error());
      if (!*more) break;
      uint64_t line_no = chunk.first_line;
      std::string_view data = chunk.data;
      while (!data.empty()) {
        size_t end = data.find('\n');
        std::string_view line = data.substr(0, end);
        data = end == std::string_view::npos ? std::string_view() : data.substr(end + 1);
        const uint64_t n = line_no++;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
        const std::string where = Where((*reader)->name(), n);
        auto lead = cases::ParseLead(line, where);
        if (!lead) {
          if (rejected++ < f.max_errors) {
            fmt::print(stderr, "bantay ingest: {} (rejected)\n", lead.error().ToString());
          }
          continue;
        }
        batch.push_back(std::move(*lead));
        last_where = where;
        if (batch.size() >= f.batch) {
          if (auto s = flush(); !s) return Report("ingest", s.error());
        }
      }
    }
  }
  if (auto s = flush(); !s) return Report("ingest", s.error());
  if (rejected > f.max_errors) {
    fmt::print(stderr, "bantay ingest: ... and {} more input errors\n", rejected - f.max_errors);
  }
  PrintJsonLine({{"leads", leads},
                 {"opened", total.ingested},
                 {"merged", total.merged},
                 {"duplicate", total.duplicate},
                 {"linked", total.linked},
                 {"rejected", rejected}});
  return f.strict && rejected > 0 ? kExitFindings : kExitOk;
}

}  // namespace

static void RegisterIngest(CLI::App& app, std::function<int()>* run) {
  auto sf = std::make_shared<StoreFlags>();
  auto f = std::make_shared<IngestFlags>();
  CLI::App* cmd = app.add_subcommand(
      "ingest",
      "Read scan output, account leads and media match leads (JSONL, kind detected per line) "
      "into the case store: account ids pseudonymised, leads about one account or "
      "conversation merged into one case, related cases linked, replay-safe. Each batch is one "
      "transaction, acknowledged on stderr (\"committed through FILE:LINE\") after it commits.");
  sf->Add(cmd, false);
  cmd->add_option("files", f->files, "Lead files; '-' is stdin (default)");
  cmd->add_option("--batch", f->batch, "Leads per transaction (500)")->check(CLI::Range(1, 100000));
  cmd->add_flag("--strict", f->strict, "Exit 1 if any input line was rejected");
  cmd->add_option("--max-errors", f->max_errors, "Print at most this many input errors (20)");
  cmd->callback([=] { *run = [=] { return RunIngest(*sf, *f); }; });
}

static void RegisterCases(CLI::App& app, std::function<int()>* run) {
  CLI::App* cases_cmd =
      app.add_subcommand("cases", "Work the case store: queue, case detail, workflow, "
                                  "authorisations, referral, retention, users, audit");
  cases_cmd->require_subcommand(1);

  {  // list
    auto sf = std::make_shared<StoreFlags>();
    auto filter = std::make_shared<cases::CaseFilter>();
    auto status = std::make_shared<std::string>();
    auto sort = std::make_shared<std::string>("score");
    auto asc = std::make_shared<bool>(false);
    CLI::App* c = cases_cmd->add_subcommand("list", "Print one JSON line per case");
    sf->Add(c, false);
    c->add_option("--status", *status, "new, triage, review, referred or dismissed");
    c->add_option("--kind", filter->kind, "text, meta, media, report or mixed");
    c->add_option("--assignee", filter->assignee, "Cases assigned to this user");
    c->add_option("--subject", filter->subject, "Cases naming this pseudonym");
    c->add_option("--min-score", filter->min_score, "Cases scoring at least this");
    c->add_option("--sort", *sort, "score, updated, created or id (score)")
        ->check(CLI::IsMember({"score", "updated", "created", "id"}));
    c->add_flag("--asc", *asc, "Ascending order (default descending)");
    c->add_option("--limit", filter->limit, "At most this many cases (100, max 1000)");
    c->add_option("--offset", filter->offset, "Skip this many cases");
    c->callback([=] {
      *run = WithStore(sf, "cases list", [=](cases::Store& store) -> Status {
        cases::CaseFilter fl = *filter;
        if (!status->empty()) {
          auto st = cases::ParseStatus(*status);
          if (!st) return tl::unexpected(st.error());
          fl.status = *st;
        }
        fl.sort = *sort == "updated"   ? cases::SortBy::kUpdated
                  : *sort == "created" ? cases::SortBy::kCreated
                  : *sort == "id"      ? cases::SortBy::kId
                                       : cases::SortBy::kScore;
        fl.descending = !*asc;
        auto page = store.ListCases(sf->Actor("cli"), fl);
        if (!page) return tl::unexpected(page.error());
        for (const auto& c : page->cases) PrintJsonLine(cases::SummaryToJson(c));
        return {};
      });
    });
  }
  {  // show
    auto sf = std::make_shared<StoreFlags>();
    auto id = std::make_shared<std::string>();
    CLI::App* c = cases_cmd->add_subcommand("show", "Print a case with its leads, notes, "
                                                     "authorisations and evidence timeline (audited)");
    sf->Add(c, false);
    c->add_option("id", *id, "Case id")->required();
    c->callback([=] {
      *run = WithStore(sf, "cases show", [=](cases::Store& store) -> Status {
        auto d = store.GetCase(sf->Actor("cli"), *id);
        if (!d) return tl::unexpected(d.error());
        std::puts(cases::DetailToJson(*d).dump(2, ' ', false, json::error_handler_t::replace).c_str());
        return {};
      });
    });
  }
  {  // set-status
    auto sf = std::make_shared<StoreFlags>();
    auto id = std::make_shared<std::string>();
    auto status = std::make_shared<std::string>();
    auto note = std::make_shared<std::string>();
    CLI::App* c = cases_cmd->add_subcommand(
        "set-status", "Move a case: new -> triage -> review -> referred | dismissed");
    sf->Add(c, true);
    c->add_option("id", *id, "Case id")->required();
    c->add_option("status", *status, "triage, review, referred or dismissed")->required();
    c->add_option("--note", *note, "A note kept with the change");
    c->callback([=] {
      *run = WithStore(sf, "cases set-status", [=](cases::Store& store) -> Status {
        auto st = cases::ParseStatus(*status);
        if (!st) return tl::unexpected(st.error());
        return store.SetStatus(sf->Actor("cli"), *id, *st, *note);
      });
    });
  }
  {  // assign
    auto sf = std::make_shared<StoreFlags>();
    auto id = std::make_shared<std::string>();
    auto assignee = std::make_shared<std::string>();
    CLI::App* c = cases_cmd->add_subcommand("assign", "Assign a case to a user ('' unassigns)");
    sf->Add(c, true);
    c->add_option("id", *id, "Case id")->required();
    c->add_option("assignee", *assignee, "User name")->required();
    c->callback([=] {
      *run = WithStore(sf, "cases assign", [=](cases::Store& store) -> Status {
        return store.Assign(sf->Actor("cli"), *id, *assignee);
      });
    });
  }
  {  // note
    auto sf = std::make_shared<StoreFlags>();
    auto id = std::make_shared<std::string>();
    auto text = std::make_shared<std::string>();
    CLI::App* c = cases_cmd->add_subcommand("note", "Add a note to a case");
    sf->Add(c, true);
    c->add_option("id", *id, "Case id")->required();
    c->add_option("text", *text, "Note text")->required();
    c->callback([=] {
      *run = WithStore(sf, "cases note", [=](cases::Store& store) -> Status {
        auto n = store.AddNote(sf->Actor("cli"), *id, *text);
        if (!n) return tl::unexpected(n.error());
        return {};
      });
    });
  }
  {  // no-abuse
    auto sf = std::make_shared<StoreFlags>();
    auto id = std::make_shared<std::string>();
    auto reason = std::make_shared<std::string>();
    CLI::App* c = cases_cmd->add_subcommand(
        "no-abuse", "Dismiss a case as showing no abuse and delete its recorded content");
    sf->Add(c, true);
    c->add_option("id", *id, "Case id")->required();
    c->add_option("--reason", *reason, "Why")->required();
    c->callback([=] {
      *run = WithStore(sf, "cases no-abuse", [=](cases::Store& store) -> Status {
        return store.CloseNoAbuse(sf->Actor("cli"), *id, *reason);
      });
    });
  }
  {  // authorise
    auto sf = std::make_shared<StoreFlags>();
    auto a = std::make_shared<cases::Authorisation>();
    auto start = std::make_shared<std::string>();
    auto expiry = std::make_shared<std::string>();
    CLI::App* c = cases_cmd->add_subcommand(
        "authorise", "Record a judge's or authority's authorisation to record accounts of a case");
    sf->Add(c, true);
    c->add_option("id", a->case_id, "Case id")->required();
    c->add_option("--authority", a->authority, "Who granted it")->required();
    c->add_option("--reference", a->legal_reference, "Warrant or order reference")->required();
    c->add_option("--account", a->scope, "Pseudonym covered (repeat)")->required();
    c->add_option("--start", *start, "RFC 3339 start")->required();
    c->add_option("--expiry", *expiry, "RFC 3339 expiry")->required();
    c->callback([=] {
      *run = WithStore(sf, "cases authorise", [=](cases::Store& store) -> Status {
        cases::Authorisation auth = *a;
        auto s = ParseRfc3339(*start);
        if (!s) return tl::unexpected(s.error());
        auto e = ParseRfc3339(*expiry);
        if (!e) return tl::unexpected(e.error());
        auth.start_ms = *s;
        auth.expiry_ms = *e;
        auto id = store.AddAuthorisation(sf->Actor("cli"), auth);
        if (!id) return tl::unexpected(id.error());
        std::puts(id->c_str());
        return {};
      });
    });
  }
  {  // reidentify
    auto sf = std::make_shared<StoreFlags>();
    auto pseudonym = std::make_shared<std::string>();
    auto reason = std::make_shared<std::string>();
    CLI::App* c = cases_cmd->add_subcommand(
        "reidentify", "Print the account id behind a pseudonym (supervisors; audited)");
    sf->Add(c, true);
    c->add_option("pseudonym", *pseudonym, "p_...")->required();
    c->add_option("--reason", *reason, "Why (kept in the audit log)")->required();
    c->callback([=] {
      *run = WithStore(sf, "cases reidentify", [=](cases::Store& store) -> Status {
        auto id = store.Reidentify(sf->Actor("cli"), *pseudonym, *reason);
        if (!id) return tl::unexpected(id.error());
        std::puts(id->c_str());
        return {};
      });
    });
  }
  {  // refer
    auto sf = std::make_shared<StoreFlags>();
    auto id = std::make_shared<std::string>();
    auto out = std::make_shared<std::string>();
    auto agencies = std::make_shared<std::string>();
    CLI::App* c = cases_cmd->add_subcommand(
        "refer", "Write the referral report (referral.xml, .json, .html) and the signed evidence "
                 "bundle of a case into a directory");
    sf->Add(c, true);
    c->add_option("id", *id, "Case id")->required();
    c->add_option("--out", *out, "Output directory (created)")->required();
    c->add_option("--agencies", *agencies, "Routing table CSV (default: data/referral/agencies.csv)");
    auto identify = std::make_shared<std::string>();
    c->add_option("--identify-reason", *identify,
                  "Name the subjects' account ids in the report (supervisors; each "
                  "re-identification is audited with this reason)");
    c->callback([=] {
      *run = WithStore(sf, "cases refer", [=](cases::Store& store) -> Status {
        auto table = cases::LoadAgencies(*agencies);
        if (!table) return tl::unexpected(table.error());
        const cases::Actor actor = sf->Actor("cli");
        if (auto s = store.AuthoriseReferralExport(actor, *id); !s) return s;
        auto report = store.BuildReferral(actor, *id, *table, *identify);
        if (!report) return tl::unexpected(report.error());
        std::error_code ec;
        fs::create_directories(*out, ec);
        if (ec) return Fail(ErrorCode::kIo, "cannot create directory", *out);
        for (const auto& [name, text] : {std::pair{"referral.xml", &report->xml},
                                         std::pair{"referral.json", &report->json},
                                         std::pair{"referral.html", &report->html}}) {
          if (auto s = WriteText(fs::path(*out) / name, *text); !s) return s;
        }
        auto bundle = store.WriteCaseBundle(actor, *id, *out);
        if (!bundle) return tl::unexpected(bundle.error());
        json agencies_json = json::array();
        for (const auto& a : report->agencies) {
          agencies_json.push_back({{"agency", a.agency}, {"channel", a.channel}, {"contact", a.contact}});
        }
        PrintJsonLine({{"case", *id},
                       {"dir", *out},
                       {"agencies", agencies_json},
                       {"identified", report->identified.size()},
                       {"records", bundle->records},
                       {"manifest_sha256", bundle->manifest_sha256}});
        return {};
      });
    });
  }
  {  // retention
    auto sf = std::make_shared<StoreFlags>();
    auto now = std::make_shared<std::string>();
    CLI::App* c = cases_cmd->add_subcommand(
        "retention", "Enforce retention periods: erase lead bodies of old dismissed cases and "
                     "recorded content past its period (every deletion ledgered)");
    sf->Add(c, false);
    c->add_option("--now", *now, "Run as of this RFC 3339 time (default: now)");
    c->callback([=] {
      *run = WithStore(sf, "cases retention", [=](cases::Store& store) -> Status {
        int64_t t = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
        if (!now->empty()) {
          auto p = ParseRfc3339(*now);
          if (!p) return tl::unexpected(p.error());
          t = *p;
        }
        auto r = store.RunRetention(sf->Actor("retention"), t);
        if (!r) return tl::unexpected(r.error());
        PrintJsonLine({{"lead_bodies_erased", r->lead_bodies_erased},
                       {"contents_deleted", r->contents_deleted},
                       {"bot_conversations_erased", r->bot_conversations_erased},
                       {"bot_lines_erased", r->bot_lines_erased}});
        return {};
      });
    });
  }
  {  // user add
    auto sf = std::make_shared<StoreFlags>();
    auto name = std::make_shared<std::string>();
    auto role = std::make_shared<std::string>();
    auto password_file = std::make_shared<std::string>();
    CLI::App* c = cases_cmd->add_subcommand(
        "add-user", "Create a user (an admin's action; the first admin of an empty store needs "
                    "no --user)");
    sf->Add(c, false);
    c->add_option("name", *name, "User name")->required();
    c->add_option("--role", *role, "analyst, supervisor, auditor or admin")->required();
    c->add_option("--password-file", *password_file, "File holding the password ('-': stdin)")
        ->required();
    c->callback([=] {
      *run = WithStore(sf, "cases add-user", [=](cases::Store& store) -> Status {
        auto r = cases::ParseRole(*role);
        if (!r) return tl::unexpected(r.error());
        auto pw = ReadFile(*password_file);
        if (!pw) return tl::unexpected(pw.error());
        while (!pw->empty() && (pw->back() == '\n' || pw->back() == '\r')) pw->pop_back();
        if (sf->user.empty()) {
          if (*r != cases::Role::kAdmin) {
            return Fail(ErrorCode::kInvalidArgument, "--user (an admin) is required");
          }
          return store.Bootstrap(*name, *pw);
        }
        return store.CreateUser(sf->Actor("cli"), *name, *r, *pw);
      });
    });
  }
  {  // audit
    auto sf = std::make_shared<StoreFlags>();
    auto verify = std::make_shared<bool>(false);
    CLI::App* c = cases_cmd->add_subcommand(
        "audit", "Print the audit stream (auditors), or verify every ledger stream (--verify)");
    sf->Add(c, true);
    c->add_flag("--verify", *verify, "Verify hash chains and signed checkpoints of every stream");
    c->callback([=] {
      *run = [=]() -> int {
        auto store = sf->OpenCaseStore();
        if (!store) return Report("cases audit", store.error());
        if (*verify) {
          auto r = (*store)->VerifyLedger(sf->Actor("cli"));
          if (!r) return Report("cases audit", r.error());
          PrintJsonLine(r->ToJson());
          return r->ok ? kExitOk : kExitFindings;
        }
        auto records = (*store)->ReadAudit(sf->Actor("cli"), 0);
        if (!records) return Report("cases audit", records.error());
        for (const auto& r : *records) PrintJsonLine(evidence::RecordToJson(r));
        return kExitOk;
      };
    });
  }
}

// `bantay evidence export`: under the `evidence` parent of evidence_cmd.cc (order 60).
static void RegisterEvidenceExport(CLI::App& app, std::function<int()>* run) {
  CLI::App* parent = nullptr;
  try {
    parent = app.get_subcommand("evidence");
  } catch (const CLI::OptionNotFound&) {
    parent = app.add_subcommand("evidence", "Evidence bundles: export and verify");
    parent->require_subcommand(1);
  }
  auto sf = std::make_shared<StoreFlags>();
  auto id = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  CLI::App* c = parent->add_subcommand(
      "export", "Write the signed evidence bundle of a case (records, checkpoints, public key, "
                "signed manifest) for offline verification with `bantay evidence verify`");
  sf->Add(c, true);
  c->add_option("case", *id, "Case id")->required();
  c->add_option("--out", *out, "Output directory (created)")->required();
  c->callback([=] {
    *run = WithStore(sf, "evidence export", [=](cases::Store& store) -> Status {
      auto bundle = store.WriteCaseBundle(sf->Actor("cli"), *id, *out);
      if (!bundle) return tl::unexpected(bundle.error());
      PrintJsonLine({{"case", *id},
                     {"dir", *out},
                     {"records", bundle->records},
                     {"checkpoints", bundle->checkpoints},
                     {"public_key", bundle->public_key},
                     {"manifest_sha256", bundle->manifest_sha256}});
      return {};
    });
  });
}

const CommandRegistration kRegisterIngest{40, RegisterIngest};
const CommandRegistration kRegisterCases{45, RegisterCases};
const CommandRegistration kRegisterEvidenceExport{65, RegisterEvidenceExport};

}  // namespace bantay::cli
