#include "processors/ordered_decider.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "headwire/v1/article.pb.h"
#include "tests/common/numbered_id.h"
#include "tests/common/test_dir.h"
#include "tests/processors/raw_inputs.h"

namespace headwire::processors {
namespace {

using test_support::kEventTime;
using test_support::RawArticleBytes;
using test_support::RulesOnly;

constexpr size_t kMaxMessageBytes = 20'000;

// One raw record as the consumer hands it over, owning its bytes.
struct Input {
  int32_t partition = 0;
  int64_t offset = 0;
  std::string value = {};
  std::string type = "headwire.v1.RawArticle";
  ArticleDecider::Emit emit = ArticleDecider::Emit::kYes;

  common::ConsumedRecord record() const {
    return test_support::RawRecord(value, partition, offset, type);
  }
};

// Two partitions of headlines with every kind of decision: unique articles, stories, exact
// duplicates (same URL), near duplicates (a wire tag added), invalid articles (no title),
// undecodable values, another record type, articles too large for the producer, and records
// decided without output as a fail-over catch-up does.
std::vector<Input> Stream() {
  const std::vector<std::string> headlines = {
      "NASA launches new Mars rover on Atlas V rocket",
      "Storm closes mountain pass for a week",
      "Central bank raises interest rates by half a point",
      "Striker scores twice as United beat City in derby",
      "Chipmaker unveils faster processor for data centres",
      "Earthquake of magnitude 6.1 shakes northern Japan",
      "Parliament passes budget after all-night session",
      "Oil prices fall as inventories rise for third week",
  };
  const std::vector<std::string> places = {"Lagos", "Lima",  "Oslo",    "Perth", "Quito",
                                           "Riga",  "Seoul", "Tbilisi", "Turin", "Accra",
                                           "Hanoi", "Dakar", "Bergen"};
  auto title = [&](int i) {
    return headlines[static_cast<size_t>(i * 7 % 8)] + " in " + places[static_cast<size_t>(i % 13)];
  };
  std::vector<Input> inputs;
  std::map<int32_t, int64_t> next;
  for (int i = 0; i < 240; ++i) {
    const int32_t partition = i % 5 == 0 ? 1 : 0;
    Input in{.partition = partition, .offset = next[partition]++};
    const std::string id = headwire::testing::NumberedId("a", static_cast<size_t>(i));
    const std::string url = "https://example.com/" + id;
    const int64_t t = kEventTime + i * 60'000;
    switch (i % 11) {
      case 3:  // exact duplicate: the URL of an earlier article, another title
        in.value =
            RawArticleBytes(id, title(i), "https://example.com/a" + std::to_string(i - 4), t);
        break;
      case 5:  // near duplicate of the one before (when on the same partition): a wire tag more
        in.value = RawArticleBytes(id, "UPDATE 1-" + title(i - 1), url, t);
        break;
      case 6:  // invalid: no title
        in.value = RawArticleBytes(id, "", url, t);
        break;
      case 7:
        in.value = "\xff\xff not protobuf";
        break;
      case 8:
        in.value = RawArticleBytes(id, title(i), url, t, 30'000);
        break;
      case 9:
        in.value = RawArticleBytes(id, title(i), url, t);
        in.type = "headwire.v1.Other";
        break;
      default:
        in.value = RawArticleBytes(id, title(i), url, t);
    }
    if (i < 30 && partition == 1) in.emit = ArticleDecider::Emit::kNo;
    inputs.push_back(std::move(in));
  }
  return inputs;
}

// What one decision amounts to, output bytes included.
struct Decided {
  int32_t partition = 0;
  int64_t offset = 0;
  ArticleDecision decision;

  friend bool operator==(const Decided&, const Decided&) = default;
};

Decided Of(const common::ConsumedRecord& record, ArticleDecision decision) {
  return {.partition = record.partition, .offset = record.offset, .decision = std::move(decision)};
}

class OrderedDeciderTest : public ::testing::Test {
 protected:
  std::unique_ptr<ArticleDecider> Open(const std::string& name) {
    ArticleDeciderOptions options;
    options.max_message_bytes = kMaxMessageBytes;
    auto decider = ArticleDecider::Open((root_.path() / name).string(), options, classifier_);
    EXPECT_TRUE(decider.has_value()) << decider.error().ToString();
    return decider ? std::move(*decider) : nullptr;
  }

  // The decisions of ArticleDecider::Decide, record by record on this thread.
  std::vector<Decided> OneByOne(const std::vector<Input>& inputs) {
    auto decider = Open("one-by-one");
    std::vector<Decided> out;
    for (const Input& in : inputs) {
      const common::ConsumedRecord record = in.record();
      auto decision = decider->Decide(record, in.emit);
      EXPECT_TRUE(decision.has_value()) << decision.error().ToString();
      out.push_back(Of(record, std::move(*decision)));
    }
    return out;
  }

  // The decisions through an OrderedDecider, finishing and committing a batch every `batch`
  // records as the processor's daemon does.
  std::vector<Decided> Ordered(const std::vector<Input>& inputs,
                               const OrderedDeciderOptions& options, size_t batch) {
    auto decider = Open("ordered-" + std::to_string(options.workers) + "-" +
                        std::to_string(options.capacity) + "-" + std::to_string(batch));
    OrderedDecider ordered(*decider, options);
    std::vector<Decided> out;
    const OrderedDecider::Decided collect = [&](const common::ConsumedRecord& record,
                                                ArticleDecider::Emit, ArticleDecision decision) {
      out.push_back(Of(record, std::move(decision)));
      return Status::Ok();
    };
    std::map<common::TopicPartition, int64_t> offsets;
    size_t in_batch = 0;
    for (const Input& in : inputs) {
      EXPECT_TRUE(ordered.Add(in.record(), in.emit, collect).ok());
      offsets[{"headwire.articles.raw", in.partition}] = in.offset + 1;
      if (++in_batch == batch) {
        EXPECT_TRUE(ordered.Finish(collect).ok());
        EXPECT_TRUE(decider->Commit(offsets).ok());
        in_batch = 0;
      }
    }
    EXPECT_TRUE(ordered.Finish(collect).ok());
    EXPECT_TRUE(decider->Commit(offsets).ok());
    return out;
  }

  const testing::TestDir root_{"headwire-ordered-decider-test"};
  core::TopicClassifier classifier_ = RulesOnly();
};

TEST_F(OrderedDeciderTest, TheStreamHasEveryKindOfDecision) {
  const std::vector<Decided> decided = OneByOne(Stream());
  std::map<std::string, int> kinds;
  for (const Decided& d : decided) {
    if (d.decision.kind == DecisionKind::kDeadLetter) {
      ++kinds[v1::DeadLetterReason_Name(d.decision.reason)];
    } else {
      ++kinds[std::string(core::DuplicateKindName(d.decision.duplicate_kind))];
    }
    if (d.decision.outputs.empty()) ++kinds["no output"];
  }
  for (const char* kind : {"unique", "same_url", "near", "DEAD_LETTER_REASON_MISSING_FIELD",
                           "DEAD_LETTER_REASON_UNDECODABLE", "DEAD_LETTER_REASON_UNKNOWN_SCHEMA",
                           "DEAD_LETTER_REASON_TOO_LARGE", "no output"}) {
    EXPECT_GT(kinds[kind], 0) << kind;
  }
}

TEST_F(OrderedDeciderTest, DecisionsAreThoseOfOneThreadWhateverTheWorkersAndBatches) {
  const std::vector<Input> inputs = Stream();
  const std::vector<Decided> expected = OneByOne(inputs);
  for (const size_t workers : {0, 1, 2, 4}) {
    for (const size_t capacity : {1, 5, 256}) {
      for (const size_t batch : {1, 7, 1000}) {
        SCOPED_TRACE("workers " + std::to_string(workers) + ", capacity " +
                     std::to_string(capacity) + ", batch " + std::to_string(batch));
        const std::vector<Decided> got =
            Ordered(inputs, {.workers = workers, .capacity = capacity}, batch);
        ASSERT_EQ(got.size(), expected.size());
        for (size_t i = 0; i < got.size(); ++i) {
          ASSERT_TRUE(got[i] == expected[i])
              << "record " << i << " (partition " << expected[i].partition << ", offset "
              << expected[i].offset << ") decided differently";
        }
      }
    }
  }
}

TEST_F(OrderedDeciderTest, AnErrorOfTheReceiverStopsAdding) {
  auto decider = Open("error");
  OrderedDecider ordered(*decider, {.workers = 2, .capacity = 4});
  int received = 0;
  const OrderedDecider::Decided refuse = [&](const common::ConsumedRecord&, ArticleDecider::Emit,
                                             ArticleDecision) {
    ++received;
    return Status::Unavailable("output refused");
  };
  const std::vector<Input> inputs = Stream();
  Status status = Status::Ok();
  for (size_t i = 0; i < 8 && status.ok(); ++i) {
    status = ordered.Add(inputs[i].record(), inputs[i].emit, refuse);
  }
  if (status.ok()) status = ordered.Finish(refuse);
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.message(), "output refused");
  EXPECT_EQ(received, 1);
}

}  // namespace
}  // namespace headwire::processors
