// meta/call_jsonl.cc: call records as JSONL (ARCHITECTURE.md "Call records") via simdjson,
// dispatching to the AVX2 build of the parser when the CPU has it.
#define BANTAY_CALL_JSONL_VARIANT portable
#include "meta/call_jsonl_impl.h"

namespace bantay::meta::internal {
namespace avx2 {
void ParseCallJsonlImpl(const Chunk& chunk, std::string_view file_name,
                        const std::function<void(const CallRecordView&)>& on_record,
                        std::vector<Rejection>* rejects);
}  // namespace avx2

void ParseCallJsonl(const Chunk& chunk, std::string_view file_name,
                    const std::function<void(const CallRecordView&)>& on_record,
                    std::vector<Rejection>* rejects) {
  static const bool has_avx2 = __builtin_cpu_supports("avx2") &&
                               __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt");
  if (has_avx2) {
    avx2::ParseCallJsonlImpl(chunk, file_name, on_record, rejects);
  } else {
    portable::ParseCallJsonlImpl(chunk, file_name, on_record, rejects);
  }
}

}  // namespace bantay::meta::internal
