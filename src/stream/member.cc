// stream/member.cc: a consumer-group member of the metadata analysis.
//
// Ingest: messages of the assigned partitions are applied to their PartitionStores in
// batches (half-edges and the next offset in one SQLite transaction), then the offsets are
// committed to Kafka (for lag monitoring; the stores are the truth on assignment).
// Scoring: when every assigned partition is closed for epoch E, the member loads their
// half-edges of epochs <= E and runs Analyzer::Finish with a KafkaExchange: each round is
// published to the exchange topic (values, then one marker per partition) and is complete
// when markers of every input partition are in. A rebalance aborts scoring; it restarts with
// the new assignment. Every value is a function of the epoch's records, so copies from
// aborted attempts or earlier owners are identical and collapse.
#include <absl/container/flat_hash_map.h>

#include <charconv>
#include <map>
#include <random>
#include <set>

#include "stream/kafka_impl.h"

namespace bantay::stream {

namespace {

constexpr int kLeadsRound = 3;  // marker: a partition's leads are out
constexpr size_t kExchangeMessageBytes = 256 << 10;

std::string UniqueSuffix() {
  std::random_device rd;
  return std::to_string(rd()) + std::to_string(rd());
}

struct RoundData {
  absl::flat_hash_map<std::string, meta::SharedAccount> accounts;
  std::set<int> markers;
  int64_t data_start_ms = INT64_MAX;
};

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (size_t pos = 0;;) {
    const size_t next = s.find(sep, pos);
    out.push_back(s.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos));
    if (next == std::string_view::npos) return out;
    pos = next + 1;
  }
}

template <class T>
bool ToNumber(std::string_view s, T* out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

}  // namespace

struct MetaMember::Impl {
  KafkaOptions kafka;
  MemberOptions opt;
  const meta::CountryTable* countries = nullptr;
  const meta::Locator* locator = nullptr;
  meta::MetaWeights weights;
  meta::MetaOptions meta_options;
  MemberStats stats;
  bool crashed = false;
  int partitions = 0;
  int64_t done_epoch = 0;
  bool assignment_changed = false;
  Status callback_status;
  const std::atomic<bool>* stop = nullptr;
  std::function<void(const Rejection&)> on_reject;
  std::map<int, std::unique_ptr<PartitionStore>> stores;  // assigned partitions
  std::map<int, std::vector<PartitionStore::Entry>> pending;
  size_t pending_n = 0;
  std::map<std::pair<int64_t, int>, RoundData> rounds;  // exchange topic, by epoch and round
  std::atomic<uint64_t> failed{0};
  std::atomic<int> assigned{0};
  // Declared last: destroyed first, while the stores its callback uses still exist.
  KafkaHandle producer, exchange, consumer;

