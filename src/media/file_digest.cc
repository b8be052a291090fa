// media/file_digest.cc: SHA-256 of a media file, for leads that name the exact file matched.
#include <sodium.h>

#include <cstdio>
#include <memory>

#include "media/media.h"

namespace bantay::media {

Result<std::string> FileSha256Hex(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return Fail(ErrorCode::kNotFound, "cannot open", path);
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  std::vector<unsigned char> buf(1 << 16);
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f.get())) > 0) {
    crypto_hash_sha256_update(&state, buf.data(), n);
  }
  if (std::ferror(f.get())) return Fail(ErrorCode::kIo, "read error", path);
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char b : digest) {
    hex += kHex[b >> 4];
    hex += kHex[b & 15];
  }
  return hex;
}

}  // namespace bantay::media
