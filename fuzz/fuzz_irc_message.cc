// fuzz/fuzz_irc_message.cc: libFuzzer target for the IRC line parser, UTF-8 repair and splitter.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "bot/irc_message.h"

namespace {

// The validator and the repair agree: text is valid exactly when repair leaves it alone.
bool IsValidUtf8(std::string_view s) {
  const bool valid = bantay::IsValidUtf8(s);
  if (valid != (bantay::RepairUtf8(s) == s)) __builtin_trap();
  return valid;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  auto parsed = bantay::bot::ParseIrcMessage(in);
  if (parsed) {
    if (parsed->command.empty()) __builtin_trap();
    for (const std::string& p : parsed->params) {
      if (!IsValidUtf8(p)) __builtin_trap();  // what the connector delivers is valid UTF-8
    }
    // A line built from the parsed parts is one line: no CR/LF inside.
    const std::string line = bantay::bot::FormatIrcLine(parsed->command, parsed->params);
    if (line.find_first_of("\r\n") != line.size() - 2) __builtin_trap();
  } else if (parsed.error().message.empty() || parsed.error().where.empty()) {
    __builtin_trap();  // every rejection says what and where
  }
  // Repair is idempotent and splitting loses no byte and never cuts a sequence.
  const std::string repaired = bantay::RepairUtf8(in);
  if (!IsValidUtf8(repaired)) __builtin_trap();
  const size_t max = 4 + size % 61;
  std::string joined;
  for (const std::string& piece : bantay::bot::SplitUtf8(repaired, max)) {
    if (piece.size() > max || !IsValidUtf8(piece)) __builtin_trap();
    joined += piece;
  }
  if (joined != repaired) __builtin_trap();
  return 0;
}
