// tests/e2e/cases_cli_test.cc: `bantay ingest`, `bantay cases ...` and `bantay evidence
// export` as a script would run them, and crash safety: ingest killed with SIGKILL many times
// loses no acknowledged lead and duplicates none, and the ledger still verifies.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <type_traits>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../cases/backends.h"
#include "cases/cases.h"

namespace bantay {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class TempDir {
 public:
  TempDir() {
    std::string t = (fs::temp_directory_path() / "bantay-e2e-cases-XXXXXX").string();
    path_ = mkdtemp(t.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A started `bantay` with stdout and stderr piped; reads stderr line by line.
class Child {
 public:
  explicit Child(const std::vector<std::string>& args) {
    int err[2], out[2];
    if (pipe(err) != 0 || pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(err[1], 2);
      dup2(out[1], 1);
      close(err[0]);
      close(out[0]);
      std::vector<char*> argv;
      std::string bin = BANTAY_BINARY;
      argv.push_back(bin.data());
      std::vector<std::string> copy = args;
      for (auto& a : copy) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(bin.c_str(), argv.data());
      _exit(127);
    }
    close(err[1]);
    close(out[1]);
    err_ = fdopen(err[0], "r");
    out_fd_ = out[0];
  }
  ~Child() {
    if (pid_ > 0 && !waited_) Kill();
    if (err_) fclose(err_);
    if (out_fd_ >= 0) close(out_fd_);
  }
  // The next stderr line, or false at end.
  bool ReadErrLine(std::string* line) {
    char* buf = nullptr;
    size_t cap = 0;
    const ssize_t n = getline(&buf, &cap, err_);
    if (n >= 0) line->assign(buf, n > 0 && buf[n - 1] == '\n' ? n - 1 : n);
    free(buf);
    return n >= 0;
  }
  void Kill() {
    kill(pid_, SIGKILL);
    Wait();
  }
  // Drains both pipes and returns the exit status (-1 if signalled).
  int Wait(std::string* out = nullptr) {
    std::string line;
    while (ReadErrLine(&line)) {
    }
    char buf[4096];
    ssize_t n;
    while ((n = read(out_fd_, buf, sizeof buf)) > 0) {
      if (out) out->append(buf, n);
    }
    int status = 0;
    waitpid(pid_, &status, 0);
    waited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
  FILE* err_ = nullptr;
  int out_fd_ = -1;
  bool waited_ = false;
};

struct RunResult {
  int code = 0;
  std::string out, err;
};

RunResult Bantay(const std::vector<std::string>& args) {
  Child c(args);
  RunResult r;
  std::string line;
  while (c.ReadErrLine(&line)) r.err += line + "\n";
  r.code = c.Wait(&r.out);
  return r;
}

// Synthetic leads: account leads (some accounts scored twice, some linked to a hub) and scan
// lines whose requester is one of those accounts, so merging and linking both happen.
std::vector<std::string> MakeLeads(int n) {
  std::vector<std::string> lines;
  std::mt19937 rng(7);
  for (int i = 0; i < n; ++i) {
    const int acct = static_cast<int>(rng() % (n * 2 / 3 + 1));
    const double score = 0.5 + (rng() % 5000) / 10000.0;
    json j;
    if (i % 3 == 2) {
      j = {{"conversation", "conv" + std::to_string(i)},
           {"score", score},
           {"flagged", true},
           {"signals", {{"payment", 1}}},
           {"evidence", json::array({{{"message", 1}, {"category", "payment"}, {"term", "gcash"},
                                      {"text", "send gcash first"}, {"role", "requester"}}})},
           {"participants", json::array({{{"author", "acct" + std::to_string(acct)},
                                          {"role", "requester"}},
                                         {{"author", "hub" + std::to_string(acct % 7)},
                                          {"role", "other"}}})}};
    } else {
      j = {{"account", "acct" + std::to_string(acct)},
           {"role", "demand"},
           {"score", score},
           {"flagged", true},
           {"window", {{"start", "2026-02-01T00:00:00Z"}, {"end", "2026-02-08T00:00:00Z"}}},
           {"evidence", {{"linked", json::array({"hub" + std::to_string(acct % 7)})},
                         {"seq", i}}}};
    }
    lines.push_back(j.dump());
  }
  return lines;
}

void WriteLines(const std::string& path, const std::vector<std::string>& lines) {
  std::ofstream f(path);
  for (const auto& l : lines) f << l << "\n";
}

// Content hash -> number of "lead" records in the ledger.
std::map<std::string, int> LedgerLeads(cases::Store& store) {
  std::map<std::string, int> out;
  auto streams = store.ledger_storage().Streams();
  EXPECT_TRUE(streams);
  for (const auto& s : *streams) {
    auto records = store.ledger_storage().Read(s, 0);
    EXPECT_TRUE(records);
    for (const auto& r : *records) {
      if (r.kind == "lead") ++out[r.body["content_hash"].get<std::string>()];
    }
  }
  return out;
}

TEST(CasesCli, IngestListShowWorkflowReferAndExport) {
  TempDir dir;
  const std::string store = dir / "store.db";
  WriteLines(dir / "leads.jsonl",
             {R"({"account":"hubA","role":"supply","score":0.93,"flagged":true,"country":"PH"})",
              R"({"account":"custB","role":"demand","score":0.81,"flagged":true,"evidence":{"linked":["hubA"]}})",
              R"({"account":"hubA","role":"supply","score":0.97,"flagged":true})",
              R"(this is not json)",
              R"({"conversation":"c1","score":0.9,"flagged":true,"evidence":[],"participants":[{"author":"custB","role":"requester"}]})"});
  std::ofstream(dir / "pw") << "supervisor-pw\n";
  std::ofstream(dir / "apw") << "admin-pass-1\n";
  ASSERT_EQ(Bantay({"cases", "add-user", "--store", store, "root", "--role", "admin",
                 "--password-file", dir / "apw"}).code, 0);
  auto add = Bantay({"cases", "add-user", "--store", store, "--user", "root", "sup", "--role",
                  "supervisor", "--password-file", dir / "pw"});
  ASSERT_EQ(add.code, 0) << add.err;

  auto ingest = Bantay({"ingest", "--store", store, dir / "leads.jsonl"});
  ASSERT_EQ(ingest.code, 0) << ingest.err;
  auto counts = json::parse(ingest.out);
  EXPECT_EQ(counts["leads"], 4);
  EXPECT_EQ(counts["opened"], 2);
  EXPECT_EQ(counts["merged"], 2);
  EXPECT_EQ(counts["rejected"], 1);
  EXPECT_NE(ingest.err.find("leads.jsonl:4: not valid JSON (rejected)"), std::string::npos);
  EXPECT_EQ(Bantay({"ingest", "--strict", "--store", store, dir / "leads.jsonl"}).code, 1);

  auto list = Bantay({"cases", "list", "--store", store, "--kind", "meta"});
  ASSERT_EQ(list.code, 0) << list.err;
  std::istringstream lines(list.out);
  std::string line, hub_case;
  int n = 0;
  while (std::getline(lines, line)) {
    auto c = json::parse(line);
    ++n;
    for (const char* k : {"id", "status", "kind", "score", "subjects"}) EXPECT_TRUE(c.contains(k));
    if (c["score"] == 0.97) hub_case = c["id"];
  }
  EXPECT_EQ(n, 1);  // custB's case became mixed (meta + text)
  ASSERT_FALSE(hub_case.empty()) << list.out;
  EXPECT_EQ(list.out.find("hubA"), std::string::npos);

  auto show = Bantay({"cases", "show", "--store", store, hub_case});
  ASSERT_EQ(show.code, 0) << show.err;
  auto detail = json::parse(show.out);
  EXPECT_EQ(detail["links"].size(), 1u);
  EXPECT_EQ(detail["country"], "PH");

  EXPECT_EQ(Bantay({"cases", "set-status", "--store", store, hub_case, "referred", "--user", "sup"}).code, 1);
  for (const char* s : {"triage", "review", "referred"}) {
    auto r = Bantay({"cases", "set-status", "--store", store, hub_case, s, "--user", "sup", "--note",
                  std::string("moved to ") + s});
    ASSERT_EQ(r.code, 0) << r.err;
  }
  auto refer = Bantay({"cases", "refer", "--store", store, hub_case, "--user", "sup", "--out",
                    dir / "ref", "--agencies",
                    std::string(BANTAY_SOURCE_DIR) + "/data/referral/agencies.csv"});
  ASSERT_EQ(refer.code, 0) << refer.err;
  EXPECT_NE(refer.out.find("PNP-WCPC"), std::string::npos);
  for (const char* f : {"referral.xml", "referral.json", "referral.html", "manifest.json",
                        "records.jsonl", "manifest.sig"}) {
    EXPECT_TRUE(fs::exists(dir / ("ref/" + std::string(f)))) << f;
  }
  EXPECT_EQ(json::parse(refer.out)["identified"], 0);
  auto named = Bantay({"cases", "refer", "--store", store, hub_case, "--user", "sup", "--out",
                    dir / "ref-named", "--identify-reason", "PNP-WCPC request 117"});
  ASSERT_EQ(named.code, 0) << named.err;
  EXPECT_GE(json::parse(named.out)["identified"].get<int>(), 1);
  EXPECT_NE(bantay::e2e::SlurpFile(dir / "ref-named/referral.json").find("reason: PNP-WCPC request 117"),
            std::string::npos);
  auto exported = Bantay({"evidence", "export", "--store", store, hub_case, "--user", "sup", "--out",
                       dir / "bundle"});
  ASSERT_EQ(exported.code, 0) << exported.err;
  EXPECT_TRUE(fs::exists(dir / "bundle/manifest.json"));
  auto wrong_role = Bantay({"evidence", "export", "--store", store, hub_case, "--user", "root",
                         "--out", dir / "bundle2"});
  EXPECT_EQ(wrong_role.code, 1);
  EXPECT_NE(wrong_role.err.find("permission denied"), std::string::npos);
}

// The crash test on both store backends (tests/cases/backends.h; the PostgreSQL server is
// the throw-away one of tests/e2e/pg_fixture_test.cc). PostgreSQL gets fewer kill points: each
// restart there costs a new connection and migration check, and 10 kills already cover
// mid-batch and between-batch kills.
template <class Backend>
class CasesCliKill : public ::testing::Test {
 public:
  static constexpr int kKills =
      std::is_same_v<Backend, cases::testing::PostgresBackend> ? 10 : 20;
};
TYPED_TEST_SUITE(CasesCliKill, cases::testing::Backends, cases::testing::BackendNames);

// Kills `bantay ingest` with SIGKILL at 20 points (10 on PostgreSQL), restarting each time.
// After every kill, every acknowledged lead ("committed through FILE:LINE" printed) is in the
// store exactly once; at the end every lead is, and every ledger stream verifies.
TYPED_TEST(CasesCliKill, IngestKilledRepeatedly_LosesNoAcknowledgedLead_DuplicatesNone) {
  TempDir dir;
  cases::testing::TempDir store_dir;
  const auto spec = TypeParam::Spec(store_dir);
  ASSERT_TRUE(spec) << spec.error().ToString();
  const std::string store = *spec;
  // Explicit keys: a PostgreSQL store has no directory to keep them beside.
  cases::Options keys;
  keys.pseudonym_key_file = dir / "pseudonym.key";
  keys.signing_key_file = dir / "signing.key";
  const auto with_keys = [&](std::vector<std::string> args) {
    for (const std::string& a : {std::string("--pseudonym-key"), keys.pseudonym_key_file.string(),
                                 std::string("--signing-key"), keys.signing_key_file.string()}) {
      args.push_back(a);
    }
    return args;
  };
  const std::string file = dir / "leads.jsonl";
  constexpr int kLeads = 2000;
  const std::vector<std::string> leads = MakeLeads(kLeads);
  WriteLines(file, leads);
  std::vector<std::string> hashes;
  for (const auto& l : leads) hashes.push_back(cases::ParseLead(l, "x")->content_hash);
  std::ofstream(dir / "apw") << "admin-pass-1\n";
  std::ofstream(dir / "bpw") << "auditor-pass\n";
  ASSERT_EQ(Bantay(with_keys({"cases", "add-user", "--store", store, "root", "--role", "admin",
                           "--password-file", dir / "apw"})).code, 0);
  ASSERT_EQ(Bantay(with_keys({"cases", "add-user", "--store", store, "--user", "root", "aud",
                           "--role", "auditor", "--password-file", dir / "bpw"})).code, 0);

  std::mt19937 rng(11);
  uint64_t acknowledged = 0;  // highest acknowledged line over all runs
  constexpr int kKills = TestFixture::kKills;
  int kills = 0;
  for (int i = 0; i < kKills; ++i) {
    // Kill somewhere past the previous acknowledgement, at a random batch boundary plus a
    // random delay into the next batch.
    const uint64_t target = acknowledged + 1 + rng() % (kLeads / kKills);
    Child c(with_keys({"ingest", "--store", store, "--batch", "25", file}));
    std::string line;
    bool killed = false;
    while (c.ReadErrLine(&line)) {
      const auto at = line.find("committed through ");
      if (at == std::string::npos) continue;
      const std::string where = line.substr(at + 18, line.find(' ', at + 18) - at - 18);
      const uint64_t acked = std::stoull(where.substr(where.rfind(':') + 1));
      acknowledged = std::max(acknowledged, acked);
      if (acked >= target) {
        if (rng() % 2) usleep(rng() % 20000);  // sometimes mid-way into the next batch
        c.Kill();
        killed = true;
        break;
      }
    }
    if (!killed) c.Wait();
    kills += killed;
    auto s = cases::OpenStore(store, keys);
    ASSERT_TRUE(s) << s.error().ToString();
    const auto present = LedgerLeads(**s);
    for (uint64_t l = 0; l < acknowledged; ++l) {
      auto it = present.find(hashes[l]);
      ASSERT_TRUE(it != present.end()) << "acknowledged line " << l + 1 << " lost after kill " << i;
    }
    for (const auto& [h, count] : present) ASSERT_EQ(count, 1) << h;
  }
  EXPECT_GE(kills, kKills / 2);
  auto last = Bantay(with_keys({"ingest", "--store", store, "--batch", "25", file}));
  ASSERT_EQ(last.code, 0) << last.err;
  const json counts = json::parse(last.out);
  EXPECT_EQ(counts["rejected"], 0);
  EXPECT_EQ(counts["leads"], kLeads);
  EXPECT_EQ(counts["opened"].get<int>() + counts["merged"].get<int>() +
                counts["duplicate"].get<int>(),
            kLeads);
  auto s = cases::OpenStore(store, keys);
  ASSERT_TRUE(s);
  const auto present = LedgerLeads(**s);
  EXPECT_EQ(present.size(), std::set<std::string>(hashes.begin(), hashes.end()).size());
  for (const auto& h : hashes) EXPECT_EQ(present.count(h), 1u);
  int64_t lead_rows = 0;
  auto page = (*s)->ListCases(cases::Actor::System("test"), {.limit = 1000});
  ASSERT_TRUE(page);
  for (int64_t off = 0; off < page->total; off += 1000) {
    auto p = (*s)->ListCases(cases::Actor::System("test"), {.offset = off, .limit = 1000});
    ASSERT_TRUE(p);
    for (const auto& c : p->cases) lead_rows += c.leads;
  }
  EXPECT_EQ(lead_rows, static_cast<int64_t>(present.size()));
  auto verify = (*s)->VerifyLedger(cases::Actor{"aud", ""});
  ASSERT_TRUE(verify) << verify.error().ToString();
  EXPECT_TRUE(verify->ok) << verify->ToJson().dump();
}

}  // namespace
}  // namespace bantay
