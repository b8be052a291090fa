// evidence/evidence.h: append-only hash-chained ledger streams, Ed25519-signed checkpoints
// (libsodium), and export bundles that a recipient verifies offline. See docs/evidence.md.
//
// A stream ("case/<id>", "audit", ...) is a sequence of Records numbered 0, 1, 2, ...; each
// record carries the SHA-256 of its predecessor, so changing, inserting, deleting or reordering
// any record breaks the chain. A Checkpoint is the deployment key's Ed25519 signature over a
// stream's head at some moment. A bundle (WriteBundle) is a directory with the records, the
// checkpoints, the public key and a signed manifest of SHA-256 digests; VerifyBundle needs only
// that directory and names the first bad record.
//
// CLI: src/cli/evidence_cmd.cc registers the parent command `bantay evidence` with the
// subcommand `verify DIR`. Other CLI files add subcommands to it (e.g. `export`, which needs
// the case store) by looking it up after registration:
//   CLI::App* evidence = app.get_subcommand("evidence");   // registration order 60
//   evidence->add_subcommand("export", ...);
// so their CommandRegistration order must be greater than 60.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"

namespace bantay::evidence {

// ---- Canonical JSON and hashing ------------------------------------------------------------

// The deterministic form used for hashing and signing: object keys sorted by their UTF-8
// bytes, no insignificant whitespace, strings as UTF-8 (only '"', '\\' and control characters
// escaped), integers as integers, doubles in the shortest form that reads back exactly.
// Invalid UTF-8 in strings is replaced by U+FFFD (Ledger::Append refuses it instead).
std::string CanonicalJson(const nlohmann::json& value);

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

// 64 zeros: the prev_hash of the first record of every stream.
inline constexpr std::string_view kZeroHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// ---- Records and checkpoints -----------------------------------------------------------------

// One ledger entry. Times are RFC 3339 ("2026-03-01T10:00:00Z").
struct Record {
  std::string stream;         // "case/<case id>", "audit", ...
  uint64_t seq = 0;           // 0-based position within the stream
  std::string kind;           // "lead", "message", "note", "status", "authorisation",
                              // "deletion", "audit", ...
  std::string source_time;    // the source's own time of the event; may be empty
  std::string received_time;  // when bantay received / recorded it (UTC)
  nlohmann::json body;        // the event itself
  std::string prev_hash;      // `hash` of record seq-1 of the stream; kZeroHash for seq 0
  std::string hash;           // RecordHash(*this)

  bool operator==(const Record&) const = default;
};

// Hex SHA-256 of CanonicalJson of every field of `r` except `hash`.
std::string RecordHash(const Record& r);
// The record as one canonical JSON object, all eight fields (a line of records.jsonl).
nlohmann::json RecordToJson(const Record& r);
// Strictly parses a record object: exactly the eight fields, each of the right type.
// `where` prefixes the error location ("records.jsonl:12"); the field is appended.
Result<Record> RecordFromJson(const nlohmann::json& j, std::string_view where = {});

// A signed statement that `hash` was the hash of record `seq` of `stream` at `time`.
struct Checkpoint {
  std::string stream;
  uint64_t seq = 0;
  std::string hash;        // the record's hash
  std::string time;        // RFC 3339 UTC, when the checkpoint was signed
  std::string public_key;  // hex Ed25519 public key (64 hex digits)
  std::string signature;   // hex Ed25519 signature of CheckpointStatement(*this)

