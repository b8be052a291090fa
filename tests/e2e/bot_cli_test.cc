// tests/e2e/bot_cli_test.cc: `bantay bot --stdin` as scripts use it: partner lines in, agent
// lines out; a soliciting partner becomes an account lead that the case store ingests (into a
// case), the evidence bundle verifies offline, and `bantay bot replay` reproduces each
// transcript (exit 0) and names an edited line (exit 1).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <sstream>
#include <nlohmann/json.hpp>

#include "cases/cases.h"
#include "cli_runner.h"
#include "core/core.h"
#include "evidence/evidence.h"

namespace bantay {
namespace {

class BotCliTest : public e2e::CliTest {};
using e2e::CliRun;

// Synthetic partners (SAFETY.md 1): one chats, one solicits, pays and discloses details.
std::string Script() {
  std::string s;
  auto line = [&](const char* who, const char* text) {
    s += nlohmann::json({{"partner", who}, {"text", text}}).dump() + "\n";
  };
  line("chatter", "hello");
  line("offender", "hi");
  line("chatter", "how is school");
  line("offender", "how old are you");
  line("offender", "can you do a private show, i send gcash");
  line("chatter", "ok bye");
  line("offender", "my name is Dan");
  line("offender", "i am from Leeds");
  line("offender", "my email is dan.k@example.com");
  s += "{\"text\": \"no partner\"}\n";
  return s;
}

TEST_F(BotCliTest, StdinRunProducesLeadsCaseBundleAndReplayableTranscripts) {
  Write("in.jsonl", Script());
  CliRun r = Bantay("bot --stdin --delay-scale 0 --store " + Path("cases.db") + " --leads " +
                    Path("leads.jsonl") + " --transcripts " + Path("t") + " --bundle " +
                    Path("bundle") + " < " + Path("in.jsonl"));
  ASSERT_EQ(r.code, 0) << r.err;
  // Agent lines on stdout, one JSON object each, to both partners.
  size_t to_offender = 0, to_chatter = 0;
  std::string last_to_offender;
  std::istringstream out(r.out);
  for (std::string l; std::getline(out, l);) {
    auto j = nlohmann::json::parse(l);
    if (j["to"] == "offender") {
      ++to_offender;
      last_to_offender = j["text"];
    }
    if (j["to"] == "chatter") ++to_chatter;
  }
  EXPECT_EQ(to_chatter, 3u);
  EXPECT_GE(to_offender, 4u);
  EXPECT_NE(last_to_offender.find("software agent"), std::string::npos);  // the notice
  // The bad line is reported with its place and counted.
  EXPECT_NE(r.err.find("-:10:partner"), std::string::npos) << r.err;
  std::string err = r.err.substr(0, r.err.find_last_not_of('\n') + 1);
  auto summary = nlohmann::json::parse(err.substr(err.rfind('\n') + 1));
  EXPECT_EQ(summary["rejected"], 1);
  EXPECT_EQ(summary["notices"], 1);
  EXPECT_EQ(summary["ingest"]["opened"], 1);
  // One lead, for the offender only, with the details.
  std::string leads = Slurp(Path("leads.jsonl"));
  ASSERT_EQ(std::count(leads.begin(), leads.end(), '\n'), 1);
  auto lead = nlohmann::json::parse(leads);
  EXPECT_EQ(lead["account"], "stdin|offender");
  EXPECT_EQ(lead["role"], "demand");
  std::string details = lead["evidence"]["details"].dump();
  EXPECT_NE(details.find("dan.k@example.com"), std::string::npos);
  EXPECT_NE(details.find("Leeds"), std::string::npos);
  // bantay ingest accepts the same file (a replay of it: duplicate).
  CliRun ing = Bantay("ingest --store " + Path("cases.db") + " " + Path("leads.jsonl"));
  ASSERT_EQ(ing.code, 0) << ing.err;
  EXPECT_EQ(nlohmann::json::parse(ing.out)["duplicate"], 1);
  // The bundle verifies offline.
  CliRun v = Bantay("evidence verify " + Path("bundle"));
  EXPECT_EQ(v.code, 0) << v.out << v.err;
  // Each transcript replays identically; an edited agent line is caught.
  size_t replayed = 0;
  for (const auto& f : std::filesystem::directory_iterator(Path("t"))) {
    CliRun rp = Bantay("bot replay " + f.path().string());
    EXPECT_EQ(rp.code, 0) << rp.out << rp.err;
    ++replayed;
  }
  EXPECT_EQ(replayed, 2u);
  // A day later, retention erases the chatter's transcript (no intent); the offender's stays
  // with its case.
  const std::string later = FormatRfc3339(
      std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch()).count() + 25 * 3600 * 1000LL);
  CliRun ret = Bantay("cases retention --store " + Path("cases.db") + " --now " + later);
  ASSERT_EQ(ret.code, 0) << ret.out << ret.err;
  auto erased = nlohmann::json::parse(ret.out);
  EXPECT_EQ(erased["bot_conversations_erased"], 1) << ret.out;
  EXPECT_GE(erased["bot_lines_erased"], 6) << ret.out;
  std::string t = Slurp(Path("t/B-000002.jsonl"));
  size_t pos = t.find("\"speaker\":\"agent\"");
  ASSERT_NE(pos, std::string::npos);
  size_t text = t.find("\"text\":\"", pos) + 8;
  t.insert(text, "EDITED ");
  Write("edited.jsonl", t);
  CliRun bad = Bantay("bot replay " + Path("edited.jsonl"));
  EXPECT_EQ(bad.code, 1) << bad.out << bad.err;
  EXPECT_NE(bad.out.find("EDITED"), std::string::npos);
}

TEST_F(BotCliTest, UsageErrors) {
  EXPECT_EQ(Bantay("bot").code, 2);
  EXPECT_EQ(Bantay("bot --stdin --irc 127.0.0.1:1").code, 2);
  EXPECT_EQ(Bantay("bot replay " + Path("missing.jsonl")).code, 2);
}

// Two runs on one case store: the second run's conversations continue the numbering (a
// reused id would append to the first run's ledger stream and overwrite its mirror), every
// ledger stream verifies, and the agent's ledger records name partners only by the store's
// pseudonyms, which a supervisor re-identifies (SAFETY.md 3).
TEST_F(BotCliTest, RunsOnOneStoreGetDistinctIdsAndPseudonymousLedgers) {
  Write("in.jsonl", Script());
  const std::string store_flag = " --store " + Path("cases.db");
  CliRun r1 = Bantay("bot --stdin --delay-scale 0" + store_flag + " --transcripts " + Path("t1") +
                     " < " + Path("in.jsonl"));
  ASSERT_EQ(r1.code, 0) << r1.err;
  CliRun r2 = Bantay("bot --stdin --delay-scale 0" + store_flag + " --transcripts " + Path("t2") +
                     " --bundle " + Path("bundle") + " < " + Path("in.jsonl"));
  ASSERT_EQ(r2.code, 0) << r2.err;
  auto names = [&](const std::string& dir) {
    std::set<std::string> out;
    for (const auto& f : std::filesystem::directory_iterator(Path(dir))) {
      out.insert(f.path().stem().string());
    }
    return out;
  };
  EXPECT_EQ(names("t1"), (std::set<std::string>{"B-000001", "B-000002"}));
  EXPECT_EQ(names("t2"), (std::set<std::string>{"B-000003", "B-000004"}));
  CliRun v = Bantay("evidence verify " + Path("bundle"));
  EXPECT_EQ(v.code, 0) << v.out << v.err;

  cases::Options o;
  o.pwhash_opslimit = 1;
  o.pwhash_memlimit = 8192;
  auto store = cases::OpenStore(Path("cases.db"), o);
  ASSERT_TRUE(store) << store.error().ToString();
  const cases::Actor admin{"root", ""}, sup{"sup", ""}, aud{"aud", ""};
  ASSERT_TRUE((*store)->Bootstrap("root", "admin-password-1"));
  ASSERT_TRUE((*store)->CreateUser(admin, "sup", cases::Role::kSupervisor, "password-sup"));
  ASSERT_TRUE((*store)->CreateUser(admin, "aud", cases::Role::kAuditor, "password-aud"));
  auto report = (*store)->VerifyLedger(aud);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_TRUE(report->ok) << report->ToJson().dump();
  auto mirrored = (*store)->ListBotConversations(sup);
  ASSERT_TRUE(mirrored) << mirrored.error().ToString();
  EXPECT_EQ(mirrored->size(), 4u);

  std::set<std::string> partners;
  for (const std::string id : {"B-000001", "B-000002", "B-000003", "B-000004"}) {
    auto records = (*store)->ledger_storage().Read("bot/" + id);
    ASSERT_TRUE(records) << records.error().ToString();
    ASSERT_FALSE(records->empty()) << id;
    for (const auto& rec : *records) {
      const std::string text = evidence::CanonicalJson(evidence::RecordToJson(rec));
      EXPECT_EQ(text.find("offender"), std::string::npos) << text;
      EXPECT_EQ(text.find("chatter"), std::string::npos) << text;
      if (rec.kind != "opened") continue;
      const std::string partner = rec.body["partner"];
      partners.insert(partner);
      // The conversation mirror names the partner by the same pseudonym.
      bool same = false;
      for (const auto& c : *mirrored) same |= c.id == id && c.partner == partner;
      EXPECT_TRUE(same) << id;
      auto who = (*store)->Reidentify(sup, partner, "test: tie the ledger to the partner");
      ASSERT_TRUE(who) << who.error().ToString();
      EXPECT_TRUE(*who == "stdin/offender" || *who == "stdin/chatter") << *who;
      // The account is the account leads' key, as ingest pseudonymises it.
      const std::string account = rec.body["account"];
      auto key = (*store)->Reidentify(sup, account, "test: tie the ledger to the account");
      ASSERT_TRUE(key) << key.error().ToString();
      EXPECT_EQ(account, (*store)->Pseudonym(*key));
      EXPECT_EQ(*key, "stdin|" + who->substr(who->find('/') + 1));
    }
  }
  EXPECT_EQ(partners.size(), 2u);  // one pseudonym per partner across both runs
  // The partner pseudonym is the store's own pseudonym of network/nick.
  EXPECT_TRUE(partners.count((*store)->Pseudonym("stdin/offender")));
}

}  // namespace
}  // namespace bantay
