#include "common/daemon_metrics.h"

#include <prometheus/text_serializer.h>

#include "common/process_stats.h"

namespace headwire::common {
namespace {

prometheus::Family<prometheus::Counter>& CounterFamily(prometheus::Registry& registry,
                                                       const std::string& name,
                                                       const std::string& help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(registry);
}

prometheus::Family<prometheus::Gauge>& GaugeFamily(prometheus::Registry& registry,
                                                   const std::string& name,
                                                   const std::string& help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry);
}

}  // namespace

DaemonMetrics::DaemonMetrics(std::string daemon)
    : daemon_(std::move(daemon)),
      registry_(std::make_shared<prometheus::Registry>()),
      consumed_(CounterFamily(*registry_, "headwire_records_consumed_total",
                              "Records read from an input topic")),
      produced_(CounterFamily(*registry_, "headwire_records_produced_total",
                              "Records enqueued to an output topic")),
      dead_letters_(CounterFamily(*registry_, "headwire_dead_letters_total",
                                  "Records sent to the dead-letter topic, by reason")),
      rejected_(CounterFamily(*registry_, "headwire_records_rejected_total",
                              "Records kept as rejects: undecodable, or too far ahead")),
      late_(CounterFamily(*registry_, "headwire_records_late_total",
                          "Records past the allowed lateness: dropped or dead-lettered")),
      duplicates_(
          CounterFamily(*registry_, "headwire_duplicates_total",
                        "Duplicates found, by kind (same_id, same_url, same_content, near)")),
      lag_(GaugeFamily(*registry_, "headwire_consumer_lag_records",
                       "Records between the consumer's position and the partition's end")),
      brokers_up_(GaugeFamily(*registry_, "headwire_kafka_brokers_up",
                              "librdkafka: brokers this client is connected to")),
      kafka_bytes_(CounterFamily(*registry_, "headwire_kafka_bytes_total",
                                 "librdkafka: bytes sent (tx) to and received (rx) from brokers")),
      offset_gap_records_(CounterFamily(*registry_, "headwire_offset_gap_records_total",
                                        "Records skipped because the topic no longer held them "
                                        "when the partition resumed")),
      state_bytes_(GaugeFamily(*registry_, "headwire_state_bytes",
                               "RocksDB live size: SST files and memtables")),
      block_cache_bytes_(GaugeFamily(*registry_, "headwire_rocksdb_block_cache_bytes",
                                     "RocksDB block cache usage")) {
  const prometheus::Labels labels{{"daemon", daemon_}};
  persist_seconds_ = &prometheus::BuildHistogram()
                          .Name("headwire_batch_persist_seconds")
                          .Help(
                              "Time to persist one batch: flush its output, write state and "
                              "offsets")
                          .Register(*registry_)
                          .Add(labels, prometheus::Histogram::BucketBoundaries{
                                           0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                           1, 2.5, 5, 10, 30});
  record_latency_ = &prometheus::BuildHistogram()
                         .Name("headwire_record_latency_seconds")
                         .Help(
                             "Broker timestamp of an input record to the persisted batch that "
                             "holds its output or state change")
                         .Register(*registry_)
                         .Add(labels, prometheus::Histogram::BucketBoundaries{
                                          0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
                                          30, 60, 300, 3600});
  rebalances_ = &CounterFamily(*registry_, "headwire_rebalances_total",
                               "Partition assignments and revocations")
                     .Add(labels);
  GaugeFamily(*registry_, "headwire_build_info", "1, labelled with the running headwire version")
      .Add({{"daemon", daemon_}, {"version", HEADWIRE_VERSION}})
      .Set(1);
  process_cpu_seconds_ = &CounterFamily(*registry_, "process_cpu_seconds_total",
                                        "Total user and system CPU time spent in seconds")
                              .Add({});
  process_resident_bytes_ =
      &GaugeFamily(*registry_, "process_resident_memory_bytes", "Resident memory size in bytes")
           .Add({});
  process_start_time_ = &GaugeFamily(*registry_, "process_start_time_seconds",
                                     "Start time of the process since unix epoch in seconds")
                             .Add({});
}

prometheus::Counter& DaemonMetrics::OffsetGapRecords(const std::string& topic, int32_t partition) {
  return offset_gap_records_.Add(
      {{"daemon", daemon_}, {"topic", topic}, {"partition", std::to_string(partition)}});
}

prometheus::Counter& DaemonMetrics::Consumed(const std::string& topic) {
  return consumed_.Add({{"daemon", daemon_}, {"topic", topic}});
}

prometheus::Counter& DaemonMetrics::Produced(const std::string& topic) {
  return produced_.Add({{"daemon", daemon_}, {"topic", topic}});
}

prometheus::Counter& DaemonMetrics::DeadLetters(v1::DeadLetterReason reason) {
  return dead_letters_.Add({{"daemon", daemon_}, {"reason", v1::DeadLetterReason_Name(reason)}});
}

prometheus::Counter& DaemonMetrics::RejectedRecords() {
  return rejected_.Add({{"daemon", daemon_}});
}

prometheus::Counter& DaemonMetrics::LateRecords() { return late_.Add({{"daemon", daemon_}}); }

prometheus::Counter& DaemonMetrics::Duplicates(const std::string& kind) {
  return duplicates_.Add({{"daemon", daemon_}, {"kind", kind}});
}

prometheus::Gauge& DaemonMetrics::Lag(const std::string& topic, int32_t partition) {
  return lag_.Add(
      {{"daemon", daemon_}, {"topic", topic}, {"partition", std::to_string(partition)}});
}

void DaemonMetrics::RemoveLag(const std::string& topic, int32_t partition) {
  lag_.Remove(&Lag(topic, partition));
}

prometheus::Gauge& DaemonMetrics::StateBytes() { return state_bytes_.Add({{"daemon", daemon_}}); }

prometheus::Gauge& DaemonMetrics::BlockCacheBytes() {
  return block_cache_bytes_.Add({{"daemon", daemon_}});
}

prometheus::Gauge& DaemonMetrics::BrokersUp(const std::string& client) {
  return brokers_up_.Add({{"daemon", daemon_}, {"client", client}});
}

prometheus::Counter& DaemonMetrics::KafkaBytes(const std::string& client,
                                               const std::string& direction) {
  return kafka_bytes_.Add({{"daemon", daemon_}, {"client", client}, {"direction", direction}});
}

std::string DaemonMetrics::Serialize() const {
  if (auto stats = ReadProcessStats()) {
    const std::lock_guard lock(process_mutex_);
    if (stats->cpu_seconds > process_cpu_counted_) {
      process_cpu_seconds_->Increment(stats->cpu_seconds - process_cpu_counted_);
      process_cpu_counted_ = stats->cpu_seconds;
    }
    process_resident_bytes_->Set(static_cast<double>(stats->resident_bytes));
    process_start_time_->Set(stats->start_time_seconds);
  }
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace headwire::common
