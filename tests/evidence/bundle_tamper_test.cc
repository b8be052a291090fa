// Tampering with every part of an evidence bundle is detected, and the first bad record is
// named by stream, seq and line (SAFETY.md section 4).
#include <sys/stat.h>

#include "evidence_test_util.h"

namespace bantay::evidence::testing {
namespace {

// A bundle with two streams: "case/c1" (10 records, lines 1-10, checkpoints at seq 3 and 7)
// and "audit" (6 records, lines 11-16, a checkpoint at seq 3), plus a referral.json.
class BundleTamper : public EvidenceTest {
 protected:
  void SetUp() override {
    EvidenceTest::SetUp();
    BuildLedger(4, {{"case/c1", 10}, {"audit", 6}});
    bundle_ = dir_ / "bundle";
    fs::create_directories(bundle_);
    Spit(bundle_ / "referral.json", "{\"case\":\"c1\",\"agency\":\"synthetic\"}\n");
    auto summary = WriteBundle(bundle_, records_, checkpoints_, *signer_, {{"case", "c1"}});
    ASSERT_TRUE(summary) << summary.error().ToString();
  }

  VerifyReport Verify(const VerifyBundleOptions& options = {}) {
    auto r = VerifyBundle(bundle_, options);
    EXPECT_TRUE(r) << r.error().ToString();
    return r ? *r : VerifyReport{};
  }

  std::vector<std::string> RecordLines() { return Lines(Slurp(bundle_ / kRecordsFile)); }
  void SetRecordLines(const std::vector<std::string>& lines) {
    Spit(bundle_ / kRecordsFile, JoinLines(lines));
  }
  std::vector<std::string> CheckpointLines() { return Lines(Slurp(bundle_ / kCheckpointsFile)); }
  void SetCheckpointLines(const std::vector<std::string>& lines) {
    Spit(bundle_ / kCheckpointsFile, JoinLines(lines));
  }

  static Record Parse(const std::string& line) {
    auto r = RecordFromJson(nlohmann::json::parse(line));
    EXPECT_TRUE(r);
    return *r;
  }
  static std::string Line(const Record& r) { return CanonicalJson(RecordToJson(r)); }

  // A well-formed record that follows the one on `line` in its stream, with a planted body.
  static Record Successor(const std::string& line) {
    Record r = Parse(line);
    r.seq += 1;
    r.prev_hash = r.hash;
    r.body = {{"text", "planted entry"}};
    r.hash = RecordHash(r);
    return r;
  }

  // Re-links lines [from, to) after `prev`, shifting each seq by `shift`, and rehashes them:
  // what an attacker without the key can do to hide a change.
  static void Rechain(std::vector<std::string>& lines, size_t from, size_t to, std::string prev,
                      int shift) {
    for (size_t i = from; i < to; ++i) {
      Record r = Parse(lines[i]);
      r.seq += shift;
      r.prev_hash = prev;
      r.hash = prev = RecordHash(r);
      lines[i] = Line(r);
    }
  }

  // Expects the first problem to be record (stream, seq) on `line` of records.jsonl.
  void ExpectRecord(const VerifyReport& r, const std::string& stream, uint64_t seq, uint64_t line,
                    const std::string& context) {
    EXPECT_FALSE(r.ok) << context;
    EXPECT_EQ(r.problem.file, kRecordsFile) << context << ": " << r.problem.what;
    EXPECT_EQ(r.problem.stream, stream) << context << ": " << r.problem.what;
    EXPECT_EQ(r.problem.seq, seq) << context << ": " << r.problem.what;
    EXPECT_EQ(r.problem.line, line) << context << ": " << r.problem.what;
  }

  void ExpectFile(const VerifyReport& r, const std::string& file, const std::string& context) {
    EXPECT_FALSE(r.ok) << context;
    EXPECT_EQ(r.problem.file, file) << context << ": " << r.problem.what;
  }

