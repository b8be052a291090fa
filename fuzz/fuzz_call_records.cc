// fuzz/fuzz_call_records.cc: libFuzzer target for the call-record reader (CSV and JSONL).
// The input is cut into two chunks at a line end, as LineChunkReader would, so that header
// handling and line numbering across chunks are exercised too, counted by the reader and
// deferred to the parser. Checks that every record the reader passes is well formed and
// every rejection says where and why.

#include <netinet/in.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/core.h"
#include "meta/call_fields.h"
#include "meta/meta.h"

namespace {

bantay::Chunk MakeChunk(std::string_view bytes, uint64_t sequence, uint64_t first_line) {
  // The reader may over-read into the padding that every Chunk guarantees; ASan checks that
  // it stays within it.
  auto storage = std::make_shared<std::string>(bytes);
  storage->resize(bytes.size() + bantay::kChunkPadding, '\0');
  bantay::Chunk chunk;
  chunk.sequence = sequence;
  chunk.first_line = first_line;
  chunk.data = std::string_view(storage->data(), bytes.size());
  chunk.storage = storage;
  return chunk;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // A leading \x01 stands for a full CSV header, so that mutations reach CSV bodies without
  // first having to rebuild the header.
  std::string with_header;
  if (!input.empty() && input[0] == '\x01') {
    with_header =
        "call_id,start,duration_s,caller,callee,media,caller_ip,callee_ip,caller_country,"
        "callee_country,caller_region,callee_region\n";
    with_header.append(input.substr(1));
    input = with_header;
    size = input.size();
  }
  size_t cut = input.find('\n', size / 2);
  cut = cut == std::string_view::npos ? size : cut + 1;
  uint64_t second_line = 1;
  for (size_t i = 0; i < cut; ++i) second_line += input[i] == '\n';
  const bantay::Chunk first = MakeChunk(input.substr(0, cut), 0, 1);
  const bantay::Chunk second = MakeChunk(input.substr(cut), 1, second_line);

  auto reader = bantay::meta::CallRecordReader::Create(first, "fuzz");
  if (!reader) {
    if (reader.error().message.empty()) __builtin_trap();
    return 0;
  }
  std::vector<bantay::Rejection> rejects;
  std::vector<uint64_t> lines;  // of the records passed, in order
  auto check = [&lines](bantay::meta::CallRecord&& r) {
    lines.push_back(r.line);
    // Every record that passes has its required fields, and addresses the locators accept.
    if (r.call_id.empty() || r.caller.empty() || r.callee.empty() || r.caller == r.callee) {
      __builtin_trap();
    }
    in6_addr addr;
    if (!r.caller_ip.empty() && !bantay::meta::internal::ParseIp(r.caller_ip, &addr)) {
      __builtin_trap();
    }
    if (!r.callee_ip.empty() && !bantay::meta::internal::ParseIp(r.callee_ip, &addr)) {
      __builtin_trap();
    }
    if (!r.caller_country.empty() && r.caller_country.size() != 2) __builtin_trap();
    if (r.line == 0) __builtin_trap();
  };
  reader->Parse(first, check, &rejects);
  reader->Parse(second, check, &rejects);
  for (const bantay::Rejection& r : rejects) {
    if (r.message.empty() || r.where.compare(0, 5, "fuzz:") != 0) __builtin_trap();
  }

  // As `bantay meta` reads into an Analyzer: line numbers deferred to a LineLedger, the
  // second chunk parsed first on a thread of its own. The same records, whose lines count
  // from their chunk's start, and the same rejections, named at the same lines.
  auto ledger = std::make_shared<bantay::LineLedger>();
  bantay::Chunk deferred[2] = {MakeChunk(input.substr(0, cut), 0, 0),
                               MakeChunk(input.substr(cut), 1, 0)};
  for (bantay::Chunk& c : deferred) c.lines = ledger;
  auto deferring = bantay::meta::CallRecordReader::Create(deferred[0], "fuzz");
  if (!deferring) __builtin_trap();  // the counted reader had the same header
  std::vector<uint64_t> deferred_lines[2];
  std::vector<bantay::Rejection> deferred_rejects[2];
  std::thread later([&] {
    deferring->Parse(
        deferred[1], [&](bantay::meta::CallRecord&& r) { deferred_lines[1].push_back(r.line); },
        &deferred_rejects[1]);
  });
  deferring->Parse(
      deferred[0], [&](bantay::meta::CallRecord&& r) { deferred_lines[0].push_back(r.line); },
      &deferred_rejects[0]);
  later.join();
  std::vector<uint64_t> resolved;
  for (int k = 0; k < 2; ++k) {
    const uint64_t first_line = ledger->FirstLine(static_cast<uint64_t>(k));
    for (const uint64_t line : deferred_lines[k]) resolved.push_back(first_line + line - 1);
  }
  if (resolved != lines) __builtin_trap();
  if (deferred_rejects[0].size() + deferred_rejects[1].size() != rejects.size()) __builtin_trap();
  size_t r = 0;
  for (const auto& part : deferred_rejects) {
    for (const bantay::Rejection& d : part) {
      if (d.where != rejects[r].where || d.message != rejects[r].message) __builtin_trap();
      ++r;
    }
  }
  return 0;
}
