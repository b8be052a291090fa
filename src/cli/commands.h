// cli/commands.h: the subcommands of `bantay`; each registers its options on the app.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace bantay::cli {

// Exit codes (ARCHITECTURE.md): 0 ok, 1 findings or rejected input under --strict, 2 usage.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitUsage = 2;

// Each Register* adds a subcommand to `app`; when that subcommand is chosen, main calls the
// function stored in `*run` after parsing, and exits with its result.
void RegisterScan(CLI::App& app, std::function<int()>* run);
void RegisterSimulate(CLI::App& app, std::function<int()>* run);
void RegisterMeta(CLI::App& app, std::function<int()>* run);

}  // namespace bantay::cli