  fs::path bundle_;
};

TEST_F(BundleTamper, UntouchedBundleVerifies) {
  const VerifyReport r = Verify();
  EXPECT_TRUE(r.ok) << r.problem.what;
  EXPECT_EQ(r.records_checked, 16u);
  EXPECT_EQ(r.checkpoints_checked, 3u);
  EXPECT_EQ(r.streams, 2u);
  EXPECT_EQ(r.files_checked, 4u);  // records, checkpoints, public key, referral.json
  EXPECT_EQ(r.public_key, signer_->PublicKeyHex());
  VerifyBundleOptions expect_key;
  expect_key.expected_public_key = signer_->PublicKeyHex();
  EXPECT_TRUE(Verify(expect_key).ok);
  EXPECT_EQ(r.ToJson()["ok"], true);
  EXPECT_FALSE(r.ToJson().contains("problem"));
}

// How far an attacker goes after changing a field: not at all, rehash the record, or rehash
// the record and re-link every later record of the stream.
enum class Cover { kNone, kRehash, kRechain };

TEST_F(BundleTamper, ChangingAnyRecordFieldIsCaughtAtThatRecord) {
  struct Field {
    const char* name;
    std::function<void(Record&)> change;
  };
  const std::vector<Field> fields = {
      {"stream", [](Record& r) { r.stream = "case/c9"; }},
      {"seq", [](Record& r) { r.seq += 1; }},
      {"kind", [](Record& r) { r.kind = "deletion"; }},
      {"source_time", [](Record& r) { r.source_time = "2025-01-01T00:00:00Z"; }},
      {"received_time", [](Record& r) { r.received_time = "2026-03-01T11:00:00Z"; }},
      {"body", [](Record& r) { r.body["text"] = "altered entry"; }},
      {"body_type", [](Record& r) { r.body = nlohmann::json::array(); }},
      {"prev_hash", [](Record& r) { r.prev_hash[7] = r.prev_hash[7] == 'a' ? 'b' : 'a'; }},
      {"hash", [](Record& r) { r.hash[63] = r.hash[63] == 'a' ? 'b' : 'a'; }},
  };
  // (line, stream, seq): the first record, one in the middle, the last of the file.
  const std::vector<std::tuple<uint64_t, std::string, uint64_t>> places = {
      {1, "case/c1", 0}, {6, "case/c1", 5}, {11, "audit", 0}, {16, "audit", 5}};
  const std::vector<std::string> original = RecordLines();
  for (const Field& f : fields) {
    for (Cover cover : {Cover::kNone, Cover::kRehash, Cover::kRechain}) {
      if (std::string(f.name) == "hash" && cover != Cover::kNone) continue;
      for (const auto& [line, stream, seq] : places) {
        std::vector<std::string> lines = original;
        Record r = Parse(lines[line - 1]);
        f.change(r);
        if (cover != Cover::kNone) r.hash = RecordHash(r);
        lines[line - 1] = Line(r);
        if (cover == Cover::kRechain) Rechain(lines, line, line <= 10 ? 10 : 16, r.hash, 0);
        SetRecordLines(lines);
        ExpectRecord(Verify(), stream, seq, line,
                     std::string(f.name) + " cover " + std::to_string(static_cast<int>(cover)) +
                         " line " + std::to_string(line));
      }
    }
  }
  SetRecordLines(original);
  EXPECT_TRUE(Verify().ok);
}

TEST_F(BundleTamper, InsertedRecordIsNamed) {
  std::vector<std::string> lines = RecordLines();
  // Naive: a copy of record 3 with another body, put before it.
  Record fake = Parse(lines[3]);
  fake.body = {{"text", "planted entry"}};
  fake.hash = RecordHash(fake);
  auto naive = lines;
  naive.insert(naive.begin() + 3, Line(fake));
  SetRecordLines(naive);
  ExpectRecord(Verify(), "case/c1", 3, 4, "naive insert");

  // Thorough: a well-formed record 3, every later record renumbered and re-chained.
  auto chained = lines;
  const Record planted = Successor(lines[2]);
  chained.insert(chained.begin() + 3, Line(planted));
  Rechain(chained, 4, 11, planted.hash, 1);
  SetRecordLines(chained);
  ExpectRecord(Verify(), "case/c1", 3, 4, "re-chained insert");

  // Appended after the last record of the file.
  auto appended = lines;
  appended.push_back(Line(Successor(lines[15])));
  SetRecordLines(appended);
  ExpectRecord(Verify(), "audit", 6, 17, "append");
}

TEST_F(BundleTamper, DeletedRecordIsNamed) {
  const std::vector<std::string> lines = RecordLines();
  auto deleted = lines;
  deleted.erase(deleted.begin() + 3);  // case/c1 seq 3
  SetRecordLines(deleted);
  const VerifyReport r = Verify();
  ExpectRecord(r, "case/c1", 3, 4, "delete");
  EXPECT_NE(r.problem.what.find("missing"), std::string::npos) << r.problem.what;

  // Deleted, and the rest renumbered and re-chained.
  Rechain(deleted, 3, 9, Parse(lines[2]).hash, -1);
  SetRecordLines(deleted);
  ExpectRecord(Verify(), "case/c1", 3, 4, "re-chained delete");

  // The first record of a stream.
  auto first = lines;
  first.erase(first.begin() + 10);  // audit seq 0
  SetRecordLines(first);
  ExpectRecord(Verify(), "audit", 0, 11, "delete first of stream");

  // The last record of a stream in the middle of the file.
  auto last = lines;
  last.erase(last.begin() + 9);  // case/c1 seq 9
  SetRecordLines(last);
  ExpectRecord(Verify(), "case/c1", 9, 10, "delete last of stream");
}

TEST_F(BundleTamper, ReorderedAndDuplicatedRecordsAreNamed) {
  const std::vector<std::string> lines = RecordLines();
  auto swapped = lines;
  std::swap(swapped[4], swapped[5]);
  SetRecordLines(swapped);
  ExpectRecord(Verify(), "case/c1", 4, 5, "swap");

  auto streams_swapped = lines;  // audit first, then case/c1
  std::rotate(streams_swapped.begin(), streams_swapped.begin() + 10, streams_swapped.end());
  SetRecordLines(streams_swapped);
  ExpectRecord(Verify(), "case/c1", 0, 1, "streams swapped");

  auto duplicated = lines;
  duplicated.insert(duplicated.begin() + 5, lines[4]);
  SetRecordLines(duplicated);
  const VerifyReport r = Verify();
  ExpectRecord(r, "case/c1", 5, 6, "duplicate");
  EXPECT_NE(r.problem.what.find("duplicated"), std::string::npos) << r.problem.what;
}

TEST_F(BundleTamper, TruncatedRecordsFileIsNamed) {
  const std::string text = Slurp(bundle_ / kRecordsFile);
  Spit(bundle_ / kRecordsFile, text.substr(0, text.size() - 20));  // mid-line
  ExpectRecord(Verify(), "audit", 5, 16, "cut mid-line");

  std::vector<std::string> lines = RecordLines();
  lines.resize(13);  // whole lines: audit 3.. gone
  Spit(bundle_ / kRecordsFile,
       JoinLines(std::vector<std::string>(lines.begin(), lines.begin() + 13)));
  auto r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.problem.stream, "audit");
  EXPECT_EQ(r.problem.seq, 3u) << r.problem.what;

