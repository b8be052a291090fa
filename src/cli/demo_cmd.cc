// cli/demo_cmd.cc: `bantay demo`: simulated chats and calls -> scan and meta -> ingest into a
// case store -> demo users with random passwords -> the console. Synthetic data only.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "cases/cases.h"
#include "cli/commands.h"
#include "cli/scan_job.h"
#include "cli/serve_flags.h"
#include "cli/simulate_calls.h"
#include "cli/simulate_chats.h"
#include "meta/meta.h"
#include "server/server.h"

namespace bantay::cli {

namespace {

namespace fs = std::filesystem;

struct DemoFlags {
  ServeFlags serve;
  std::string dir;           // empty: a fresh temp dir
  std::string store;         // empty: DIR/cases.db; else an empty store (keys then in DIR)
  uint64_t chats = 400;      // simulated conversations
  uint64_t accounts = 3000;  // simulated calling accounts
  int days = 21;
  uint64_t seed = 7;
  bool no_serve = false;
};

Status WriteLines(const fs::path& path, const std::function<Status(std::ofstream&)>& body) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Fail(ErrorCode::kIo, "cannot write", path.string());
  if (auto s = body(out); !s) return s;
  out.flush();
  if (!out) return Fail(ErrorCode::kIo, "write failed", path.string());
  return {};
}

// The same analysis as `bantay meta FILE` (flagged leads only), without a geo database: the
// simulated records carry their countries.
Result<std::vector<std::string>> MetaLeads(const fs::path& calls) {
  auto countries = meta::CountryTable::Default();
  if (!countries) return tl::unexpected(countries.error());
  auto weights = meta::MetaWeights::Default();
  if (!weights) return tl::unexpected(weights.error());
  meta::MetaOptions options;
  options.horizon_days = meta::kFileModeHorizonDays;
  auto analyzer = meta::Analyzer::Create(&*countries, nullptr, *weights, options);
  if (!analyzer) return tl::unexpected(analyzer.error());
  auto reader = LineChunkReader::Open(calls.string());
  if (!reader) return tl::unexpected(reader.error());
  std::optional<meta::CallRecordReader> records;
  std::vector<Rejection> rejects;
  Chunk chunk;
  for (;;) {
    auto more = (*reader)->Next(&chunk);
    if (!more) return tl::unexpected(more.error());
    if (!*more) break;
    if (!records) {
      auto r = meta::CallRecordReader::Create(chunk, calls.string());
      if (!r) return tl::unexpected(r.error());
      records.emplace(std::move(*r));
    }
    records->Parse(chunk, [&](meta::CallRecord&& rec) { (*analyzer)->Add(rec); }, &rejects);
  }
  std::vector<std::string> out;
  for (const auto& lead : (*analyzer)->Finish(2)) out.push_back(meta::LeadToJson(lead));
  return out;
}

Result<cases::IngestCounts> IngestLines(cases::Store& store, const std::vector<std::string>& lines,
                                        const std::string& file) {
  std::vector<cases::Lead> leads;
  for (size_t i = 0; i < lines.size(); ++i) {
    auto l = cases::ParseLead(lines[i], file + ":" + std::to_string(i + 1));
    if (!l) return tl::unexpected(l.error());
    leads.push_back(std::move(*l));
  }
  return store.Ingest(cases::Actor::System("demo"), leads);
}

int RunDemo(const DemoFlags& f) {
  auto fail = [](const Error& e) {
    fmt::print(stderr, "bantay demo: {}\n", e.ToString());
    return 1;
  };
  fs::path dir = f.dir;
  if (dir.empty()) {
    std::string tmpl = (fs::temp_directory_path() / "bantay-demo-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) return fail(Error{ErrorCode::kIo, "cannot create a temp dir", tmpl});
    dir = tmpl;
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return fail(Error{ErrorCode::kIo, ec.message(), dir.string()});
  const fs::path store_path = f.store.empty() ? dir / "cases.db" : fs::path(f.store);
  if (f.store.empty() && fs::exists(store_path)) {
    return fail(Error{ErrorCode::kInvalidArgument, "a demo store exists already; give a new --dir",
                      store_path.string()});
  }

  // 1. Simulate.
  SimulateChatsOptions chat_opts;
  chat_opts.n = f.chats;
  chat_opts.seed = f.seed;
  const fs::path chats = dir / "chats.jsonl";
  Status s = WriteLines(chats, [&](std::ofstream& out) {
    return SimulateChats(chat_opts, [&](std::string_view line) { out << line << '\n'; },
                         [](const ChatTruth&) {});
  });
  if (!s) return fail(s.error());
  SimulateCallsOptions call_opts;
  call_opts.accounts = f.accounts;
  call_opts.days = f.days;
  call_opts.seed = f.seed;
  const fs::path calls = dir / "calls.csv";
  s = WriteLines(calls, [&](std::ofstream& out) {
    return SimulateCalls(call_opts, [&](std::string_view line) { out << line << '\n'; },
                         [](const CallTruth&) {});
  });
  if (!s) return fail(s.error());

  // 2. Scan and meta.
  std::vector<std::string> scan_lines;
  ScanJobOptions scan_opts;
  scan_opts.files = {chats.string()};
  scan_opts.threads = 2;
  uint64_t rejected = 0;
  auto scanned = RunScan(
      scan_opts,
      [&](std::string_view block) {
        for (size_t end; (end = block.find('\n')) != std::string_view::npos;) {
          scan_lines.emplace_back(block.substr(0, end));
          block.remove_prefix(end + 1);
        }
      },
      [&](const text::Rejection&) { ++rejected; });
  if (!scanned) return fail(scanned.error());
  auto meta_lines = MetaLeads(calls);
  if (!meta_lines) return fail(meta_lines.error());
  s = WriteLines(dir / "scan.jsonl", [&](std::ofstream& out) -> Status {
    for (const auto& l : scan_lines) out << l << '\n';
    return {};
  });
  if (!s) return fail(s.error());
  s = WriteLines(dir / "leads.jsonl", [&](std::ofstream& out) -> Status {
    for (const auto& l : *meta_lines) out << l << '\n';
    return {};
  });
  if (!s) return fail(s.error());

  // 3. Ingest, and demo users.
  // Keys in the demo directory (a PostgreSQL store has no directory to keep them beside).
  ServeFlags serve = f.serve;
  serve.store = store_path.string();
  if (!f.store.empty()) {
    serve.pseudonym_key = (dir / "bantay-pseudonym.key").string();
    serve.signing_key = (dir / "bantay-signing.key").string();
  }
  auto store = serve.OpenCaseStore();
  if (!store) return fail(store.error());
  if (!f.store.empty()) {
    cases::CaseFilter any;
    any.limit = 1;
    auto existing = (*store)->ListCases(cases::Actor::System("demo"), any);
    if (!existing) return fail(existing.error());
    if (existing->total > 0) {
      return fail(Error{ErrorCode::kInvalidArgument, "the demo needs an empty store", f.store});
    }
  }
  auto c1 = IngestLines(**store, scan_lines, (dir / "scan.jsonl").string());
  if (!c1) return fail(c1.error());
  auto c2 = IngestLines(**store, *meta_lines, (dir / "leads.jsonl").string());
  if (!c2) return fail(c2.error());
  std::vector<std::pair<std::string, std::string>> users;  // name, password
  for (const char* name : {"admin", "supervisor", "analyst", "auditor"}) {
    users.emplace_back(name, server::RandomPassword());
  }
  if (auto b = (*store)->Bootstrap("admin", users[0].second); !b) return fail(b.error());
  const cases::Actor admin{"admin", "demo"};
  const cases::Role roles[] = {cases::Role::kSupervisor, cases::Role::kAnalyst, cases::Role::kAuditor};
  for (size_t i = 1; i < users.size(); ++i) {
    if (auto u = (*store)->CreateUser(admin, users[i].first, roles[i - 1], users[i].second); !u) {
      return fail(u.error());
    }
  }
  store->reset();

  fmt::print("bantay demo: {} conversations simulated, {} flagged ({} records rejected); "
             "calls of {} accounts over {} days, {} account leads\n",
             scanned->conversations, scan_lines.size(), rejected, f.accounts, f.days,
             meta_lines->size());
  fmt::print("bantay demo: store {} ({} cases opened, {} leads merged, {} links)\n",
             store_path.string(), c1->ingested + c2->ingested, c1->merged + c2->merged,
             c1->linked + c2->linked);
  for (const auto& [name, pw] : users) {
    fmt::print("bantay demo: user {:<10} password {}\n", name, pw);
  }
  std::fflush(stdout);
  if (f.no_serve) return kExitOk;

  auto options = serve.ToOptions();
  if (!options) return fail(options.error());
  return RunServer(*options, "demo");
}

}  // namespace

static void RegisterDemo(CLI::App& app, std::function<int()>* run) {
  auto flags = std::make_shared<DemoFlags>();
  CLI::App* cmd = app.add_subcommand(
      "demo",
      "Simulate chats and calls, scan and score them, ingest the leads into a fresh case store, "
      "create demo users (admin, supervisor, analyst, auditor) with random passwords, print "
      "them, and serve the console. Synthetic data only.");
  cmd->add_option("--dir", flags->dir, "Directory for the demo's files and store (default: a new temp dir)");
  cmd->add_option("--store", flags->store,
                  "Empty case store to fill: an SQLite file, or postgresql://... (default: DIR/cases.db)");
  cmd->add_option("--chats", flags->chats, "Simulated conversations (400)")->check(CLI::Range(1, 1000000));
  cmd->add_option("--accounts", flags->accounts, "Simulated calling accounts (3000)")
      ->check(CLI::Range(1000, 1000000));
  cmd->add_option("--days", flags->days, "Days of simulated calls (21)")->check(CLI::Range(1, 366));
  cmd->add_option("--seed", flags->seed, "Simulation seed (7)");
  cmd->add_flag("--no-serve", flags->no_serve, "Stop after ingest (for tests and scripts)");
  flags->serve.AddServing(cmd);
  cmd->callback([flags, run] { *run = [flags] { return RunDemo(*flags); }; });
}

const CommandRegistration kRegisterDemo{95, RegisterDemo};

}  // namespace bantay::cli
