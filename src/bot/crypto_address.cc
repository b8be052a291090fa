// bot/crypto_address.cc: Base58Check, bech32/bech32m (BIP 173, BIP 350) and EIP-55 checks.
#include "bot/crypto_address.h"

#include <openssl/sha.h>

#include <array>
#include <cstdint>
#include <vector>

namespace bantay::bot {

namespace {

constexpr std::string_view kBase58 =
    "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

bool Base58CheckValid(std::string_view s) {
  if (s.size() < 26 || s.size() > 35) return false;
  std::vector<uint8_t> bytes;  // big-endian number
  for (char c : s) {
    size_t v = kBase58.find(c);
    if (v == std::string_view::npos) return false;
    uint32_t carry = static_cast<uint32_t>(v);
    for (auto it = bytes.rbegin(); it != bytes.rend(); ++it) {
      carry += 58u * *it;
      *it = static_cast<uint8_t>(carry & 0xff);
      carry >>= 8;
    }
    while (carry) {
      bytes.insert(bytes.begin(), static_cast<uint8_t>(carry & 0xff));
      carry >>= 8;
    }
  }
  size_t zeros = 0;
  while (zeros < s.size() && s[zeros] == '1') ++zeros;
  bytes.insert(bytes.begin(), zeros, 0);
  if (bytes.size() != 25 || (bytes[0] != 0x00 && bytes[0] != 0x05)) return false;
  unsigned char h1[SHA256_DIGEST_LENGTH], h2[SHA256_DIGEST_LENGTH];
  SHA256(bytes.data(), 21, h1);
  SHA256(h1, sizeof h1, h2);
  return std::equal(h2, h2 + 4, bytes.begin() + 21);
}

uint32_t Bech32Polymod(const std::vector<uint8_t>& values) {
  static constexpr uint32_t kGen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
  uint32_t chk = 1;
  for (uint8_t v : values) {
    uint8_t top = static_cast<uint8_t>(chk >> 25);
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (int i = 0; i < 5; ++i) {
      if ((top >> i) & 1) chk ^= kGen[i];
    }
  }
  return chk;
}

bool Bech32Valid(std::string_view s) {
  constexpr std::string_view kCharset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
  if (s.size() < 14 || s.size() > 90) return false;
  bool lower = false, upper = false;
  std::string low(s);
  for (char& c : low) {
    if (c >= 'a' && c <= 'z') lower = true;
    if (c >= 'A' && c <= 'Z') {
      upper = true;
      c = static_cast<char>(c + 32);
    }
  }
  if (lower && upper) return false;
  size_t sep = low.rfind('1');
  if (low.compare(0, 3, "bc1") != 0 || sep != 2 || low.size() - sep - 1 < 6) return false;
  std::vector<uint8_t> values = {3, 3, 0, 2, 3};  // hrp "bc" expanded
  std::vector<uint8_t> data;
  for (size_t i = sep + 1; i < low.size(); ++i) {
    size_t v = kCharset.find(low[i]);
    if (v == std::string_view::npos) return false;
    data.push_back(static_cast<uint8_t>(v));
  }
  values.insert(values.end(), data.begin(), data.end());
  uint32_t pm = Bech32Polymod(values);
  if (data.empty() || data[0] > 16) return false;
  // Witness version 0 uses bech32, later versions bech32m.
  return data[0] == 0 ? pm == 1 : pm == 0x2bc830a3;
}

// Keccak-f[1600] permutation.
void KeccakF(std::array<uint64_t, 25>& a) {
  static constexpr uint64_t kRc[24] = {
      0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
      0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
      0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
      0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
      0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
      0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL};
  static constexpr int kRot[25] = {0,  1,  62, 28, 27, 36, 44, 6,  55, 20, 3,  10, 43,
                                   25, 39, 41, 45, 15, 21, 8,  18, 2,  61, 56, 14};
  auto rotl = [](uint64_t x, int n) { return n == 0 ? x : (x << n) | (x >> (64 - n)); };
  for (int round = 0; round < 24; ++round) {
    uint64_t c[5], d[5];
    for (int x = 0; x < 5; ++x) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
    for (int x = 0; x < 5; ++x) d[x] = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1);
    for (int i = 0; i < 25; ++i) a[i] ^= d[i % 5];
    std::array<uint64_t, 25> b{};
    for (int x = 0; x < 5; ++x) {
      for (int y = 0; y < 5; ++y) b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl(a[x + 5 * y], kRot[x + 5 * y]);
    }
    for (int x = 0; x < 5; ++x) {
      for (int y = 0; y < 5; ++y) {
        a[x + 5 * y] = b[x + 5 * y] ^ (~b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y]);
      }
    }
    a[0] ^= kRc[round];
  }
}

}  // namespace

std::string Keccak256Hex(std::string_view data) {
  constexpr size_t kRate = 136;
  std::array<uint64_t, 25> st{};
  std::vector<uint8_t> msg(data.begin(), data.end());
  msg.push_back(0x01);
  while (msg.size() % kRate) msg.push_back(0);
  msg.back() |= 0x80;
  for (size_t off = 0; off < msg.size(); off += kRate) {
    for (size_t i = 0; i < kRate / 8; ++i) {
      uint64_t lane = 0;
      for (int k = 7; k >= 0; --k) lane = (lane << 8) | msg[off + i * 8 + k];
      st[i] ^= lane;
    }
    KeccakF(st);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < 32; ++i) {
    uint8_t byte = static_cast<uint8_t>(st[i / 8] >> (8 * (i % 8)));
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 15]);
  }
  return out;
}

bool IsValidBitcoinAddress(std::string_view a) {
  if (a.size() >= 3 && (a[0] == 'b' || a[0] == 'B')) return Bech32Valid(a);
  if (!a.empty() && (a[0] == '1' || a[0] == '3')) return Base58CheckValid(a);
  return false;
}

bool IsValidEthereumAddress(std::string_view a) {
  if (a.size() != 42 || a[0] != '0' || (a[1] != 'x' && a[1] != 'X')) return false;
  std::string_view hex = a.substr(2);
  bool lower = false, upper = false;
  std::string low;
  for (char c : hex) {
    bool digit = c >= '0' && c <= '9';
    bool lo = c >= 'a' && c <= 'f';
    bool up = c >= 'A' && c <= 'F';
    if (!digit && !lo && !up) return false;
    lower = lower || lo;
    upper = upper || up;
    low.push_back(up ? static_cast<char>(c + 32) : c);
  }
  if (!(lower && upper)) return true;
  std::string hash = Keccak256Hex(low);
  for (size_t i = 0; i < 40; ++i) {
    char c = hex[i];
    if (c >= '0' && c <= '9') continue;
    bool want_upper = hash[i] >= '8';
    if (want_upper != (c >= 'A' && c <= 'F')) return false;
  }
  return true;
}

}  // namespace bantay::bot
