// stream/stream.h: Kafka scale-out of the metadata analysis: call records produced as
// half-edges keyed by account, consumer-group members with per-partition SQLite checkpoints,
// scoring rounds exchanged over a topic, leads produced to an output topic (docs/stream.md).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/core.h"
#include "meta/meta.h"

namespace bantay::stream {

// ---- Half-edges ---------------------------------------------------------------------------
// A call is produced twice, once keyed by the caller and once by the callee: the message
// value is one tab-separated line holding the whole record and the side. A close marker
// ("close<TAB>epoch", empty key) ends an epoch in a partition.

std::string EncodeHalfEdge(const meta::CallRecord& record, bool caller_side);
std::string EncodeClose(int64_t epoch);

struct Message {
  bool close = false;          // a close marker
  int64_t epoch = 0;           // of a close marker
  meta::CallRecord record;     // of a half-edge
  bool caller_side = false;    // of a half-edge
};
// `where` names the message ("topic[partition]@offset") in errors.
Result<Message> DecodeMessage(std::string_view value, std::string_view where);

// ---- Kafka settings -----------------------------------------------------------------------

struct KafkaOptions {
  std::string brokers;          // bootstrap servers, "host:port,..."
  std::string topic;            // half-edges and close markers
  std::string group;            // consumer group of the members
  std::string exchange_topic;   // scoring rounds; empty: "<topic>.exchange" (ONE partition)
  std::string output_topic;     // leads; empty: "<topic>.leads"
  // Extra librdkafka properties (e.g. session.timeout.ms), applied to every client.
  std::vector<std::pair<std::string, std::string>> properties;

  std::string Exchange() const { return exchange_topic.empty() ? topic + ".exchange" : exchange_topic; }
  std::string Output() const { return output_topic.empty() ? topic + ".leads" : output_topic; }
};

// ---- Producer ---------------------------------------------------------------------------

struct ProducerStats {
  uint64_t records = 0, duplicates = 0, rejected = 0, messages = 0;
};

// Produces call records as half-edges. Records with a call_id already produced by this
// producer are counted and dropped. Not thread-safe.
class CallProducer {
 public:
  static Result<std::unique_ptr<CallProducer>> Create(const KafkaOptions& options);
  ~CallProducer();
  // A record whose text fields hold a tab or line break is rejected (error names its line).
  Status Produce(const meta::CallRecord& record, std::string_view file_name);
  // Writes a close marker for `epoch` to every partition and waits for every message.
  Status Close(int64_t epoch);
  // Waits until every message produced so far is acknowledged.
  Status Flush();
  const ProducerStats& stats() const { return stats_; }

  struct Impl;

 private:
  CallProducer() = default;
  std::unique_ptr<Impl> impl_;
  ProducerStats stats_;
};

// ---- Per-partition state ------------------------------------------------------------------

// The state of one input partition in one SQLite file: its half-edges (each call and side
// once, in arrival order, tagged with the epoch they belong to) and the offset to resume
// from, written together in one transaction. Not thread-safe.
class PartitionStore {
 public:
  // Opens or creates `dir`/<topic>.<partition>.sqlite.
  static Result<std::unique_ptr<PartitionStore>> Open(const std::string& dir,
                                                      const std::string& topic, int partition);
  ~PartitionStore();

  struct Entry {
    int64_t offset = 0;
    std::string value;  // the message value
    std::string call_id;  // empty: a rejected message, which only moves the offset
    bool caller_side = false;
    bool close = false;
    int64_t close_epoch = 0;
  };
  // Applies messages in offset order and moves the resume offset past the last one, in one
  // transaction. Half-edges already stored (same call and side) are ignored.
  Status Apply(const std::vector<Entry>& entries);
  // The offset to resume from (-1: nothing stored, start at the beginning), the highest
  // epoch closed, and the highest epoch whose leads are out.
  int64_t next_offset() const { return next_offset_; }
  int64_t closed_epoch() const { return closed_epoch_; }
  int64_t scored_epoch() const { return scored_epoch_; }
  Status SetScored(int64_t epoch);
  // Calls `fn` with each stored half-edge value of epochs `first`..`epoch`, in arrival
  // order.
  Status ForEach(int64_t first, int64_t epoch,
                 const std::function<Status(std::string_view)>& fn) const;
  // Deletes the half-edges of epochs before `epoch` (MemberOptions::keep_epochs).
  Status Prune(int64_t epoch);
  uint64_t size() const;

  struct Impl;

 private:
  PartitionStore() = default;
  std::unique_ptr<Impl> impl_;
  int64_t next_offset_ = -1, closed_epoch_ = 0, scored_epoch_ = 0;
};

// ---- Consumer-group member ------------------------------------------------------------------

struct MemberOptions {
  std::string state_dir;        // per-partition SQLite files; share it between members so
                                // that a partition's new owner resumes (else it replays)
  int64_t epochs = 0;           // return after this many epochs are scored (0: until stopped)
  // Bounded state: epoch E is scored over the half-edges of epochs E-keep_epochs+1..E, and
  // older ones are deleted once E is scored. 0: every epoch so far (file mode's leads).
  int64_t keep_epochs = 0;
  int threads = 1;              // scoring threads
  size_t max_batch = 10000;     // messages applied per transaction at most
  // Test hook: after this many messages taken from Kafka (0: never), stop as if killed:
  // nothing buffered is applied, the consumer does not leave the group.
  uint64_t crash_after_messages = 0;
};

struct MemberStats {
  uint64_t messages = 0, half_edges = 0, rejected = 0, rebalances = 0, leads = 0,
           scoring_attempts = 0, epochs_scored = 0;
};

// One member of the consumer group: consumes its partitions into their stores; when all of
// them are closed for an epoch, scores their accounts with the other members (exchange
// topic) and produces its leads, keyed "<epoch>|<role>|<account>", to the output topic.
// Run on one thread.
class MetaMember {
 public:
  static Result<std::unique_ptr<MetaMember>> Create(const KafkaOptions& kafka,
                                                    MemberOptions options,
                                                    const meta::CountryTable* countries,
                                                    const meta::Locator* locator,
                                                    meta::MetaWeights weights,
                                                    meta::MetaOptions meta_options);
  ~MetaMember();
  // Runs until `options.epochs` epochs are scored, `stop` becomes true, or an error.
  // Rejected messages go to `on_reject` (file:line:field is topic[partition]@offset).
  Status Run(const std::atomic<bool>& stop, const std::function<void(const Rejection&)>& on_reject);
  const MemberStats& stats() const;
  // True after the crash hook fired.
  bool crashed() const;
  // Partitions assigned now; safe to call from any thread.
  int assigned_partitions() const;

  struct Impl;

 private:
  MetaMember() = default;
  std::unique_ptr<Impl> impl_;
};

// The leads of `epoch` on the output topic, de-duplicated by key (the last copy wins), in
// key order. Reads every partition up to its current end.
Result<std::vector<std::string>> ReadLeads(const KafkaOptions& kafka, int64_t epoch);

}  // namespace bantay::stream
