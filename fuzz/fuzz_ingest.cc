// fuzz/fuzz_ingest.cc: libFuzzer target for the lead parser of `bantay ingest` (scan output,
// account leads, media match leads, user reports), then pseudonymisation into an in-memory
// SQLite store, so parser output the store cannot take shows up too.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "cases/cases.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::unique_ptr<bantay::cases::Store> store = [] {
    bantay::cases::Options o;
    o.pseudonym_key = std::string(32, 'f');
    o.signing_key_file = "/tmp/bantay-fuzz-ingest-signing.key";
    auto s = bantay::cases::OpenStore(":memory:", o);
    if (!s) __builtin_trap();
    return std::move(*s);
  }();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t line = 0;
  while (!input.empty()) {
    const size_t end = input.find('\n');
    const std::string_view text = input.substr(0, end);
    input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
    auto lead = bantay::cases::ParseLead(text, "fuzz:" + std::to_string(++line));
    if (!lead) {
      if (lead.error().message.empty() || lead.error().where.empty()) __builtin_trap();
      continue;
    }
    if (lead->content_hash.size() != 64) __builtin_trap();
    // A parsed lead must always be storable (ids bounded, no NUL, score in range).
    auto r = store->Ingest(bantay::cases::Actor::System("fuzz"),
                           std::span<const bantay::cases::Lead>(&*lead, 1));
    if (!r) __builtin_trap();
  }
  return 0;
}
