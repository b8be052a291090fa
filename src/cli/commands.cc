// cli/commands.cc: the registry of subcommands (see commands.h).
#include "cli/commands.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <utility>
#include <vector>

#include "core/core.h"

namespace bantay::cli {
namespace {

struct sigaction g_previous_bus_action;

void WriteStderr(const char* s) {
  for (size_t n = std::strlen(s); n > 0;) {
    const ssize_t w = write(STDERR_FILENO, s, n);
    if (w <= 0) return;
    s += w;
    n -= static_cast<size_t>(w);
  }
}

void OnBusError(int, siginfo_t* info, void*) {
  if (const char* name = MappedInputAt(info->si_addr); name != nullptr) {
    WriteStderr("bantay: ");
    WriteStderr(name);
    WriteStderr(
        ": the input file could not be read through its mapping (truncated or rotated while "
        "being read, or an I/O error); stopped\n");
    _exit(kExitFindings);
  }
  // Not an input of ours: what was there before decides (the access faults again).
  sigaction(SIGBUS, &g_previous_bus_action, nullptr);
}

std::vector<std::pair<int, Registrar>>& Registry() {
  static std::vector<std::pair<int, Registrar>> registry;
  return registry;
}

}  // namespace

CommandRegistration::CommandRegistration(int order, Registrar registrar) {
  Registry().emplace_back(order, registrar);
}

void RegisterAll(CLI::App& app, std::function<int()>* run) {
  auto entries = Registry();
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [order, registrar] : entries) registrar(app, run);
}

void ConfigureInputs() {
  const char* no_mmap = std::getenv("BANTAY_NO_MMAP");
  LineChunkReader::SetMapping(no_mmap == nullptr || std::string_view(no_mmap) != "1");
  struct sigaction action {};
  action.sa_sigaction = OnBusError;
  action.sa_flags = SA_SIGINFO;
  sigemptyset(&action.sa_mask);
  sigaction(SIGBUS, &action, &g_previous_bus_action);
}

}  // namespace bantay::cli
