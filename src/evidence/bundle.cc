// evidence/bundle.cc: export bundles (records, checkpoints, key, signed manifest) and their
// offline verification.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <system_error>

#include "evidence/evidence.h"
#include "evidence/internal.h"

namespace bantay::evidence {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kFormat = "bantay-evidence-bundle-v1";
// Deeper JSON than this in a bundle line is refused before parsing (no deep recursion).
constexpr int kMaxDepth = 64;

bool IsSignatureFile(std::string_view name) {
  return name == kManifestFile || name == kManifestSigFile;
}

Status WriteFileDurable(const fs::path& path, std::string_view content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Fail(ErrorCode::kIo, std::strerror(errno), path.string());
  while (!content.empty()) {
    const ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      return Fail(ErrorCode::kIo, std::strerror(err), path.string());
    }
    content.remove_prefix(static_cast<size_t>(n));
  }
  const bool synced = ::fsync(fd) == 0;
  const int err = errno;
  if (::close(fd) != 0 || !synced) {
    return Fail(ErrorCode::kIo, std::strerror(synced ? errno : err), path.string());
  }
  return {};
}

// Every file under `dir` as relative '/'-separated name -> content. Anything that is not a
// regular file or a directory (symlinks included) is an error naming it.
Result<std::map<std::string, std::string>> ReadBundleFiles(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Fail(ErrorCode::kNotFound, "not a bundle directory", dir.string());
  }
  std::map<std::string, std::string> files;
  fs::recursive_directory_iterator it(dir, ec), end;
  if (ec) return Fail(ErrorCode::kIo, ec.message(), dir.string());
  for (; it != end; it.increment(ec)) {
    if (ec) return Fail(ErrorCode::kIo, ec.message(), dir.string());
    const fs::path rel = it->path().lexically_relative(dir);
    const fs::file_status st = it->symlink_status(ec);
    if (fs::is_directory(st)) continue;
    if (!fs::is_regular_file(st)) {
      return Fail(ErrorCode::kParse, "not a regular file (symlink or special file)",
                  rel.generic_string());
    }
    auto content = ReadFile(it->path().string());
    if (!content) return tl::unexpected(content.error());
    files.emplace(rel.generic_string(), std::move(*content));
  }
  return files;
}

// Nesting depth of a JSON text, strings skipped; stops counting past kMaxDepth.
int JsonDepth(std::string_view text) {
  int depth = 0, max = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      max = std::max(max, ++depth);
      if (max > kMaxDepth) return max;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return max;
}

// Calls on_line(line_number, text, error) for each line of a JSONL bundle file, stopping when
// it returns false. `error` is non-empty for a line that is not JSON, too deep, or not ended
// by '\n' (a truncated file).
template <class F>
void ForEachJsonLine(std::string_view content, F&& on_line) {
  uint64_t number = 0;
  while (!content.empty()) {
    ++number;
    const size_t nl = content.find('\n');
    const std::string_view line = content.substr(0, nl);
    content.remove_prefix(nl == std::string_view::npos ? content.size() : nl + 1);
    nlohmann::json j;
    std::string error;
    if (nl == std::string_view::npos) {
      error = "last line does not end with a newline (file truncated)";
    } else if (line.empty()) {
      error = "empty line";
    } else if (JsonDepth(line) > kMaxDepth) {
      error = "JSON nested deeper than " + std::to_string(kMaxDepth);
    } else {
      j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (j.is_discarded()) error = "not valid JSON";
    }
    if (!on_line(number, line, j, error)) return;
  }
}

std::string TrimNewline(std::string_view s) {
  if (!s.empty() && s.back() == '\n') s.remove_suffix(1);
  return std::string(s);
}

// The parts of a manifest that verification relies on.
struct Manifest {
  std::map<std::string, BundleFile> files;
  ChainVerifier::Layout layout;                              // streams in file order
  std::map<std::string, uint64_t, std::less<>> checkpoints;  // stream -> count
};

