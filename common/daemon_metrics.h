#pragma once
// DaemonMetrics: the Prometheus metrics of one daemon, kept in prometheus-cpp's registry and
// served in the text exposition format by the admin endpoint (common/admin_server.h). Names and
// labels (README "Operations"):
//   headwire_records_consumed_total{daemon,topic}        records read from the input
//   headwire_records_produced_total{daemon,topic}        records enqueued to an output topic
//   headwire_dead_letters_total{daemon,reason}           records sent to the dead-letter topic, by
//                                                        the DeadLetter's reason (its enum name)
//   headwire_records_rejected_total{daemon}              records the sink kept as rejects*
//   headwire_records_late_total{daemon}                  records the sink found late (dropped or
//                                                        dead-lettered)*
//   headwire_duplicates_total{daemon,kind}               duplicates found by the processor
//   headwire_consumer_lag_records{daemon,topic,partition} high watermark minus position
//   headwire_batch_persist_seconds{daemon}               flush + state write of one batch
//   headwire_record_latency_seconds{daemon}              broker timestamp of an input record to
//                                                        the persisted batch that holds its effect
//   headwire_rebalances_total{daemon}                    assignments and revocations of at
//                                                        least one partition
//   headwire_offset_gap_records_total{daemon,topic,partition}  records skipped because the topic
//                                                        no longer held them (--on-offset-gap skip)
//   headwire_state_bytes{daemon}                         RocksDB live size (SST + memtables)*
//   headwire_kafka_brokers_up{daemon,client}             librdkafka: brokers in state UP
//   headwire_kafka_bytes_total{daemon,client,direction}  librdkafka: bytes sent / received
//   headwire_rocksdb_block_cache_bytes{daemon}           RocksDB: block cache usage*
//   headwire_build_info{daemon,version}                  1, naming the running version
//   process_cpu_seconds_total, process_resident_memory_bytes, process_start_time_seconds
//                                                        the process, as Prometheus' client
//                                                        libraries name them; read from /proc at
//                                                        each Serialize
// * exported only by a daemon that has them (RocksDB state; the sink's verdicts): the series
//   appears at the first use of its accessor, so that a daemon without (the archiver) does not
//   show a zero that reads like a broken gauge or an idle counter.
//
// The accessors return references that stay valid for the registry's life; callers on a hot path
// keep them rather than look them up per record. Thread-safe (prometheus-cpp's metrics are).

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "headwire/v1/article.pb.h"

namespace headwire::common {

class DaemonMetrics {
 public:
  // `daemon` is the value of every `daemon` label ("process", "sink").
  explicit DaemonMetrics(std::string daemon);
  DaemonMetrics(const DaemonMetrics&) = delete;
  DaemonMetrics& operator=(const DaemonMetrics&) = delete;

  prometheus::Counter& Consumed(const std::string& topic);
  prometheus::Counter& Produced(const std::string& topic);
  // Labelled with the reason's enum name ("DEAD_LETTER_REASON_UNDECODABLE"), as the DeadLetter
  // record on the topic carries it.
  prometheus::Counter& DeadLetters(v1::DeadLetterReason reason);
  prometheus::Counter& RejectedRecords();
  prometheus::Counter& LateRecords();
  prometheus::Counter& Duplicates(const std::string& kind);
  prometheus::Gauge& Lag(const std::string& topic, int32_t partition);
  // Drops a partition's lag series (the partition was revoked).
  void RemoveLag(const std::string& topic, int32_t partition);
  prometheus::Histogram& BatchPersistSeconds() { return *persist_seconds_; }
  prometheus::Histogram& RecordLatencySeconds() { return *record_latency_; }
  prometheus::Counter& Rebalances() { return *rebalances_; }
  prometheus::Counter& OffsetGapRecords(const std::string& topic, int32_t partition);
  prometheus::Gauge& StateBytes();
  prometheus::Gauge& BrokersUp(const std::string& client);
  // Bytes of `client` in `direction` ("tx" or "rx").
  prometheus::Counter& KafkaBytes(const std::string& client, const std::string& direction);
  prometheus::Gauge& BlockCacheBytes();

  // Every series in the text exposition format (version 0.0.4), the process series refreshed.
  std::string Serialize() const;

  // The registry, for daemons that add families of their own (the feed poller's per-feed series).
  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

 private:
  std::string daemon_;
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& consumed_;
  prometheus::Family<prometheus::Counter>& produced_;
  prometheus::Family<prometheus::Counter>& dead_letters_;
  prometheus::Family<prometheus::Counter>& rejected_;
  prometheus::Family<prometheus::Counter>& late_;
  prometheus::Family<prometheus::Counter>& duplicates_;
  prometheus::Family<prometheus::Gauge>& lag_;
  prometheus::Family<prometheus::Gauge>& brokers_up_;
  prometheus::Family<prometheus::Counter>& kafka_bytes_;
  prometheus::Family<prometheus::Counter>& offset_gap_records_;
  prometheus::Family<prometheus::Gauge>& state_bytes_;
  prometheus::Family<prometheus::Gauge>& block_cache_bytes_;
  prometheus::Histogram* persist_seconds_;
  prometheus::Histogram* record_latency_;
  prometheus::Counter* rebalances_;
  prometheus::Counter* process_cpu_seconds_;
  prometheus::Gauge* process_resident_bytes_;
  prometheus::Gauge* process_start_time_;
  // The CPU seconds already added to process_cpu_seconds_ (a counter only moves by increments);
  // scrapes may come on several HTTP threads at once.
  mutable std::mutex process_mutex_;
  mutable double process_cpu_counted_ = 0;
};

}  // namespace headwire::common
