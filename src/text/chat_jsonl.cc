// text/chat_jsonl.cc: chat JSONL records (ARCHITECTURE.md "Chat messages") via simdjson,
// dispatching to the AVX2 build of the parser when the CPU has it.
#define BANTAY_JSONL_VARIANT portable
#include "text/chat_jsonl_impl.h"

namespace bantay::text {
namespace avx2 {
void ParseChatJsonlImpl(const Chunk& chunk, std::string_view file_name, size_t max_line_bytes,
                        const std::function<void(std::span<const MessageRef>)>& on_batch,
                        std::vector<Rejection>* rejects, bool fast_path);
}  // namespace avx2

void ParseChatJsonl(const Chunk& chunk, std::string_view file_name, size_t max_line_bytes,
                    const std::function<void(Message&&)>& on_message,
                    std::vector<Rejection>* rejects, bool fast_path) {
  Message m;
  ParseChatJsonlRefs(
      chunk, file_name, max_line_bytes,
      [&](std::span<const MessageRef> batch) {
        for (const MessageRef& r : batch) {
          m.conversation.assign(r.conversation);
          m.author.assign(r.author);
          m.text.assign(r.text);
          m.time = r.time;
          m.line = r.line;
          on_message(std::move(m));
        }
      },
      rejects, fast_path);
}

void ParseChatJsonlRefs(const Chunk& chunk, std::string_view file_name, size_t max_line_bytes,
                        const std::function<void(std::span<const MessageRef>)>& on_batch,
                        std::vector<Rejection>* rejects, bool fast_path) {
  static const bool has_avx2 = __builtin_cpu_supports("avx2") &&
                               __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt");
  if (has_avx2) {
    avx2::ParseChatJsonlImpl(chunk, file_name, max_line_bytes, on_batch, rejects, fast_path);
  } else {
    portable::ParseChatJsonlImpl(chunk, file_name, max_line_bytes, on_batch, rejects, fast_path);
  }
}

void ParseChatJsonArray(std::string_view content, std::string_view file_name,
                        const std::function<void(std::span<const MessageRef>)>& on_batch,
                        std::vector<Rejection>* rejects) {
  if (IsValidUtf8(content)) {
    portable::ParseChatJsonArrayImpl(content, file_name, on_batch, rejects);
    return;
  }
  // simdjson checks a document's UTF-8 whole: repair it first, and say so once.
  std::string repaired;
  RepairUtf8(content, &repaired);
  size_t first_bad = 0;
  while (first_bad < content.size() && Utf8SequenceLength(content, first_bad) > 0) {
    first_bad += Utf8SequenceLength(content, first_bad);
  }
  const auto line = 1 + std::count(content.begin(), content.begin() + first_bad, '\n');
  rejects->push_back({Where(file_name, static_cast<uint64_t>(line)),
                      "invalid UTF-8 replaced with U+FFFD", /*repaired=*/true});
  const size_t size = repaired.size();
  repaired.append(kChunkPadding, '\0');
  portable::ParseChatJsonArrayImpl(std::string_view(repaired.data(), size), file_name, on_batch,
                                   rejects);
}

}  // namespace bantay::text
