// The feed daemon against a cpp-httplib server on 127.0.0.1 and a mock Kafka cluster, one poll
// per run (`once`): every poll opens the state again, as a restart does.

#include "producers/feed_poller.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include "common/mock_cluster.h"
#include "common/shutdown.h"
#include "common/topic_reader.h"
#include "headwire/v1/article.pb.h"
#include "producers/feed_state.h"
#include "tests/common/exit_saying.h"
#include "tests/common/loopback_server.h"
#include "tests/common/test_dir.h"

namespace headwire::producers {
namespace {

using headwire::testing::ExitSaying;

constexpr const char* kTopic = "headwire.articles.raw";
constexpr std::string_view kSharedWarning = "msg=\"new feed items share a link";

// A status page's feed: every incident links to the page, none has a GUID.
std::string StatusPage(const std::vector<std::string>& incidents) {
  std::string rss = "<rss version=\"2.0\"><channel><title>Status</title>";
  for (const std::string& title : incidents) {
    rss += "<item><title>" + title + "</title><link>https://status.example.com/</link></item>";
  }
  return rss + "</channel></rss>";
}

size_t Occurrences(std::string_view text, std::string_view part) {
  size_t count = 0;
  for (size_t at = text.find(part); at != std::string_view::npos; at = text.find(part, at + 1)) {
    ++count;
  }
  return count;
}

class FeedPollerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cluster = common::MockCluster::Start({.topics = {{.name = kTopic, .partitions = 1}}});
    ASSERT_TRUE(cluster.has_value()) << cluster.error().ToString();
    cluster_ = std::move(*cluster);
    server_.Get("/status.xml",
                [this](const httplib::Request& request, httplib::Response& response) {
                  const std::lock_guard lock(mutex_);
                  validators_sent_.push_back(request.get_header_value("If-None-Match"));
                  response.set_header("ETag", "\"v1\"");
                  response.set_content(document_, "application/rss+xml; charset=utf-8");
                });
    // The first of two feeds answers only once the second was polled (or, should that never
    // happen, after 20 s: then `first_held_` stays false and the test fails instead of hanging).
    server_.Get("/first.xml", [this](const httplib::Request&, httplib::Response& response) {
      std::unique_lock lock(mutex_);
      first_held_ = second_polled_.wait_for(lock, std::chrono::seconds(20),
                                            [this] { return second_was_polled_; });
      response.set_content(first_document_, "application/rss+xml");
    });
    server_.Get("/second.xml", [this](const httplib::Request&, httplib::Response& response) {
      const std::lock_guard lock(mutex_);
      response.set_content(second_document_, "application/rss+xml");
    });
    port_ = serving_.Start(server_);
    ASSERT_GT(port_, 0);
  }

  // Before the members the handlers use go.
  void TearDown() override {
    SecondPolled();
    serving_.Stop();
  }

  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  std::string FeedUrl() const { return Url("/status.xml"); }

  // Lets /first.xml answer.
  void SecondPolled() {
    {
      const std::lock_guard lock(mutex_);
      second_was_polled_ = true;
    }
    second_polled_.notify_all();
  }

  // One poll, no dead letters, a fixed jitter.
  FeedPollerOptions Options() const {
    FeedPollerOptions options;
    options.kafka.bootstrap = cluster_->bootstrap();
    options.state_dir = dir_.string();
    options.dlq_topic = "";
    options.once = true;
    options.jitter_seed = 1;
    return options;
  }

  // Serves `incidents` and runs one poll; returns the log lines it wrote.
  std::string Poll(const std::vector<std::string>& incidents) {
    return PollDocument(StatusPage(incidents));
  }

