// fuzz/fuzz_pan12.cc: libFuzzer target for the PAN 2012 XML reader and entity decoding.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "text/text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);

  std::vector<bantay::text::Rejection> rejects;
  size_t messages = 0;
  bool bad_message = false;
  bantay::text::ParsePan12(
      input, "fuzz",
      [&](bantay::text::Message&& m) {
        ++messages;
        // A message without an author is rejected, never emitted; every record has a place.
        if (m.author.empty() || m.line == 0) bad_message = true;
      },
      &rejects);
  if (bad_message) __builtin_trap();
  for (const bantay::text::Rejection& r : rejects) {
    if (r.where.empty() || r.message.empty()) __builtin_trap();
  }
  // Input that yields nothing must say why.
  if (messages == 0 && rejects.empty() && input.find("<") == std::string_view::npos) {
    __builtin_trap();
  }

  // Every entity is longer than the UTF-8 it decodes to, and text without '&' is untouched.
  std::string decoded = bantay::text::DecodeEntities(input);
  if (decoded.size() > input.size()) __builtin_trap();
  if (input.find('&') == std::string_view::npos && decoded != input) __builtin_trap();
  return 0;
}
