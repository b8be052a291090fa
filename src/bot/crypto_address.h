// bot/crypto_address.h: checksum validation of cryptocurrency addresses (private to the
// module): a payment identifier is only reported when its checksum holds.
#pragma once

#include <string>
#include <string_view>

namespace bantay::bot {

// Base58Check P2PKH/P2SH (version 0x00 or 0x05) or bech32/bech32m segwit ("bc1...").
bool IsValidBitcoinAddress(std::string_view address);
// "0x" + 40 hex digits; mixed case must satisfy EIP-55, all-lower or all-upper is accepted.
bool IsValidEthereumAddress(std::string_view address);
// Keccak-256 (the pre-standard padding Ethereum uses), as 64 lower-case hex digits.
std::string Keccak256Hex(std::string_view data);

}  // namespace bantay::bot