  // Serves `document` (with the ETag "v1") and runs one poll; returns the log lines it wrote.
  std::string PollDocument(const std::string& document) {
    {
      const std::lock_guard lock(mutex_);
      document_ = document;
    }
    FeedList list;
    list.feeds.push_back({FeedUrl(), "", "", std::chrono::minutes(15)});
    const FeedPollerOptions options = Options();
    std::ostringstream log;
    const auto previous = spdlog::default_logger();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>(
        "feed-poller-test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log)));
    auto report = RunFeedPoller(list, options);
    spdlog::set_default_logger(previous);
    EXPECT_TRUE(report) << report.error().ToString();
    if (report) {
      EXPECT_EQ(report->polls_read, 1u);
    }
    return log.str();
  }

  // Each title on the raw topic, with how often it is there.
  std::map<std::string, int> Produced() {
    std::map<std::string, int> titles;
    common::KafkaOptions kafka;
    kafka.bootstrap = cluster_->bootstrap();
    auto read = common::ReadTopicToEnd(kafka, kTopic, [&](const common::Message& m) {
      v1::RawArticle raw;
      EXPECT_TRUE(raw.ParseFromArray(m.value().data(), static_cast<int>(m.value().size())));
      EXPECT_EQ(std::string(m.record().key), raw.id());
      ++titles[raw.title()];
    });
    EXPECT_TRUE(read.has_value()) << read.error().ToString();
    return titles;
  }

  // The titles on the raw topic, in topic order.
  std::vector<std::string> ProducedInOrder() {
    std::vector<std::string> titles;
    common::KafkaOptions kafka;
    kafka.bootstrap = cluster_->bootstrap();
    auto read = common::ReadTopicToEnd(kafka, kTopic, [&](const common::Message& m) {
      v1::RawArticle raw;
      EXPECT_TRUE(raw.ParseFromArray(m.value().data(), static_cast<int>(m.value().size())));
      titles.push_back(raw.title());
    });
    EXPECT_TRUE(read.has_value()) << read.error().ToString();
    return titles;
  }

  // In a process of its own (the signal's flag is process-wide and stays set): runs one poll of
  // `list` against brokers that refuse every output, with room for one in the producer's queue and
  // message.timeout.ms 0, so that the second output waits for room for good; sends the process
  // SIGTERM at the first log line `stop_at` accepts, and says what the run did and left in the
  // state, for the tests below to read.
  [[noreturn]] void StopWhileWaitingForRoom(const FeedList& list,
                                            std::function<bool(const std::string&)> stop_at);

  const testing::TestDir dir_{"feed_poller_test"};
  std::unique_ptr<common::MockCluster> cluster_;
  httplib::Server server_;
  testing::LoopbackServing serving_;
  int port_ = 0;
  std::mutex mutex_;
  std::string document_;
  std::vector<std::string> validators_sent_;  // each request's If-None-Match ("" for none)
  std::string first_document_;
  std::string second_document_;
  std::condition_variable second_polled_;
  bool second_was_polled_ = false;
  bool first_held_ = false;  // /first.xml answered because the second feed was polled
};

// Passes each log line on, and calls `on_line` with it (outside the sink's lock).
class WatchingSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit WatchingSink(std::function<void(const std::string&)> on_line)
      : on_line_(std::move(on_line)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    on_line_(std::string(message.payload.data(), message.payload.size()));
  }
  void flush_() override {}

 private:
  std::function<void(const std::string&)> on_line_;
};

void FeedPollerTest::StopWhileWaitingForRoom(const FeedList& list,
                                             std::function<bool(const std::string&)> stop_at) {
  common::InstallShutdownHandlers();
  auto refuse = common::ParseBrokerControl("errors Produce 100000 NOT_ENOUGH_REPLICAS");
  if (!refuse) ExitSaying("setup: " + refuse.error().ToString());
  if (Status s = cluster_->Apply(*refuse); !s.ok()) ExitSaying("setup: " + s.ToString());
  FeedPollerOptions options = Options();
  options.dlq_topic = "headwire.dlq";
  options.kafka.properties = {"producer.queue.buffering.max.messages=1",
                              "producer.message.timeout.ms=0"};
  std::atomic<int> warned{0};
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "feed-poller-test", std::make_shared<WatchingSink>([&](const std::string& line) {
        if (stop_at(line)) std::raise(SIGTERM);
        if (line.starts_with("msg=\"stopped while an output waited for room")) ++warned;
      })));
  // A bound that only turns a run that never ends into a failure instead of a hang.
  std::thread([] {
    std::this_thread::sleep_for(std::chrono::seconds(60));
    ExitSaying("the poll did not end after SIGTERM");
  }).detach();

  auto report = RunFeedPoller(list, options);
  if (!report) ExitSaying("ended: " + report.error().ToString());
  auto state = FeedState::OpenForQueries(dir_.string());
  if (!state) ExitSaying("state: " + state.error().ToString());
  auto records = (*state)->LoadRecords();
  if (!records) ExitSaying("state: " + records.error().ToString());
  const std::string outcome = "ended: status=OK polls=" + std::to_string(report->polls) +
                              " produced=" + std::to_string(report->produced) +
                              " dead_letters=" + std::to_string(report->dead_letters) +
                              " records=" + std::to_string(records->size()) +
                              " warned=" + std::to_string(warned);
  state->reset();
  // The child's own state directory: _Exit runs no destructor to remove it.
  std::error_code ignored;
  std::filesystem::remove_all(dir_.path(), ignored);
  ExitSaying(outcome);
}