  ~Impl() {
    if (consumer && crashed) {
      rd_kafka_destroy_flags(consumer.release(), RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
    } else if (consumer) {
      rd_kafka_consumer_close(consumer.get());
    }
  }

  static void Rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                        rd_kafka_topic_partition_list_t* parts, void* opaque) {
    auto* m = static_cast<Impl*>(opaque);
    m->assignment_changed = true;
    ++m->stats.rebalances;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      for (int i = 0; i < parts->cnt; ++i) {
        auto& tp = parts->elems[i];
        auto store = PartitionStore::Open(m->opt.state_dir, m->kafka.topic, tp.partition);
        if (!store) {
          m->callback_status = tl::unexpected(store.error());
          continue;
        }
        tp.offset = (*store)->next_offset() >= 0 ? (*store)->next_offset() : RD_KAFKA_OFFSET_BEGINNING;
        m->stores[tp.partition] = std::move(*store);
      }
      rd_kafka_assign(rk, parts);
    } else {
      if (auto st = m->ApplyPending(); !st) m->callback_status = st;
      m->stores.clear();
      rd_kafka_assign(rk, nullptr);
    }
    m->assigned = static_cast<int>(m->stores.size());
  }

  Status ApplyPending() {
    if (pending_n == 0) return {};
    rd_kafka_topic_partition_list_t* commit = rd_kafka_topic_partition_list_new(
        static_cast<int>(pending.size()));
    Status st;
    for (auto& [p, entries] : pending) {
      auto it = stores.find(p);
      if (it == stores.end() || entries.empty()) continue;
      st = it->second->Apply(entries);
      if (!st) break;
      rd_kafka_topic_partition_list_add(commit, kafka.topic.c_str(), p)->offset =
          entries.back().offset + 1;
    }
    pending.clear();
    pending_n = 0;
    if (st && commit->cnt > 0) rd_kafka_commit(consumer.get(), commit, 1);
    rd_kafka_topic_partition_list_destroy(commit);
    return st;
  }

  // Takes messages for up to `timeout_ms` and applies them.
  Status Ingest(int timeout_ms) {
    for (rd_kafka_message_t* msg = rd_kafka_consumer_poll(consumer.get(), timeout_ms);
         msg != nullptr; msg = rd_kafka_consumer_poll(consumer.get(), 0)) {
      if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        ++stats.messages;
        if (opt.crash_after_messages != 0 && stats.messages >= opt.crash_after_messages) {
          rd_kafka_message_destroy(msg);
          crashed = true;
          return Fail(ErrorCode::kInternal, "crash hook");
        }
        Take(*msg);
      }
      // Other errors (a broker going away, ...) are retried inside librdkafka.
      rd_kafka_message_destroy(msg);
      if (pending_n >= opt.max_batch) break;
    }
    if (!callback_status) return callback_status;
    return ApplyPending();
  }

  void Take(const rd_kafka_message_t& msg) {
    if (!stores.contains(msg.partition)) return;  // revoked meanwhile
    PartitionStore::Entry e;
    e.offset = msg.offset;
    const std::string where =
        kafka.topic + "[" + std::to_string(msg.partition) + "]@" + std::to_string(msg.offset);
    std::string_view value(static_cast<const char*>(msg.payload), msg.len);
    auto decoded = DecodeMessage(value, where);
    if (!decoded) {
      // Rejected: reported and counted; only the offset moves past it.
      ++stats.rejected;
      if (on_reject) on_reject({decoded.error().where, decoded.error().message, false});
    } else if (decoded->close) {
      e.close = true;
      e.close_epoch = decoded->epoch;
    } else {
      ++stats.half_edges;
      e.value.assign(value);
      e.call_id = std::move(decoded->record.call_id);
      e.caller_side = decoded->caller_side;
    }
    pending[msg.partition].push_back(std::move(e));
    ++pending_n;
  }

  // ---- Exchange topic ----

  Status Publish(int64_t epoch, int round, const std::vector<meta::SharedAccount>& values,
                 int64_t data_start_ms) {
    const std::string topic = kafka.Exchange();
    const std::string head = "v\t" + std::to_string(epoch) + "\t" + std::to_string(round) + "\n";
    std::string msg = head;
    char buf[32];
    for (size_t i = 0; i < values.size(); ++i) {
      const auto& a = values[i];
      msg += a.account;
      msg += '\t';
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, a.value);
      msg.append(buf, end);
      msg += '\t';
      for (size_t k = 0; k < a.ips.size(); ++k) {
        if (k > 0) msg += ',';
        msg += a.ips[k];
      }
      msg += '\n';
      if (msg.size() >= kExchangeMessageBytes || i + 1 == values.size()) {
        if (auto st = ProduceTo(producer.get(), topic, 0, "", msg); !st) return st;
        msg = head;
      }
    }
    for (const auto& [p, store] : stores) {
      const std::string marker = "m\t" + std::to_string(epoch) + "\t" + std::to_string(round) +
                                 "\t" + std::to_string(p) + "\t" + std::to_string(data_start_ms);
      if (auto st = ProduceTo(producer.get(), topic, 0, "", marker); !st) return st;
    }
    return FlushAll(producer.get(), failed);
  }

  void Read(const rd_kafka_message_t& msg) {
    std::string_view v(static_cast<const char*>(msg.payload), msg.len);
    const size_t nl = v.find('\n');
    auto head = Split(v.substr(0, nl), '\t');
    int64_t epoch = 0;
    int round = 0;
    if (head.size() < 3 || !ToNumber(head[1], &epoch) || !ToNumber(head[2], &round)) return;
    RoundData& r = rounds[{epoch, round}];
    if (head[0] == "m" && head.size() == 5) {
      int p = 0;
      int64_t start = 0;
      if (ToNumber(head[3], &p) && ToNumber(head[4], &start)) {
        r.markers.insert(p);
        r.data_start_ms = std::min(r.data_start_ms, start);
      }
      return;
    }
    if (head[0] != "v" || nl == std::string_view::npos) return;
    for (std::string_view line : Split(v.substr(nl + 1), '\n')) {
      auto f = Split(line, '\t');
      if (f.size() != 3) continue;
      meta::SharedAccount a;
      a.account = f[0];
      if (!ToNumber(f[1], &a.value)) continue;
      if (!f[2].empty()) {
        for (auto ip : Split(f[2], ',')) a.ips.emplace_back(ip);
      }
      r.accounts.try_emplace(a.account, std::move(a));
    }
  }

  // Waits until every input partition's marker of (epoch, round) is in, ingesting meanwhile.
  Result<RoundData*> Wait(int64_t epoch, int round) {
    RoundData* r = &rounds[{epoch, round}];
    while (r->markers.size() < static_cast<size_t>(partitions)) {
      if (stop->load()) return Fail(ErrorCode::kInternal, "stopped");
      for (rd_kafka_message_t* msg = rd_kafka_consumer_poll(exchange.get(), 50); msg != nullptr;
           msg = rd_kafka_consumer_poll(exchange.get(), 0)) {
        if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) Read(*msg);
        rd_kafka_message_destroy(msg);
      }
      r = &rounds[{epoch, round}];
      if (auto st = Ingest(0); !st) return tl::unexpected(st.error());
      if (assignment_changed) return Fail(ErrorCode::kInternal, "rebalance: scoring restarts");
    }
    return r;
  }

  class Exchange : public meta::ScoreExchange {
   public:
    Exchange(Impl* m, int64_t epoch) : m_(m), epoch_(epoch) {}
    Result<meta::SharedRound> Share(meta::SharedRound mine) override {
      if (auto st = m_->Publish(epoch_, mine.round, mine.accounts, mine.data_start_ms); !st) {
        return tl::unexpected(st.error());
      }
      auto r = m_->Wait(epoch_, mine.round);
      if (!r) return tl::unexpected(r.error());
      meta::SharedRound all;
      all.round = mine.round;
      all.data_start_ms = (*r)->data_start_ms;
      all.accounts.reserve((*r)->accounts.size());
      for (const auto& [name, a] : (*r)->accounts) all.accounts.push_back(a);
      return all;
    }

   private:
    Impl* m_;
    int64_t epoch_;
  };

  Status Score(int64_t epoch) {
    ++stats.scoring_attempts;
    auto analyzer = meta::Analyzer::Create(countries, locator, weights, meta_options);
    if (!analyzer) return tl::unexpected(analyzer.error());
    for (const auto& [p, store] : stores) {
      const std::string where = opt.state_dir + "/" + kafka.topic + "." + std::to_string(p);
      const int64_t first = opt.keep_epochs > 0 ? epoch - opt.keep_epochs + 1 : INT64_MIN;
      auto st = store->ForEach(first, epoch, [&](std::string_view value) -> Status {
        auto msg = DecodeMessage(value, where);
        if (!msg) return tl::unexpected(msg.error());
        (*analyzer)->AddHalf(msg->record, msg->caller_side);
        return {};
      });
      if (!st) return st;
    }
    Exchange ex(this, epoch);
    auto leads = (*analyzer)->Finish(opt.threads, &ex);
    if (!leads) return tl::unexpected(leads.error());
    const std::string prefix = std::to_string(epoch) + "|";
    for (const auto& lead : *leads) {
      const std::string key = prefix + std::string(meta::RoleName(lead.role)) + "|" + lead.account;
      if (auto st = ProduceTo(producer.get(), kafka.Output(), RD_KAFKA_PARTITION_UA, key,
                              meta::LeadToJson(lead));
          !st) {
        return st;
      }
    }
    if (auto st = Publish(epoch, kLeadsRound, {}, INT64_MAX); !st) return st;
    if (auto r = Wait(epoch, kLeadsRound); !r) return tl::unexpected(r.error());
    for (const auto& [p, store] : stores) {
      if (auto st = store->SetScored(epoch); !st) return st;
      // Every member's leads of this epoch are out: no scoring reads older epochs again.
      if (opt.keep_epochs > 0) {
        if (auto st = store->Prune(epoch - opt.keep_epochs + 2); !st) return st;
      }
    }
    stats.leads += leads->size();
    ++stats.epochs_scored;
    return {};
  }
};

