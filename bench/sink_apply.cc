// The sink's state work alone, beside rocksdb_load's ceiling: the same records (a file kcat
// wrote with `-f '%K %S %k%s'`, read into memory first) go through RecordApplier and
// ArticleStore as `headwire sink` applies them (decode, redelivery check, lateness, stage, one
// Commit with the offsets per --batch records, the watermark advanced at the end), into a fresh
// state with the sink's default options, without Kafka. The file has no partitions, so every
// record counts as partition 0 of one input topic, in file order. Prints one JSON line: records,
// seconds, records_per_s, and how many were applied, redeliveries, late and rejected.
// With --compact it then compacts the whole state, as the sink's expiry sweeper does, and adds
// compact_seconds and sst_bytes (the live table files after it): the background work of flushes,
// the compaction filter and compression, which otherwise runs only if the sweeper's thread is
// scheduled before the program ends, so that a whole-process measurement includes it every time.
//
// Usage: sink_apply --records FILE --dir DIR [--batch N] [--compact]

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kcat_records.h"
#include "sinks/record_applier.h"

int main(int argc, char** argv) {
  using headwire::sinks::ApplyOutcome;
  std::string records_path;
  std::string dir;
  size_t batch_size = 1000;
  bool compact = false;
  CLI::App app{"The sink's state work on kcat-dumped records, without Kafka"};
  app.add_option("--records", records_path, "kcat dump (-f '%K %S %k%s')")->required();
  app.add_option("--dir", dir, "Fresh state directory")->required();
  app.add_option("--batch", batch_size, "Records per commit")
      ->check(CLI::Range(size_t{1}, size_t{1000000000}))
      ->capture_default_str();
  app.add_flag("--compact", compact, "Then compact the whole state and report its table bytes");
  CLI11_PARSE(app, argc, argv);
  std::vector<headwire::bench::KcatRecord> records;
  if (std::string error; !headwire::bench::ReadKcatRecords(records_path, records, error)) {
    std::fprintf(stderr, "sink_apply: %s\n", error.c_str());
    return 1;
  }
  auto store = headwire::sinks::ArticleStore::Open(dir, /*for_queries=*/false);
  if (!store) {
    std::fprintf(stderr, "sink_apply: %s\n", store.error().ToString().c_str());
    return 1;
  }
  headwire::sinks::RecordApplier applier(**store, {});
  const headwire::common::TopicPartition tp{"headwire.articles.processed", 0};
  std::map<ApplyOutcome, size_t> outcomes;
  const auto start = std::chrono::steady_clock::now();
  headwire::sinks::ArticleStore::Batch batch;
  for (size_t i = 0; i < records.size(); ++i) {
    headwire::common::ConsumedRecord record{.topic = tp.topic,
                                            .partition = tp.partition,
                                            .offset = static_cast<int64_t>(i),
                                            .key = records[i].first,
                                            .value = records[i].second,
                                            .type = std::nullopt,
                                            .schema_version = std::nullopt};
    auto applied = applier.Apply(batch, record);
    if (!applied) {
      std::fprintf(stderr, "sink_apply: %s\n", applied.error().ToString().c_str());
      return 1;
    }
    ++outcomes[applied->outcome];
    if ((i + 1) % batch_size == 0 || i + 1 == records.size()) {
      const auto s = (*store)->Commit(batch, {{tp, static_cast<int64_t>(i + 1)}});
      if (!s.ok()) {
        std::fprintf(stderr, "sink_apply: %s\n", s.ToString().c_str());
        return 1;
      }
    }
  }
  if (const auto s = (*store)->AdvanceWatermark((*store)->KnownPartitions()); !s.ok()) {
    std::fprintf(stderr, "sink_apply: %s\n", s.ToString().c_str());
    return 1;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "{\"records\": %zu, \"seconds\": %.6f, \"records_per_s\": %.1f, \"applied\": %zu, "
      "\"redeliveries\": %zu, \"late\": %zu, \"rejected\": %zu",
      records.size(), seconds,
      records.empty() ? 0.0 : static_cast<double>(records.size()) / seconds,
      outcomes[ApplyOutcome::kApplied], outcomes[ApplyOutcome::kRedelivery],
      outcomes[ApplyOutcome::kLate], outcomes[ApplyOutcome::kRejected]);
  if (compact) {
    const auto compact_start = std::chrono::steady_clock::now();
    if (const auto s = (*store)->state().CompactAll(); !s.ok()) {
      std::fprintf(stderr, "\nsink_apply: %s\n", s.ToString().c_str());
      return 1;
    }
    uint64_t sst_bytes = 0;
    if (!(*store)->state().db()->GetAggregatedIntProperty(
            rocksdb::DB::Properties::kLiveSstFilesSize, &sst_bytes)) {
      std::fprintf(stderr, "\nsink_apply: no live table size\n");
      return 1;
    }
    std::printf(
        ", \"compact_seconds\": %.6f, \"sst_bytes\": %llu",
        std::chrono::duration<double>(std::chrono::steady_clock::now() - compact_start).count(),
        static_cast<unsigned long long>(sst_bytes));
  }
  std::printf("}\n");
  return 0;
}