// SIGTERM, SIGINT or SIGHUP must stop the feed daemon while an item waits for room in the
// producer's queue (brokers that take nothing, not yet given up on): that wait may last as long as
// message.timeout.ms, forever with 0, and an operator would have to kill it. The stop is a clean
// one, with a warning, and the cycle is left undone: nothing of it is written to the state (no
// item marked seen, no validator kept), so the next start fetches and produces it again and no
// item is lost; the report counts nothing of it.
TEST_F(FeedPollerTest, AStopWhileAnItemWaitsForRoomInTheQueueEndsTheCycleCleanlyAndWritesNoState) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  {
    const std::lock_guard lock(mutex_);
    document_ = StatusPage({"Incident A", "Incident B"});
  }
  FeedList list;
  list.feeds.push_back({FeedUrl(), "", "", std::chrono::minutes(15)});
  // Read, not yet produced: the stop comes before the second item's wait, whenever that begins.
  EXPECT_EXIT(
      StopWhileWaitingForRoom(
          list, [](const std::string& line) { return line.starts_with("msg=\"feed polled\""); }),
      ::testing::ExitedWithCode(0),
      "ended: status=OK polls=0 produced=0 dead_letters=0 records=0 warned=1");
}

// A dead letter (a body that is not a feed) waits for room in the producer's queue as an item
// does, and a stop ends that wait the same way: cleanly, with the warning, and with the cycle
// undone, nothing of it written to the state (no feed's failure, no letter's digest), so that the
// next start fetches the feeds again and letters them then; the report counts nothing of it.
TEST_F(FeedPollerTest,
       AStopWhileADeadLetterWaitsForRoomInTheQueueEndsTheCycleCleanlyAndWritesNoState) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  {
    const std::lock_guard lock(mutex_);
    document_ = "<html><body><p>Status: all systems go</p></body></html>";
    second_document_ = "<html><body><p>Down for maintenance</p></body></html>";
  }
  FeedList list;
  list.feeds.push_back({FeedUrl(), "", "", std::chrono::minutes(15)});
  list.feeds.push_back({Url("/second.xml"), "", "", std::chrono::minutes(15)});
  // Both read, their letters not yet produced: the stop comes before the second letter's wait.
  int not_feeds = 0;
  EXPECT_EXIT(StopWhileWaitingForRoom(list,
                                      [&](const std::string& line) {
                                        return line.starts_with("msg=\"not a feed\"") &&
                                               ++not_feeds == 2;
                                      }),
              ::testing::ExitedWithCode(0),
              "ended: status=OK polls=0 produced=0 dead_letters=0 records=0 warned=1");
}

// Incidents listed one at a time, then together, then one at a time again, each poll a restart:
// every incident reaches the topic once, and the warning about items that share a link is
// written only by the polls that produced such an item.
TEST_F(FeedPollerTest, EveryIncidentOfAStatusPageIsProducedOnceAcrossPollsAndRestarts) {
  EXPECT_EQ(Occurrences(Poll({"Incident A"}), kSharedWarning), 0u);
  EXPECT_EQ(Occurrences(Poll({"Incident B"}), kSharedWarning), 1u);
  EXPECT_EQ(Occurrences(Poll({"Incident B"}), kSharedWarning), 0u);
  EXPECT_EQ(Occurrences(Poll({"Incident C", "Incident B", "Incident A"}), kSharedWarning), 1u);
  EXPECT_EQ(Occurrences(Poll({"Incident C", "Incident B", "Incident A"}), kSharedWarning), 0u);
  EXPECT_EQ(Occurrences(Poll({"Incident A"}), kSharedWarning), 0u);
  EXPECT_EQ(Occurrences(Poll({"Incident D"}), kSharedWarning), 1u);
  EXPECT_EQ(Produced(),
            (std::map<std::string, int>{
                {"Incident A", 1}, {"Incident B", 1}, {"Incident C", 1}, {"Incident D", 1}}));
}

