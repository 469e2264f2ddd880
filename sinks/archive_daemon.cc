#include "sinks/archive_daemon.h"

#include <spdlog/spdlog.h>

#include "common/archive_record.h"

namespace headwire::sinks {
namespace {

// The archiver's decisions: append each record, make the batch durable at commit.
class ArchiveStage : public common::ConsumerStage {
 public:
  explicit ArchiveStage(ArchiveWriter& writer) : writer_(writer) {}

  Result<std::optional<int64_t>> ResumeOffset(const common::TopicPartition& tp,
                                              const common::GroupOffset&) override {
    return std::optional<int64_t>(writer_.NextOffset(tp).value_or(common::kOffsetBeginning));
  }

  Status Handle(const common::ConsumedRecord& record, common::Output&) override {
    ++stats_.consumed;
    auto taken = writer_.Append(std::string(record.topic), common::ToArchiveRecord(record));
    if (!taken) return taken.error();
    ++(*taken ? stats_.archived : stats_.skipped);
    return Status::Ok();
  }

  // The loss is written into the archive before any later record, so `archive verify` and a
  // replay can say what is missing.
  Status RecordsLost(const common::OffsetGap& gap) override {
    return writer_.NoteGap(gap.tp, gap.resume_offset, gap.first_offset - 1);
  }

  // Only once this returns are the offsets committed to the group.
  Status Commit(const std::map<common::TopicPartition, int64_t>&, bool) override {
    return writer_.Persist();
  }

  const common::StateStore* state() const override { return nullptr; }

  const ArchiverStats& stats() const { return stats_; }

 private:
  ArchiveWriter& writer_;
  ArchiverStats stats_;
};

}  // namespace

Result<ArchiverStats> RunArchiver(const ArchiverOptions& options) {
  auto context = common::DaemonContext::Start("archive", options.daemon);
  if (!context) return Err(context.error());
  auto writer = ArchiveWriter::Open(options.writer);
  if (!writer) return Err(writer.error());
  ArchiveStage stage(**writer);
  common::ConsumerDaemonOptions consumer = options.consumer;
  consumer.topics = {options.topic};
  common::ConsumerDaemon daemon(**context, std::move(consumer));
  spdlog::info("msg=\"archiver started\" input={} dir={}", options.topic, options.writer.dir);
  if (Status s = daemon.Run(stage); !s.ok()) return Err(s);
  const ArchiverStats& stats = stage.stats();
  spdlog::info("msg=\"archiver stopped\" consumed={} archived={} skipped={}", stats.consumed,
               stats.archived, stats.skipped);
  return stats;
}

}  // namespace headwire::sinks