Result<Manifest> ParseManifest(std::string_view text, std::string_view key) {
  const std::string where(kManifestFile);
  auto bad = [&](std::string_view field, std::string what) {
    return Fail(ErrorCode::kParse, std::move(what), where + ":" + std::string(field));
  };
  if (JsonDepth(text) > kMaxDepth) return bad("", "JSON nested too deep");
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("", "not a JSON object");
  // json::value() throws when the field has another type: check the type first.
  const auto string_field = [&](const char* name) {
    const auto it = j.find(name);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (string_field("format") != kFormat) return bad("format", "not " + std::string(kFormat));
  if (string_field("public_key") != key) return bad("public_key", "differs from public_key.hex");
  Manifest m;
  const auto files = j.find("files");
  if (files == j.end() || !files->is_array()) return bad("files", "must be an array");
  for (size_t i = 0; i < files->size(); ++i) {
    const nlohmann::json& f = (*files)[i];
    const std::string field = "files[" + std::to_string(i) + "]";
    if (!f.is_object() || !f.contains("name") || !f["name"].is_string() || !f.contains("size") ||
        !f["size"].is_number_unsigned() || !f.contains("sha256") || !f["sha256"].is_string() ||
        !IsHexDigest(f["sha256"].get<std::string>())) {
      return bad(field, "must be {name, size, sha256}");
    }
    BundleFile bf{f["name"].get<std::string>(), f["size"].get<uint64_t>(),
                  f["sha256"].get<std::string>()};
    if (IsSignatureFile(bf.name) || !m.files.emplace(bf.name, bf).second) {
      return bad(field, "file listed twice or not listable: " + bf.name);
    }
  }
  const auto streams = j.find("streams");
  if (streams == j.end() || !streams->is_array()) return bad("streams", "must be an array");
  for (size_t i = 0; i < streams->size(); ++i) {
    const nlohmann::json& s = (*streams)[i];
    const std::string field = "streams[" + std::to_string(i) + "]";
    if (!s.is_object() || !s.contains("stream") || !s["stream"].is_string() ||
        !s.contains("checkpoints") || !s["checkpoints"].is_number_unsigned() ||
        !s.contains("hashes") || !s["hashes"].is_array()) {
      return bad(field, "must be {stream, checkpoints, hashes}");
    }
    std::vector<std::string> hashes;
    for (const auto& h : s["hashes"]) {
      if (!h.is_string() || !IsHexDigest(h.get<std::string>())) {
        return bad(field + ".hashes", "must be hex SHA-256 digests");
      }
      hashes.push_back(h.get<std::string>());
    }
    const std::string name = s["stream"].get<std::string>();
    if (hashes.empty() || !m.checkpoints.emplace(name, s["checkpoints"].get<uint64_t>()).second) {
      return bad(field, "stream empty or listed twice: " + name);
    }
    m.layout.emplace_back(name, std::move(hashes));
  }
  for (std::string_view required : {kRecordsFile, kCheckpointsFile, kPublicKeyFile}) {
    if (!m.files.contains(std::string(required))) {
      return bad("files", "does not list " + std::string(required));
    }
  }
  return m;
}

void CheckRecordsFile(std::string_view content, ChainVerifier& v) {
  ForEachJsonLine(content, [&](uint64_t n, std::string_view line, const nlohmann::json& j,
                               const std::string& error) {
    if (!error.empty()) {
      v.LineProblem(kRecordsFile, n, error);
      return false;
    }
    const std::string where = std::string(kRecordsFile) + ":" + std::to_string(n);
    auto r = RecordFromJson(j, where);
    if (!r) {
      v.LineProblem(kRecordsFile, n, r.error().ToString());
      return false;
    }
    if (CanonicalJson(RecordToJson(*r)) != line) {
      v.LineProblem(kRecordsFile, n,
                    "line is not in canonical form (spacing, key order or escaping changed)");
      return false;
    }
    return v.AddRecord(*r, n);
  });
}

void CheckCheckpointsFile(std::string_view content, ChainVerifier& v) {
  const std::string file(kCheckpointsFile);
  ForEachJsonLine(content, [&](uint64_t n, std::string_view line, const nlohmann::json& j,
                               const std::string& error) {
    if (!error.empty()) {
      v.Problem({file, "", 0, n, error});
      return false;
    }
    auto c = CheckpointFromJson(j, file + ":" + std::to_string(n));
    if (!c) {
      v.Problem({file, "", 0, n, c.error().ToString()});
      return false;
    }
    if (CanonicalJson(CheckpointToJson(*c)) != line) {
      v.Problem({file, c->stream, c->seq, n, "line is not in canonical form"});
      return false;
    }
    return v.AddCheckpoint(*c, n);
  });
}

}  // namespace