// A document cut short (a server that closes mid-body, without a Content-Length) parses with
// damage, and the items after the cut are missing: its validators must not be kept, or the next
// polls would be answered 304 and never read them. A whole document's validators are kept.
TEST_F(FeedPollerTest, ADamagedDocumentsValidatorsAreNotKeptSoTheNextPollReadsItWhole) {
  const std::string whole = StatusPage({"Incident A", "Incident B"});
  PollDocument(whole.substr(0, whole.find("Incident B") + 5));
  PollDocument(whole);
  PollDocument(whole);
  EXPECT_EQ(validators_sent_, (std::vector<std::string>{"", "", "\"v1\""}));
  EXPECT_EQ(Produced().count("Incident B"), 1u);
}

// A document read without items whose elements named as items are in a namespace that is not
// read is not an empty feed: each poll of it warns, and the feed's record keeps the warning for
// `feed status` until a poll reads a document of the feed without it.
TEST_F(FeedPollerTest, AFeedWhoseOnlyItemsAreInAnotherNamespaceIsWarnedAboutAndRecordedSo) {
  const auto warning = [this] {
    auto state = FeedState::OpenForQueries(dir_.string());
    EXPECT_TRUE(state) << state.error().ToString();
    auto records = (*state)->LoadRecords();
    EXPECT_TRUE(records) << records.error().ToString();
    return records->at(FeedUrl()).warning;
  };
  const std::string log =
      PollDocument(R"(<rss version="2.0" xmlns:x="urn:other"><channel><title>S</title>)"
                   R"(<x:item><x:title>A</x:title></x:item><x:item><x:title>B</x:title></x:item>)"
                   R"(</channel></rss>)");
  EXPECT_NE(log.find("msg=\"feed read no item; its elements named as items are in another "
                     "namespace\" feed=\"" +
                     FeedUrl() + "\" elements=2 namespace=\"urn:other\""),
            std::string::npos)
      << log;
  EXPECT_EQ(warning(),
            "no item read: 2 <item> elements are in the namespace \"urn:other\", not rss's");
  PollDocument(StatusPage({"Incident A"}));
  EXPECT_EQ(warning(), "");
}

// A feed the address policy refuses is a failed poll as an unreachable one is: counted, kept as
// the feed's last error, and backed off (polled again after twice its interval, not at once).
TEST_F(FeedPollerTest, AFeedTheAddressPolicyRefusesIsAFailedPollAndIsBackedOff) {
  FeedList list;
  list.fetch.private_addresses = PrivateAddresses::kNone;
  list.feeds.push_back({FeedUrl(), "", "", std::chrono::minutes(15)});
  auto report = RunFeedPoller(list, Options());
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->polls, 1u);
  EXPECT_EQ(report->polls_failed, 1u);
  EXPECT_EQ(report->polls_read, 0u);
  auto state = FeedState::OpenForQueries(dir_.string());
  ASSERT_TRUE(state) << state.error().ToString();
  auto records = (*state)->LoadRecords();
  ASSERT_TRUE(records) << records.error().ToString();
  ASSERT_EQ(records->count(FeedUrl()), 1u);
  const FeedRecord& record = records->at(FeedUrl());
  EXPECT_EQ(record.consecutive_failures, 1u);
  EXPECT_TRUE(record.last_error.starts_with("refused to connect to 127.0.0.1: loopback address"))
      << record.last_error;
  // Twice 15 minutes, scaled by a jitter factor of at least 0.9.
  EXPECT_GE(record.next_poll_ms - record.last_poll_ms,
            std::chrono::milliseconds(std::chrono::minutes(27)).count());
  EXPECT_TRUE(validators_sent_.empty());
}

