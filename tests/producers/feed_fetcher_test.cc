// The fetcher against a cpp-httplib server on 127.0.0.1 started by each test.

#include "producers/feed_fetcher.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "producers/feed_config.h"
#include "tests/common/loopback_server.h"

namespace headwire::producers {
namespace {

class FeedFetcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Get("/feed.xml", [this](const httplib::Request& request, httplib::Response& response) {
      agent_ = request.get_header_value("User-Agent");
      if (request.get_header_value("If-None-Match") == "\"v1\"") {
        response.status = 304;
        return;
      }
      response.set_header("ETag", "\"v1\"");
      response.set_header("Last-Modified", "Wed, 02 Dec 2026 10:00:00 GMT");
      response.set_content("<rss/>", "application/rss+xml; charset=utf-8");
    });
    server_.Get("/busy.xml", [this](const httplib::Request&, httplib::Response& response) {
      const int now = ++in_flight_;
      int seen = max_in_flight_.load();
      while (now > seen && !max_in_flight_.compare_exchange_weak(seen, now)) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(150));
      --in_flight_;
      response.set_content("<rss/>", "application/rss+xml");
    });
    // Answers once the test releases it (or, should that never happen, after 20 s: then `held_`
    // stays false and the test fails instead of hanging).
    server_.Get("/held.xml", [this](const httplib::Request&, httplib::Response& response) {
      std::unique_lock lock(mutex_);
      held_ =
          released_changed_.wait_for(lock, std::chrono::seconds(20), [this] { return released_; });
      response.set_content("<rss>held</rss>", "application/rss+xml");
    });
    // Redirects to /after-held once the test releases it (as /held.xml answers).
    server_.Get("/held-moved", [this](const httplib::Request&, httplib::Response& response) {
      std::unique_lock lock(mutex_);
      released_changed_.wait_for(lock, std::chrono::seconds(20), [this] { return released_; });
      response.set_redirect("/after-held");
    });
    server_.Get("/after-held", [this](const httplib::Request&, httplib::Response& response) {
      {
        const std::lock_guard lock(mutex_);
        after_held_asked_ = true;
      }
      released_changed_.notify_all();
      response.set_content("<rss>after</rss>", "application/rss+xml");
    });
    server_.Get("/counted.xml", [this](const httplib::Request&, httplib::Response& response) {
      ++counted_asked_;
      response.set_content("<rss/>", "application/rss+xml");
    });
    server_.Get("/moved", [](const httplib::Request&, httplib::Response& response) {
      response.set_redirect("/feed.xml");
    });
    server_.Get("/loop", [](const httplib::Request&, httplib::Response& response) {
      response.set_redirect("/loop");
    });
    server_.Get("/gone", [](const httplib::Request&, httplib::Response& response) {
      response.status = 410;
    });
    // Answers 304 whatever the request asked, validators or none.
    server_.Get("/unchanged.xml", [](const httplib::Request&, httplib::Response& response) {
      response.status = 304;
    });
    server_.Get("/big.xml", [](const httplib::Request&, httplib::Response& response) {
      response.set_content(std::string(4096, 'x'), "application/rss+xml");
    });
    port_ = serving_.Start(server_);
    ASSERT_GT(port_, 0);
  }

  // Before the members the handlers use go.
  void TearDown() override {
    Release();
    serving_.Stop();
  }

  bool Held() {
    const std::lock_guard lock(mutex_);
    return held_;
  }

  // Lets /held.xml answer.
  void Release() {
    {
      const std::lock_guard lock(mutex_);
      released_ = true;
    }
    released_changed_.notify_all();
  }

  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  std::vector<FetchResult> Fetch(const std::vector<FetchRequest>& requests,
                                 const FetchOptions& options = {}) {
    auto fetcher = FeedFetcher::Create(options);
    EXPECT_TRUE(fetcher);
    return (*fetcher)->FetchAll(requests, [] { return false; });
  }

  httplib::Server server_;
  testing::LoopbackServing serving_;
  int port_ = 0;
  std::string agent_;
  std::atomic<int> in_flight_{0};
  std::atomic<int> max_in_flight_{0};
  std::mutex mutex_;
  std::condition_variable released_changed_;
  bool released_ = false;
  bool held_ = false;  // /held.xml answered because it was released
  bool after_held_asked_ = false;
  std::atomic<int> counted_asked_{0};
};

