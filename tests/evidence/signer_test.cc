// Tests of the signing key file and Ed25519 signatures.
#include <sys/stat.h>

#include "evidence_test_util.h"

namespace bantay::evidence::testing {
namespace {

using SignerTest = EvidenceTest;

TEST_F(SignerTest, CreatesKeyFileWithMode0600AndReloadsTheSameKey) {
  const fs::path key = dir_ / "new.key";
  auto a = Signer::LoadOrCreate(key);
  ASSERT_TRUE(a) << a.error().ToString();
  struct stat st {};
  ASSERT_EQ(::stat(key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto b = Signer::LoadOrCreate(key);
  ASSERT_TRUE(b) << b.error().ToString();
  EXPECT_EQ(a->PublicKeyHex(), b->PublicKeyHex());
  EXPECT_EQ(a->PublicKeyHex().size(), 64u);
  EXPECT_EQ(a->SignHex("m"), b->SignHex("m"));  // Ed25519 is deterministic
  // A second key file is a different key.
  auto c = Signer::LoadOrCreate(dir_ / "other.key");
  ASSERT_TRUE(c);
  EXPECT_NE(c->PublicKeyHex(), a->PublicKeyHex());
}

TEST_F(SignerTest, RefusesKeyFileReadableByGroupOrOthers) {
  const fs::path key = dir_ / "loose.key";
  ASSERT_TRUE(Signer::LoadOrCreate(key));
  for (mode_t mode : {0640, 0604, 0660, 0644, 0602}) {
    ASSERT_EQ(::chmod(key.c_str(), mode), 0);
    auto s = Signer::LoadOrCreate(key);
    ASSERT_FALSE(s) << std::oct << mode;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(s.error().message.find("0600"), std::string::npos) << s.error().message;
    EXPECT_EQ(s.error().where, key.string());
  }
  ASSERT_EQ(::chmod(key.c_str(), 0400), 0);  // stricter than 0600 is fine
  EXPECT_TRUE(Signer::LoadOrCreate(key));
}

TEST_F(SignerTest, RefusesCorruptKeyFileAndMissingDirectory) {
  const fs::path key = dir_ / "bad.key";
  Spit(key, "not a key\n");
  ::chmod(key.c_str(), 0600);
  auto s = Signer::LoadOrCreate(key);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kParse);

  // A valid-looking file whose public half does not belong to its seed.
  const fs::path good = dir_ / "good.key";
  ASSERT_TRUE(Signer::LoadOrCreate(good));
  std::string text = Slurp(good);
  char& last_hex = text[text.size() - 2];
  last_hex = last_hex == '0' ? '1' : '0';
  Spit(key, text);
  s = Signer::LoadOrCreate(key);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("corrupt"), std::string::npos);

  EXPECT_FALSE(Signer::LoadOrCreate(dir_ / "no" / "such" / "dir.key"));
}

TEST_F(SignerTest, SignaturesVerifyOnlyForTheSameMessageAndKey) {
  const std::string sig = signer_->SignHex("statement");
  EXPECT_EQ(sig.size(), 128u);
  EXPECT_TRUE(VerifySignatureHex(signer_->PublicKeyHex(), "statement", sig));
  EXPECT_FALSE(VerifySignatureHex(signer_->PublicKeyHex(), "statemenT", sig));
  auto other = Signer::LoadOrCreate(dir_ / "other.key");
  ASSERT_TRUE(other);
  EXPECT_FALSE(VerifySignatureHex(other->PublicKeyHex(), "statement", sig));
  std::string flipped = sig;
  flipped[5] = flipped[5] == 'a' ? 'b' : 'a';
  EXPECT_FALSE(VerifySignatureHex(signer_->PublicKeyHex(), "statement", flipped));
  EXPECT_FALSE(VerifySignatureHex("zz", "statement", sig));
  EXPECT_FALSE(VerifySignatureHex(signer_->PublicKeyHex(), "statement", "00"));
}

}  // namespace
}  // namespace bantay::evidence::testing
