// cli/commands.cc: the registry of subcommands (see commands.h).
#include "cli/commands.h"

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

namespace bantay::cli {
namespace {

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

bool IsBatchRun(int argc, const char* const* argv) {
  if (argc < 2) return false;
  const std::string_view command = argv[1];
  if (command == "scan") return true;
  if (command != "meta") return false;
  for (int i = 2; i < argc; ++i) {
    if (std::string_view(argv[i]).rfind("--kafka", 0) == 0) return false;
  }
  return true;
}

}  // namespace bantay::cli
