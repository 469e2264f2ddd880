// A downstream reader of one headwire topic stream, headwire.topic.<topic>, in C++: the same
// program as topic_consumer.py, with librdkafka's C++ API and the classes protoc generates from
// proto/headwire/v1/article.proto (`protoc -Iproto --cpp_out=OUT ...`; link rdkafka++ and
// protobuf). Each record's value is a headwire.v1.ProcessedArticle and its key the article id.
// The reader joins its own consumer group, so it gets every unique article of the topic, and
// prints one tab-separated line per article:
//   <published_at UTC>  <article id>  <source>  <title>
//
// Usage: topic_consumer --bootstrap HOST:PORT --topic space [--group NAME] [--to-end]
//   --to-end  exit once the end of every partition is reached (default: follow forever)

#include <librdkafka/rdkafkacpp.h>

#include <CLI/CLI.hpp>
#include <ctime>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "headwire/v1/article.pb.h"

namespace {

std::string UtcTime(int64_t epoch_ms) {
  const std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

size_t AssignedPartitions(RdKafka::KafkaConsumer& consumer) {
  std::vector<RdKafka::TopicPartition*> assignment;
  consumer.assignment(assignment);
  const size_t count = assignment.size();
  RdKafka::TopicPartition::destroy(assignment);
  return count;
}

}  // namespace

int main(int argc, char** argv) {
  std::string bootstrap, topic, group = "headwire-topic-reader";
  bool to_end = false;
  CLI::App app("A downstream reader of one headwire topic stream, headwire.topic.<topic>");
  app.add_option("--bootstrap", bootstrap, "Kafka bootstrap servers")->required();
  app.add_option("--topic", topic, "Taxonomy topic, e.g. space")->required();
  app.add_option("--group", group, "Consumer group")->capture_default_str();
  app.add_flag("--to-end", to_end, "Exit once the end of every partition is reached");
  CLI11_PARSE(app, argc, argv);

  std::string error;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  if (conf->set("bootstrap.servers", bootstrap, error) != RdKafka::Conf::CONF_OK ||
      conf->set("group.id", group, error) != RdKafka::Conf::CONF_OK ||
      conf->set("auto.offset.reset", "earliest", error) != RdKafka::Conf::CONF_OK ||
      conf->set("enable.partition.eof", to_end ? "true" : "false", error) !=
          RdKafka::Conf::CONF_OK) {
    std::cerr << "topic_consumer: " << error << "\n";
    return 2;
  }
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf.get(), error));
  if (!consumer) {
    std::cerr << "topic_consumer: " << error << "\n";
    return 1;
  }
  if (consumer->subscribe({"headwire.topic." + topic}) != RdKafka::ERR_NO_ERROR) {
    std::cerr << "topic_consumer: cannot subscribe to headwire.topic." << topic << "\n";
    return 1;
  }
  std::set<int32_t> at_end;
  for (;;) {
    std::unique_ptr<RdKafka::Message> msg(consumer->consume(1000));
    if (msg->err() == RdKafka::ERR__TIMED_OUT) continue;
    if (msg->err() == RdKafka::ERR__PARTITION_EOF) {
      at_end.insert(msg->partition());
      if (at_end.size() == AssignedPartitions(*consumer)) break;
      continue;
    }
    if (msg->err() != RdKafka::ERR_NO_ERROR) {
      std::cerr << "topic_consumer: " << msg->errstr() << "\n";
      continue;  // the client recovers from broker errors on its own
    }
    at_end.erase(msg->partition());
    headwire::v1::ProcessedArticle article;
    if (!article.ParseFromArray(msg->payload(), static_cast<int>(msg->len()))) {
      std::cerr << "topic_consumer: a record of partition " << msg->partition() << " at offset "
                << msg->offset() << " is not a ProcessedArticle\n";
      continue;
    }
    std::cout << UtcTime(article.article().published_at_ms()) << "\t" << article.article().id()
              << "\t" << article.article().source() << "\t" << article.article().title()
              << std::endl;
  }
  consumer->close();
  return 0;
}
