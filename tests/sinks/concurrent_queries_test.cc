// Queries beside the sink's writer: readers (direct and over HTTP, many clients at once) while
// one thread commits batches. Each reader must see whole batches only (one snapshot per
// query), counts that never move back, and the final state once the writer is done. Run under
// ThreadSanitizer by scripts/tsan.sh.

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "common/http_address.h"
#include "sinks/article_store.h"
#include "sinks/http_server.h"
#include "tests/common/test_dir.h"

namespace headwire::sinks {
namespace {

constexpr int64_t kT0 = 1772438400000;  // 2026-03-02T08:00:00Z
constexpr int kBatches = 40;
constexpr int kBatchArticles = 5;
constexpr uint64_t kTotal = kBatches * kBatchArticles;

v1::ProcessedArticle Make(int n) {
  v1::ProcessedArticle a;
  const std::string id = "a" + std::to_string(n);
  a.mutable_article()->set_id(id);
  a.mutable_article()->set_title("Title " + id);
  a.mutable_article()->set_published_at_ms(kT0 + n * 1000LL);
  a.add_topics("ai");
  a.set_story_id(id);
  a.mutable_processing()->mutable_source()->set_partition(0);
  a.mutable_processing()->mutable_source()->set_offset(n);
  return a;
}

class ConcurrentQueriesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = ArticleStore::Open(dir_.string(), false);
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
  }

  // What the writer and the readers share.
  struct Shared {
    std::atomic<uint64_t> committed{0};  // articles committed so far
    std::atomic<bool> done{false};       // the writer is done
    std::atomic<uint64_t> reads{0};      // answers the readers got
    std::atomic<int> readers{0};         // readers still reading
  };

  // Commits kBatches batches of kBatchArticles articles, in article order, on this thread,
  // publishing the committed count after each and waiting, while readers remain, until one more
  // read has been answered, so that reads and commits interleave; sets `done` at the end, also
  // after a failure, so that the readers always stop.
  void WriteAll(Shared& shared) {
    for (int b = 0; b < kBatches; ++b) {
      ArticleStore::Batch batch;
      for (int i = 0; i < kBatchArticles; ++i) {
        auto staged = store_->Stage(batch, Make(b * kBatchArticles + i), "processed/0");
        EXPECT_TRUE(staged.has_value()) << staged.error().ToString();
      }
      const int64_t next = (b + 1) * kBatchArticles;
      const Status s = store_->Commit(batch, {{{"processed", 0}, next}});
      EXPECT_TRUE(s.ok()) << s.ToString();
      if (!s.ok()) break;
      shared.committed = static_cast<uint64_t>(next);
      const uint64_t reads = shared.reads;
      while (shared.reads == reads && shared.readers > 0) std::this_thread::yield();
    }
    shared.done = true;
  }

  const testing::TestDir dir_{"headwire-concurrent-test"};
  std::unique_ptr<ArticleStore> store_;
};

TEST_F(ConcurrentQueriesTest, StoreQueriesSeeWholeBatchesWhileTheWriterCommits) {
  Shared shared;
  constexpr int kReaders = 3;
  shared.readers = kReaders;
  std::vector<std::thread> readers;
  std::atomic<int> failures{0};
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&] {
      uint64_t last = 0;
      bool final_read = false;
      while (!final_read) {
        final_read = shared.done;  // one more read after the writer is done
        const uint64_t at_least = shared.committed;
        auto counts = store_->Counts();
        auto latest = store_->Latest("ai", 3);
        if (!counts || !latest) {
          ++failures;
          break;
        }
        if (counts->articles % kBatchArticles != 0 || counts->articles < last ||
            counts->articles < at_least) {
          ++failures;
        }
        last = counts->articles;
        for (size_t i = 1; i < latest->size(); ++i) {
          if ((*latest)[i].article().published_at_ms() >=
              (*latest)[i - 1].article().published_at_ms()) {
            ++failures;
          }
        }
        ++shared.reads;
      }
      if (last != kTotal) ++failures;
      --shared.readers;
    });
  }
  WriteAll(shared);
  for (auto& reader : readers) reader.join();
  EXPECT_EQ(failures, 0);
  EXPECT_GE(shared.reads, static_cast<uint64_t>(kBatches));
  auto counts = store_->Counts();
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(counts->articles, kTotal);
}

TEST_F(ConcurrentQueriesTest, ManyHttpClientsAtOnceGetConsistentAnswersWhileTheSinkWrites) {
  Shared shared;
  HttpServerOptions options;
  options.address = "127.0.0.1:0";
  options.threads = 4;
  auto server = HttpServer::Start(options, *store_, [&shared] {
    return common::Json{{"consumed", shared.committed.load()}};
  });
  ASSERT_TRUE(server.has_value()) << server.error().ToString();
  auto bound = common::ParseHttpAddress((*server)->address());
  ASSERT_TRUE(bound.has_value());

  constexpr int kClients = 8;
  shared.readers = kClients;
  std::vector<std::thread> clients;
  std::atomic<int> failures{0};
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      httplib::Client client(bound->host, bound->port);
      client.set_read_timeout(30);
      uint64_t last = 0;
      bool final_read = false;
      while (!final_read) {
        final_read = shared.done;
        // Half the clients read the status, the others the latest articles.
        if (c % 2 == 0) {
          auto res = client.Get("/v1/status");
          if (!res || res->status != 200) {
            ++failures;
            break;
          }
          const auto body = common::Json::parse(res->body);
          const uint64_t articles = body["store"]["articles"].get<uint64_t>();
          if (articles % kBatchArticles != 0 || articles < last ||
              body["consumed"].get<uint64_t>() > kTotal) {
            ++failures;
          }
          last = articles;
        } else {
          auto res = client.Get("/v1/latest?topic=ai&limit=4");
          if (!res || res->status != 200) {
            ++failures;
            break;
          }
          const auto items = common::Json::parse(res->body)["items"];
          const uint64_t newest =
              items.empty() ? 0 : std::stoull(items[0]["id"].get<std::string>().substr(1)) + 1;
          if (items.size() > 4 || newest % kBatchArticles != 0 || newest < last) ++failures;
          last = newest;
        }
        ++shared.reads;
      }
      if (last != kTotal) ++failures;
      --shared.readers;
    });
  }
  WriteAll(shared);
  for (auto& client : clients) client.join();
  EXPECT_EQ(failures, 0);
  EXPECT_GE(shared.reads, static_cast<uint64_t>(kBatches));
}

}  // namespace
}  // namespace headwire::sinks
