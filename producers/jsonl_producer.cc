#include "producers/jsonl_producer.h"

#include "common/host_name.h"
#include "common/json_lines.h"
#include "common/proto_convert.h"
#include "common/time_format.h"
#include "headwire/v1/article.pb.h"
#include "producers/article_reader.h"

namespace headwire::producers {
namespace {

// Stops the run on `error`, but first waits for what was already enqueued, so that the lines
// before the failing one are delivered rather than lost with the process.
std::unexpected<Status> FlushThenFail(common::KafkaProducer& producer, const Status& error) {
  if (Status s = producer.Flush(common::kDefaultFlushTimeout); !s.ok()) {
    return Err(Status::Unavailable(error.message() +
                                   "; earlier lines were not delivered either: " + s.message()));
  }
  return Err(error);
}

}  // namespace

Result<ProduceReport> ProduceJsonLines(std::istream& in, const std::string& input_name,
                                       const ProduceOptions& options, std::ostream& errors) {
  auto producer = common::KafkaProducer::Create(options.kafka);
  if (!producer) return Err(producer.error());
  return ProduceJsonLines(in, input_name, options, errors, **producer);
}

Result<ProduceReport> ProduceJsonLines(std::istream& in, const std::string& input_name,
                                       const ProduceOptions& options, std::ostream& errors,
                                       common::KafkaProducer& producer) {
  auto domains = DomainPartitioner::ForTopic(producer, options.topic, options.domain_key);
  if (!domains) return Err(domains.error());
  ProduceReport report;
  const std::string host = common::HostName();
  const auto raw_headers = common::MessageHeaders(v1::RawArticle::descriptor()->full_name());
  const Status read = common::ForEachLine(
      in, input_name, [&](uint64_t line_number, const std::string& line, uint64_t length) {
        ++report.lines;
        auto raw = ReadArticleLine(line, options.validation,
                                   options.ingest_time_ms.value_or(common::WallClockMs()));
        if (!raw) {
          ++report.invalid;
          errors << input_name << ":" << line_number << ": " << raw.error().reason << ": "
                 << raw.error().message << "\n";
          if (options.dlq_topic.empty()) return Status::Ok();
          auto letter = common::MakeDeadLetter(
              line, "", {}, {input_name, -1, static_cast<int64_t>(line_number)},
              common::DeadLetterReasonFor(raw.error().reason),
              raw.error().reason + ": " + raw.error().message, "produce");
          if (length > common::kMaxLineBytes) {
            // The reader kept only the start of an absurd line: its size is known, its digest
            // is not.
            letter.set_original_size(length);
            letter.clear_original_digest();
          }
          return producer.Produce(
              common::DeadLetterRecord(options.dlq_topic, letter, producer.max_message_bytes()));
        }
        auto* info = raw->mutable_producer();
        info->set_name("headwire produce");
        info->set_version(HEADWIRE_VERSION);
        info->set_host(host);
        info->set_input(input_name);
        info->set_input_line(line_number);
        if (Status s = producer.Produce(options.topic, raw->id(), raw->SerializeAsString(),
                                        raw_headers, domains->PartitionOf(*raw));
            !s.ok()) {
          return s;
        }
        ++report.produced;
        return Status::Ok();
      });
  // A failed read or produce still delivers the lines before it.
  if (!read.ok()) return FlushThenFail(producer, read);
  if (Status s = producer.Flush(common::kDefaultFlushTimeout); !s.ok()) return Err(s);
  return report;
}

}  // namespace headwire::producers
