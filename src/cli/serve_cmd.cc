// cli/serve_cmd.cc: `bantay serve`: the HTTP API and analyst console over a case store.
#include <csignal>
#include <cstdio>
#include <memory>

#include <fmt/core.h>

#include "cli/commands.h"
#include "cli/serve_flags.h"
#include "server/server.h"

namespace bantay::cli {

Result<server::Options> ServeFlags::ToOptions() const {
  server::Options o;
  o.store = store;
  o.store_options = StoreOptions();
  o.listen = listen;
  o.tls_cert = tls_cert;
  o.tls_key = tls_key;
  o.web_dir = web_dir;
  o.report_tokens_file = report_tokens;
  o.threads = threads;
  o.body_limit = body_limit;
  auto agencies_table = server::LoadAgencies(agencies);
  if (!agencies_table) return tl::unexpected(agencies_table.error());
  o.agencies = std::move(*agencies_table);
  return o;
}

void ServeFlags::AddServing(CLI::App* cmd) {
  cmd->add_option("--listen", listen, "HOST:PORT to listen on (127.0.0.1:8080; port 0: any)");
  cmd->add_option("--tls-cert", tls_cert, "PEM certificate chain: serve HTTPS")->check(CLI::ExistingFile);
  cmd->add_option("--tls-key", tls_key, "PEM private key for --tls-cert")->check(CLI::ExistingFile);
  cmd->add_option("--web", web_dir, "Serve the console from this directory (default: built in)")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--report-tokens", report_tokens,
                  "Platform API tokens for POST /api/reports: lines \"name sha256-of-token\"")
      ->check(CLI::ExistingFile);
  cmd->add_option("--agencies", agencies, "Referral routing table CSV (default: built in)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--threads", threads, "Server threads (4)")->check(CLI::Range(1, 256));
  cmd->add_option("--body-limit", body_limit, "Largest request body in bytes (1048576)")
      ->check(CLI::Range(1024, 64 << 20));
}

int RunServer(const server::Options& options, std::string_view command) {
  // SIGINT/SIGTERM are taken by sigwait below, so block them before the server's threads
  // start (they inherit the mask).
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  auto srv = server::Server::Start(options);
  if (!srv) {
    fmt::print(stderr, "bantay {}: {}\n", command, srv.error().ToString());
    return 1;
  }
  const std::string host = options.listen.substr(0, options.listen.rfind(':'));
  fmt::print("bantay {}: listening on {}://{}:{}/\n", command, (*srv)->tls() ? "https" : "http",
             host, (*srv)->port());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&set, &sig);
  fmt::print(stderr, "bantay {}: stopping (signal {})\n", command, sig);
  (*srv)->Stop();
  return kExitOk;
}

static void RegisterServe(CLI::App& app, std::function<int()>* run) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "Serve the HTTP JSON API (/api) and the analyst console over a case store. "
      "See docs/server.md.");
  flags->AddStoreFlags(cmd, true);
  flags->AddServing(cmd);
  cmd->callback([flags, run] {
    *run = [flags]() -> int {
      auto options = flags->ToOptions();
      if (!options) {
        fmt::print(stderr, "bantay serve: {}\n", options.error().ToString());
        return kExitUsage;
      }
      return RunServer(*options, "serve");
    };
  });
}

const CommandRegistration kRegisterServe{70, RegisterServe};

}  // namespace bantay::cli