MetaMember::~MetaMember() = default;
const MemberStats& MetaMember::stats() const { return impl_->stats; }
bool MetaMember::crashed() const { return impl_->crashed; }
int MetaMember::assigned_partitions() const { return impl_->assigned.load(); }

Result<std::unique_ptr<MetaMember>> MetaMember::Create(const KafkaOptions& kafka,
                                                       MemberOptions options,
                                                       const meta::CountryTable* countries,
                                                       const meta::Locator* locator,
                                                       meta::MetaWeights weights,
                                                       meta::MetaOptions meta_options) {
  if (kafka.brokers.empty() || kafka.topic.empty() || kafka.group.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "--kafka needs brokers, --topic and --group");
  }
  if (options.state_dir.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "a consumer-group member needs a state directory");
  }
  std::unique_ptr<MetaMember> mm(new MetaMember());
  mm->impl_ = std::make_unique<Impl>();
  Impl& m = *mm->impl_;
  m.kafka = kafka;
  m.opt = options;
  m.countries = countries;
  m.locator = locator;
  m.weights = std::move(weights);
  m.meta_options = meta_options;

  auto producer = NewProducer(kafka, &m.failed);
  if (!producer) return tl::unexpected(producer.error());
  m.producer = std::move(*producer);

  // The exchange is read whole by every member: assigned, not subscribed (no group join).
  const std::string reader_group = kafka.group + ".exchange." + UniqueSuffix();
  auto xconf = NewConf(kafka, {{"group.id", reader_group.c_str()},
                               {"enable.auto.commit", "false"},
                               {"enable.partition.eof", "false"}});
  if (!xconf) return tl::unexpected(xconf.error());
  auto exchange = NewClient(RD_KAFKA_CONSUMER, *xconf);
  if (!exchange) return tl::unexpected(exchange.error());
  m.exchange = std::move(*exchange);
  rd_kafka_poll_set_consumer(m.exchange.get());
  rd_kafka_topic_partition_list_t* x = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(x, kafka.Exchange().c_str(), 0)->offset =
      RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_resp_err_t err = rd_kafka_assign(m.exchange.get(), x);
  rd_kafka_topic_partition_list_destroy(x);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return KafkaFail("assign " + kafka.Exchange(), err);
  auto xparts = PartitionCount(m.exchange.get(), kafka.Exchange());
  if (!xparts) return tl::unexpected(xparts.error());
  if (*xparts != 1) {
    return Fail(ErrorCode::kInvalidArgument,
                "the exchange topic " + kafka.Exchange() + " must have exactly one partition");
  }

  // Eager assignment (range): every rebalance revokes all and assigns anew.
  auto cconf = NewConf(kafka, {{"group.id", kafka.group.c_str()},
                               {"enable.auto.commit", "false"},
                               {"enable.auto.offset.store", "false"},
                               {"auto.offset.reset", "earliest"},
                               {"partition.assignment.strategy", "range"}});
  if (!cconf) return tl::unexpected(cconf.error());
  rd_kafka_conf_set_rebalance_cb(*cconf, &Impl::Rebalance);
  rd_kafka_conf_set_opaque(*cconf, &m);
  auto consumer = NewClient(RD_KAFKA_CONSUMER, *cconf);
  if (!consumer) return tl::unexpected(consumer.error());
  m.consumer = std::move(*consumer);
  rd_kafka_poll_set_consumer(m.consumer.get());
  auto parts = PartitionCount(m.consumer.get(), kafka.topic);
  if (!parts) return tl::unexpected(parts.error());
  m.partitions = *parts;
  rd_kafka_topic_partition_list_t* sub = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(sub, kafka.topic.c_str(), RD_KAFKA_PARTITION_UA);
  err = rd_kafka_subscribe(m.consumer.get(), sub);
  rd_kafka_topic_partition_list_destroy(sub);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return KafkaFail("subscribe " + kafka.topic, err);
  return mm;
}

