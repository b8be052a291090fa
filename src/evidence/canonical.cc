// evidence/canonical.cc: canonical JSON and SHA-256, the basis of every hash and signature.
#include <sodium.h>

#include "evidence/evidence.h"
#include "evidence/internal.h"

namespace bantay::evidence {

std::string CanonicalJson(const nlohmann::json& value) {
  // nlohmann's object_t is a std::map: keys come out sorted bytewise, and dump() with no
  // indent writes no whitespace. ensure_ascii=false keeps UTF-8 as is.
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return ToHex(digest, sizeof digest);
}

std::string ToHex(const unsigned char* data, size_t size) {
  std::string hex(size * 2, '\0');
  sodium_bin2hex(hex.data(), hex.size() + 1, data, size);
  return hex;
}

bool FromHex(std::string_view hex, unsigned char* out, size_t size) {
  if (hex.size() != size * 2) return false;
  for (char c : hex) {
    // Lower case only: a signature or hash has exactly one spelling.
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  size_t len = 0;
  return sodium_hex2bin(out, size, hex.data(), hex.size(), nullptr, &len, nullptr) == 0 &&
         len == size;
}

bool IsHexDigest(std::string_view s) {
  unsigned char buf[32];
  return FromHex(s, buf, sizeof buf);
}

void EnsureSodium() {
  // sodium_init is thread-safe and idempotent; it fails only without a random source.
  static const int once = sodium_init();
  (void)once;
}

}  // namespace bantay::evidence
