#include "common/partition_handover.h"

#include <gtest/gtest.h>

#include <string>

#include "headwire/v1/article.pb.h"

namespace headwire::common {
namespace {

// A consumed view of `record`, as the handover topic's reader passes it.
ConsumedRecord Consumed(const OutputRecord& record) {
  ConsumedRecord consumed;
  consumed.topic = record.topic;
  consumed.key = record.key;
  consumed.value = record.value;
  for (const auto& header : record.headers) {
    if (header.name == kTypeHeader) consumed.type = header.value;
  }
  return consumed;
}

const TopicPartition kRaw0{"headwire.articles.raw", 0};
const TopicPartition kRaw1{"headwire.articles.raw", 1};

TEST(PartitionHandoverTest, TheRecordIsAPartitionHandoverKeyedByGroupTopicAndPartition) {
  const OutputRecord record = HandoverRecord("handover", "a/b", kRaw1, 42);
  EXPECT_EQ(record.topic, "handover");
  EXPECT_EQ(record.key, "a/b/headwire.articles.raw/1");
  v1::PartitionHandover handover;
  ASSERT_TRUE(handover.ParseFromString(record.value));
  EXPECT_EQ(handover.group(), "a/b");
  EXPECT_EQ(handover.topic(), "headwire.articles.raw");
  EXPECT_EQ(handover.partition(), 1);
  EXPECT_EQ(handover.next_offset(), 42);
}

TEST(PartitionHandoverTest, TheHighestNextOffsetOfAPartitionCountsWhateverTheOrderOfTheRecords) {
  HandoverTable table("process");
  for (const int64_t next : {300, 700, 500}) {
    table.Add(Consumed(HandoverRecord("handover", "process", kRaw0, next)));
  }
  table.Add(Consumed(HandoverRecord("handover", "process", kRaw1, 20)));
  EXPECT_EQ(table.NextOffset(kRaw0), 700);
  EXPECT_EQ(table.NextOffset(kRaw1), 20);
  EXPECT_EQ(table.NextOffset({"headwire.articles.raw", 2}), std::nullopt);
}

TEST(PartitionHandoverTest, AnotherGroupsHandoversAreNotTaken) {
  HandoverTable table("process");
  table.Add(Consumed(HandoverRecord("handover", "process-eu", kRaw0, 900)));
  table.Add(Consumed(HandoverRecord("handover", "process", kRaw0, 100)));
  EXPECT_EQ(table.NextOffset(kRaw0), 100);
  EXPECT_EQ(table.undecodable(), 0u);
}

TEST(PartitionHandoverTest, ARecordThatIsNoHandoverIsCountedAndChangesNothing) {
  HandoverTable table("process");
  OutputRecord foreign = HandoverRecord("handover", "process", kRaw0, 900);
  foreign.headers.clear();  // a foreign producer's record of the same bytes, without the type
  table.Add(Consumed(foreign));
  OutputRecord garbled = HandoverRecord("handover", "process", kRaw0, 900);
  garbled.value = "\xff\xff\xff";
  table.Add(Consumed(garbled));
  EXPECT_EQ(table.NextOffset(kRaw0), std::nullopt);
  EXPECT_EQ(table.undecodable(), 2u);
}

TEST(PartitionHandoverTest, TheOutputEndIsTheHigherOfTheCommittedAndTheHandedOverOffset) {
  EXPECT_EQ((GroupOffset{.committed = 5, .handed_over = 9}).OutputEnd(), 9);
  EXPECT_EQ((GroupOffset{.committed = 9, .handed_over = 5}).OutputEnd(), 9);
  EXPECT_EQ((GroupOffset{.committed = std::nullopt, .handed_over = 5}).OutputEnd(), 5);
  EXPECT_EQ((GroupOffset{.committed = 5}).OutputEnd(), 5);
  EXPECT_EQ(GroupOffset{}.OutputEnd(), std::nullopt);
}

}  // namespace
}  // namespace headwire::common
