// evidence/bundle.cc: export bundles (records, checkpoints, key, signed manifest).
#include "evidence/evidence.h"

namespace bantay::evidence {

Result<BundleSummary> WriteBundle(const std::filesystem::path& dir, std::span<const Record> records,
                                  std::span<const Checkpoint> checkpoints, const Signer& signer,
                                  nlohmann::json case_info) {
  return Fail(ErrorCode::kInternal, "not implemented yet");
}

Result<VerifyReport> VerifyBundle(const std::filesystem::path& dir,
                                  const VerifyBundleOptions& options) {
  return Fail(ErrorCode::kInternal, "not implemented yet");
}

}  // namespace bantay::evidence