TEST_F(FeedFetcherTest, KeepsValidatorsAndAsksConditionally) {
  auto first = Fetch({{Url("/feed.xml"), "", ""}});
  ASSERT_TRUE(first[0].error.ok()) << first[0].error.ToString();
  EXPECT_EQ(first[0].http_status, 200);
  EXPECT_EQ(first[0].body, "<rss/>");
  EXPECT_EQ(first[0].etag, "\"v1\"");
  EXPECT_EQ(first[0].last_modified, "Wed, 02 Dec 2026 10:00:00 GMT");
  EXPECT_EQ(first[0].content_type, "application/rss+xml; charset=utf-8");
  EXPECT_TRUE(agent_.starts_with("headwire/")) << agent_;

  auto second = Fetch({{Url("/feed.xml"), first[0].etag, first[0].last_modified}});
  ASSERT_TRUE(second[0].error.ok());
  EXPECT_TRUE(second[0].not_modified);
  EXPECT_EQ(second[0].http_status, 304);
  EXPECT_TRUE(second[0].body.empty());
}

// A 304 says the validators the request sent still hold: to a request that sent none there is
// nothing it could be unmodified from, and the feed was not read.
TEST_F(FeedFetcherTest, A304ToARequestWithoutValidatorsIsAnError) {
  auto results = Fetch({{Url("/unchanged.xml"), "", ""},
                        {Url("/unchanged.xml"), "\"v1\"", ""},
                        {Url("/unchanged.xml"), "", "Wed, 02 Dec 2026 10:00:00 GMT"}});
  EXPECT_EQ(results[0].http_status, 304);
  EXPECT_FALSE(results[0].not_modified);
  EXPECT_EQ(results[0].error.code(), StatusCode::kIoError);
  EXPECT_EQ(results[0].error.message(),
            "HTTP status 304 (not modified) to a request without validators: there was nothing it "
            "could be unmodified from");
  for (size_t i : {1, 2}) {
    EXPECT_TRUE(results[i].error.ok()) << results[i].error.ToString();
    EXPECT_TRUE(results[i].not_modified);
  }
}

TEST_F(FeedFetcherTest, FollowsRedirectsUpToTheLimit) {
  FetchOptions options;
  options.max_redirects = 3;
  auto results = Fetch({{Url("/moved"), "", ""}, {Url("/loop"), "", ""}}, options);
  ASSERT_TRUE(results[0].error.ok()) << results[0].error.ToString();
  EXPECT_EQ(results[0].final_url, Url("/feed.xml"));
  EXPECT_EQ(results[0].body, "<rss/>");
  EXPECT_FALSE(results[1].error.ok());
}

TEST_F(FeedFetcherTest, HttpErrorsAndOversizedBodiesAreErrors) {
  FetchOptions options;
  options.max_bytes = 1000;
  auto results = Fetch({{Url("/gone"), "", ""}, {Url("/big.xml"), "", ""}}, options);
  EXPECT_EQ(results[0].http_status, 410);
  EXPECT_EQ(results[0].error.message(), "HTTP status 410");
  EXPECT_NE(results[1].error.message().find("larger than 1000 bytes"), std::string::npos)
      << results[1].error.ToString();
  EXPECT_TRUE(results[1].body.empty());
}