  bool operator==(const Checkpoint&) const = default;
};

// What a checkpoint's signature covers: the canonical JSON of
// {"type": "bantay-checkpoint-v1", "stream", "seq", "hash", "time"}.
std::string CheckpointStatement(const Checkpoint& c);
nlohmann::json CheckpointToJson(const Checkpoint& c);
Result<Checkpoint> CheckpointFromJson(const nlohmann::json& j, std::string_view where = {});

// ---- Storage ----------------------------------------------------------------------------------

// Where a Ledger keeps its records. Thread-compatible: callers serialise access.
// Implementations: MemoryLedgerStorage (below, for tests), and the case store's tables
// (cases module), so that records commit in the same transaction as the rows they describe.
class LedgerStorage {
 public:
  virtual ~LedgerStorage() = default;
  // The record with the highest seq in `stream`, or nullopt for an empty stream.
  virtual Result<std::optional<Record>> Last(std::string_view stream) = 0;
  // REQUIRES: record.seq == (Last(record.stream)->seq + 1), or 0 for an empty stream.
  // Must be atomic (all or nothing) and refuse any other seq with an error.
  virtual Status Put(const Record& record) = 0;
  // Records of `stream` with seq >= from_seq, in seq order.
  virtual Result<std::vector<Record>> Read(std::string_view stream, uint64_t from_seq = 0) = 0;
  virtual Status PutCheckpoint(const Checkpoint& checkpoint) = 0;
  // Checkpoints of `stream` in seq order.
  virtual Result<std::vector<Checkpoint>> Checkpoints(std::string_view stream) = 0;
  // Names of all non-empty streams, sorted.
  virtual Result<std::vector<std::string>> Streams() = 0;
};

// In-memory LedgerStorage for tests and tools. Thread-compatible.
class MemoryLedgerStorage final : public LedgerStorage {
 public:
  Result<std::optional<Record>> Last(std::string_view stream) override;
  Status Put(const Record& record) override;
  Result<std::vector<Record>> Read(std::string_view stream, uint64_t from_seq = 0) override;
  Status PutCheckpoint(const Checkpoint& checkpoint) override;
  Result<std::vector<Checkpoint>> Checkpoints(std::string_view stream) override;
  Result<std::vector<std::string>> Streams() override;

 private:
  std::map<std::string, std::vector<Record>, std::less<>> records_;
  std::map<std::string, std::vector<Checkpoint>, std::less<>> checkpoints_;
};

// ---- Signing ----------------------------------------------------------------------------------

// The deployment's Ed25519 key pair. Immutable after creation; thread-safe.
class Signer {
 public:
  // Reads the key file, or creates it with a fresh key pair (mode 0600, exclusive create) when
  // it does not exist. Refuses a key file readable or writable by group or others, and one
  // that is not a well-formed key. The CLI's default is "<store dir>/bantay-signing.key".
  static Result<Signer> LoadOrCreate(const std::filesystem::path& key_file);

  Signer(Signer&& other) noexcept;
  Signer& operator=(Signer&& other) noexcept;
  Signer(const Signer&) = delete;
  Signer& operator=(const Signer&) = delete;
  ~Signer();  // wipes the secret key

  std::string PublicKeyHex() const;
  // Hex Ed25519 detached signature (128 hex digits) of `message`.
  std::string SignHex(std::string_view message) const;

 private:
  Signer() = default;
  std::array<unsigned char, 64> secret_{};  // libsodium layout: seed followed by public key
  std::array<unsigned char, 32> public_{};
};

// True when `signature_hex` is a valid Ed25519 signature of `message` by `public_key_hex`.
// Malformed hex is simply false.
bool VerifySignatureHex(std::string_view public_key_hex, std::string_view message,
                        std::string_view signature_hex);

// ---- Ledger -----------------------------------------------------------------------------------

struct LedgerOptions {
  // Append signs a checkpoint automatically after every this many records of a stream
  // (after seq 99, 199, ... with the default 100). 0: only explicit Checkpoint() calls.
  uint64_t checkpoint_every = 100;
  // The clock, returning RFC 3339 UTC. Default (empty): the system clock, milliseconds.
  std::function<std::string()> now;
};

// Appends to hash-chained streams over a LedgerStorage. Thread-compatible, like its storage;
// `storage` and `signer` must outlive the Ledger.
class Ledger {
 public:
  Ledger(LedgerStorage& storage, const Signer& signer, LedgerOptions options = {});

  // Appends a record (seq, prev_hash, received_time and hash computed here) and returns it.
  // REQUIRES: stream and kind non-empty; source_time empty or RFC 3339; body valid UTF-8.
  Result<Record> Append(std::string_view stream, std::string_view kind,
                        std::string_view source_time, nlohmann::json body);
  // Signs the current head of `stream` and stores the checkpoint. If the head is already
  // checkpointed, returns that checkpoint. kNotFound for an empty stream.
  Result<evidence::Checkpoint> Checkpoint(std::string_view stream);

  const Signer& signer() const { return signer_; }
  std::string Now() const;

