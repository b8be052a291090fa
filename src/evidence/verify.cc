// evidence/verify.cc: checks records and checkpoints against their hashes and signatures.
#include "evidence/evidence.h"

namespace bantay::evidence {

Result<VerifyReport> VerifyStream(std::span<const Record> records,
                                  std::span<const Checkpoint> checkpoints,
                                  std::string_view public_key_hex) {
  return Fail(ErrorCode::kInternal, "not implemented yet");
}

}  // namespace bantay::evidence
