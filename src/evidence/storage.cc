// evidence/storage.cc: MemoryLedgerStorage, the in-memory LedgerStorage for tests and tools.
#include "evidence/evidence.h"

namespace bantay::evidence {

Result<std::optional<Record>> MemoryLedgerStorage::Last(std::string_view stream) {
  auto it = records_.find(stream);
  if (it == records_.end() || it->second.empty()) return std::optional<Record>();
  return std::optional<Record>(it->second.back());
}

Status MemoryLedgerStorage::Put(const Record& record) {
  auto& stream = records_[record.stream];
  if (record.seq != stream.size()) {
    return Fail(ErrorCode::kInvalidArgument,
                "ledger put out of order: seq " + std::to_string(record.seq) + ", expected " +
                    std::to_string(stream.size()),
                record.stream);
  }
  stream.push_back(record);
  return {};
}

Result<std::vector<Record>> MemoryLedgerStorage::Read(std::string_view stream, uint64_t from_seq) {
  auto it = records_.find(stream);
  if (it == records_.end() || from_seq >= it->second.size()) return std::vector<Record>();
  return std::vector<Record>(it->second.begin() + static_cast<ptrdiff_t>(from_seq),
                             it->second.end());
}

Status MemoryLedgerStorage::PutCheckpoint(const Checkpoint& checkpoint) {
  checkpoints_[checkpoint.stream].push_back(checkpoint);
  return {};
}

Result<std::vector<Checkpoint>> MemoryLedgerStorage::Checkpoints(std::string_view stream) {
  auto it = checkpoints_.find(stream);
  if (it == checkpoints_.end()) return std::vector<Checkpoint>();
  return it->second;
}

Result<std::vector<std::string>> MemoryLedgerStorage::Streams() {
  std::vector<std::string> out;
  for (const auto& [name, records] : records_) {
    if (!records.empty()) out.push_back(name);
  }
  return out;
}

}  // namespace bantay::evidence
