// cli/evidence_cmd.cc: `bantay evidence`: offline verification of evidence bundles, and the
// deployment's public key. `bantay evidence export` is added by the case store's command file
// (it needs the store), which finds this parent with app.get_subcommand("evidence").
#include <fmt/core.h>

#include <cstdio>
#include <filesystem>

#include "cli/commands.h"
#include "evidence/evidence.h"

namespace bantay::cli {

namespace {

struct VerifyArgs {
  std::string dir;
  std::string key;  // expected public key (hex), or a file holding it
  bool quiet = false;
};

// --key takes the hex key itself or a file whose first line is the key (public_key.hex of a
// bundle known to be good, or the key published by the deployment).
Result<std::string> ExpectedKey(const std::string& arg) {
  if (arg.empty() || !std::filesystem::is_regular_file(arg)) return arg;
  auto text = ReadFile(arg);
  if (!text) return tl::unexpected(text.error());
  std::string key = text->substr(0, text->find('\n'));
  while (!key.empty() && (key.back() == '\r' || key.back() == ' ')) key.pop_back();
  return key;
}

int RunVerify(const VerifyArgs& args) {
  auto key = ExpectedKey(args.key);
  if (!key) {
    fmt::print(stderr, "bantay evidence verify: {}\n", key.error().ToString());
    return kExitUsage;
  }
  evidence::VerifyBundleOptions options;
  options.expected_public_key = *key;
  auto report = evidence::VerifyBundle(args.dir, options);
  if (!report) {
    fmt::print(stderr, "bantay evidence verify: {}\n", report.error().ToString());
    return kExitUsage;
  }
  nlohmann::json out = report->ToJson();
  out["bundle"] = args.dir;
  fmt::print("{}\n", evidence::CanonicalJson(out));
  if (!args.quiet) {
    if (report->ok) {
      fmt::print(stderr,
                 "bantay evidence verify: OK: {} records in {} streams, {} signed checkpoints, "
                 "{} files; signing key {}{}\n",
                 report->records_checked, report->streams, report->checkpoints_checked,
                 report->files_checked, report->public_key,
                 key->empty() ? " (compare it with the key the sender published)" : "");
    } else {
      const evidence::Problem& p = report->problem;
      std::string where = p.file;
      if (p.line > 0) where += ":" + std::to_string(p.line);
      if (!p.stream.empty())
        where += " (stream " + p.stream + ", seq " + std::to_string(p.seq) + ")";
      fmt::print(stderr, "bantay evidence verify: TAMPERED: {}: {}\n", where, p.what);
    }
  }
  return report->ok ? kExitOk : kExitFindings;
}

}  // namespace

static void RegisterEvidence(CLI::App& app, std::function<int()>* run) {
  CLI::App* evidence = app.add_subcommand(
      "evidence",
      "Evidence bundles: hash-chained records, Ed25519-signed checkpoints and manifest "
      "(docs/evidence.md)");
  evidence->require_subcommand(1);

  auto args = std::make_shared<VerifyArgs>();
  CLI::App* verify = evidence->add_subcommand(
      "verify",
      "Check an evidence bundle offline (needs only the directory) and name the first bad "
      "record. Prints one JSON line; exit 0 valid, 1 tampered, 2 usage error or unreadable "
      "directory.");
  verify->add_option("dir", args->dir, "Bundle directory")->required();
  verify->add_option("--key", args->key,
                     "Expected signing public key: 64 hex digits, or a file holding them "
                     "(obtained from the sender by another channel)");
  verify->add_flag("--quiet", args->quiet, "No summary on stderr");
  verify->callback([=] { *run = [=] { return RunVerify(*args); }; });

  auto key_file = std::make_shared<std::string>();
  CLI::App* key = evidence->add_subcommand(
      "public-key",
      "Print the public key of a signing key file (to publish it for recipients' --key)");
  key->add_option("key_file", *key_file, "Signing key file (mode 0600)")
      ->required()
      ->check(CLI::ExistingFile);
  key->callback([=] {
    *run = [=] {
      auto signer = evidence::Signer::LoadOrCreate(*key_file);
      if (!signer) {
        fmt::print(stderr, "bantay evidence public-key: {}\n", signer.error().ToString());
        return kExitUsage;
      }
      fmt::print("{}\n", signer->PublicKeyHex());
      return kExitOk;
    };
  });
}

// Order 60: files adding subcommands to `evidence` (export) register after it (> 60).
const CommandRegistration kRegisterEvidence{60, RegisterEvidence};

}  // namespace bantay::cli