 private:
  LedgerStorage& storage_;
  const Signer& signer_;
  LedgerOptions options_;
};

// ---- Verification -----------------------------------------------------------------------------

// The first thing found wrong. For a record, `stream`, `seq` and `line` (1-based line of
// records.jsonl, or position in the span given to VerifyStream) name it; for a checkpoint, the
// checkpoint's stream, seq and line of checkpoints.jsonl; for a bundle file, `file` names it.
struct Problem {
  std::string file;  // "records.jsonl", "checkpoints.jsonl", "manifest.json", ...; may be empty
  std::string stream;
  uint64_t seq = 0;
  uint64_t line = 0;
  std::string what;  // e.g. "prev_hash does not match the hash of record 4"

  nlohmann::json ToJson() const;
};

struct VerifyReport {
  bool ok = true;
  uint64_t records_checked = 0;      // records whose hash and chain link were checked
  uint64_t checkpoints_checked = 0;  // signatures verified
  uint64_t streams = 0;
  uint64_t files_checked = 0;  // bundle files whose digest was checked
  std::string public_key;      // the key everything was verified against
  Problem problem;             // the first problem; meaningful only when !ok

  // {"ok": ..., "records_checked": ..., ..., "problem": {...}} (problem only when !ok).
  nlohmann::json ToJson() const;
};

// Verifies records (grouped by stream, each stream starting at seq 0 and in seq order) and
// their checkpoints against `public_key_hex`: every record's hash, every chain link, every
// checkpoint's signature, key and record hash. An error is returned only for unusable
// arguments (a malformed key); tampering is reported in the VerifyReport.
Result<VerifyReport> VerifyStream(std::span<const Record> records,
                                  std::span<const Checkpoint> checkpoints,
                                  std::string_view public_key_hex);

// ---- Bundles ----------------------------------------------------------------------------------

struct BundleFile {
  std::string name;  // relative to the bundle directory, '/'-separated
  uint64_t size = 0;
  std::string sha256;  // hex
};

struct BundleSummary {
  std::filesystem::path dir;
  uint64_t records = 0;
  uint64_t checkpoints = 0;
  uint64_t streams = 0;
  std::vector<BundleFile> files;  // every file listed in the manifest
  std::string public_key;
  std::string manifest_sha256;  // hex SHA-256 of manifest.json, for a receipt
};

// Bundle file names.
inline constexpr std::string_view kRecordsFile = "records.jsonl";
inline constexpr std::string_view kCheckpointsFile = "checkpoints.jsonl";
inline constexpr std::string_view kPublicKeyFile = "public_key.hex";
inline constexpr std::string_view kManifestFile = "manifest.json";
inline constexpr std::string_view kManifestSigFile = "manifest.sig";

// Writes a bundle into `dir` (created if missing): records.jsonl (one canonical record a
// line, in the given order), checkpoints.jsonl, public_key.hex, manifest.json and
// manifest.sig (hex Ed25519 signature of manifest.json's bytes). Files already in `dir`
// (e.g. referral.xml/.json/.html written by the caller first) are listed in the manifest too.
// The manifest also records, per stream, the record count, every record hash, and the number
// of checkpoints, and carries `case_info` as given.
// REQUIRES: records grouped by stream, each stream complete from seq 0 and verifying
// (checked: an error is returned otherwise, and nothing is signed).
Result<BundleSummary> WriteBundle(const std::filesystem::path& dir, std::span<const Record> records,
                                  std::span<const Checkpoint> checkpoints, const Signer& signer,
                                  nlohmann::json case_info);

struct VerifyBundleOptions {
  // When non-empty, the bundle must be signed by this public key (hex), obtained from the
  // deployment through another channel; otherwise the key in the bundle is used and
  // reported, to be compared by the recipient.
  std::string expected_public_key;
};

// Checks a bundle offline (needs only `dir`): the manifest signature, every listed file's
// size and SHA-256, no unlisted files, every record and chain link, every checkpoint, and the
// per-stream counts and record hashes of the manifest. Names the first bad record. An error is
// returned only when `dir` is not a readable directory; tampering goes in the report.
Result<VerifyReport> VerifyBundle(const std::filesystem::path& dir,
                                  const VerifyBundleOptions& options = {});

// The same checks on a bundle already in memory: file name ('/'-separated, relative) ->
// content. For services that receive a bundle, and for fuzzing.
VerifyReport VerifyBundleFiles(const std::map<std::string, std::string>& files,
                               const VerifyBundleOptions& options = {});

}  // namespace bantay::evidence
