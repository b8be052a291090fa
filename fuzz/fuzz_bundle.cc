// fuzz/fuzz_bundle.cc: libFuzzer target for the evidence bundle reader (records.jsonl,
// checkpoints.jsonl and manifest.json parsing and verification).
//
// Input: records.jsonl, a NUL byte, checkpoints.jsonl, a NUL byte, manifest.json. The harness
// signs the manifest with its own key so that parsing gets past the signature check, and
// replaces "@KEY@" anywhere with that key's hex.
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "evidence/evidence.h"

namespace {

using bantay::evidence::Signer;

const Signer& FuzzSigner() {
  static const std::unique_ptr<Signer> signer = [] {
    const auto path = std::filesystem::temp_directory_path() /
                      ("bantay_fuzz_bundle_" + std::to_string(::getpid()) + ".key");
    auto s = Signer::LoadOrCreate(path);
    std::filesystem::remove(path);
    if (!s) __builtin_trap();
    return std::make_unique<Signer>(std::move(*s));
  }();
  return *signer;
}

std::string WithKey(std::string_view text, const std::string& key) {
  std::string out(text);
  for (size_t at = out.find("@KEY@"); at != std::string::npos; at = out.find("@KEY@", at)) {
    out.replace(at, 5, key);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const Signer& signer = FuzzSigner();
  const std::string key = signer.PublicKeyHex();
  std::string_view parts[3];
  std::string_view rest = input;
  for (int i = 0; i < 2; ++i) {
    const size_t nul = rest.find('\0');
    parts[i] = rest.substr(0, nul);
    rest = nul == std::string_view::npos ? std::string_view() : rest.substr(nul + 1);
  }
  parts[2] = rest;

  std::map<std::string, std::string> files;
  files["records.jsonl"] = WithKey(parts[0], key);
  files["checkpoints.jsonl"] = WithKey(parts[1], key);
  files["manifest.json"] = WithKey(parts[2], key);
  files["manifest.sig"] = signer.SignHex(files["manifest.json"]) + "\n";
  files["public_key.hex"] = key + "\n";
  const bantay::evidence::VerifyReport report = bantay::evidence::VerifyBundleFiles(files);
  if (!report.ok && report.problem.what.empty()) __builtin_trap();
  // Every checked record is one line of the file.
  size_t lines = 0;
  for (char c : files["records.jsonl"]) lines += c == '\n';
  if (report.records_checked > lines) __builtin_trap();

  // Any line that parses as a record survives a canonical round trip unchanged.
  std::string_view records = parts[0];
  while (!records.empty()) {
    const size_t nl = records.find('\n');
    const std::string_view line = records.substr(0, nl);
    records.remove_prefix(nl == std::string_view::npos ? records.size() : nl + 1);
    if (std::count(line.begin(), line.end(), '[') + std::count(line.begin(), line.end(), '{') > 64)
      continue;
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) continue;
    auto r = bantay::evidence::RecordFromJson(j, "fuzz:1");
    if (!r) {
      if (r.error().where.empty()) __builtin_trap();
      continue;
    }
    const std::string canonical =
        bantay::evidence::CanonicalJson(bantay::evidence::RecordToJson(*r));
    auto again = bantay::evidence::RecordFromJson(nlohmann::json::parse(canonical), "fuzz:1");
    if (!again || !(*again == *r)) __builtin_trap();
  }
  return 0;
}
