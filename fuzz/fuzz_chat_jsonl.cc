// fuzz/fuzz_chat_jsonl.cc: libFuzzer target for the chat JSONL reader.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/core.h"
#include "text/text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The reader may over-read into the padding that every Chunk guarantees; ASan checks that
  // it stays within it.
  auto storage = std::make_shared<std::string>(reinterpret_cast<const char*>(data), size);
  storage->resize(size + bantay::kChunkPadding, '\0');
  bantay::Chunk chunk;
  chunk.sequence = 0;
  chunk.first_line = 1;
  chunk.data = std::string_view(storage->data(), size);
  chunk.storage = storage;

  std::vector<bantay::text::Rejection> rejects;
  std::vector<bantay::text::Message> messages;
  bantay::text::ParseChatJsonl(
      chunk, "fuzz", 1 << 20,
      [&](bantay::text::Message&& m) { messages.push_back(std::move(m)); }, &rejects);
  for (const bantay::text::Rejection& r : rejects) {
    if (r.message.empty()) __builtin_trap();  // every rejection says why
  }
  // The hand-written paths must deliver what simdjson alone delivers.
  std::vector<bantay::text::Rejection> slow_rejects;
  size_t k = 0;
  bantay::text::ParseChatJsonl(
      chunk, "fuzz", 1 << 20,
      [&](bantay::text::Message&& m) {
        if (k >= messages.size()) __builtin_trap();
        const bantay::text::Message& f = messages[k++];
        if (f.line != m.line || f.conversation != m.conversation || f.author != m.author ||
            f.text != m.text || f.time != m.time) {
          __builtin_trap();
        }
      },
      &slow_rejects, /*fast_path=*/false);
  if (k != messages.size() || slow_rejects.size() != rejects.size()) __builtin_trap();
  return 0;
}
