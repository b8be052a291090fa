// server/web_files.cc: the console's files (web/console/), built in by cmake/embed.cmake, whose
// generated function is renamed here so that it does not clash with core's EmbeddedFiles().
#include <string_view>
#include <utility>
#include <vector>

#include "server/internal.h"

#define EmbeddedFiles EmbeddedWebFilesByPath
#include "embedded_web_files.inc"
#undef EmbeddedFiles

namespace bantay::server {

const std::vector<std::pair<std::string_view, std::string_view>>& EmbeddedWebFiles() {
  // Views into the embedded literals: "web/console/app.js" becomes "/app.js".
  static const std::vector<std::pair<std::string_view, std::string_view>> files = [] {
    constexpr std::string_view kPrefix = "web/console";
    std::vector<std::pair<std::string_view, std::string_view>> out;
    for (const auto& [path, content] : bantay::EmbeddedWebFilesByPath()) {
      if (path.substr(0, kPrefix.size()) == kPrefix) out.emplace_back(path.substr(kPrefix.size()), content);
    }
    return out;
  }();
  return files;
}

}  // namespace bantay::server
