#include "sinks/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <set>
#include <string_view>
#include <thread>
#include <vector>

#include "common/http_address.h"
#include "tests/common/slow_client.h"
#include "tests/common/test_dir.h"

namespace headwire::sinks {
namespace {

v1::ProcessedArticle Make(const std::string& id, int64_t t, std::vector<std::string> topics,
                          int64_t raw_offset) {
  v1::ProcessedArticle a;
  a.mutable_article()->set_id(id);
  a.mutable_article()->set_title("Title " + id);
  a.mutable_article()->set_published_at_ms(t);
  for (auto& topic : topics) a.add_topics(topic);
  a.set_story_id(id);
  a.mutable_processing()->mutable_source()->set_partition(0);
  a.mutable_processing()->mutable_source()->set_offset(raw_offset);
  return a;
}

// Opens a connection to the port on 127.0.0.1 from each of `clients` (loopback addresses, e.g.
// "127.0.0.2": the whole of 127/8 is loopback) at once, each sending the start of a request head
// that never ends, and returns the statuses they are answered with before the server closes them
// (-1 for none), sorted: 503 for a connection over the limits, 408 once the head deadline (5 s)
// passes for one admitted.
std::vector<int> StatusesOfUnfinishedRequests(int port, const std::vector<std::string>& clients) {
  std::vector<int> sockets;
  for (const std::string& client : clients) {
    const int sock = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in self{};
    self.sin_family = AF_INET;
    ::inet_pton(AF_INET, client.c_str(), &self.sin_addr);
    sockaddr_in peer{};
    peer.sin_family = AF_INET;
    peer.sin_port = htons(static_cast<uint16_t>(port));
    peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval patience{30, 0};
    ::setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
    const std::string_view start = "GET /v1/latest HTTP/1.1\r\nHost: x\r\n";
    // Linux routes the whole of 127/8 to the loopback interface.
    EXPECT_EQ(::bind(sock, reinterpret_cast<sockaddr*>(&self), sizeof self), 0)
        << client << ": " << std::strerror(errno);
    EXPECT_EQ(::connect(sock, reinterpret_cast<sockaddr*>(&peer), sizeof peer), 0)
        << client << ": " << std::strerror(errno);
    ::send(sock, start.data(), start.size(), MSG_NOSIGNAL);
    sockets.push_back(sock);
  }
  std::vector<int> statuses;
  for (const int sock : sockets) {
    std::string answer;
    char buffer[512];
    for (ssize_t n; (n = ::recv(sock, buffer, sizeof buffer, 0)) > 0;) answer.append(buffer, n);
    ::close(sock);
    int status = -1;
    if (answer.starts_with("HTTP/1.1 ") && answer.size() >= 12) {
      status = std::stoi(answer.substr(9, 3));
    }
    statuses.push_back(status);
  }
  std::sort(statuses.begin(), statuses.end());
  return statuses;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = ArticleStore::Open(dir_.string(), false);
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
    ArticleStore::Batch batch;
    const int64_t t0 = 1772438400000;  // 2026-03-02T08:00:00Z
    const std::vector<v1::ProcessedArticle> articles = {
        Make("old", t0, {"ai"}, 0), Make("mid", t0 + 60'000, {"ai", "business"}, 1),
        Make("new", t0 + 120'000, {"ai"}, 2)};
    for (const auto& a : articles) ASSERT_TRUE(store_->Stage(batch, a).has_value());
    ASSERT_TRUE(store_->Commit(batch, {{{"processed", 0}, 3}}).ok());

    HttpServerOptions options;
    options.address = "127.0.0.1:0";
    options.threads = 2;
    options.page_poll_ms = 1234;
    auto server = HttpServer::Start(options, *store_, [] { return common::Json{{"consumed", 7}}; });
    ASSERT_TRUE(server.has_value()) << server.error().ToString();
    server_ = std::move(*server);
    auto bound = common::ParseHttpAddress(server_->address());
    ASSERT_TRUE(bound.has_value());
    ASSERT_NE(bound->port, 0);
    client_ = std::make_unique<httplib::Client>(bound->host, bound->port);
  }
  void TearDown() override {
    client_.reset();
    server_.reset();
    store_.reset();
  }

  // A second server of the same store whose API needs `token`, and a client of it; both null
  // (with a failure) when it does not start.
  std::pair<std::unique_ptr<HttpServer>, std::unique_ptr<httplib::Client>> StartWithToken(
      const std::string& token) {
    HttpServerOptions options;
    options.address = "127.0.0.1:0";
    options.bearer_token = token;
    auto server = HttpServer::Start(options, *store_, nullptr);
    if (!server) {
      ADD_FAILURE() << server.error().ToString();
      return {};
    }
    auto bound = common::ParseHttpAddress((*server)->address());
    if (!bound) {
      ADD_FAILURE() << bound.error().ToString();
      return {};
    }
    return {std::move(*server), std::make_unique<httplib::Client>(bound->host, bound->port)};
  }

  // Status and parsed JSON body of a GET.
  std::pair<int, common::Json> Get(const std::string& path) {
    auto res = client_->Get(path);
    if (!res) return {-1, nullptr};
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json; charset=utf-8") << path;
    EXPECT_EQ(res->get_header_value("Cache-Control"), "no-store") << path;
    return {res->status, common::Json::parse(res->body, nullptr, false)};
  }

  const testing::TestDir dir_{"headwire-http-test"};
  std::unique_ptr<ArticleStore> store_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(HttpServerTest, HealthzIsOk) {
  auto [status, body] = Get("/healthz");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(body, (common::Json{{"status", "ok"}}));
}

TEST_F(HttpServerTest, StatusHasTheProcessFieldsAndTheStoreTotals) {
  auto [status, body] = Get("/v1/status");
  ASSERT_EQ(status, 200) << body.dump();
  EXPECT_EQ(body["consumed"], 7);
  EXPECT_EQ(body["store"]["articles"], 3);
  EXPECT_EQ(body["store"]["duplicates"], 0);
}

TEST_F(HttpServerTest, LatestPagesFollowTheCursor) {
  auto [status, first] = Get("/v1/latest?topic=ai&limit=2");
  ASSERT_EQ(status, 200) << first.dump();
  ASSERT_EQ(first["items"].size(), 2u);
  EXPECT_EQ(first["items"][0]["id"], "new");
  EXPECT_EQ(first["items"][1]["id"], "mid");
  ASSERT_TRUE(first["next_cursor"].is_string());
  auto [status2, second] =
      Get("/v1/latest?topic=ai&limit=2&cursor=" +
          httplib::detail::encode_query_param(first["next_cursor"].get<std::string>()));
  ASSERT_EQ(status2, 200) << second.dump();
  ASSERT_EQ(second["items"].size(), 1u);
  EXPECT_EQ(second["items"][0]["id"], "old");
  EXPECT_TRUE(second["next_cursor"].is_null());
}

TEST_F(HttpServerTest, BadParametersAre400) {
  for (const char* path :
       {"/v1/latest?colour=blue", "/v1/latest?limit=0", "/v1/latest?topic=ai&topic=space",
        "/v1/status?x=1", "/v1/latest?window=day", "/v1/trending?source=x"}) {
    auto [status, body] = Get(path);
    EXPECT_EQ(status, 400) << path;
    EXPECT_EQ(body["error"]["code"], "INVALID_ARGUMENT") << path;
    EXPECT_FALSE(body["error"]["message"].get<std::string>().empty()) << path;
  }
}

// An empty value is malformed like any other: "?topic=" must not ask for every topic.
TEST_F(HttpServerTest, AnEmptyParameterValueIs400NamingTheParameter) {
  for (const std::string name : {"topic", "source", "cursor", "limit", "from", "to"}) {
    const std::string path = "/v1/latest?" + name + "=";
    auto [status, body] = Get(path);
    EXPECT_EQ(status, 400) << path << " " << body.dump();
    EXPECT_EQ(body["error"]["code"], "INVALID_ARGUMENT") << path;
    EXPECT_EQ(body["error"]["message"], name + ": empty value") << path;
  }
  for (const char* path : {"/v1/stories?status=", "/v1/counts?window=", "/v1/counts?hop=",
                           "/v1/latest?topic=ai&source="}) {
    auto [status, body] = Get(path);
    EXPECT_EQ(status, 400) << path << " " << body.dump();
    EXPECT_TRUE(body["error"]["message"].get<std::string>().ends_with(": empty value")) << path;
  }
}

// The guard ignores Range, so the server must not announce that it serves byte ranges.
TEST_F(HttpServerTest, NoAnswerAnnouncesByteRanges) {
  for (const char* path : {"/v1/latest", "/healthz", "/", "/v1/nope", "/v1/latest?limit=0"}) {
    for (const bool head : {false, true}) {
      auto res = head ? client_->Head(path) : client_->Get(path, {{"Range", "bytes=0-3"}});
      ASSERT_TRUE(res) << path;
      EXPECT_NE(res->status, 206) << path;
      EXPECT_EQ(res->headers.count("Accept-Ranges"), 1u) << path;
      EXPECT_EQ(res->get_header_value("Accept-Ranges"), "none") << path << " head=" << head;
    }
  }
}

// What httplib refuses before any handler still gets a message that says why.
TEST_F(HttpServerTest, RequestsHttplibRefusesGetARealMessage) {
  auto bound = common::ParseHttpAddress(server_->address());
  ASSERT_TRUE(bound.has_value());
  const auto send = [&](const std::string& request) {
    const int sock = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in peer{};
    peer.sin_family = AF_INET;
    peer.sin_port = htons(static_cast<uint16_t>(bound->port));
    peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string answer;
    if (::connect(sock, reinterpret_cast<sockaddr*>(&peer), sizeof peer) == 0 &&
        ::send(sock, request.data(), request.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(request.size())) {
      char buffer[4096];
      for (ssize_t n; (n = ::recv(sock, buffer, sizeof buffer, 0)) > 0;) answer.append(buffer, n);
    }
    ::close(sock);
    return answer;
  };
  const auto message = [](const std::string& answer) {
    const size_t body = answer.find("\r\n\r\n");
    if (body == std::string::npos) return std::string("<no body>");
    return common::Json::parse(answer.substr(body + 4), nullptr, false)["error"]["message"]
        .get<std::string>();
  };
  const std::string unknown_method = send("BREW /v1/latest HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(unknown_method.starts_with("HTTP/1.1 400 ")) << unknown_method;
  EXPECT_TRUE(message(unknown_method).starts_with("malformed request")) << unknown_method;
  const std::string too_long =
      send("GET /v1/latest?topic=" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(too_long.starts_with("HTTP/1.1 414 ")) << too_long;
  EXPECT_EQ(message(too_long),
            "request target too long: the request line may take at most 8192 bytes")
      << too_long;
}

TEST_F(HttpServerTest, AMisspeltTopicIs400NamingTheKnownTopics) {
  // The fixture's records carry no scores; a record with them tells the state its taxonomy.
  ArticleStore::Batch batch;
  v1::ProcessedArticle scored = Make("scored", 1772438400000, {"space"}, 3);
  for (const char* topic : {"space", "ai"}) scored.add_scores()->set_topic(topic);
  ASSERT_TRUE(store_->Stage(batch, scored).has_value());
  ASSERT_TRUE(store_->Commit(batch, {{{"processed", 0}, 4}}).ok());
  auto [status, body] = Get("/v1/latest?topic=spcae");
  EXPECT_EQ(status, 400);
  EXPECT_EQ(body["error"]["message"],
            "topic: unknown topic \"spcae\"; known topics: ai, business, space, other, all");
}

TEST_F(HttpServerTest, UnknownPathsAre404) {
  for (const char* path : {"/v1/nothing", "/v2/latest", "/v1/latest/x", "/index.html"}) {
    auto [status, body] = Get(path);
    EXPECT_EQ(status, 404) << path;
    EXPECT_EQ(body["error"]["code"], "NOT_FOUND") << path;
  }
}

TEST_F(HttpServerTest, OtherMethodsAre405OnKnownPaths) {
  auto post = client_->Post("/v1/latest", "{}", "application/json");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
  EXPECT_EQ(post->get_header_value("Allow"), "GET, HEAD");
  EXPECT_EQ(common::Json::parse(post->body)["error"]["code"], "METHOD_NOT_ALLOWED");
  auto del = client_->Delete("/nowhere");
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 404);
}

TEST_F(HttpServerTest, PageCarriesThePollIntervalAndNoExternalResources) {
  auto res = client_->Get("/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(res->body.find("content=\"1234\""), std::string::npos);
  EXPECT_EQ(res->body.find("__HEADWIRE_POLL_MS__"), std::string::npos);
  EXPECT_NE(res->get_header_value("Content-Security-Policy").find("default-src 'none'"),
            std::string::npos);
}

// No inline script or style runs but the page's own: the policy names a nonce, never
// 'unsafe-inline', and the nonce is new in every response.
TEST_F(HttpServerTest, PageScriptsRunOnlyByTheResponsesNonce) {
  std::set<std::string> nonces;
  for (int i = 0; i < 2; ++i) {
    auto res = client_->Get("/");
    ASSERT_TRUE(res);
    const std::string policy = res->get_header_value("Content-Security-Policy");
    EXPECT_EQ(policy.find("unsafe-inline"), std::string::npos) << policy;
    const size_t at = policy.find("script-src 'nonce-");
    ASSERT_NE(at, std::string::npos) << policy;
    const size_t start = at + std::string_view("script-src 'nonce-").size();
    const std::string nonce = policy.substr(start, policy.find('\'', start) - start);
    ASSERT_GE(nonce.size(), 16u);
    EXPECT_NE(res->body.find("<script nonce=\"" + nonce + "\">"), std::string::npos);
    EXPECT_NE(res->body.find("<style nonce=\"" + nonce + "\">"), std::string::npos);
    EXPECT_EQ(res->body.find("__HEADWIRE_NONCE__"), std::string::npos);
    nonces.insert(nonce);
  }
  EXPECT_EQ(nonces.size(), 2u);
}

TEST_F(HttpServerTest, WithATokenTheApiAnswersOnlyItsBearer) {
  auto [server, client] = StartWithToken("s3cret-token");
  ASSERT_TRUE(client);
  for (const char* header : {"", "Bearer wrong", "Bearer s3cret-toke", "Bearer s3cret-token2",
                             "Basic s3cret-token", "s3cret-token"}) {
    httplib::Headers headers;
    if (*header != '\0') headers.emplace("Authorization", header);
    auto res = client->Get("/v1/latest", headers);
    ASSERT_TRUE(res) << header;
    EXPECT_EQ(res->status, 401) << header;
    EXPECT_EQ(common::Json::parse(res->body)["error"]["code"], "UNAUTHENTICATED") << header;
    EXPECT_EQ(client->Get("/v1/status", headers)->status, 401) << header;
  }
  auto res = client->Get("/v1/latest", {{"Authorization", "Bearer s3cret-token"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(common::Json::parse(res->body)["items"].size(), 3u);
  // The scheme's name is case-insensitive; the token is not.
  EXPECT_EQ(client->Get("/v1/latest", {{"Authorization", "bearer s3cret-token"}})->status, 200);
  EXPECT_EQ(client->Get("/v1/latest", {{"Authorization", "BEARER s3cret-token"}})->status, 200);
  EXPECT_EQ(client->Get("/v1/latest", {{"Authorization", "Bearer S3CRET-TOKEN"}})->status, 401);
  // Probes and the page need no token; the page asks for it in its URL.
  EXPECT_EQ(client->Get("/healthz")->status, 200);
  EXPECT_EQ(client->Get("/")->status, 200);
  // Without a token the API is open, as before.
  EXPECT_EQ(Get("/v1/latest").first, 200);
}

// A page the operator opens may rebind its own host name to 127.0.0.1 (DNS rebinding); the
// browser then names that host in Host, which a loopback API without a token refuses.
TEST_F(HttpServerTest, OnLoopbackWithoutATokenOnlyRequestsAddressedToLoopbackAreAnswered) {
  for (const char* host : {"evil.example", "evil.example:8080", "127.0.0.1.evil.example",
                           "localhost.evil.example:80", "[::2]:8080"}) {
    for (const char* path : {"/v1/latest", "/v1/status", "/", "/healthz"}) {
      auto res = client_->Get(path, {{"Host", host}});
      ASSERT_TRUE(res) << host << path;
      EXPECT_EQ(res->status, 403) << host << path;
      EXPECT_EQ(common::Json::parse(res->body)["error"]["code"], "FORBIDDEN") << host << path;
    }
  }
  for (const char* host :
       {"localhost", "LOCALHOST:8080", "127.0.0.1", "127.1.2.3:80", "[::1]:8080"}) {
    auto res = client_->Get("/v1/latest", {{"Host", host}});
    ASSERT_TRUE(res) << host;
    EXPECT_EQ(res->status, 200) << host;
  }
  // A token guards the API instead: the host it is addressed to no longer matters.
  auto [server, client] = StartWithToken("s3cret-token");
  ASSERT_TRUE(client);
  EXPECT_EQ(
      client
          ->Get("/v1/latest", {{"Host", "evil.example"}, {"Authorization", "Bearer s3cret-token"}})
          ->status,
      200);
}

// Whichever of them the server takes first, one connection over a limit is refused and every
// other is held until its head deadline; the limits are the options', not constants.
TEST_F(HttpServerTest, ConnectionsOverEitherLimitGet503) {
  auto start = [this](common::HttpConnectionLimits limits) -> std::unique_ptr<HttpServer> {
    HttpServerOptions options;
    options.address = "127.0.0.1:0";
    options.connections = limits;
    auto server = HttpServer::Start(options, *store_, nullptr);
    if (!server) ADD_FAILURE() << server.error().ToString();
    return server ? std::move(*server) : nullptr;
  };
  const auto per_client_3 = start({.total = 64, .per_client = 3});
  const auto per_client_4 = start({.total = 64, .per_client = 4});
  const auto total_3 = start({.total = 3, .per_client = 2});
  ASSERT_TRUE(per_client_3 && per_client_4 && total_3);
  auto port = [](const HttpServer& server) {
    return common::ParseHttpAddress(server.address())->port;
  };
  const std::vector<std::string> one_client(4, "127.0.0.1");
  const std::vector<std::string> two_clients = {"127.0.0.1", "127.0.0.2", "127.0.0.1", "127.0.0.2"};
  std::vector<int> over_per_client, within_per_client, over_total;
  std::thread a(
      [&] { within_per_client = StatusesOfUnfinishedRequests(port(*per_client_4), one_client); });
  std::thread b([&] { over_total = StatusesOfUnfinishedRequests(port(*total_3), two_clients); });
  over_per_client = StatusesOfUnfinishedRequests(port(*per_client_3), one_client);
  a.join();
  b.join();
  EXPECT_EQ(over_per_client, (std::vector<int>{408, 408, 408, 503}));
  EXPECT_EQ(within_per_client, (std::vector<int>{408, 408, 408, 408}));
  // Two per client address, within their limit of 2: the fourth is over the total.
  EXPECT_EQ(over_total, (std::vector<int>{408, 408, 408, 503}));
}

// Clients that trickle their request a byte at a time hold no handler: with more of them than
// handler threads (2 here), /healthz is still answered while they go on trickling, and each of
// them is cut off once its head deadline passes.
TEST_F(HttpServerTest, SlowClientsDoNotStarveOthers) {
  auto bound = common::ParseHttpAddress(server_->address());
  ASSERT_TRUE(bound.has_value());
  std::atomic<bool> stop{false};
  std::atomic<int> cut_off{0};
  std::vector<std::thread> slow;
  for (int i = 0; i < 8; ++i) {
    slow.emplace_back([&, port = bound->port] {
      if (testing::TrickleRequest(port, "GET /v1/latest HTTP/1.1\r\nHost: x\r\nX-Pad: ", stop,
                                  std::chrono::milliseconds(300))) {
        ++cut_off;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));  // every slow client is connected
  httplib::Client probe(bound->host, bound->port);
  probe.set_read_timeout(4, 0);
  auto res = probe.Get("/healthz");
  ASSERT_TRUE(res) << "healthz got no answer while slow clients held connections";
  EXPECT_EQ(res->status, 200);
  // The head deadline (5 s) closes the trickling connections; their next send fails.
  for (int i = 0; i < 100 && cut_off < 8; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  stop = true;
  for (auto& t : slow) t.join();
  EXPECT_EQ(cut_off, 8);
}

TEST_F(HttpServerTest, BusyAddressIsAnIoError) {
  HttpServerOptions options;
  options.address = server_->address();
  auto second = HttpServer::Start(options, *store_, nullptr);
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code(), StatusCode::kIoError);
}

TEST_F(HttpServerTest, MalformedOptionsAreInvalidArguments) {
  HttpServerOptions options;
  options.address = "nowhere";
  EXPECT_TRUE(HttpServer::Start(options, *store_, nullptr).error().IsInvalidArgument());
  options.address = "127.0.0.1:0";
  options.threads = 0;
  EXPECT_TRUE(HttpServer::Start(options, *store_, nullptr).error().IsInvalidArgument());
  options.threads = 1;
  options.connections = {.total = kMaxHttpConnections + 1, .per_client = 1};
  EXPECT_TRUE(HttpServer::Start(options, *store_, nullptr).error().IsInvalidArgument());
  options.connections = {.total = 4, .per_client = 5};
  EXPECT_TRUE(HttpServer::Start(options, *store_, nullptr).error().IsInvalidArgument());
  options.connections = {.total = 4, .per_client = 0};
  EXPECT_TRUE(HttpServer::Start(options, *store_, nullptr).error().IsInvalidArgument());
}

TEST_F(HttpServerTest, StopEndsServingAndIsIdempotent) {
  server_->Stop();
  server_->Stop();
  client_->set_connection_timeout(2);
  EXPECT_FALSE(client_->Get("/healthz"));
}

}  // namespace
}  // namespace headwire::sinks