VerifyReport VerifyBundleFiles(const std::map<std::string, std::string>& files,
                               const VerifyBundleOptions& options) {
  auto file = [&](std::string_view name) -> const std::string* {
    auto it = files.find(std::string(name));
    return it == files.end() ? nullptr : &it->second;
  };
  auto fail = [](std::string_view name, std::string what) {
    VerifyReport r;
    r.ok = false;
    r.problem = {std::string(name), "", 0, 0, std::move(what)};
    return r;
  };
  for (std::string_view name : {kPublicKeyFile, kManifestFile, kManifestSigFile}) {
    if (!file(name)) return fail(name, "missing");
  }
  const std::string key = TrimNewline(*file(kPublicKeyFile));
  if (!IsHexDigest(key)) return fail(kPublicKeyFile, "not a hex Ed25519 public key");
  if (!options.expected_public_key.empty() && key != options.expected_public_key) {
    return fail(kPublicKeyFile,
                "bundle key " + key + " is not the expected key " + options.expected_public_key);
  }
  const std::string& manifest_text = *file(kManifestFile);
  if (!VerifySignatureHex(key, manifest_text, TrimNewline(*file(kManifestSigFile)))) {
    VerifyReport r = fail(kManifestFile,
                          "manifest signature does not verify with public_key.hex (manifest.json, "
                          "manifest.sig or public_key.hex altered)");
    r.public_key = key;
    return r;
  }
  ChainVerifier v(key);
  auto manifest = ParseManifest(manifest_text, key);
  if (!manifest) {
    v.Problem({std::string(kManifestFile), "", 0, 0, manifest.error().ToString()});
    return v.report();
  }
  for (const auto& [name, content] : files) {
    if (!IsSignatureFile(name) && !manifest->files.contains(name)) {
      v.Problem({name, "", 0, 0, "file not listed in the signed manifest (added)"});
      return v.report();
    }
  }
  for (const auto& [name, listed] : manifest->files) {
    if (!files.contains(name)) {
      v.Problem({name, "", 0, 0, "file listed in the signed manifest is missing (deleted)"});
      return v.report();
    }
  }
  v.ExpectLayout(std::move(manifest->layout));
  CheckRecordsFile(*file(kRecordsFile), v);
  if (!v.FinishRecords()) return v.report();
  CheckCheckpointsFile(*file(kCheckpointsFile), v);
  if (!v.ok()) return v.report();
  for (const auto& [stream, count] : manifest->checkpoints) {
    if (v.CheckpointCount(stream) != count) {
      v.Problem({std::string(kCheckpointsFile), stream, 0, 0,
                 "the signed manifest lists " + std::to_string(count) +
                     " checkpoints of the stream, the file has " +
                     std::to_string(v.CheckpointCount(stream)) + " (deleted or added)"});
      return v.report();
    }
  }
  for (const auto& [name, listed] : manifest->files) {
    const std::string& content = *file(name);
    if (content.size() != listed.size || Sha256Hex(content) != listed.sha256) {
      v.Problem({name, "", 0, 0, "SHA-256 differs from the signed manifest (file altered)"});
      return v.report();
    }
    ++v.report().files_checked;
  }
  return v.report();
}

