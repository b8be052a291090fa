// stream/kafka_impl.h: librdkafka helpers shared by the producer and the member (private).
#pragma once

#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>

#include "stream/stream.h"

namespace bantay::stream {

struct KafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using KafkaHandle = std::unique_ptr<rd_kafka_t, KafkaDeleter>;

// A configuration with the brokers, `extra` and then the user's properties set.
Result<rd_kafka_conf_t*> NewConf(const KafkaOptions& options,
                                 std::initializer_list<std::pair<const char*, const char*>> extra);
// Creates a client; takes ownership of `conf` in every case.
Result<KafkaHandle> NewClient(rd_kafka_type_t type, rd_kafka_conf_t* conf);
// An idempotent producer (each partition keeps production order across retries) whose
// failed deliveries are counted into `*failed`.
Result<KafkaHandle> NewProducer(const KafkaOptions& options, std::atomic<uint64_t>* failed);
// The partition count of `topic` (waits for metadata up to `timeout_ms`).
Result<int> PartitionCount(rd_kafka_t* rk, const std::string& topic, int timeout_ms = 10000);
tl::unexpected<Error> KafkaFail(std::string_view what, rd_kafka_resp_err_t err);
// Produces one message; waits (serving delivery reports) while the local queue is full.
Status ProduceTo(rd_kafka_t* rk, const std::string& topic, int32_t partition,
                 std::string_view key, std::string_view value);
// Waits until every message is acknowledged; `failed` counts failed deliveries.
Status FlushAll(rd_kafka_t* rk, const std::atomic<uint64_t>& failed);
// A delivery-report callback counting failures into the opaque std::atomic<uint64_t>.
void CountFailedDelivery(rd_kafka_t* rk, const rd_kafka_message_t* msg, void* opaque);

}  // namespace bantay::stream
