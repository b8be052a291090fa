// evidence/signer.cc: the deployment's Ed25519 key, kept in a 0600 file.
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "evidence/evidence.h"
#include "evidence/internal.h"

namespace bantay::evidence {

namespace {

// The key file holds this prefix, then the 64-byte libsodium secret key in hex, then '\n'.
constexpr std::string_view kKeyPrefix = "bantay-ed25519-secret-key-v1 ";

tl::unexpected<Error> IoError(const std::filesystem::path& path, std::string_view what) {
  return Fail(ErrorCode::kIo, std::string(what) + ": " + std::strerror(errno), path.string());
}

Status WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Fail(ErrorCode::kIo, std::strerror(errno));
    data.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

}  // namespace

Signer::Signer(Signer&& other) noexcept : secret_(other.secret_), public_(other.public_) {
  sodium_memzero(other.secret_.data(), other.secret_.size());
}

Signer& Signer::operator=(Signer&& other) noexcept {
  if (this != &other) {
    secret_ = other.secret_;
    public_ = other.public_;
    sodium_memzero(other.secret_.data(), other.secret_.size());
  }
  return *this;
}

Signer::~Signer() { sodium_memzero(secret_.data(), secret_.size()); }

Result<Signer> Signer::LoadOrCreate(const std::filesystem::path& key_file) {
  EnsureSodium();
  Signer signer;
  int fd = ::open(key_file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    crypto_sign_ed25519_keypair(signer.public_.data(), signer.secret_.data());
    std::string text = std::string(kKeyPrefix) + ToHex(signer.secret_.data(), 64) + "\n";
    // O_EXCL: never overwrite a key that appeared meanwhile (another process won the race).
    fd = ::open(key_file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 && errno == EEXIST) return LoadOrCreate(key_file);
    if (fd < 0) return IoError(key_file, "cannot create signing key file");
    Status written = WriteAll(fd, text);
    sodium_memzero(text.data(), text.size());
    if (written && ::fchmod(fd, 0600) != 0) written = IoError(key_file, "chmod");
    if (written && ::fsync(fd) != 0) written = IoError(key_file, "fsync");
    ::close(fd);
    if (!written) {
      ::unlink(key_file.c_str());
      return Fail(ErrorCode::kIo, "cannot write signing key file: " + written.error().message,
                  key_file.string());
    }
    return signer;
  }
  if (fd < 0) return IoError(key_file, "cannot open signing key file");
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return IoError(key_file, "cannot stat signing key file");
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Fail(ErrorCode::kInvalidArgument, "signing key file is not a regular file",
                key_file.string());
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Fail(ErrorCode::kInvalidArgument,
                std::string("signing key file is accessible by group or others (mode ") + mode +
                    "); it must be 0600 (chmod 600)",
                key_file.string());
  }
  std::string text(256, '\0');
  ssize_t n;
  do {
    n = ::read(fd, text.data(), text.size());
  } while (n < 0 && errno == EINTR);
  ::close(fd);
  if (n < 0) return IoError(key_file, "cannot read signing key file");
  text.resize(static_cast<size_t>(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  const bool ok =
      text.starts_with(kKeyPrefix) && FromHex(std::string_view(text).substr(kKeyPrefix.size()),
                                              signer.secret_.data(), signer.secret_.size());
  sodium_memzero(text.data(), text.size());
  if (!ok) {
    return Fail(ErrorCode::kParse, "not a bantay signing key file", key_file.string());
  }
  // The public half must be the one the seed derives: a file edited by hand is refused.
  std::array<unsigned char, 64> check{};
  crypto_sign_ed25519_seed_keypair(signer.public_.data(), check.data(), signer.secret_.data());
  const bool consistent = sodium_memcmp(check.data(), signer.secret_.data(), 64) == 0;
  sodium_memzero(check.data(), check.size());
  if (!consistent) {
    return Fail(ErrorCode::kParse, "signing key file is corrupt (public half does not match)",
                key_file.string());
  }
  return signer;
}

std::string Signer::PublicKeyHex() const { return ToHex(public_.data(), public_.size()); }

std::string Signer::SignHex(std::string_view message) const {
  unsigned char sig[crypto_sign_ed25519_BYTES];
  crypto_sign_ed25519_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                               message.size(), secret_.data());
  return ToHex(sig, sizeof sig);
}

bool VerifySignatureHex(std::string_view public_key_hex, std::string_view message,
                        std::string_view signature_hex) {
  EnsureSodium();
  unsigned char pk[crypto_sign_ed25519_PUBLICKEYBYTES];
  unsigned char sig[crypto_sign_ed25519_BYTES];
  if (!FromHex(public_key_hex, pk, sizeof pk) || !FromHex(signature_hex, sig, sizeof sig)) {
    return false;
  }
  return crypto_sign_ed25519_verify_detached(
             sig, reinterpret_cast<const unsigned char*>(message.data()), message.size(), pk) == 0;
}

}  // namespace bantay::evidence