Result<VerifyReport> VerifyBundle(const fs::path& dir, const VerifyBundleOptions& options) {
  auto files = ReadBundleFiles(dir);
  if (!files) {
    if (files.error().code == ErrorCode::kParse) {
      VerifyReport r;
      r.ok = false;
      r.problem = {files.error().where, "", 0, 0, files.error().message};
      return r;
    }
    return tl::unexpected(files.error());
  }
  return VerifyBundleFiles(*files, options);
}

Result<BundleSummary> WriteBundle(const fs::path& dir, std::span<const Record> records,
                                  std::span<const Checkpoint> checkpoints, const Signer& signer,
                                  nlohmann::json case_info) {
  const std::string key = signer.PublicKeyHex();
  auto check = VerifyStream(records, checkpoints, key);
  if (!check) return tl::unexpected(check.error());
  if (!check->ok) {
    const Problem& p = check->problem;
    return Fail(ErrorCode::kInvalidArgument, "ledger does not verify, not exported: " + p.what,
                p.stream + ":" + std::to_string(p.seq));
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return Fail(ErrorCode::kIo, "cannot create bundle directory: " + ec.message(), dir.string());
  if (fs::exists(dir / kManifestFile, ec) || fs::exists(dir / kManifestSigFile, ec)) {
    return Fail(ErrorCode::kInvalidArgument, "directory already holds a bundle", dir.string());
  }
  std::string lines;
  nlohmann::json streams = nlohmann::json::array();
  std::map<std::string, uint64_t> checkpoint_counts;
  for (const Checkpoint& c : checkpoints) ++checkpoint_counts[c.stream];
  for (const Record& r : records) {
    lines += CanonicalJson(RecordToJson(r));
    lines += '\n';
    if (streams.empty() || streams.back()["stream"] != r.stream) {
      streams.push_back({{"stream", r.stream},
                         {"checkpoints", checkpoint_counts[r.stream]},
                         {"hashes", nlohmann::json::array()}});
    }
    streams.back()["hashes"].push_back(r.hash);
  }
  if (auto s = WriteFileDurable(dir / kRecordsFile, lines); !s) return tl::unexpected(s.error());
  lines.clear();
  for (const Checkpoint& c : checkpoints) {
    lines += CanonicalJson(CheckpointToJson(c));
    lines += '\n';
  }
  if (auto s = WriteFileDurable(dir / kCheckpointsFile, lines); !s) {
    return tl::unexpected(s.error());
  }
  if (auto s = WriteFileDurable(dir / kPublicKeyFile, key + "\n"); !s) {
    return tl::unexpected(s.error());
  }
  auto files = ReadBundleFiles(dir);
  if (!files) return tl::unexpected(files.error());
  BundleSummary summary;
  summary.dir = dir;
  summary.records = records.size();
  summary.checkpoints = checkpoints.size();
  summary.streams = streams.size();
  summary.public_key = key;
  nlohmann::json listed = nlohmann::json::array();
  for (const auto& [name, content] : *files) {
    BundleFile f{name, content.size(), Sha256Hex(content)};
    listed.push_back({{"name", f.name}, {"size", f.size}, {"sha256", f.sha256}});
    summary.files.push_back(std::move(f));
  }
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  const nlohmann::json manifest = {{"format", kFormat},
                                   {"created", FormatRfc3339(now.count())},
                                   {"hash", "sha256"},
                                   {"signature", "ed25519"},
                                   {"public_key", key},
                                   {"case", std::move(case_info)},
                                   {"streams", std::move(streams)},
                                   {"files", std::move(listed)}};
  const std::string manifest_text = CanonicalJson(manifest) + "\n";
  if (auto s = WriteFileDurable(dir / kManifestFile, manifest_text); !s) {
    return tl::unexpected(s.error());
  }
  if (auto s = WriteFileDurable(dir / kManifestSigFile, signer.SignHex(manifest_text) + "\n"); !s) {
    return tl::unexpected(s.error());
  }
  summary.manifest_sha256 = Sha256Hex(manifest_text);
  return summary;
}

}  // namespace bantay::evidence
