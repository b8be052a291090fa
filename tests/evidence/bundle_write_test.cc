// WriteBundle: what it writes, what it lists, and what it refuses to export.
#include "evidence_test_util.h"

namespace bantay::evidence::testing {
namespace {

class BundleWrite : public EvidenceTest {
 protected:
  void SetUp() override {
    EvidenceTest::SetUp();
    BuildLedger(3, {{"case/w", 7}});
  }
};

TEST_F(BundleWrite, WritesCanonicalFilesAndASignedManifestListingExtraFiles) {
  const fs::path out = dir_ / "out";
  fs::create_directories(out / "media");
  Spit(out / "referral.xml", "<report/>\n");
  Spit(out / "media" / "hashes.txt", "pdq 00ff\n");
  auto s = WriteBundle(out, records_, checkpoints_, *signer_, {{"case", "w"}, {"score", 0.9}});
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_EQ(s->records, 7u);
  EXPECT_EQ(s->checkpoints, 2u);
  EXPECT_EQ(s->streams, 1u);
  EXPECT_EQ(s->public_key, signer_->PublicKeyHex());
  std::vector<std::string> names;
  for (const auto& f : s->files) names.push_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{"checkpoints.jsonl", "media/hashes.txt",
                                             "public_key.hex", "records.jsonl", "referral.xml"}));
  const std::string manifest = Slurp(out / kManifestFile);
  EXPECT_EQ(s->manifest_sha256, Sha256Hex(manifest));
  EXPECT_TRUE(VerifySignatureHex(signer_->PublicKeyHex(), manifest,
                                 Lines(Slurp(out / kManifestSigFile)).at(0)));
  const auto m = nlohmann::json::parse(manifest);
  EXPECT_EQ(m["format"], "bantay-evidence-bundle-v1");
  EXPECT_EQ(m["case"]["case"], "w");
  EXPECT_EQ(m["streams"][0]["stream"], "case/w");
  EXPECT_EQ(m["streams"][0]["hashes"].size(), 7u);
  EXPECT_EQ(m["streams"][0]["checkpoints"], 2);
  const auto lines = Lines(Slurp(out / kRecordsFile));
  ASSERT_EQ(lines.size(), 7u);
  EXPECT_EQ(lines[3], CanonicalJson(RecordToJson(records_[3])));
  EXPECT_EQ(Slurp(out / kPublicKeyFile), signer_->PublicKeyHex() + "\n");
  auto v = VerifyBundle(out);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->ok) << v->problem.what;
  EXPECT_EQ(v->files_checked, 5u);
}

TEST_F(BundleWrite, EmptyBundleVerifies) {
  auto s = WriteBundle(dir_ / "empty", {}, {}, *signer_, nullptr);
  ASSERT_TRUE(s) << s.error().ToString();
  auto v = VerifyBundle(dir_ / "empty");
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->ok) << v->problem.what;
  EXPECT_EQ(v->records_checked, 0u);
}

TEST_F(BundleWrite, RefusesToExportALedgerThatDoesNotVerify) {
  auto records = records_;
  records[2].body = {{"text", "altered"}};
  auto s = WriteBundle(dir_ / "bad", records, checkpoints_, *signer_, nullptr);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().where, "case/w:2");
  EXPECT_FALSE(fs::exists(dir_ / "bad" / kManifestFile));

  auto partial = std::vector<Record>(records_.begin() + 1, records_.end());
  EXPECT_FALSE(WriteBundle(dir_ / "partial", partial, {}, *signer_, nullptr));

  auto other = Signer::LoadOrCreate(dir_ / "other.key");
  ASSERT_TRUE(other);
  EXPECT_FALSE(WriteBundle(dir_ / "otherkey", records_, checkpoints_, *other, nullptr));
}

TEST_F(BundleWrite, RefusesToOverwriteABundle) {
  ASSERT_TRUE(WriteBundle(dir_ / "b", records_, checkpoints_, *signer_, nullptr));
  auto again = WriteBundle(dir_ / "b", records_, checkpoints_, *signer_, nullptr);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kInvalidArgument);
  auto v = VerifyBundle(dir_ / "b");
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->ok);
}

TEST_F(BundleWrite, VerifyBundleFilesWorksInMemory) {
  ASSERT_TRUE(WriteBundle(dir_ / "m", records_, checkpoints_, *signer_, nullptr));
  std::map<std::string, std::string> files;
  for (const auto& e : fs::directory_iterator(dir_ / "m")) {
    files[e.path().filename().string()] = Slurp(e.path());
  }
  EXPECT_TRUE(VerifyBundleFiles(files).ok);
  files["records.jsonl"].insert(0, " ");
  const VerifyReport r = VerifyBundleFiles(files);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.problem.line, 1u);
  EXPECT_EQ(r.problem.seq, 0u);
}

}  // namespace
}  // namespace bantay::evidence::testing
