// End-to-end tests of `bantay evidence verify` and `bantay evidence public-key` on bundles
// written with the evidence library: JSON result line and exit codes 0 / 1 / 2.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../evidence/evidence_test_util.h"
#include "cli_runner.h"

namespace bantay::evidence::testing {
namespace {

using bantay::e2e::CliRun;

// A bundle of 8 records (checkpoints at seq 2 and 5) in dir_/bundle, signed with the key in
// dir_/signing.key.
class EvidenceCli : public EvidenceTest {
 protected:
  void SetUp() override {
    EvidenceTest::SetUp();
    key_file_ = dir_ / "signing.key";
    BuildLedger(3, {{"case/e2e", 8}});
    bundle_ = dir_ / "bundle";
    auto summary = WriteBundle(bundle_, records_, checkpoints_, *signer_, {{"case", "e2e"}});
    ASSERT_TRUE(summary) << summary.error().ToString();
    public_key_ = signer_->PublicKeyHex();
  }

  CliRun Bantay(const std::string& args) const { return bantay::e2e::RunBantay(args, dir_); }

  fs::path key_file_, bundle_;
  std::string public_key_;
};

TEST_F(EvidenceCli, ValidBundleExitsZeroWithAJsonLine) {
  const CliRun r = Bantay("evidence verify " + bundle_.string());
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["records_checked"], 8);
  EXPECT_EQ(j["checkpoints_checked"], 2);
  EXPECT_EQ(j["public_key"], public_key_);
  EXPECT_EQ(j["bundle"], bundle_.string());
  EXPECT_EQ(r.out.find('\n'), r.out.size() - 1);  // one line
  EXPECT_NE(r.err.find("OK"), std::string::npos);
}

TEST_F(EvidenceCli, TamperedRecordExitsOneAndNamesIt) {
  std::string records = Slurp(bundle_ / "records.jsonl");
  const size_t at = records.find("synthetic entry 4");
  ASSERT_NE(at, std::string::npos);
  records.replace(at, 17, "synthetic entry X");
  Spit(bundle_ / "records.jsonl", records);
  const CliRun r = Bantay("evidence verify " + bundle_.string());
  ASSERT_EQ(r.code, 1) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["ok"], false);
  EXPECT_EQ(j["problem"]["file"], "records.jsonl");
  EXPECT_EQ(j["problem"]["stream"], "case/e2e");
  EXPECT_EQ(j["problem"]["seq"], 4);
  EXPECT_EQ(j["problem"]["line"], 5);
  EXPECT_NE(r.err.find("TAMPERED"), std::string::npos);
}

TEST_F(EvidenceCli, ExpectedKeyFromArgumentOrFile) {
  EXPECT_EQ(Bantay("evidence verify --key " + public_key_ + " " + bundle_.string()).code, 0);
  const fs::path key_copy = dir_ / "published.hex";
  std::ofstream(key_copy) << public_key_ << "\n";
  EXPECT_EQ(Bantay("evidence verify --key " + key_copy.string() + " " + bundle_.string()).code, 0);
  const CliRun wrong =
      Bantay("evidence verify --quiet --key " + std::string(64, 'a') + " " + bundle_.string());
  EXPECT_EQ(wrong.code, 1);
  EXPECT_EQ(nlohmann::json::parse(wrong.out)["problem"]["file"], "public_key.hex");
  EXPECT_TRUE(wrong.err.empty()) << wrong.err;
}

TEST_F(EvidenceCli, UsageErrorsExitTwo) {
  EXPECT_EQ(Bantay("evidence").code, 2);
  EXPECT_EQ(Bantay("evidence verify").code, 2);
  const CliRun missing = Bantay("evidence verify " + (dir_ / "nope").string());
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("nope"), std::string::npos);
  EXPECT_EQ(Bantay("evidence verify --help").code, 0);
}

TEST_F(EvidenceCli, PublicKeyPrintsTheKeyAndRefusesALooseKeyFile) {
  const CliRun r = Bantay("evidence public-key " + key_file_.string());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, public_key_ + "\n");
  fs::permissions(key_file_, fs::perms::group_read, fs::perm_options::add);
  const CliRun loose = Bantay("evidence public-key " + key_file_.string());
  EXPECT_EQ(loose.code, 2);
  EXPECT_NE(loose.err.find("0600"), std::string::npos) << loose.err;
}

}  // namespace
}  // namespace bantay::evidence::testing
