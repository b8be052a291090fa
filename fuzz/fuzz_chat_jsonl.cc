// fuzz/fuzz_chat_jsonl.cc: libFuzzer target for the chat JSONL reader.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"
#include "core/utf8.h"
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

  // As `bantay scan` reads: records as views in batches, from chunks cut at line ends whose
  // reader defers line numbers to a LineLedger. The same records, in order (line 0), and
  // the same rejections, named at the same lines. The cuts come from the input's bytes.
  auto ledger = std::make_shared<bantay::LineLedger>();
  std::vector<bantay::text::Rejection> chunk_rejects;
  size_t got = 0;
  uint64_t sequence = 0;
  size_t from = 0;
  const std::string_view all(storage->data(), size);
  while (from < size) {
    size_t to = size;
    // A cut after the line end nearest past a point the data chooses.
    const size_t point = from + (data[from] * 131u + sequence * 17u) % (size - from + 1);
    const size_t end = all.find('\n', point);
    if (end != std::string_view::npos && end + 1 < size) to = end + 1;
    bantay::Chunk piece;
    piece.sequence = sequence++;
    piece.first_line = 0;
    piece.lines = ledger;
    piece.data = all.substr(from, to - from);  // the next chunk's bytes follow it
    piece.storage = storage;
    bantay::text::ParseChatJsonlRefs(
        piece, "fuzz", 1 << 20,
        [&](std::span<const bantay::text::MessageRef> batch) {
          if (batch.empty() || batch.size() > bantay::text::kChatBatch) __builtin_trap();
          for (const bantay::text::MessageRef& m : batch) {
            if (got >= messages.size()) __builtin_trap();
            const bantay::text::Message& f = messages[got++];
            if (m.line != 0 || f.conversation != m.conversation || f.author != m.author ||
                f.text != m.text || f.time != m.time) {
              __builtin_trap();
            }
          }
        },
        &chunk_rejects);
    from = to;
  }
  if (got != messages.size() || chunk_rejects.size() != rejects.size()) __builtin_trap();
  for (size_t r = 0; r < rejects.size(); ++r) {
    if (chunk_rejects[r].where != rejects[r].where ||
        chunk_rejects[r].message != rejects[r].message ||
        chunk_rejects[r].repaired != rejects[r].repaired) {
      __builtin_trap();
    }
  }

  // The same bytes as a JSON array of records (`bantay scan` reads one whole when the input
  // starts with '['): whatever they hold, every record delivered names its line and every
  // rejection says why; and the JSONL lines written as an array deliver the same records.
  std::vector<bantay::text::Rejection> array_rejects;
  const auto check_array = [&](std::string_view content, const std::string& padded) {
    array_rejects.clear();
    std::vector<bantay::text::Message> out;
    bantay::text::ParseChatJsonArray(
        std::string_view(padded.data(), content.size()), "fuzz",
        [&](std::span<const bantay::text::MessageRef> batch) {
          for (const bantay::text::MessageRef& m : batch) {
            if (m.line == 0) __builtin_trap();
            out.push_back({std::string(m.conversation), std::string(m.author), std::string(m.text),
                           m.time, m.line});
          }
        },
        &array_rejects);
    for (const bantay::text::Rejection& r : array_rejects) {
      if (r.message.empty()) __builtin_trap();
    }
    return out;
  };
  check_array(all, *storage);
  if (rejects.empty() && bantay::IsValidUtf8(all)) {
    std::string array = "[";
    size_t n = 0;
    const std::string_view body = bantay::WithoutByteOrderMark(all);
    for (size_t pos = 0; pos < body.size();) {
      size_t end = body.find('\n', pos);
      if (end == std::string_view::npos) end = body.size();
      const std::string_view line = body.substr(pos, end - pos);
      if (line.find_first_not_of(" \t\r") != std::string_view::npos) {
        array += n++ == 0 ? "\n" : ",\n";
        array += line;
      }
      pos = end + 1;
    }
    array += "\n]";
    const size_t content_size = array.size();
    array.resize(content_size + bantay::kChunkPadding, '\0');
    const auto from_array = check_array(std::string_view(array.data(), content_size), array);
    if (from_array.size() != messages.size() || !array_rejects.empty()) __builtin_trap();
    for (size_t i = 0; i < messages.size(); ++i) {
      const bantay::text::Message& a = from_array[i];
      const bantay::text::Message& m = messages[i];
      if (a.conversation != m.conversation || a.author != m.author || a.text != m.text ||
          a.time != m.time) {
        __builtin_trap();
      }
    }
  }
  return 0;
}
