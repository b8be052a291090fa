// cli/bot_control_cmd.cc: `bantay bot-demo`: the agent on a loopback connector with a few
// scripted synthetic partners (SAFETY.md 1: keyword level), mirrored into a case store through
// BotControl, so that the operator console can be tried and tested without a chat network.
#include <fmt/core.h>

#include <csignal>
#include <memory>
#include <string>
#include <vector>

#include "bot/bot.h"
#include "cli/bot_control.h"
#include "cli/commands.h"
#include "cli/store_flags.h"

namespace bantay::cli {

namespace {

struct BotDemoArgs {
  StoreLocation case_store;
  bool once = false;  // mirror the scripted conversations and exit
};

// Partners and their lines; each line gets the agent's answer before the next is sent.
const std::vector<std::pair<std::string, std::vector<std::string>>>& Script() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> kScript = {
      {"chatter", {"hello", "how are you today", "what did you eat", "nice weather"}},
      {"tom", {"hi there", "how old are you", "i want a private show, i pay with paypal",
               "my name is Tom", "i am from Leeds", "ok my email is tom.r77@example.com"}},
      {"wary", {"hello", "are you a bot?"}},
      {"pat", {"hello", "where are you from"}},
  };
  return kScript;
}

int Fail2(const Error& e) {
  fmt::print(stderr, "bantay bot-demo: {}\n", e.ToString());
  return 1;
}

int RunBotDemo(const BotDemoArgs& args) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  auto guard = bot::Guard::Default();
  if (!guard) return Fail2(guard.error());
  auto classifier = bot::Classifier::Default();
  if (!classifier) return Fail2(classifier.error());
  auto persona = bot::DefaultPersona(**guard);
  if (!persona) return Fail2(persona.error());
  auto loop = std::make_shared<bot::LoopbackConnector>("demo", false);
  auto store = args.case_store.OpenCaseStore();
  if (!store) return Fail2(store.error());
  bot::EngineOptions options;
  options.delay_scale = 0;
  auto first = FirstConversationNumber(**store);
  if (!first) return Fail2(first.error());
  options.first_conversation = *first;
  auto engine = bot::Engine::Create(*persona, *guard, *classifier, {loop}, options);
  if (!engine) return Fail2(engine.error());
  auto control = BotControl::Start(**engine, std::move(*store));
  if (!control) return Fail2(control.error());
  if (auto s = (*engine)->Start(); !s) return Fail2(s.error());
  for (const auto& [partner, lines] : Script()) {
    for (const std::string& line : lines) loop->Inject(partner, line);
  }
  (*engine)->WaitIdle(std::chrono::seconds(10));
  if (auto s = (*control)->PollOnce(); !s) return Fail2(s.error());
  fmt::print("bantay bot-demo: ready: {} conversations mirrored into {}\n",
             (*engine)->Conversations().size(), args.case_store.store);
  std::fflush(stdout);
  if (!args.once) {
    int sig = 0;
    sigwait(&set, &sig);
  }
  (*control)->Stop();
  (*engine)->Stop();
  const BotControlStats stats = (*control)->Stats();
  fmt::print(stderr, "bantay bot-demo: {} lines mirrored, {} commands done, {} refused, {} store errors\n",
             stats.lines_mirrored, stats.commands_done, stats.commands_failed, stats.store_errors);
  return kExitOk;
}

}  // namespace

static void RegisterBotDemo(CLI::App& app, std::function<int()>* run) {
  auto args = std::make_shared<BotDemoArgs>();
  CLI::App* cmd = app.add_subcommand(
      "bot-demo",
      "The undercover agent on a loopback connector with scripted synthetic partners, mirrored "
      "into a case store for the operator console (docs/bot-operators.md). Runs until "
      "SIGINT/SIGTERM, carrying out operator commands.");
  args->case_store.AddStoreFlags(cmd, true);
  cmd->add_flag("--once", args->once, "Mirror the scripted conversations and exit");
  cmd->callback([=] { *run = [=] { return RunBotDemo(*args); }; });
}

const CommandRegistration kRegisterBotDemo{85, RegisterBotDemo};

}  // namespace bantay::cli
