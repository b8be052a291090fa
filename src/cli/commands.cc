// cli/commands.cc: the registry of subcommands (see commands.h).
#include "cli/commands.h"

#include <algorithm>
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

}  // namespace bantay::cli