  Spit(bundle_ / kRecordsFile, "");
  r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.problem.stream, "case/c1");
  EXPECT_EQ(r.problem.seq, 0u) << r.problem.what;
}

TEST_F(BundleTamper, NonCanonicalOrMalformedLinesAreNamed) {
  const std::vector<std::string> lines = RecordLines();
  auto spaced = lines;
  spaced[2].insert(1, " ");
  SetRecordLines(spaced);
  ExpectRecord(Verify(), "case/c1", 2, 3, "whitespace");

  auto garbage = lines;
  garbage[6] = "{not json";
  SetRecordLines(garbage);
  ExpectRecord(Verify(), "case/c1", 6, 7, "garbage");

  auto blank = lines;
  blank.insert(blank.begin() + 6, "");
  SetRecordLines(blank);
  ExpectRecord(Verify(), "case/c1", 6, 7, "blank line");

  auto extra_field = lines;
  nlohmann::json j = nlohmann::json::parse(lines[7]);
  j["note"] = "added";
  extra_field[7] = CanonicalJson(j);
  SetRecordLines(extra_field);
  const VerifyReport r = Verify();
  ExpectRecord(r, "case/c1", 7, 8, "extra field");
  EXPECT_NE(r.problem.what.find("note"), std::string::npos) << r.problem.what;
}