TEST_F(FeedFetcherTest, SilentServerTimesOut) {
  httplib::Server silent;
  const int port = silent.bind_to_any_port("127.0.0.1");  // accepts connections, never answers
  FetchOptions options;
  options.timeout = std::chrono::milliseconds(300);
  auto results = Fetch({{"http://127.0.0.1:" + std::to_string(port) + "/x", "", ""}}, options);
  EXPECT_EQ(results[0].error.code(), StatusCode::kTimedOut) << results[0].error.ToString();
  EXPECT_EQ(results[0].http_status, 0);
}

TEST_F(FeedFetcherTest, NeverMoreThanTheHostLimitAtOnce) {
  FetchOptions options;
  options.per_host_connections = 2;
  std::vector<FetchRequest> requests;
  for (int i = 0; i < 6; ++i) requests.push_back({Url("/busy.xml?" + std::to_string(i)), "", ""});
  auto results = Fetch(requests, options);
  for (const FetchResult& result : results) EXPECT_TRUE(result.error.ok());
  EXPECT_LE(max_in_flight_.load(), 2);
  EXPECT_GE(max_in_flight_.load(), 1);
}

// [defaults] max_connections of a feed list bounds the fetcher built from that list, below a
// host limit that would allow more.
TEST_F(FeedFetcherTest, TheFeedListsMaxConnectionsBoundsTheTransfersAtOnce) {
  auto list = ParseFeedList(
      "[defaults]\nper_host_connections = 4\nmax_connections = 1\n[[feed]]\nurl = \"" +
          Url("/busy.xml") + "\"\n",
      "feeds.toml");
  ASSERT_TRUE(list) << list.error().ToString();
  std::vector<FetchRequest> requests;
  for (int i = 0; i < 6; ++i) requests.push_back({Url("/busy.xml?" + std::to_string(i)), "", ""});
  auto results = Fetch(requests, list->fetch);
  for (const FetchResult& result : results) EXPECT_TRUE(result.error.ok());
  EXPECT_EQ(max_in_flight_.load(), 1);
}

// Ten feeds of one host, one connection at a time, 150 ms each: the last waits about 1.35 s for
// its turn, longer than the timeout, which counts only its own transfer.
TEST_F(FeedFetcherTest, TheWaitForTheHostsConnectionDoesNotCountAgainstTheTimeout) {
  FetchOptions options;
  options.per_host_connections = 1;
  options.timeout = std::chrono::milliseconds(1000);
  std::vector<FetchRequest> requests;
  for (int i = 0; i < 10; ++i) requests.push_back({Url("/busy.xml?" + std::to_string(i)), "", ""});
  auto results = Fetch(requests, options);
  for (const FetchResult& result : results) {
    EXPECT_TRUE(result.error.ok()) << result.error.ToString();
    EXPECT_EQ(result.body, "<rss/>");
  }
  EXPECT_EQ(max_in_flight_.load(), 1);
}

// A URL whose host has a space fails inside the perform that starts it. With one connection,
// each transfer is started by the perform that ends the loop once the one before it failed.
TEST_F(FeedFetcherTest, ATransferThatFailsAsItStartsIsReportedNotAborted) {
  FetchOptions options;
  options.max_connections = 1;
  auto results =
      Fetch({{"http://bad host/1.xml", "", ""}, {"http://bad host/2.xml", "", ""}}, options);
  for (const FetchResult& result : results) {
    EXPECT_EQ(result.error.code(), StatusCode::kIoError) << result.error.ToString();
    EXPECT_EQ(result.http_status, 0);
  }
}

// The address is refused before libcurl opens a socket: the listener never sees a connection
// (the kernel would have queued one for accept() had there been a handshake).
TEST_F(FeedFetcherTest, PolicyNoneRefusesALoopbackFeedWithoutConnectingAndSaysWhy) {
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), length), 0);
  ASSERT_EQ(::listen(listener, 4), 0);
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const std::string url = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/x";

  FetchOptions options;
  options.private_addresses = PrivateAddresses::kNone;
  auto results = Fetch({{url, "", ""}, {Url("/feed.xml"), "", ""}}, options);
  pollfd pending{listener, POLLIN, 0};
  const int connections = ::poll(&pending, 1, 0);
  ::close(listener);
  EXPECT_EQ(connections, 0);
  for (const FetchResult& result : results) {
    EXPECT_EQ(result.error.code(), StatusCode::kIoError) << result.error.ToString();
    EXPECT_EQ(result.error.message(),
              "refused to connect to 127.0.0.1: loopback address and private_addresses = none; "
              "set private_addresses = any to allow");
    EXPECT_EQ(result.http_status, 0);
    EXPECT_TRUE(result.body.empty());
  }
  EXPECT_TRUE(agent_.empty()) << "the feed server was asked: " << agent_;
}