// The first-listed feed answers only after the second was parsed and judged: the items still
// go out as if both had answered at once, oldest first, equal times in feed-list then document
// order.
TEST_F(FeedPollerTest, TheProduceOrderDoesNotDependOnWhichFeedAnsweredFirst) {
  const auto item = [](const std::string& title, const std::string& date) {
    return "<item><title>" + title + "</title><guid>urn:" + title + "</guid><pubDate>" + date +
           "</pubDate></item>";
  };
  const std::string noon = "Wed, 02 Dec 2026 12:00:00 GMT";
  const std::string eleven = "Wed, 02 Dec 2026 11:00:00 GMT";
  {
    const std::lock_guard lock(mutex_);
    first_document_ = "<rss version=\"2.0\"><channel><title>First</title>" + item("first 1", noon) +
                      item("first 2", noon) + "</channel></rss>";
    second_document_ = "<rss version=\"2.0\"><channel><title>Second</title>" +
                       item("second 1", noon) + item("second 0", eleven) + "</channel></rss>";
  }
  FeedList list;
  list.feeds.push_back({Url("/first.xml"), "", "", std::chrono::minutes(15)});
  list.feeds.push_back({Url("/second.xml"), "", "", std::chrono::minutes(15)});
  const std::string second_polled = "\"feed polled\" feed=\"" + Url("/second.xml") + "\"";
  const auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "feed-poller-test", std::make_shared<WatchingSink>([&](const std::string& line) {
        if (line.find(second_polled) != std::string::npos) SecondPolled();
      })));
  auto report = RunFeedPoller(list, Options());
  spdlog::set_default_logger(previous);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->polls_read, 2u);
  {
    const std::lock_guard lock(mutex_);
    EXPECT_TRUE(first_held_) << "the first feed answered before the second was polled";
  }
  EXPECT_EQ(ProducedInOrder(),
            (std::vector<std::string>{"second 0", "first 1", "first 2", "second 1"}));
}

// A document cut off inside an item holds only the start of that item's title: the item is not
// produced as if whole, but warned about, and produced whole from the next poll's document.
TEST_F(FeedPollerTest, AnItemTheDocumentEndsInsideIsWarnedAboutAndNotProduced) {
  const std::string whole = StatusPage({"Incident A", "Incident B"});
  const std::string log = PollDocument(whole.substr(0, whole.find("Incident B") + 5));
  EXPECT_EQ(Occurrences(log, "msg=\"feed items cut off by the end of the document not produced\""),
            1u)
      << log;
  EXPECT_EQ(Produced(), (std::map<std::string, int>{{"Incident A", 1}}));
  PollDocument(whole);
  EXPECT_EQ(Produced(), (std::map<std::string, int>{{"Incident A", 1}, {"Incident B", 1}}));
}

// Markup the parser reads by a guess is warned about with what was guessed, each poll that reads
// it, and costs the document neither its items nor its validators (the same bytes guess alike).
TEST_F(FeedPollerTest, AGuessedReadingIsWarnedAboutWithItsNoteAndKeepsTheValidators) {
  const std::string guessed =
      "<rss version=\"2.0\"><channel><title>Status</title><item><title>Incident A</title>"
      "<link>https://status.example.com/a</link><enclosure url=https://status.example.com/a.png/>"
      "</item></channel></rss>";
  const std::string log = PollDocument(guessed);
  EXPECT_EQ(Occurrences(log, "msg=\"feed markup that reads two ways was read by a guess\""), 1u)
      << log;
  EXPECT_EQ(Occurrences(log, "guesses=1 "), 1u) << log;
  EXPECT_EQ(Occurrences(log,
                        "<enclosure url=https://status.example.com/a.png/>: the '/' before "
                        "'>' read as closing the tag, not as the URL's"),
            1u)
      << log;
  PollDocument(guessed);
  EXPECT_EQ(validators_sent_, (std::vector<std::string>{"", "\"v1\""}));
  EXPECT_EQ(Produced(), (std::map<std::string, int>{{"Incident A", 1}}));
}

}  // namespace
}  // namespace headwire::producers
