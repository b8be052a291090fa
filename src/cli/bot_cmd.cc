// cli/bot_cmd.cc: `bantay bot`: runs the undercover agent on IRC (or on stdin for trials and
// tests) and `bantay bot replay`: re-runs the policy on a recorded transcript.
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "bot/bot.h"
#include "bot/irc_connector.h"
#include "cli/bot_control.h"
#include "cases/cases.h"
#include "cli/commands.h"
#include "cli/store_flags.h"
#include "evidence/evidence.h"

namespace bantay::cli {

namespace {

struct BotArgs {
  std::string irc;                    // HOST:PORT
  std::vector<std::string> channels;
  std::string nick = "sweetie";
  bool tls = false;
  bool stdin_mode = false;
  std::string persona;                // file; empty: built in
  StoreLocation case_store;          // --store, --pseudonym-key, --signing-key
  std::string bundle;                 // write an evidence bundle of the bot streams here
  std::string leads;                  // write account leads (JSONL) here
  std::string transcripts;            // write one transcript file per conversation here
  double delay_scale = 1.0;
  uint64_t seed = 1;
  int64_t inactivity_s = 15 * 60;
  int64_t duration_s = 0;             // IRC mode: stop after this long (0: at SIGINT/SIGTERM)
  int64_t drain_ms = 60'000;          // stdin mode: clock advance at end of input
};

int Fatal(std::string_view what, const Error& e) {
  fmt::print(stderr, "bantay bot: {}: {}\n", what, e.ToString());
  return kExitFindings;
}

// Stdin mode: one partner line per JSON line, {"partner","text"} or the chat format
// {"conversation","author","text","time"?} (author is the partner); agent lines go to stdout
// as {"to","text"}. Times, when given, drive the engine's clock.
int RunStdin(bot::LoopbackConnector& loop, bot::ManualScheduler& clock,
             const BotArgs& args, uint64_t* rejected) {
  std::string line;
  uint64_t n = 0;
  while (std::getline(std::cin, line)) {
    ++n;
    if (line.empty()) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    auto field = [&](const char* k) -> const nlohmann::json* {
      auto it = j.is_object() ? j.find(k) : j.end();
      return (j.is_object() && it != j.end() && it->is_string()) ? &*it : nullptr;
    };
    const nlohmann::json* partner = field("partner");
    if (!partner) partner = field("author");
    const nlohmann::json* text = field("text");
    if (!partner || !text) {
      fmt::print(stderr, "bantay bot: {}: need string fields partner (or author) and text (rejected)\n",
                 Where("-", n, j.is_object() ? (partner ? "text" : "partner") : ""));
      ++*rejected;
      continue;
    }
    if (const nlohmann::json* t = field("time")) {
      auto ms = ParseRfc3339(t->get<std::string>());
      if (!ms) {
        fmt::print(stderr, "bantay bot: {}: {} (rejected)\n", Where("-", n, "time"), ms.error().message);
        ++*rejected;
        continue;
      }
      clock.AdvanceTo(*ms);
    }
    loop.Inject(partner->get<std::string>(), text->get<std::string>());
  }
  clock.Advance(args.drain_ms);
  return kExitOk;
}

int RunIrc(bot::Engine& engine, const BotArgs& args) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  if (args.duration_s > 0) sigaddset(&set, SIGALRM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  if (auto s = engine.Start(); !s) return Fatal("start", s.error());
  fmt::print(stderr, "bantay bot: running on {} (Ctrl-C stops)\n", args.irc);
  if (args.duration_s > 0) alarm(static_cast<unsigned>(args.duration_s));
  int sig = 0;
  sigwait(&set, &sig);
  fmt::print(stderr, "bantay bot: stopping (signal {})\n", sig);
  engine.Stop();
  return kExitOk;
}

Result<std::shared_ptr<bot::Connector>> MakeIrc(const BotArgs& args) {
  bot::IrcOptions o;
  size_t colon = args.irc.rfind(':');
  if (colon == std::string::npos) return Fail(ErrorCode::kInvalidArgument, "--irc wants HOST:PORT");
  o.host = args.irc.substr(0, colon);
  int port = 0;
  try {
    port = std::stoi(args.irc.substr(colon + 1));
  } catch (const std::exception&) {
    port = 0;
  }
  if (port <= 0 || port > 65535) return Fail(ErrorCode::kInvalidArgument, "--irc port must be 1..65535");
  o.port = static_cast<uint16_t>(port);
  o.nick = args.nick;
  o.channels = args.channels;
  o.tls = args.tls;
  auto c = bot::IrcConnector::Create(o);
  if (!c) return tl::unexpected(c.error());
  return std::shared_ptr<bot::Connector>(std::move(*c));
}

int RunBot(const BotArgs& args) {
  if (args.irc.empty() == !args.stdin_mode) {
    fmt::print(stderr, "bantay bot: give exactly one of --irc HOST:PORT or --stdin\n");
    return kExitUsage;
  }
  auto guard = bot::Guard::Default();
  if (!guard) return Fatal("guard", guard.error());
  auto classifier = bot::Classifier::Default();
  if (!classifier) return Fatal("classifier", classifier.error());
  auto persona = args.persona.empty() ? bot::DefaultPersona(**guard)
                                      : bot::LoadPersona(args.persona, **guard);
  if (!persona) return Fatal("persona", persona.error());

  // Evidence: the case store's ledger tables with --store, else memory (for --bundle).
  std::unique_ptr<cases::Store> store;
  evidence::MemoryLedgerStorage memory;
  evidence::LedgerStorage* storage = &memory;
  std::string key_file = args.case_store.signing_key;
  const std::string& store_spec = args.case_store.store;
  if (!store_spec.empty()) {
    auto s = args.case_store.OpenCaseStore();
    if (!s) return Fatal("store", s.error());
    store = std::move(*s);
    storage = &store->ledger_storage();
    if (key_file.empty()) {
      key_file = (std::filesystem::absolute(store_spec).parent_path() / "bantay-signing.key").string();
    }
  }
  if (key_file.empty() && !args.bundle.empty()) {
    fmt::print(stderr, "bantay bot: --bundle without --store needs --signing-key FILE\n");
    return kExitUsage;
  }
  std::optional<evidence::Signer> signer;
  std::unique_ptr<evidence::Ledger> ledger;
  if (!key_file.empty()) {
    auto sg = evidence::Signer::LoadOrCreate(key_file);
    if (!sg) return Fatal("signing key", sg.error());
    signer.emplace(std::move(*sg));
    ledger = std::make_unique<evidence::Ledger>(*storage, *signer);
  }

  bot::EngineOptions options;
  options.seed = args.seed;
  options.delay_scale = args.delay_scale;
  options.inactivity_ms = args.inactivity_s * 1000;
  options.ledger = ledger.get();
  if (store) {
    // Conversation ids continue after those of earlier runs on this store: a reused id would
    // append to another conversation's ledger stream and overwrite its mirror.
    auto first = FirstConversationNumber(*store);
    if (!first) return Fatal("store", first.error());
    options.first_conversation = *first;
    // The ledger records name partners and accounts by the pseudonyms the rest of the store
    // uses (the conversation mirror's for network/nick, ingest's for the account key), each
    // remembered for re-identification (SAFETY.md 3).
    cases::Store* st = store.get();
    options.pseudonymise = [st](const std::string& id) {
      return st->RememberPseudonym(cases::Actor::System("bot"), id);
    };
  }
  std::unique_ptr<bot::ManualScheduler> clock;
  std::shared_ptr<bot::LoopbackConnector> loop;
  std::vector<std::shared_ptr<bot::Connector>> connectors;
  if (args.stdin_mode) {
    clock = std::make_unique<bot::ManualScheduler>(
        std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::system_clock::now().time_since_epoch()).count());
    options.scheduler = clock.get();
    loop = std::make_shared<bot::LoopbackConnector>("stdin", false);
    loop->SetOnSent([](const std::string& partner, const std::string& text) {
      nlohmann::json j = {{"to", partner}, {"text", text}};
      fmt::print("{}\n", j.dump());
    });
    connectors.push_back(loop);
  } else {
    auto irc = MakeIrc(args);
    if (!irc) return Fatal("irc", irc.error());
    connectors.push_back(*irc);
  }
  auto engine = bot::Engine::Create(std::move(*persona), *guard, *classifier, connectors, options);
  if (!engine) return Fatal("engine", engine.error());