TEST_F(FeedFetcherTest, PolicyDirectFetchesALoopbackFeedAndFollowsItsLoopbackRedirect) {
  FetchOptions options;
  options.private_addresses = PrivateAddresses::kDirect;
  auto results = Fetch({{Url("/moved"), "", ""}}, options);
  ASSERT_TRUE(results[0].error.ok()) << results[0].error.ToString();
  EXPECT_EQ(results[0].final_url, Url("/feed.xml"));
  EXPECT_EQ(results[0].body, "<rss/>");
}

// A port nothing listens on: bound, never listened to, closed.
int ClosedPort() {
  const int probe = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ::bind(probe, reinterpret_cast<sockaddr*>(&address), length);
  ::getsockname(probe, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(probe);
  return ntohs(address.sin_port);
}

// Sets the proxy variables libcurl reads for the lifetime of the object.
class ProxyEnvironment {
 public:
  explicit ProxyEnvironment(const std::string& proxy) {
    for (const char* name : kProxies) ::setenv(name, proxy.c_str(), 1);
    for (const char* name : kExemptions) ::unsetenv(name);
  }
  ~ProxyEnvironment() {
    for (const char* name : kProxies) ::unsetenv(name);
  }

 private:
  static constexpr const char* kProxies[] = {"http_proxy", "https_proxy", "all_proxy", "ALL_PROXY"};
  static constexpr const char* kExemptions[] = {"no_proxy", "NO_PROXY"};
};

// Under a proxy from the environment the policy would judge the proxy's address, not the
// feed's: the fetcher uses only the proxy the feed list names.
TEST_F(FeedFetcherTest, AProxyInTheEnvironmentIsIgnored) {
  const ProxyEnvironment environment("http://127.0.0.1:" + std::to_string(ClosedPort()));
  auto results = Fetch({{Url("/feed.xml"), "", ""}});
  ASSERT_TRUE(results[0].error.ok()) << results[0].error.ToString();
  EXPECT_EQ(results[0].body, "<rss/>");
}

// The named proxy is used for every host (no_proxy notwithstanding): the fetch of a loopback
// feed fails connecting to a proxy that is not there.
TEST_F(FeedFetcherTest, TheNamedProxyCarriesEveryFetch) {
  const ProxyEnvironment environment("");
  ::setenv("no_proxy", "*", 1);
  FetchOptions options;
  options.proxy = "http://127.0.0.1:" + std::to_string(ClosedPort());
  auto results = Fetch({{Url("/feed.xml"), "", ""}}, options);
  ::unsetenv("no_proxy");
  EXPECT_EQ(results[0].error.code(), StatusCode::kIoError);
  EXPECT_EQ(results[0].error.message(), curl_easy_strerror(CURLE_COULDNT_CONNECT));
  EXPECT_TRUE(agent_.empty()) << "the feed server was asked directly";
}

// The test server plays the proxy: it is asked for absolute URLs. The connection to it, on
// loopback, is allowed under none (the operator named it); a redirect to a literal loopback
// address is refused before it is asked for.
TEST_F(FeedFetcherTest, ThroughAProxyARedirectToALiteralAddressThePolicyRefusesIsNotFollowed) {
  httplib::Server proxy;
  proxy.Get("http://public.example/feed.xml",
            [](const httplib::Request&, httplib::Response& response) {
              response.set_content("<rss>proxied</rss>", "application/rss+xml");
            });
  std::atomic<int> asked_inside{0};
  proxy.Get("http://public.example/inside",
            [this](const httplib::Request&, httplib::Response& response) {
              response.set_redirect(Url("/feed.xml"));
            });
  proxy.Get("http://127.0.0.1.*", [&](const httplib::Request&, httplib::Response& response) {
    ++asked_inside;
    response.set_content("<rss>inside</rss>", "application/rss+xml");
  });
  testing::LoopbackServing serving;
  const int port = serving.Start(proxy);
  ASSERT_GT(port, 0);
  for (const PrivateAddresses policy : {PrivateAddresses::kNone, PrivateAddresses::kDirect}) {
    FetchOptions options;
    options.private_addresses = policy;
    options.proxy = "http://127.0.0.1:" + std::to_string(port);
    auto results = Fetch(
        {{"http://public.example/feed.xml", "", ""}, {"http://public.example/inside", "", ""}},
        options);
    ASSERT_TRUE(results[0].error.ok()) << results[0].error.ToString();
    EXPECT_EQ(results[0].body, "<rss>proxied</rss>");
    EXPECT_EQ(results[1].error.code(), StatusCode::kIoError);
    EXPECT_EQ(results[1].error.message().rfind("refused to connect to 127.0.0.1: loopback", 0), 0)
        << results[1].error.message();
  }
  serving.Stop();
  EXPECT_EQ(asked_inside.load(), 0);
  EXPECT_TRUE(agent_.empty()) << "the feed server was asked directly";
}

// What RawHttpServer sends for a request: `now`, then `before_next` ahead of the answer to the
// next request on the connection, as bytes a server sent late arrive.
struct RawReply {
  std::string now;
  std::string before_next;
};

// An HTTP/1.1 server on 127.0.0.1 that serves one connection at a time, each request on it
// answered with the bytes `answer` gives for its path, sent as they are (whatever the
// Content-Length they announce), until the client closes it. Counts the connections it accepted.
class RawHttpServer {
 public:
  explicit RawHttpServer(std::function<RawReply(const std::string& path)> answer)
      : answer_(std::move(answer)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::listen(listener_, 8) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      return;
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~RawHttpServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (listener_ >= 0) ::close(listener_);
  }
  RawHttpServer(const RawHttpServer&) = delete;
  RawHttpServer& operator=(const RawHttpServer&) = delete;

  int port() const { return port_; }
  int connections() const { return connections_; }

 private:
  // Whether `fd` became readable before a stop; polled in slices so that a stop is seen.
  bool Readable(int fd) const {
    while (!stop_) {
      pollfd ready{fd, POLLIN, 0};
      if (::poll(&ready, 1, 20) > 0) return true;
    }
    return false;
  }

  void Serve() {
    while (Readable(listener_)) {
      const int connection = ::accept(listener_, nullptr, nullptr);
      if (connection < 0) continue;
      ++connections_;
      std::string received;
      std::string late;
      char buffer[4096];
      while (Readable(connection)) {
        const ssize_t got = ::recv(connection, buffer, sizeof buffer, 0);
        if (got <= 0) break;
        received.append(buffer, static_cast<size_t>(got));
        for (size_t end; (end = received.find("\r\n\r\n")) != std::string::npos;) {
          const size_t path = received.find(' ') + 1;
          RawReply reply = answer_(received.substr(path, received.find(' ', path) - path));
          received.erase(0, end + 4);
          const std::string bytes = late + reply.now;
          late = std::move(reply.before_next);
          if (::send(connection, bytes.data(), bytes.size(), MSG_NOSIGNAL) < 0) break;
        }
      }
      ::close(connection);
    }
  }

  std::function<RawReply(const std::string&)> answer_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;
};

// libcurl reads of a response only the bytes its Content-Length announces: a body longer than
// that leaves its tail in the connection (here it arrives once libcurl has read what was
// announced, as a tail sent late does), and the next feed asked for over it would read that tail
// as its reply (HTTP/0.9, refused: "Unsupported protocol"). That feed is asked again on a fresh
// connection and read; the feed whose response was too long gets what it announced.
TEST_F(FeedFetcherTest, ABodyLongerThanItsContentLengthCostsTheNextFeedOnTheConnectionNothing) {
  const std::string document = "<rss><channel><title>Long</title></channel></rss>";
  RawHttpServer server([&](const std::string& path) {
    const std::string head = "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n";
    if (path != "/long.xml") {
      const std::string body = "<rss>" + path + "</rss>";
      return RawReply{head + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body,
                      ""};
    }
    const size_t announced = document.size() - 20;
    return RawReply{head + "Content-Length: " + std::to_string(announced) + "\r\n\r\n" +
                        document.substr(0, announced),
                    document.substr(announced)};
  });
  ASSERT_GT(server.port(), 0);
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port());
  FetchOptions options;
  options.per_host_connections = 1;
  auto results = Fetch(
      {{url + "/long.xml", "", ""}, {url + "/a.xml", "", ""}, {url + "/b.xml", "", ""}}, options);
  ASSERT_TRUE(results[0].error.ok()) << results[0].error.ToString();
  EXPECT_EQ(results[0].body, document.substr(0, document.size() - 20));
  for (size_t i : {1, 2}) {
    ASSERT_TRUE(results[i].error.ok()) << i << ": " << results[i].error.ToString();
    EXPECT_EQ(results[i].http_status, 200);
  }
  EXPECT_EQ(results[1].body, "<rss>/a.xml</rss>");
  EXPECT_EQ(results[2].body, "<rss>/b.xml</rss>");
  EXPECT_EQ(server.connections(), 2);
}