TEST_F(BundleTamper, CheckpointTamperingIsCaught) {
  const std::vector<std::string> lines = CheckpointLines();
  ASSERT_EQ(lines.size(), 3u);
  auto expect_checkpoint = [&](const std::vector<std::string>& changed, uint64_t line,
                               const std::string& context) {
    SetCheckpointLines(changed);
    const VerifyReport r = Verify();
    EXPECT_FALSE(r.ok) << context;
    EXPECT_EQ(r.problem.file, kCheckpointsFile) << context << ": " << r.problem.what;
    if (line > 0) {
      EXPECT_EQ(r.problem.line, line) << context << ": " << r.problem.what;
    }
  };
  auto edit = [&](size_t i, const std::function<void(Checkpoint&)>& f) {
    auto changed = lines;
    auto c = CheckpointFromJson(nlohmann::json::parse(lines[i]));
    EXPECT_TRUE(c);
    f(*c);
    changed[i] = CanonicalJson(CheckpointToJson(*c));
    return changed;
  };
  auto flip = [](std::string& hex) { hex[10] = hex[10] == 'a' ? 'b' : 'a'; };
  expect_checkpoint(edit(1, [&](Checkpoint& c) { flip(c.signature); }), 2, "signature");
  expect_checkpoint(edit(1, [&](Checkpoint& c) { flip(c.public_key); }), 2, "public_key");
  expect_checkpoint(edit(1, [&](Checkpoint& c) { flip(c.hash); }), 2, "hash");
  expect_checkpoint(edit(1, [&](Checkpoint& c) { c.seq = 5; }), 2, "seq");
  expect_checkpoint(edit(1, [&](Checkpoint& c) { c.stream = "audit"; }), 2, "stream");
  expect_checkpoint(edit(1, [&](Checkpoint& c) { c.time = "2027-01-01T00:00:00Z"; }), 2, "time");
  expect_checkpoint(edit(0, [&](Checkpoint& c) { c.signature.clear(); }), 1, "no signature");

  // Signed by another key, with that key's public key in the line.
  auto other = Signer::LoadOrCreate(dir_ / "attacker.key");
  ASSERT_TRUE(other);
  expect_checkpoint(edit(2,
                         [&](Checkpoint& c) {
                           c.public_key = other->PublicKeyHex();
                           c.signature = other->SignHex(CheckpointStatement(c));
                         }),
                    3, "other key");

  auto removed = lines;
  removed.erase(removed.begin());
  expect_checkpoint(removed, 0, "removed");
  auto swapped = lines;
  std::swap(swapped[0], swapped[1]);
  expect_checkpoint(swapped, 2, "swapped");
  auto duplicated = lines;
  duplicated.push_back(lines[2]);
  expect_checkpoint(duplicated, 4, "duplicated");
  SetCheckpointLines(lines);
  ASSERT_TRUE(Verify().ok);
  auto truncated = Slurp(bundle_ / kCheckpointsFile);
  Spit(bundle_ / kCheckpointsFile, truncated.substr(0, truncated.size() - 30));
  const VerifyReport r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.problem.line, 3u) << r.problem.what;
}

TEST_F(BundleTamper, PublicKeyTamperingIsCaught) {
  const std::string key = Slurp(bundle_ / kPublicKeyFile);
  auto other = Signer::LoadOrCreate(dir_ / "attacker.key");
  ASSERT_TRUE(other);
  Spit(bundle_ / kPublicKeyFile, other->PublicKeyHex() + "\n");
  ExpectFile(Verify(), std::string(kManifestFile), "other key");
  Spit(bundle_ / kPublicKeyFile, "zz\n");
  ExpectFile(Verify(), std::string(kPublicKeyFile), "garbage key");
  fs::remove(bundle_ / kPublicKeyFile);
  ExpectFile(Verify(), std::string(kPublicKeyFile), "no key");
  Spit(bundle_ / kPublicKeyFile, key);
  EXPECT_TRUE(Verify().ok);
}

