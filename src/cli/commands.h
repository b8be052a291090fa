// cli/commands.h: the subcommands of `bantay`; each registers its options on the app.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace bantay::cli {

// Exit codes (ARCHITECTURE.md): 0 ok, 1 findings or rejected input under --strict, 2 usage.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitUsage = 2;

// A registrar adds one subcommand to `app`; when that subcommand is chosen, main calls the
// function stored in `*run` after parsing, and exits with its result.
using Registrar = void (*)(CLI::App& app, std::function<int()>* run);

// Each *_cmd.cc registers its subcommands at static initialisation, so adding a command
// touches no shared file:
//   const CommandRegistration kRegisterScan{10, RegisterScan};
// `order` sorts the subcommands in `bantay --help` (scan 10, meta 20, simulate 90, ...).
struct CommandRegistration {
  CommandRegistration(int order, Registrar registrar);
};

// Adds every registered subcommand to `app`, in order.
void RegisterAll(CLI::App& app, std::function<int()>* run);

// How the process reads its input files, before any is opened (main): BANTAY_NO_MMAP=1
// reads files instead of mapping them (LineChunkReader::SetMapping), and a SIGBUS on a
// mapped input (the file truncated while it is read, or a page the disk fails to read)
// prints the file's name and exits with kExitFindings, as a read error does, instead of
// crashing; any other SIGBUS goes to the handler there was before.
void ConfigureInputs();

}  // namespace bantay::cli