  // Operators in `bantay serve` watch and steer the agent through the store
  // (docs/bot-operators.md); the bridge has its own store connection.
  std::unique_ptr<BotControl> control;
  if (store) {
    auto s2 = args.case_store.OpenCaseStore();
    if (!s2) return Fatal("store", s2.error());
    auto c = BotControl::Start(**engine, std::move(*s2));
    if (!c) return Fatal("operator control", c.error());
    control = std::move(*c);
  }
  uint64_t rejected = 0;
  int rc = kExitOk;
  if (args.stdin_mode) {
    if (auto s = (*engine)->Start(); !s) return Fatal("start", s.error());
    rc = RunStdin(*loop, *clock, args, &rejected);
    (*engine)->Stop();
  } else {
    rc = RunIrc(**engine, args);
  }

  if (control) control->Stop();
  std::vector<std::string> leads = (*engine)->AccountLeads();
  if (!args.leads.empty()) {
    std::ofstream out(args.leads);
    for (const auto& l : leads) out << l << '\n';
    if (!out) return Fatal("leads", Error{ErrorCode::kIo, "cannot write", args.leads});
  }
  auto write_transcripts = [&](const std::filesystem::path& dir) -> Status {
    std::filesystem::create_directories(dir);
    for (const auto& c : (*engine)->Conversations()) {
      auto t = (*engine)->TranscriptFile(c.id);
      if (!t) continue;
      std::ofstream out(dir / (c.id + ".jsonl"));
      out << *t;
      if (!out) return Fail(ErrorCode::kIo, "cannot write", (dir / (c.id + ".jsonl")).string());
    }
    return {};
  };
  if (!args.transcripts.empty()) {
    if (auto s = write_transcripts(args.transcripts); !s) return Fatal("transcripts", s.error());
  }
  nlohmann::json ingest;
  if (store && !leads.empty()) {
    std::vector<cases::Lead> parsed;
    for (size_t i = 0; i < leads.size(); ++i) {
      auto lead = cases::ParseLead(leads[i], "bot-leads:" + std::to_string(i + 1));
      if (!lead) return Fatal("lead", lead.error());
      parsed.push_back(std::move(*lead));
    }
    auto counts = store->Ingest(cases::Actor::System("bot"), parsed);
    if (!counts) return Fatal("ingest", counts.error());
    ingest = {{"opened", counts->ingested}, {"merged", counts->merged},
              {"duplicate", counts->duplicate}, {"linked", counts->linked}};
  }
  if (!args.bundle.empty()) {
    std::vector<evidence::Record> records;
    std::vector<evidence::Checkpoint> checkpoints;
    auto streams = storage->Streams();
    if (!streams) return Fatal("bundle", streams.error());
    for (const auto& s : *streams) {
      if (!s.starts_with("bot/")) continue;
      if (auto cp = ledger->Checkpoint(s); !cp) return Fatal("bundle", cp.error());
      auto r = storage->Read(s);
      auto c = storage->Checkpoints(s);
      if (!r || !c) return Fatal("bundle", r ? c.error() : r.error());
      records.insert(records.end(), r->begin(), r->end());
      checkpoints.insert(checkpoints.end(), c->begin(), c->end());
    }
    // The ledger holds each line's digest; the texts travel as transcript files, which the
    // signed manifest covers.
    if (auto s = write_transcripts(std::filesystem::path(args.bundle) / "transcripts"); !s) {
      return Fatal("bundle", s.error());
    }
    auto summary = evidence::WriteBundle(args.bundle, records, checkpoints, *signer,
                                         {{"source", "bantay bot"}});
    if (!summary) return Fatal("bundle", summary.error());
  }
  bot::Dashboard d = (*engine)->Counters();
  nlohmann::json intents;
  for (size_t i = 0; i < bot::kIntentCount; ++i) {
    intents[std::string(bot::IntentName(static_cast<bot::Intent>(i)))] = d.total.intents[i];
  }
  nlohmann::json summary = {{"conversations", d.total.conversations},
                            {"partner_lines", d.total.partner_lines},
                            {"agent_lines", d.total.agent_lines},
                            {"intents", intents},
                            {"identifications", d.total.identifications},
                            {"notices", d.total.notices},
                            {"repeat_offenders", d.total.repeat_offenders},
                            {"blocked", d.total.blocked},
                            {"leads", leads.size()},
                            {"rejected", rejected}};
  if (!ingest.is_null()) summary["ingest"] = ingest;
  fmt::print(stderr, "{}\n", summary.dump());
  return rc;
}

int RunReplay(const std::string& file, const std::string& persona_file) {
  auto guard = bot::Guard::Default();
  if (!guard) return Fatal("guard", guard.error()) + 1;
  auto classifier = bot::Classifier::Default();
  if (!classifier) return Fatal("classifier", classifier.error()) + 1;
  auto persona = persona_file.empty() ? bot::DefaultPersona(**guard)
                                      : bot::LoadPersona(persona_file, **guard);
  if (!persona) return Fatal("persona", persona.error()) + 1;
  auto text = ReadFile(file);
  if (!text) return Fatal("replay", text.error()) + 1;
  auto r = bot::Replay(*text, file, *persona, *classifier);
  if (!r) return Fatal("replay", r.error()) + 1;
  nlohmann::json out = {{"transcript", file}, {"identical", r->identical},
                        {"agent_lines", r->agent_lines}};
  if (!r->identical) out["first_difference"] = r->first_difference;
  fmt::print("{}\n", out.dump());
  return r->identical ? kExitOk : kExitFindings;
}

}  // namespace