TEST_F(FeedFetcherTest, OnlyHttpAndHttps) {
  auto results = Fetch({{"file:///etc/passwd", "", ""}});
  EXPECT_FALSE(results[0].error.ok());
  EXPECT_TRUE(results[0].body.empty());
}

// /held.xml answers only once the second transfer was handed over: the caller gets each result
// as its transfer ends, while others are in flight, and may take its body; what FetchAll
// returns is what the caller left.
TEST_F(FeedFetcherTest, EachResultIsHandedOverAsItsTransferEndsAndItsBodyMayBeTaken) {
  auto fetcher = FeedFetcher::Create({});
  ASSERT_TRUE(fetcher);
  std::vector<size_t> handed;
  std::string taken;
  const auto results = (*fetcher)->FetchAll(
      {{Url("/held.xml"), "", ""}, {Url("/feed.xml"), "", ""}}, [] { return false; },
      [&](size_t index, FetchResult& result) {
        handed.push_back(index);
        if (index == 1) {
          taken = std::move(result.body);
          Release();
        }
      });
  EXPECT_TRUE(Held());
  EXPECT_EQ(handed, (std::vector<size_t>{1, 0}));
  EXPECT_EQ(taken, "<rss/>");
  ASSERT_EQ(results.size(), 2u);
  EXPECT_TRUE(results[1].error.ok()) << results[1].error.ToString();
  EXPECT_TRUE(results[1].body.empty());
  EXPECT_EQ(results[0].body, "<rss>held</rss>");
}