TEST_F(BundleTamper, FullyReSignedBundleIsRefusedWhenTheExpectedKeyIsGiven) {
  // An attacker who rewrites a record and re-signs everything with their own key produces a
  // self-consistent bundle; only the deployment's key, obtained separately, exposes it.
  auto other = Signer::LoadOrCreate(dir_ / "attacker.key");
  ASSERT_TRUE(other);
  std::vector<Record> forged = records_;
  forged[0].body = {{"text", "forged"}};
  std::string prev(kZeroHash);
  for (size_t i = 0; i < 10; ++i) {
    forged[i].prev_hash = prev;
    forged[i].hash = prev = RecordHash(forged[i]);
  }
  std::vector<Checkpoint> resigned = checkpoints_;
  for (Checkpoint& c : resigned) {
    if (c.stream == "case/c1") c.hash = forged[c.seq].hash;
    c.public_key = other->PublicKeyHex();
    c.signature = other->SignHex(CheckpointStatement(c));
  }
  const fs::path forged_dir = dir_ / "forged";
  ASSERT_TRUE(WriteBundle(forged_dir, forged, resigned, *other, {{"case", "c1"}}));
  auto self_consistent = VerifyBundle(forged_dir);
  ASSERT_TRUE(self_consistent);
  EXPECT_TRUE(self_consistent->ok);
  EXPECT_NE(self_consistent->public_key, signer_->PublicKeyHex());
  VerifyBundleOptions options;
  options.expected_public_key = signer_->PublicKeyHex();
  auto refused = VerifyBundle(forged_dir, options);
  ASSERT_TRUE(refused);
  ExpectFile(*refused, std::string(kPublicKeyFile), "expected key");
}

TEST_F(BundleTamper, ManifestAndSignatureTamperingIsCaught) {
  const std::string manifest = Slurp(bundle_ / kManifestFile);
  const std::string sig = Slurp(bundle_ / kManifestSigFile);
  std::string changed = manifest;
  const size_t at = changed.find("\"case\":\"c1\"");
  ASSERT_NE(at, std::string::npos);
  changed.replace(at, 11, "\"case\":\"c2\"");
  Spit(bundle_ / kManifestFile, changed);
  ExpectFile(Verify(), std::string(kManifestFile), "case info");
  Spit(bundle_ / kManifestFile, manifest + " ");
  ExpectFile(Verify(), std::string(kManifestFile), "trailing space");
  Spit(bundle_ / kManifestFile, manifest);

  std::string bad_sig = sig;
  bad_sig[0] = bad_sig[0] == 'a' ? 'b' : 'a';
  Spit(bundle_ / kManifestSigFile, bad_sig);
  ExpectFile(Verify(), std::string(kManifestFile), "signature");
  Spit(bundle_ / kManifestSigFile, signer_->SignHex("another manifest") + "\n");
  ExpectFile(Verify(), std::string(kManifestFile), "signature of something else");
  fs::remove(bundle_ / kManifestSigFile);
  ExpectFile(Verify(), std::string(kManifestSigFile), "no signature");
  Spit(bundle_ / kManifestSigFile, sig);
  fs::remove(bundle_ / kManifestFile);
  ExpectFile(Verify(), std::string(kManifestFile), "no manifest");
  Spit(bundle_ / kManifestFile, manifest);
  EXPECT_TRUE(Verify().ok);
}

TEST_F(BundleTamper, AlteredMissingAndUnlistedFilesAreNamed) {
  Spit(bundle_ / "referral.json", "{\"case\":\"c1\",\"agency\":\"other\"}\n");
  ExpectFile(Verify(), "referral.json", "altered");
  fs::remove(bundle_ / "referral.json");
  ExpectFile(Verify(), "referral.json", "removed");
  Spit(bundle_ / "referral.json", "{\"case\":\"c1\",\"agency\":\"synthetic\"}\n");
  ASSERT_TRUE(Verify().ok);

  Spit(bundle_ / "notes.txt", "added later\n");
  ExpectFile(Verify(), "notes.txt", "unlisted");
  fs::remove(bundle_ / "notes.txt");
  fs::create_directories(bundle_ / "sub");
  Spit(bundle_ / "sub" / "x.txt", "added later\n");
  ExpectFile(Verify(), "sub/x.txt", "unlisted in a subdirectory");
  fs::remove_all(bundle_ / "sub");
  fs::create_symlink(bundle_ / "referral.json", bundle_ / "link.json");
  ExpectFile(Verify(), "link.json", "symlink");
  fs::remove(bundle_ / "link.json");

  const std::string records = Slurp(bundle_ / kRecordsFile);
  fs::remove(bundle_ / kRecordsFile);
  ExpectFile(Verify(), std::string(kRecordsFile), "records removed");
  Spit(bundle_ / kRecordsFile, records);
  EXPECT_TRUE(Verify().ok);
}

TEST_F(BundleTamper, NotADirectoryIsAnErrorNotAReport) {
  auto r = VerifyBundle(dir_ / "missing");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace bantay::evidence::testing