Status MetaMember::Run(const std::atomic<bool>& stop,
                       const std::function<void(const Rejection&)>& on_reject) {
  Impl& m = *impl_;
  m.stop = &stop;
  m.on_reject = on_reject;
  while (!stop.load() && (m.opt.epochs == 0 || m.done_epoch < m.opt.epochs)) {
    if (auto st = m.Ingest(100); !st) return m.crashed ? Status() : st;
    if (m.stores.empty()) {
      // Nothing assigned (more members than partitions): the epoch is done when every
      // partition's leads are out.
      if (m.opt.epochs != 0) {
        auto r = m.Wait(m.done_epoch + 1, kLeadsRound);
        if (r) m.done_epoch++;
        else if (m.crashed) return {};
        m.assignment_changed = false;
      }
      continue;
    }
    int64_t epoch = INT64_MAX;
    for (const auto& [p, store] : m.stores) epoch = std::min(epoch, store->closed_epoch());
    if (epoch <= m.done_epoch) continue;
    m.assignment_changed = false;
    if (auto st = m.Score(epoch); !st) {
      if (m.crashed) return {};
      if (m.assignment_changed) continue;
      return st;
    }
    m.done_epoch = epoch;
  }
  return {};
}

Result<std::vector<std::string>> ReadLeads(const KafkaOptions& kafka, int64_t epoch) {
  const std::string group = kafka.group + ".leads." + UniqueSuffix();
  auto conf = NewConf(kafka, {{"group.id", group.c_str()}, {"enable.auto.commit", "false"}});
  if (!conf) return tl::unexpected(conf.error());
  auto rk = NewClient(RD_KAFKA_CONSUMER, *conf);
  if (!rk) return tl::unexpected(rk.error());
  rd_kafka_poll_set_consumer(rk->get());
  const std::string topic = kafka.Output();
  auto n = PartitionCount(rk->get(), topic);
  if (!n) return tl::unexpected(n.error());
  std::vector<int64_t> end(static_cast<size_t>(*n));
  rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(*n);
  size_t remaining = 0;
  for (int p = 0; p < *n; ++p) {
    int64_t lo = 0, hi = 0;
    auto err = rd_kafka_query_watermark_offsets(rk->get(), topic.c_str(), p, &lo, &hi, 10000);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_topic_partition_list_destroy(parts);
      return KafkaFail("watermarks of " + topic, err);
    }
    end[p] = hi;
    if (hi > lo) {
      rd_kafka_topic_partition_list_add(parts, topic.c_str(), p)->offset = lo;
      ++remaining;
    }
  }
  auto err = rd_kafka_assign(rk->get(), parts);
  rd_kafka_topic_partition_list_destroy(parts);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return KafkaFail("assign " + topic, err);
  std::map<std::string, std::string> by_key;
  const std::string prefix = std::to_string(epoch) + "|";
  std::vector<bool> done(end.size(), false);
  while (remaining > 0) {
    rd_kafka_message_t* msg = rd_kafka_consumer_poll(rk->get(), 10000);
    if (msg == nullptr) return Fail(ErrorCode::kIo, "timed out reading " + topic);
    if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::string key(static_cast<const char*>(msg->key), msg->key_len);
      if (key.starts_with(prefix)) {
        by_key[key].assign(static_cast<const char*>(msg->payload), msg->len);
      }
      const auto p = static_cast<size_t>(msg->partition);
      if (msg->offset + 1 >= end[p] && !done[p]) {
        done[p] = true;
        --remaining;
      }
    }
    rd_kafka_message_destroy(msg);
  }
  rd_kafka_consumer_close(rk->get());
  std::vector<std::string> out;
  for (auto& [k, v] : by_key) out.push_back(std::move(v));
  return out;
}

}  // namespace bantay::stream