// A transfer that `stop` cut short and one that failed at once are handed over too, once each:
// the caller learns the end of every request.
TEST_F(FeedFetcherTest, EveryRequestIsHandedOverOnceEvenWhenStopEndsItsTransfer) {
  auto fetcher = FeedFetcher::Create({});
  ASSERT_TRUE(fetcher);
  std::vector<size_t> handed;
  const auto results = (*fetcher)->FetchAll(
      {{Url("/held.xml"), "", ""}, {"file:///etc/passwd", "", ""}, {Url("/feed.xml"), "", ""}},
      [&] { return handed.size() >= 2; },
      [&](size_t index, FetchResult&) { handed.push_back(index); });
  std::sort(handed.begin(), handed.end());
  EXPECT_EQ(handed, (std::vector<size_t>{0, 1, 2}));
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].error.code(), StatusCode::kAborted) << results[0].error.ToString();
  EXPECT_FALSE(results[1].error.ok());
  EXPECT_TRUE(results[2].error.ok()) << results[2].error.ToString();
  EXPECT_FALSE(Held());
}

// A stop that throws ends the transfers as a stop asked for would, and its exception reaches the
// caller once they are over (were the transfers' thread left running, the process would end).
TEST_F(FeedFetcherTest, WhatStopThrowsStopsTheTransfersAndIsThrownOnceTheyAreOver) {
  auto fetcher = FeedFetcher::Create({});
  ASSERT_TRUE(fetcher);
  size_t handed = 0;
  EXPECT_THROW((*fetcher)->FetchAll(
                   {{Url("/held.xml"), "", ""}, {Url("/feed.xml"), "", ""}},
                   [&]() -> bool {
                     if (handed > 0) throw std::runtime_error("stop failed");
                     return false;
                   },
                   [&](size_t, FetchResult&) { ++handed; }),
               std::runtime_error);
  // /feed.xml's; /held.xml, never answered, ended with the stop and was not handed on.
  EXPECT_EQ(handed, 1u);
  EXPECT_FALSE(Held());
}