static void RegisterBot(CLI::App& app, std::function<int()>* run) {
  auto args = std::make_shared<BotArgs>();
  CLI::App* cmd = app.add_subcommand(
      "bot",
      "Run the undercover chat agent (SAFETY.md 2): it only answers, steers partners who show "
      "intent to identification and a deterrence notice, and records everything. See docs/bot.md.");
  cmd->require_subcommand(0, 1);
  cmd->add_option("--irc", args->irc, "IRC server HOST:PORT");
  cmd->add_option("--channel", args->channels, "Channel to idle in (repeatable)");
  cmd->add_option("--nick", args->nick, "Nick on IRC (sweetie)");
  cmd->add_flag("--tls", args->tls, "TLS to the IRC server");
  cmd->add_flag("--stdin", args->stdin_mode,
                "Read partner lines from stdin (JSONL {partner,text[,time]} or chat JSONL) and "
                "print agent lines as {to,text}");
  cmd->add_option("--persona", args->persona, "Persona JSON (default: built-in sweetie)")
      ->check(CLI::ExistingFile);
  args->case_store.AddStoreFlags(
      cmd, false, "Case store: the ledger goes to its tables and account leads are ingested");
  cmd->add_option("--bundle", args->bundle, "Write a signed evidence bundle of every bot stream");
  cmd->add_option("--leads", args->leads, "Write account leads (JSONL, for bantay ingest)");
  cmd->add_option("--transcripts", args->transcripts,
                  "Write one transcript per conversation (for bantay bot replay)");
  cmd->add_option("--delay-scale", args->delay_scale,
                  "Multiplies every human-like delay (1; 0 answers at once)")
      ->check(CLI::Range(0.0, 100.0));
  cmd->add_option("--seed", args->seed, "Seed of the reply choice and delays (1)");
  cmd->add_option("--inactivity", args->inactivity_s, "Seconds of partner silence that end a conversation (900)")
      ->check(CLI::Range(int64_t{1}, int64_t{7 * 24 * 3600}));
  cmd->add_option("--duration", args->duration_s, "IRC: stop after this many seconds (0: at Ctrl-C)");
  cmd->add_option("--drain-ms", args->drain_ms, "stdin: clock advance at end of input (60000)");

  auto replay_file = std::make_shared<std::string>();
  auto replay_persona = std::make_shared<std::string>();
  CLI::App* replay = cmd->add_subcommand(
      "replay",
      "Re-run the dialogue policy on a recorded transcript and compare the agent lines: "
      "exit 0 identical, 1 differs (the first difference is printed), 2 unreadable.");
  replay->add_option("transcript", *replay_file, "Transcript JSONL (bantay bot --transcripts)")
      ->required();
  replay->add_option("--persona", *replay_persona, "Persona JSON (default: built-in sweetie)")
      ->check(CLI::ExistingFile);
  replay->callback([=] { *run = [=] { return RunReplay(*replay_file, *replay_persona); }; });
  cmd->callback([=] {
    if (replay->parsed()) return;
    *run = [=] { return RunBot(*args); };
  });
}

// Order 50; files adding subcommands to `bot` register after it.
const CommandRegistration kRegisterBot{50, RegisterBot};

}  // namespace bantay::cli
