// evidence/internal.h: helpers shared by the evidence module's files. Private to the module.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace bantay::evidence {

std::string ToHex(const unsigned char* data, size_t size);
// Lower-case hex of exactly `size` bytes into `out`; false otherwise.
bool FromHex(std::string_view hex, unsigned char* out, size_t size);
// 64 lower-case hex digits.
bool IsHexDigest(std::string_view s);
// Calls sodium_init() once per process.
void EnsureSodium();

}  // namespace bantay::evidence
