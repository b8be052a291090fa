// stream/kafka.cc: librdkafka configuration, clients, metadata and produce helpers.
#include "stream/kafka_impl.h"

namespace bantay::stream {

tl::unexpected<Error> KafkaFail(std::string_view what, rd_kafka_resp_err_t err) {
  return Fail(ErrorCode::kIo, std::string(what) + ": " + rd_kafka_err2str(err));
}

Result<rd_kafka_conf_t*> NewConf(const KafkaOptions& options,
                                 std::initializer_list<std::pair<const char*, const char*>> extra) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  auto set = [&](const std::string& k, const std::string& v) -> Status {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      return Fail(ErrorCode::kInvalidArgument, "Kafka property " + k + "=" + v + ": " + err);
    }
    return {};
  };
  Status st = set("bootstrap.servers", options.brokers);
  for (const auto& [k, v] : extra) {
    if (st) st = set(k, v);
  }
  for (const auto& [k, v] : options.properties) {
    if (st) st = set(k, v);
  }
  if (!st) {
    rd_kafka_conf_destroy(conf);
    return tl::unexpected(st.error());
  }
  return conf;
}

Result<KafkaHandle> NewClient(rd_kafka_type_t type, rd_kafka_conf_t* conf) {
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Fail(ErrorCode::kInvalidArgument, std::string("Kafka client: ") + err);
  }
  return KafkaHandle(rk);
}

Result<KafkaHandle> NewProducer(const KafkaOptions& options, std::atomic<uint64_t>* failed) {
  auto conf = NewConf(options, {{"enable.idempotence", "true"}, {"linger.ms", "5"}});
  if (!conf) return tl::unexpected(conf.error());
  rd_kafka_conf_set_dr_msg_cb(*conf, CountFailedDelivery);
  rd_kafka_conf_set_opaque(*conf, failed);
  return NewClient(RD_KAFKA_PRODUCER, *conf);
}

Result<int> PartitionCount(rd_kafka_t* rk, const std::string& topic, int timeout_ms) {
  rd_kafka_topic_t* t = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, t, &md, timeout_ms);
  rd_kafka_topic_destroy(t);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return KafkaFail("metadata of " + topic, err);
  int n = 0;
  rd_kafka_resp_err_t topic_err = RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
  for (int i = 0; i < md->topic_cnt; ++i) {
    if (topic == md->topics[i].topic) {
      n = md->topics[i].partition_cnt;
      topic_err = md->topics[i].err;
    }
  }
  rd_kafka_metadata_destroy(md);
  if (topic_err != RD_KAFKA_RESP_ERR_NO_ERROR || n == 0) {
    return KafkaFail("topic " + topic, topic_err);
  }
  return n;
}

void CountFailedDelivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
  if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR && opaque != nullptr) {
    ++*static_cast<std::atomic<uint64_t>*>(opaque);
  }
}

Status ProduceTo(rd_kafka_t* rk, const std::string& topic, int32_t partition,
                 std::string_view key, std::string_view value) {
  for (;;) {
    rd_kafka_resp_err_t err = rd_kafka_producev(
        rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
        RD_KAFKA_V_KEY(key.data(), key.size()),
        RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return {};
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) return KafkaFail("produce to " + topic, err);
    rd_kafka_poll(rk, 100);  // serve delivery reports until there is room
  }
}

Status FlushAll(rd_kafka_t* rk, const std::atomic<uint64_t>& failed) {
  const uint64_t before = failed.load();
  rd_kafka_resp_err_t err;
  while ((err = rd_kafka_flush(rk, 1000)) == RD_KAFKA_RESP_ERR__TIMED_OUT) {
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return KafkaFail("flush", err);
  if (failed.load() != 0) {
    return Fail(ErrorCode::kIo, std::to_string(failed.load()) + " messages not delivered (" +
                                    std::to_string(failed.load() - before) + " since the last flush)");
  }
  return {};
}

}  // namespace bantay::stream
