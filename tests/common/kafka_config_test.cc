#include "common/kafka_config.h"

#include <gtest/gtest.h>

#include <string>

namespace headwire::common {
namespace {

std::string Get(const RdKafkaConfPtr& conf, const char* key) {
  char value[512];
  size_t size = sizeof value;
  if (rd_kafka_conf_get(conf.get(), key, value, &size) != RD_KAFKA_CONF_OK) return "<unknown>";
  return value;
}

KafkaOptions WithProperties(std::vector<std::string> properties) {
  KafkaOptions options;
  options.bootstrap = "localhost:9092";
  options.properties = std::move(properties);
  return options;
}

TEST(KafkaConfigTest, AScopedPropertyReachesOnlyItsKindOfClient) {
  const KafkaOptions options = WithProperties(
      {"consumer.fetch.wait.max.ms=7", "producer.linger.ms=9", "client.id=every-client"});
  auto consumer = MakeKafkaConf(options, KafkaClientKind::kConsumer, {});
  auto producer = MakeKafkaConf(options, KafkaClientKind::kProducer, {});
  ASSERT_TRUE(consumer.has_value() && producer.has_value());
  EXPECT_EQ(Get(*consumer, "fetch.wait.max.ms"), "7");
  EXPECT_EQ(Get(*producer, "linger.ms"), "9");
  EXPECT_NE(Get(*consumer, "linger.ms"), "9");
  EXPECT_NE(Get(*producer, "fetch.wait.max.ms"), "7");
  EXPECT_EQ(Get(*consumer, "client.id"), "every-client");
  EXPECT_EQ(Get(*producer, "client.id"), "every-client");
}

TEST(KafkaConfigTest, TheUsersPropertiesWinOverTheDefaults) {
  const KafkaOptions options = WithProperties({"producer.linger.ms=50"});
  auto producer = MakeKafkaConf(options, KafkaClientKind::kProducer, {{"linger.ms", "5"}});
  auto consumer = MakeKafkaConf(options, KafkaClientKind::kConsumer, {{"linger.ms", "5"}});
  ASSERT_TRUE(producer.has_value() && consumer.has_value());
  EXPECT_EQ(Get(*producer, "linger.ms"), "50");
  EXPECT_EQ(Get(*consumer, "linger.ms"), "5");
}

TEST(KafkaConfigTest, APropertyWithoutAKeyIsRefusedWithItsKeyButNotItsValue) {
  for (const char* bad : {"fetch.wait.max.ms", "producer."}) {
    auto conf = MakeKafkaConf(WithProperties({bad}), KafkaClientKind::kConsumer, {});
    ASSERT_FALSE(conf.has_value()) << bad;
    EXPECT_TRUE(conf.error().IsInvalidArgument()) << bad;
    EXPECT_NE(conf.error().message().find(bad), std::string::npos) << conf.error().message();
  }
  for (const char* bad : {"=Hunter2", "consumer.=Hunter2"}) {
    auto conf = MakeKafkaConf(WithProperties({bad}), KafkaClientKind::kConsumer, {});
    ASSERT_FALSE(conf.has_value()) << bad;
    EXPECT_TRUE(conf.error().IsInvalidArgument()) << bad;
    EXPECT_EQ(conf.error().message().find("Hunter2"), std::string::npos) << conf.error().message();
  }
}

TEST(KafkaConfigTest, AScopedPropertyLibrdkafkaRefusesIsAnErrorForEveryKindOfClient) {
  for (const char* bad : {"producer.no.such.property=1", "consumer.fetch.wait.max.ms=soon"}) {
    const std::string key = std::string(bad).substr(0, std::string(bad).find('='));
    for (const auto kind : {KafkaClientKind::kConsumer, KafkaClientKind::kProducer}) {
      auto conf = MakeKafkaConf(WithProperties({bad}), kind, {});
      ASSERT_FALSE(conf.has_value()) << bad;
      EXPECT_NE(conf.error().message().find("kafka property " + key + ": "), std::string::npos)
          << conf.error().message();
      EXPECT_EQ(conf.error().message().find(bad), std::string::npos) << conf.error().message();
    }
  }
}

// A misspelt or refused property may hold a password whatever its key looks like: the error
// names the key and librdkafka's reason, never the value.
TEST(KafkaConfigTest, ARefusedPropertyNeverShowsItsValue) {
  const std::pair<const char*, const char*> cases[] = {
      {"sasl.passwrd=Hunter2-TOPSECRET", "Hunter2-TOPSECRET"},
      {"consumer.sasl.passwod=CLIPASS", "CLIPASS"},
      {"sasl.jaas.config=x password=hunter2", "hunter2"},
      {"security.protocol=hunter3", "hunter3"},      // librdkafka quotes an invalid value
      {"sasl.mechanisms=PLAIN hunter4", "hunter4"},  // or appends it
      {"security.protocol=protocol", "protocol"},    // a value inside the key's own name
      {"debug=hunter2,all", "hunter2"},              // or quotes a part of it
  };
  for (const auto& [property, secret] : cases) {
    const std::string text(property);
    const std::string key = text.substr(0, text.find('='));
    for (const auto kind : {KafkaClientKind::kConsumer, KafkaClientKind::kProducer}) {
      auto conf = MakeKafkaConf(WithProperties({property}), kind, {});
      ASSERT_FALSE(conf.has_value()) << property;
      const std::string message = conf.error().message();
      EXPECT_TRUE(message.starts_with("kafka property " + key + ": ")) << message;
      std::string without_key = message;
      for (size_t at = without_key.find(key); at != std::string::npos; at = without_key.find(key)) {
        without_key.erase(at, key.size());
      }
      EXPECT_EQ(without_key.find(secret), std::string::npos) << message;
    }
  }
}

// A one-letter value is in half the words of any reason: cutting it out would mangle them all.
TEST(KafkaConfigTest, AReasonHoldingTheValueIsLeftOutWholeNotCutApart) {
  auto conf =
      MakeKafkaConf(WithProperties({"security.protocol=s"}), KafkaClientKind::kConsumer, {});
  ASSERT_FALSE(conf.has_value());
  EXPECT_EQ(conf.error().message(),
            "kafka property security.protocol: (librdkafka's reason not shown: it contains the "
            "value)");
}

TEST(KafkaConfigTest, AReasonWithoutTheValueIsShownWhole) {
  auto conf = MakeKafkaConf(WithProperties({"consumer.no.such.property=1"}),
                            KafkaClientKind::kConsumer, {});
  ASSERT_FALSE(conf.has_value());
  EXPECT_EQ(conf.error().message(),
            "kafka property consumer.no.such.property: No such configuration property: "
            "\"no.such.property\"");
}

TEST(KafkaConfigTest, WhatLibrdkafkaQuotesOfAValueIsMaskedAndTheKeyIsNot) {
  auto conf = MakeKafkaConf(WithProperties({"debug=hunter2,all"}), KafkaClientKind::kConsumer, {});
  ASSERT_FALSE(conf.has_value());
  EXPECT_EQ(conf.error().message(),
            "kafka property debug: Invalid value \"*****\" for configuration property \"debug\"");
}

TEST(KafkaConfigTest, AnIntegerBeyondLibrdkafkasIntIsRefusedNotWrapped) {
  // 4294967396 is 2^32 + 100: librdkafka would keep 100, which is in range.
  for (const char* property :
       {"socket.timeout.ms=4294967396", "socket.timeout.ms=99999999999",
        "socket.timeout.ms=-99999999999", "consumer.fetch.max.bytes=2147483648"}) {
    auto conf = MakeKafkaConf(WithProperties({property}), KafkaClientKind::kConsumer, {});
    ASSERT_FALSE(conf.has_value()) << property;
    EXPECT_NE(conf.error().message().find("beyond the integers librdkafka takes"),
              std::string::npos)
        << conf.error().message();
  }
  // The largest int, and a string property that holds a long number, are taken as they are.
  auto conf = MakeKafkaConf(WithProperties({"client.id=99999999999", "fetch.max.bytes=2147483135"}),
                            KafkaClientKind::kConsumer, {});
  ASSERT_TRUE(conf.has_value()) << conf.error().message();
  EXPECT_EQ(Get(*conf, "client.id"), "99999999999");
}

TEST(KafkaConfigTest, AValueMayHoldEqualsSigns) {
  auto consumer =
      MakeKafkaConf(WithProperties({"consumer.client.id=a=b"}), KafkaClientKind::kConsumer, {});
  ASSERT_TRUE(consumer.has_value());
  EXPECT_EQ(Get(*consumer, "client.id"), "a=b");
}

TEST(KafkaConfigTest, StatisticsStayOnBecauseReachabilityNeedsThem) {
  for (const char* off : {"statistics.interval.ms=0", "consumer.statistics.interval.ms=0"}) {
    auto conf = MakeKafkaConf(WithProperties({off}), KafkaClientKind::kConsumer, {});
    ASSERT_FALSE(conf.has_value()) << off;
    EXPECT_NE(conf.error().message().find("reachable"), std::string::npos)
        << conf.error().message();
  }
  auto conf = MakeKafkaConf(WithProperties({}), KafkaClientKind::kProducer, {});
  ASSERT_TRUE(conf.has_value());
  EXPECT_EQ(Get(*conf, "statistics.interval.ms"), "1000");
}

TEST(KafkaConfigTest, CommitsRefusedDuringARebalanceAreToldApartFromOtherFailures) {
  EXPECT_TRUE(CommitFailedInRebalance(
      "COMMITFAIL",
      "[thrd:main]: Offset commit (manual) failed for 2/2 partition(s) in join-state steady: "
      "Broker: Group rebalance in progress: headwire.articles.raw[2]@14317(Broker: Group "
      "rebalance in progress)"));
  EXPECT_TRUE(CommitFailedInRebalance(
      "COMMITFAIL",
      std::string("[thrd:main]: Offset commit (manual) failed for 1/1 partition(s): ") +
          rd_kafka_err2str(RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION)));
  EXPECT_FALSE(CommitFailedInRebalance(
      "COMMITFAIL",
      std::string("[thrd:main]: Offset commit (manual) failed for 1/1 partition(s): ") +
          rd_kafka_err2str(RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE)));
  EXPECT_FALSE(CommitFailedInRebalance("CGRP", "Group rebalance in progress"));
}

}  // namespace
}  // namespace headwire::common
