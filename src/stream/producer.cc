// stream/producer.cc: call records to half-edges keyed by account.
#include <absl/container/flat_hash_set.h>

#include "stream/kafka_impl.h"

namespace bantay::stream {

struct CallProducer::Impl {
  KafkaOptions options;
  KafkaHandle rk;
  std::atomic<uint64_t> failed{0};
  absl::flat_hash_set<uint64_t> seen;  // call ids produced (64-bit hashes)
};

CallProducer::~CallProducer() = default;

Result<std::unique_ptr<CallProducer>> CallProducer::Create(const KafkaOptions& options) {
  std::unique_ptr<CallProducer> p(new CallProducer());
  p->impl_ = std::make_unique<Impl>();
  Impl& m = *p->impl_;
  m.options = options;
  // Idempotence keeps an account's half-edges in input order and the close marker after them.
  auto rk = NewProducer(options, &m.failed);
  if (!rk) return tl::unexpected(rk.error());
  m.rk = std::move(*rk);
  return p;
}

Status CallProducer::Produce(const meta::CallRecord& r, std::string_view file_name) {
  ++stats_.records;
  for (const std::string* s : {&r.call_id, &r.caller, &r.callee, &r.caller_ip, &r.callee_ip,
                               &r.caller_country, &r.callee_country, &r.caller_region,
                               &r.callee_region}) {
    if (s->find_first_of("\t\n\r") != std::string::npos) {
      ++stats_.rejected;
      return Fail(ErrorCode::kParse, "a field holds a tab or line break",
                  Where(file_name, r.line));
    }
  }
  // A reused call id counts once, as in file mode (first record wins).
  if (!impl_->seen.insert(std::hash<std::string>{}(r.call_id)).second) {
    ++stats_.duplicates;
    return {};
  }
  for (bool caller_side : {true, false}) {
    const std::string& key = caller_side ? r.caller : r.callee;
    if (auto st = ProduceTo(impl_->rk.get(), impl_->options.topic, RD_KAFKA_PARTITION_UA, key,
                            EncodeHalfEdge(r, caller_side));
        !st) {
      return st;
    }
    ++stats_.messages;
  }
  rd_kafka_poll(impl_->rk.get(), 0);
  return {};
}

Status CallProducer::Flush() { return FlushAll(impl_->rk.get(), impl_->failed); }

Status CallProducer::Close(int64_t epoch) {
  Impl& m = *impl_;
  auto partitions = PartitionCount(m.rk.get(), m.options.topic);
  if (!partitions) return tl::unexpected(partitions.error());
  const std::string marker = EncodeClose(epoch);
  for (int p = 0; p < *partitions; ++p) {
    if (auto st = ProduceTo(m.rk.get(), m.options.topic, p, "", marker); !st) return st;
    ++stats_.messages;
  }
  return Flush();
}

}  // namespace bantay::stream
