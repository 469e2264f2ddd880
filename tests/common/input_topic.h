#pragma once
// What the tests of the daemons' plumbing read: a mock cluster with one topic "in" of one
// partition, and a producer that writes records keyed "0", "1", ... to it and waits for their
// acknowledgement. Call Start() under ASSERT_NO_FATAL_FAILURE before anything else.

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <random>
#include <string>

#include "common/kafka_producer.h"
#include "common/mock_cluster.h"

namespace headwire::test_support {

struct InputTopic {
  void Start() {
    auto started = common::MockCluster::Start({.topics = {{.name = "in", .partitions = 1}}});
    ASSERT_TRUE(started.has_value()) << started.error().ToString();
    cluster = std::move(*started);
    kafka.bootstrap = cluster->bootstrap();
    auto created = common::KafkaProducer::Create(kafka);
    ASSERT_TRUE(created.has_value()) << created.error().ToString();
    producer = std::move(*created);
  }

  // Records keyed `first` .. `first + count - 1`, each with the value "record".
  void Produce(int first, int count) {
    for (int i = first; i < first + count; ++i) {
      ASSERT_TRUE(producer->Produce("in", std::to_string(i), "record", {}).ok());
    }
    ASSERT_TRUE(producer->Flush(std::chrono::milliseconds(10000)).ok());
  }

  // The embedded broker keeps about 5 MiB per partition: kPastRetention records of 256 KiB that
  // do not compress push the first ones out, as a topic's retention does while a daemon is
  // stopped. Offsets 0 .. kPastRetention - 1; only the last ones stay.
  static constexpr int kPastRetention = 48;
  void ProducePastRetention() {
    std::mt19937_64 random(1);
    std::string large(256 << 10, '\0');
    for (char& c : large) c = static_cast<char>(random());
    for (int i = 0; i < kPastRetention; ++i) {
      ASSERT_TRUE(producer->Produce("in", std::to_string(i), large, {}).ok());
    }
    ASSERT_TRUE(producer->Flush(std::chrono::milliseconds(20000)).ok());
  }

  std::unique_ptr<common::MockCluster> cluster;
  common::KafkaOptions kafka;
  std::unique_ptr<common::KafkaProducer> producer;
};

}  // namespace headwire::test_support
