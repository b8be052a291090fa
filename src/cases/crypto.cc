// cases/crypto.cc: libsodium helpers of the case store.
#include "cases/crypto.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include <vector>

namespace bantay::cases {

namespace {

std::string Hex(const unsigned char* data, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, n);
  out.resize(n * 2);
  return out;
}

bool Unhex(std::string_view hex, std::vector<unsigned char>* out) {
  out->resize(hex.size() / 2 + 1);
  size_t len = 0;
  if (sodium_hex2bin(out->data(), out->size(), hex.data(), hex.size(), nullptr, &len, nullptr) !=
          0 ||
      len * 2 != hex.size()) {
    return false;
  }
  out->resize(len);
  return true;
}

void Init() {
  static const int ok = sodium_init();
  (void)ok;
}

// The identity table's secretbox key: a keyed hash of a fixed label, so it differs from the
// pseudonym key while needing no second key file.
void IdentityKey(std::string_view key, unsigned char out[crypto_secretbox_KEYBYTES]) {
  static constexpr std::string_view kLabel = "bantay identity table v1";
  crypto_generichash(out, crypto_secretbox_KEYBYTES,
                     reinterpret_cast<const unsigned char*>(kLabel.data()), kLabel.size(),
                     reinterpret_cast<const unsigned char*>(key.data()), key.size());
}

}  // namespace

std::string KeyedPseudonym(std::string_view key, std::string_view prefix, std::string_view id) {
  Init();
  crypto_generichash_state st;
  crypto_generichash_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                          16);
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(prefix.data()),
                            prefix.size());
  const unsigned char sep = 0;
  crypto_generichash_update(&st, &sep, 1);
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(id.data()), id.size());
  unsigned char out[16];
  crypto_generichash_final(&st, out, sizeof out);
  return std::string(prefix) + "_" + Hex(out, sizeof out);
}

Result<std::string> LoadOrCreateKeyFile(const std::filesystem::path& path, size_t bytes) {
  Init();
  const std::string p = path.string();
  int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    std::string key(bytes, '\0');
    randombytes_buf(key.data(), key.size());
    fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
      const bool ok = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) &&
                      ::fsync(fd) == 0;
      ::close(fd);
      if (!ok) return Fail(ErrorCode::kIo, "cannot write key file", p);
      return key;
    }
    if (errno != EEXIST) return Fail(ErrorCode::kIo, "cannot create key file", p);
    fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);  // another process created it first
  }
  if (fd < 0) return Fail(ErrorCode::kIo, "cannot open key file", p);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || (st.st_mode & 077) != 0) {
    ::close(fd);
    return Fail(ErrorCode::kInvalidArgument,
                "key file is readable or writable by group or others (chmod 600 it)", p);
  }
  std::string key(bytes + 1, '\0');
  const ssize_t n = ::read(fd, key.data(), key.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(bytes)) {
    return Fail(ErrorCode::kInvalidArgument,
                "key file must hold exactly " + std::to_string(bytes) + " bytes", p);
  }
  key.resize(bytes);
  return key;
}

void SealIdentity(std::string_view key, std::string_view plain, std::string* nonce_hex,
                  std::string* cipher_hex) {
  Init();
  unsigned char k[crypto_secretbox_KEYBYTES];
  IdentityKey(key, k);
  unsigned char nonce[crypto_secretbox_NONCEBYTES];
  randombytes_buf(nonce, sizeof nonce);
  std::vector<unsigned char> c(plain.size() + crypto_secretbox_MACBYTES);
  crypto_secretbox_easy(c.data(), reinterpret_cast<const unsigned char*>(plain.data()),
                        plain.size(), nonce, k);
  sodium_memzero(k, sizeof k);
  *nonce_hex = Hex(nonce, sizeof nonce);
  *cipher_hex = Hex(c.data(), c.size());
}

Result<std::string> OpenIdentity(std::string_view key, std::string_view nonce_hex,
                                 std::string_view cipher_hex) {
  Init();
  std::vector<unsigned char> nonce, c;
  if (!Unhex(nonce_hex, &nonce) || nonce.size() != crypto_secretbox_NONCEBYTES ||
      !Unhex(cipher_hex, &c) || c.size() < crypto_secretbox_MACBYTES) {
    return Fail(ErrorCode::kInternal, "identity table entry is malformed");
  }
  unsigned char k[crypto_secretbox_KEYBYTES];
  IdentityKey(key, k);
  std::string plain(c.size() - crypto_secretbox_MACBYTES, '\0');
  const int rc = crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                            c.data(), c.size(), nonce.data(), k);
  sodium_memzero(k, sizeof k);
  if (rc != 0) {
    return Fail(ErrorCode::kInternal, "identity table entry does not open with this key");
  }
  return plain;
}

Result<std::string> HashPassword(std::string_view password, uint64_t opslimit, size_t memlimit) {
  Init();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), opslimit, memlimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Fail(ErrorCode::kInternal, "password hashing failed (out of memory?)");
  }
  return std::string(out);
}

bool CheckPassword(std::string_view hash, std::string_view password) {
  Init();
  const std::string h(hash);
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

}  // namespace bantay::cases