// A slow on_finished (a long parse of one feed) holds up no transfer under way: while it runs,
// the others go on, and its time does not count against their timeouts. Here on_finished lets the
// server answer /held-moved with a redirect and waits for the redirect to be followed, which only
// a transfer that moves while on_finished runs can do (were the transfers held, the wait would
// end after 20 s with nothing asked).
TEST_F(FeedFetcherTest, TransfersGoOnWhileOnFinishedRuns) {
  auto fetcher = FeedFetcher::Create({});
  ASSERT_TRUE(fetcher);
  bool followed_during = false;
  const auto results = (*fetcher)->FetchAll(
      {{Url("/feed.xml"), "", ""}, {Url("/held-moved"), "", ""}}, [] { return false; },
      [&](size_t index, FetchResult&) {
        if (index != 0) return;
        Release();
        std::unique_lock lock(mutex_);
        followed_during = released_changed_.wait_for(lock, std::chrono::seconds(20),
                                                     [this] { return after_held_asked_; });
      });
  EXPECT_TRUE(followed_during);
  ASSERT_EQ(results.size(), 2u);
  ASSERT_TRUE(results[1].error.ok()) << results[1].error.ToString();
  EXPECT_EQ(results[1].body, "<rss>after</rss>");
}

// A result handed to on_finished holds its body as a transfer does: with max_connections = 1 no
// other transfer starts before on_finished returns, so that a round holds at most
// max_connections bodies however slow on_finished is.
TEST_F(FeedFetcherTest, NoTransferStartsWhileMaxConnectionsResultsAreInFlightOrHeld) {
  FetchOptions options;
  options.max_connections = 1;
  auto fetcher = FeedFetcher::Create(options);
  ASSERT_TRUE(fetcher);
  std::vector<int> asked_while_held;
  const auto results = (*fetcher)->FetchAll(
      {{Url("/counted.xml"), "", ""}, {Url("/counted.xml"), "", ""}, {Url("/counted.xml"), "", ""}},
      [] { return false; },
      [&](size_t, FetchResult&) {
        // Time for a transfer started early to reach the server; none may be.
        for (int i = 0;
             i < 20 && counted_asked_.load() <= static_cast<int>(asked_while_held.size()) + 1;
             ++i) {
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        asked_while_held.push_back(counted_asked_.load());
      });
  EXPECT_EQ(asked_while_held, (std::vector<int>{1, 2, 3}));
  for (const FetchResult& result : results)
    EXPECT_TRUE(result.error.ok()) << result.error.ToString();
}

}  // namespace
}  // namespace headwire::producers
