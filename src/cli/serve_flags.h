// cli/serve_flags.h: the serving options `bantay serve` and `bantay demo` share.
#pragma once

#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "cli/store_flags.h"
#include "core/core.h"
#include "server/server.h"

namespace bantay::cli {

struct ServeFlags : StoreLocation {
  std::string listen = "127.0.0.1:8080";
  std::string tls_cert, tls_key, web_dir, report_tokens, agencies;
  int threads = 4;
  size_t body_limit = 1 << 20;

  // --listen, --tls-cert, --tls-key, --web, --report-tokens, --agencies, --threads, --body-limit.
  void AddServing(CLI::App* cmd);
  Result<server::Options> ToOptions() const;
};

// Starts the server, prints "bantay <command>: listening on http://HOST:PORT/" and serves
// until SIGINT or SIGTERM. Returns the exit code.
int RunServer(const server::Options& options, std::string_view command);

}  // namespace bantay::cli
