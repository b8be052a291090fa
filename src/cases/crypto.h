// cases/crypto.h: libsodium helpers of the case store: digests, keyed pseudonyms, key files,
// the encrypted re-identification table, password hashes. Private to the cases module.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/core.h"

namespace bantay::cases {

// "p_" / "c_" + 32 hex characters: BLAKE2b keyed with `key`, over a domain label and the id.
std::string KeyedPseudonym(std::string_view key, std::string_view prefix, std::string_view id);

// Reads a key file of `bytes` random bytes, or creates one (mode 0600) if missing. Refuses a
// file readable or writable by group or others, or of the wrong size.
Result<std::string> LoadOrCreateKeyFile(const std::filesystem::path& path, size_t bytes);

// Authenticated encryption of an account id for the re-identification table, under a key
// derived from the pseudonym key. Output hex nonce and hex ciphertext.
void SealIdentity(std::string_view key, std::string_view plain, std::string* nonce_hex,
                  std::string* cipher_hex);
Result<std::string> OpenIdentity(std::string_view key, std::string_view nonce_hex,
                                 std::string_view cipher_hex);

// Argon2id password hash (libsodium crypto_pwhash_str) and its check.
Result<std::string> HashPassword(std::string_view password, uint64_t opslimit, size_t memlimit);
bool CheckPassword(std::string_view hash, std::string_view password);

}  // namespace bantay::cases
