// The ceiling for any processor on a broker: raw librdkafka consume -> produce of the same
// messages, with the same delivery rule as headwire's daemons and nothing else. It reads every
// partition of the input topic from the start (assigned directly, no group join), produces each
// message's key, value and headers to the output topic with the producer settings headwire uses
// (idempotent, acks=all, lz4, linger.ms=5), and after every --batch messages waits for their
// delivery reports and then commits the consumed offsets (asynchronously, as headwire does; its
// durable offsets are in RocksDB, which this ceiling leaves out). Stops at the end of every
// partition and prints one JSON line: records, seconds (first message to last commit),
// records_per_s.
//
// Usage: kafka_passthrough --bootstrap HOST:PORT --input TOPIC --output TOPIC [--batch N]

#include <librdkafka/rdkafka.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

struct Args {
  std::string bootstrap;
  std::string input;
  std::string output;
  int batch = 1000;
};

bool Set(rd_kafka_conf_t* conf, const char* key, const std::string& value) {
  char error[512];
  if (rd_kafka_conf_set(conf, key, value.c_str(), error, sizeof error) != RD_KAFKA_CONF_OK) {
    std::fprintf(stderr, "kafka_passthrough: %s: %s\n", key, error);
    return false;
  }
  return true;
}

rd_kafka_t* NewClient(rd_kafka_type_t type, rd_kafka_conf_t* conf) {
  char error[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf, error, sizeof error);
  if (rk == nullptr) std::fprintf(stderr, "kafka_passthrough: %s\n", error);
  return rk;
}

int PartitionCount(rd_kafka_t* rk, const std::string& topic) {
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* metadata = nullptr;
  int count = 0;
  if (rd_kafka_metadata(rk, 0, rkt, &metadata, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (metadata->topic_cnt == 1) count = metadata->topics[0].partition_cnt;
    rd_kafka_metadata_destroy(metadata);
  }
  rd_kafka_topic_destroy(rkt);
  return count;
}

void FlushAndCommit(rd_kafka_t* producer, rd_kafka_t* consumer,
                    rd_kafka_topic_partition_list_t* positions) {
  while (rd_kafka_outq_len(producer) > 0) rd_kafka_flush(producer, 1000);
  rd_kafka_commit(consumer, positions, 1);
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  CLI::App app{"Raw librdkafka consume -> produce of a topic: the processor's ceiling"};
  app.add_option("--bootstrap", args.bootstrap, "bootstrap.servers (HOST:PORT)")->required();
  app.add_option("--input", args.input, "Topic to read to its end")->required();
  app.add_option("--output", args.output, "Topic to write")->required();
  app.add_option("--batch", args.batch, "Messages per flush and commit")
      ->check(CLI::Range(1, 1000000000))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  rd_kafka_conf_t* pconf = rd_kafka_conf_new();
  for (const auto& [key, value] :
       std::vector<std::pair<const char*, std::string>>{{"bootstrap.servers", args.bootstrap},
                                                        {"enable.idempotence", "true"},
                                                        {"acks", "all"},
                                                        {"linger.ms", "5"},
                                                        {"compression.type", "lz4"}}) {
    if (!Set(pconf, key, value)) return 1;
  }
  rd_kafka_t* producer = NewClient(RD_KAFKA_PRODUCER, pconf);
  rd_kafka_conf_t* cconf = rd_kafka_conf_new();
  for (const auto& [key, value] :
       std::vector<std::pair<const char*, std::string>>{{"bootstrap.servers", args.bootstrap},
                                                        {"group.id", "kafka-passthrough"},
                                                        {"enable.auto.commit", "false"},
                                                        {"enable.partition.eof", "true"},
                                                        {"isolation.level", "read_committed"}}) {
    if (!Set(cconf, key, value)) return 1;
  }
  rd_kafka_t* consumer = NewClient(RD_KAFKA_CONSUMER, cconf);
  if (producer == nullptr || consumer == nullptr) return 1;
  rd_kafka_poll_set_consumer(consumer);

  const int partitions = PartitionCount(consumer, args.input);
  if (partitions < 1) {
    std::fprintf(stderr, "kafka_passthrough: no partitions for %s\n", args.input.c_str());
    return 1;
  }
  rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(partitions);
  rd_kafka_topic_partition_list_t* positions = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(assignment, args.input.c_str(), p)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_topic_partition_list_add(positions, args.input.c_str(), p)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_assign(consumer, assignment);

  using Clock = std::chrono::steady_clock;
  Clock::time_point first{};
  long records = 0;
  int in_batch = 0;
  int at_end = 0;
  while (at_end < partitions) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer, 1000);
    if (m == nullptr) continue;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      ++at_end;
    } else if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::fprintf(stderr, "kafka_passthrough: %s\n", rd_kafka_message_errstr(m));
    } else {
      if (records == 0) first = Clock::now();
      rd_kafka_headers_t* headers = nullptr;
      rd_kafka_headers_t* copy = nullptr;
      if (rd_kafka_message_headers(m, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        copy = rd_kafka_headers_copy(headers);
      }
      rd_kafka_resp_err_t err;
      while (
          (err = rd_kafka_producev(
               producer, RD_KAFKA_V_TOPIC(args.output.c_str()), RD_KAFKA_V_KEY(m->key, m->key_len),
               RD_KAFKA_V_VALUE(m->payload, m->len), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
               RD_KAFKA_V_HEADERS(copy), RD_KAFKA_V_END)) == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        rd_kafka_poll(producer, 10);
      }
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        std::fprintf(stderr, "kafka_passthrough: produce: %s\n", rd_kafka_err2str(err));
        return 1;
      }
      rd_kafka_poll(producer, 0);
      rd_kafka_topic_partition_list_find(positions, args.input.c_str(), m->partition)->offset =
          m->offset + 1;
      ++records;
      if (++in_batch >= args.batch) {
        FlushAndCommit(producer, consumer, positions);
        in_batch = 0;
      }
    }
    rd_kafka_message_destroy(m);
  }
  if (in_batch > 0) FlushAndCommit(producer, consumer, positions);
  const double seconds = std::chrono::duration<double>(Clock::now() - first).count();
  std::printf("{\"records\": %ld, \"seconds\": %.6f, \"records_per_s\": %.1f}\n", records, seconds,
              records > 0 ? static_cast<double>(records) / seconds : 0.0);
  rd_kafka_topic_partition_list_destroy(positions);
  rd_kafka_topic_partition_list_destroy(assignment);
  rd_kafka_consumer_close(consumer);
  rd_kafka_destroy(consumer);
  rd_kafka_destroy(producer);
  return 0;
}
