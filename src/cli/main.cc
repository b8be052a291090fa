// cli/main.cc: the `bantay` command: parses arguments and runs one subcommand.
#include <cstdio>
#include <functional>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"bantay: finds live-streamed sexual exploitation of children in chats and calls"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "bantay 0.1.0");
  std::function<int()> run;
  bantay::cli::RegisterAll(app, &run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? bantay::cli::kExitOk : bantay::cli::kExitUsage;
  }
  return run ? run() : bantay::cli::kExitUsage;
}
