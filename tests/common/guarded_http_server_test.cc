#include "common/guarded_http_server.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <spdlog/sinks/sink.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>

#include "tests/common/loopback_server.h"
#include "tests/common/loopback_socket.h"

namespace headwire::common {
namespace {

// The messages logged, one per line, behind a lock of this file's own: ThreadSanitizer does not
// see the locks of spdlog's compiled sinks (tests/tsan.supp ignores what libspdlog calls), and the
// server's threads log at once.
class LockedSink final : public spdlog::sinks::sink {
 public:
  void log(const spdlog::details::log_msg& message) override {
    const std::lock_guard lock(mutex_);
    text_.append(message.payload.data(), message.payload.size()).push_back('\n');
  }
  void flush() override {}
  void set_pattern(const std::string&) override {}
  void set_formatter(std::unique_ptr<spdlog::formatter>) override {}

  std::string Text() const {
    const std::lock_guard lock(mutex_);
    return text_;
  }

 private:
  mutable std::mutex mutex_;
  std::string text_;
};

// The process-wide log at debug level, kept while this lives. Made before the server's threads
// start, so that they see it: spdlog's default logger is read without a lock.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    auto logger = std::make_shared<spdlog::logger>("guarded-http-server-test", sink_);
    logger->set_level(spdlog::level::debug);
    spdlog::set_default_logger(logger);
  }
  CapturedLog(const CapturedLog&) = delete;
  CapturedLog& operator=(const CapturedLog&) = delete;
  ~CapturedLog() { spdlog::set_default_logger(previous_); }

  std::string Text() const { return sink_->Text(); }

  // The request log's line for `path`, or "" when there is none.
  std::string RequestLine(std::string_view path) const {
    std::istringstream lines(Text());
    const std::string wanted = "msg=\"http request\" method=GET path=\"" + std::string(path) + "\"";
    for (std::string line; std::getline(lines, line);) {
      if (line.find(wanted) != std::string::npos) return line;
    }
    return "";
  }

 private:
  std::shared_ptr<LockedSink> sink_ = std::make_shared<LockedSink>();
  std::shared_ptr<spdlog::logger> previous_;
};

// The number after `key=` in a log line; 0 when it is not there.
uint64_t Field(const std::string& line, std::string_view key) {
  const size_t at = line.find(" " + std::string(key) + "=");
  return at == std::string::npos ? 0 : std::stoull(line.substr(at + key.size() + 2));
}

// A server on a free loopback port with one handler slot, whose /slow handler holds that slot
// until `release` is set.
class GuardedHttpServerTest : public ::testing::Test {
 protected:
  virtual HttpGuardOptions Guard() const {
    HttpGuardOptions guard;
    guard.concurrent_requests = 1;
    // Far beyond what any test's reading takes, however slow the machine: only the tests of the
    // deadline have one that counts.
    guard.response_timeout = std::chrono::minutes(10);
    return guard;
  }
  void SetUp() override {
    server_ = std::make_unique<GuardedHttpServer>(Guard());
    server_->Get("/slow", [this](const httplib::Request&, httplib::Response& res) {
      entered_.set_value();
      release_.get_future().wait();
      res.set_content("slow", "text/plain");
    });
    server_->Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("ok", "text/plain");
    });
    server_->Get("/other", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("other", "text/plain");
    });
    server_->Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(kBigBody, 'b'), "text/plain");
    });
    server_->Get("/medium", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(kMediumBody, 'm'), "text/plain");
    });
    port_ = serving_.Start(*server_);
    ASSERT_GT(port_, 0);
  }
  void TearDown() override {
    // A failed assertion may have left the slow handler waiting: let it go before stopping.
    if (!released_) release_.set_value();
    serving_.Stop();
  }
  // A connection with a 4 KiB receive buffer whose answer to GET /big has begun (its first byte,
  // the 'H' of "HTTP/1.1", read), so the server has read its head and run its handler; the rest
  // of the answer waits for the reader. -1 when that fails.
  int BigAnswerBegun() const {
    const int sock = testing::ConnectLoopback(port_, /*receive_buffer=*/4096);
    if (sock < 0) return -1;
    const std::string request = "GET /big HTTP/1.1\r\nHost: x\r\n\r\n";
    char first = 0;
    if (::send(sock, request.data(), request.size(), MSG_NOSIGNAL) !=
            static_cast<ssize_t>(request.size()) ||
        ::recv(sock, &first, 1, 0) != 1 || first != 'H') {
      ::close(sock);
      return -1;
    }
    return sock;
  }
  httplib::Client Client() const {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(30, 0);
    return client;
  }

  // More than the socket buffers of both ends hold, so that its sending waits for the reader.
  static constexpr size_t kBigBody = 32 << 20;
  // More than the socket buffers of loopback hold when a connection begins.
  static constexpr size_t kMediumBody = 1 << 20;

  CapturedLog log_;  // before the server, which its threads log to
  std::unique_ptr<GuardedHttpServer> server_;
  std::promise<void> entered_;
  std::promise<void> release_;
  bool released_ = false;
  int port_ = 0;
  testing::LoopbackServing serving_;
};

// The probe path runs beside a request that holds every handler slot: a liveness probe must not
// fail because a query is slow.
TEST_F(GuardedHttpServerTest, TheProbeAnswersWhileEveryHandlerSlotIsTaken) {
  auto slow = std::async(std::launch::async, [this] { return Client().Get("/slow"); });
  entered_.get_future().wait();
  auto probe = Client().Get("/healthz");
  ASSERT_TRUE(probe) << "the probe waited for the slow handler";
  EXPECT_EQ(probe->body, "ok");
  // Another path takes the slot, so it is served once the slow request is done.
  auto other = std::async(std::launch::async, [this] { return Client().Get("/other"); });
  release_.set_value();
  released_ = true;
  ASSERT_TRUE(slow.get());
  auto served = other.get();
  ASSERT_TRUE(served);
  EXPECT_EQ(served->body, "other");
}

// A Range header asking for the whole body many times over gets the body once: served range by
// range, a head of a few KiB would cost a response thousands of times the resource's size.
TEST_F(GuardedHttpServerTest, RangeHeadersAreIgnoredAndTheWholeBodyIsServedOnce) {
  std::string ranges = "bytes=0-";
  for (int i = 0; i < 100; ++i) ranges += ",0-";
  auto response = Client().Get("/other", {{"Range", ranges}});
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "other");
  EXPECT_FALSE(response->has_header("Content-Range"));
}

// The whole answer to `request` sent on a fresh connection, in one write.
std::string RawExchange(int port, const std::string& request) {
  const int sock = testing::ConnectLoopback(port);
  if (sock < 0) return "";
  ::send(sock, request.data(), request.size(), MSG_NOSIGNAL);
  std::string answer;
  char buffer[4096];
  for (ssize_t n; (n = ::recv(sock, buffer, sizeof buffer, 0)) > 0;) {
    answer.append(buffer, static_cast<size_t>(n));
  }
  ::close(sock);
  return answer;
}

// httplib answers a Range header it cannot parse with 416 before any handler runs; ignored, it
// is the whole body like any other.
TEST_F(GuardedHttpServerTest, AnUnparsableRangeHeaderIsIgnoredToo) {
  const std::string answer =
      RawExchange(port_, "GET /other HTTP/1.1\r\nHost: x\r\nRange: bytes=abc\r\n\r\n");
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 200")) << answer;
  EXPECT_TRUE(answer.ends_with("\r\n\r\nother")) << answer;
}

// A second request sent behind the first is never read (one request per connection); closing
// with it unread would reset the connection, and the client's kernel would drop the part of the
// answer not yet read. A client with a small receive buffer still gets the whole answer.
TEST_F(GuardedHttpServerTest, APipelinedRequestDoesNotCutTheFirstAnswerShort) {
  const int sock = testing::ConnectLoopback(port_, /*receive_buffer=*/4096);
  ASSERT_GE(sock, 0);
  const std::string first = "GET /big HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(::send(sock, first.data(), first.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(first.size()));
  // The answer has begun, so the server has read the first head: the second stays unread.
  char buffer[65536];
  const ssize_t begun = ::recv(sock, buffer, sizeof buffer, 0);
  ASSERT_GT(begun, 0);
  std::string answer(buffer, static_cast<size_t>(begun));
  const std::string second = "GET /other HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(::send(sock, second.data(), second.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(second.size()));
  for (ssize_t n; (n = ::recv(sock, buffer, sizeof buffer, 0)) > 0;) {
    answer.append(buffer, static_cast<size_t>(n));
  }
  ::close(sock);
  const size_t body = answer.find("\r\n\r\n");
  ASSERT_NE(body, std::string::npos);
  EXPECT_EQ(answer.size() - body - 4, kBigBody);
}

// 16 KiB is the bound of a request head, to the byte, however the head arrives: before, a head
// of up to 20 KiB was served when its end came in the read that crossed the bound.
TEST_F(GuardedHttpServerTest, AHeadLongerThan16KiBGets431) {
  // Padded with headers "X-Pad: ppp...\r\n" of about 4 KiB (httplib refuses a longer line).
  const auto request = [](size_t head_bytes) {
    std::string head = "GET /other HTTP/1.1\r\nHost: x\r\n";
    size_t left = head_bytes - head.size() - 2;  // the blank line ends the head
    while (left > 0) {
      size_t line = std::min<size_t>(left, 4000);
      if (left - line > 0 && left - line < 10) line = left - 10;  // room for one more line
      head += "X-Pad: " + std::string(line - 9, 'p') + "\r\n";
      left -= line;
    }
    return head + "\r\n";
  };
  EXPECT_TRUE(RawExchange(port_, request(16 * 1024)).starts_with("HTTP/1.1 200")) << "at the bound";
  for (const size_t bytes : {16 * 1024 + 1, 17 * 1024, 19 * 1024}) {
    EXPECT_TRUE(RawExchange(port_, request(bytes)).starts_with("HTTP/1.1 431")) << bytes;
  }
}

// A client that does not read its answer holds its connection, not the handler slot: another
// request is answered while the big answer is still being sent, and the slow client then gets
// the whole of it. (Before, the slot stayed taken until the slow answer was sent or its write
// timed out, and the slow client got a cut body.)
TEST_F(GuardedHttpServerTest, AClientReadingSlowlyDoesNotHoldTheHandlerSlot) {
  // The answer has begun: the slow request's handler is done.
  const int sock = BigAnswerBegun();
  ASSERT_GE(sock, 0);

  auto other = Client().Get("/other");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->body, "other");

  std::string answer = "H";
  char buffer[1 << 16];
  for (ssize_t n; (n = ::recv(sock, buffer, sizeof buffer, 0)) > 0;) {
    answer.append(buffer, static_cast<size_t>(n));
  }
  ::close(sock);
  const size_t body = answer.find("\r\n\r\n");
  ASSERT_NE(body, std::string::npos);
  EXPECT_EQ(answer.size() - body - 4, kBigBody);
}

// The request log says what reached the kernel, not only the status the handler chose.
TEST_F(GuardedHttpServerTest, TheRequestLogSaysAWholeAnswerWasHandedOverWhole) {
  EXPECT_TRUE(RawExchange(port_, "GET /other HTTP/1.1\r\nHost: x\r\n\r\n").ends_with("other"));
  serving_.Stop();
  const std::string line = log_.RequestLine("/other");
  EXPECT_NE(line.find(" status=200 answer=whole body_sent=5 body_length=5 client=\"127.0.0.1\""),
            std::string::npos)
      << line;
}

// A client that goes away before its answer is read has not been answered 200, whatever the
// handler set: the log says the writing failed, and how much of the body was handed over.
TEST_F(GuardedHttpServerTest, TheRequestLogSaysAnAnswerTheClientLeftWasNotHandedOverWhole) {
  const int sock = BigAnswerBegun();
  ASSERT_GE(sock, 0);
  ::close(sock);  // with bytes unread: a reset, which the server's next write meets
  serving_.Stop();
  const std::string line = log_.RequestLine("/big");
  EXPECT_NE(line.find(" status=200 answer=failed "), std::string::npos) << line;
  EXPECT_EQ(Field(line, "body_length"), kBigBody) << line;
  EXPECT_LT(Field(line, "body_sent"), kBigBody) << line;
}

// The fixture's server with one connection per client address, so that a connection's slot is
// the only one its address has.
class OneConnectionPerClientTest : public GuardedHttpServerTest {
 protected:
  HttpGuardOptions Guard() const override {
    HttpGuardOptions guard = GuardedHttpServerTest::Guard();
    guard.connections.per_client = 1;
    return guard;
  }
};

// A connection stops counting before its client can see it end: a client allowed one connection
// that has read its answer to the end, its own end still open, is served again at once, every
// time. (The server once waited up to a second for the client to close first, its slot taken,
// and answered the next request 503; later it still gave the slot back only after closing, so a
// client that asked again at once could find it taken.)
TEST_F(OneConnectionPerClientTest, AClientThatSawItsConnectionEndIsServedAgainAtOnce) {
  const std::string request = "GET /other HTTP/1.1\r\nHost: x\r\n\r\n";
  for (int i = 0; i < 200; ++i) {
    const int sock = testing::ConnectLoopback(port_);
    ASSERT_GE(sock, 0);
    ASSERT_EQ(::send(sock, request.data(), request.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(request.size()));
    std::string answer;
    char buffer[4096];
    for (ssize_t n; (n = ::recv(sock, buffer, sizeof buffer, 0)) > 0;) {
      answer.append(buffer, static_cast<size_t>(n));
    }
    ASSERT_TRUE(answer.ends_with("\r\n\r\nother")) << answer;
    const std::string again = RawExchange(port_, request);
    ::close(sock);
    ASSERT_TRUE(again.starts_with("HTTP/1.1 200")) << "request " << i << ": " << again;
  }
}

// A connection refused before its request was read is in the request log too: a grep for answers
// that were not whole finds the clients turned away.
TEST_F(OneConnectionPerClientTest, TheRequestLogSaysAConnectionOverTheLimitWasRefused) {
  // Its answer has begun, so it was admitted: while it is being sent, the next connection from
  // the same address is over the limit.
  const int held = BigAnswerBegun();
  ASSERT_GE(held, 0);
  const std::string refused = RawExchange(port_, "GET /other HTTP/1.1\r\nHost: x\r\n\r\n");
  ::close(held);
  EXPECT_TRUE(refused.starts_with("HTTP/1.1 503")) << refused;
  EXPECT_NE(log_.Text().find("msg=\"http request\" method=- path=- status=503 answer=refused "
                             "body_sent=0 body_length=0 client=\"127.0.0.1\""),
            std::string::npos)
      << log_.Text();
}

// The server with one connection per client address and a response deadline of 1 s.
class ResponseDeadlineTest : public OneConnectionPerClientTest {
 protected:
  HttpGuardOptions Guard() const override {
    HttpGuardOptions guard = OneConnectionPerClientTest::Guard();
    guard.response_timeout = std::chrono::seconds(1);
    return guard;
  }
};

struct SlowRead {
  size_t bytes = 0;    // of the answer, head included
  bool ended = false;  // the server closed or reset the connection
};

// Asks for the big body on a connection with a 4 KiB receive buffer and reads it 1 KiB every
// 10 ms (the whole would take over five minutes; each of the server's waits to write is short)
// until the server ends the connection, or for 60 s at most (a safety bound, not the measure).
SlowRead RequestBigAndReadSlowly(int port) {
  SlowRead read;
  const int sock = testing::ConnectLoopback(port, /*receive_buffer=*/4096);
  if (sock < 0) return read;
  const timeval safety{.tv_sec = 10, .tv_usec = 0};
  ::setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &safety, sizeof safety);
  const std::string request = "GET /big HTTP/1.1\r\nHost: x\r\n\r\n";
  if (::send(sock, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    ::close(sock);
    return read;
  }
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  char buffer[1024];
  while (std::chrono::steady_clock::now() < give_up) {
    const ssize_t n = ::recv(sock, buffer, sizeof buffer, 0);
    if (n <= 0) {
      read.ended = n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
      break;
    }
    read.bytes += static_cast<size_t>(n);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::close(sock);
  return read;
}

// A client reading its answer a little at a time, never pausing long enough for a single write
// to time out, holds its connection (its thread, its client's slot) only until the response
// deadline: then the server ends it, whatever is left of the answer.
TEST_F(ResponseDeadlineTest, AClientReadingTooSlowlyIsCutOffAtTheDeadline) {
  const SlowRead read = RequestBigAndReadSlowly(port_);
  EXPECT_GT(read.bytes, 0u) << "the answer never began";
  EXPECT_TRUE(read.ended) << "still open after 60 s, having read " << read.bytes << " bytes";
  EXPECT_LT(read.bytes, kBigBody);
}

// An answer cut at the deadline is logged as cut, with the part of its body handed over; before,
// the request log said status=200 and nothing else.
TEST_F(ResponseDeadlineTest, TheRequestLogSaysAnAnswerCutAtTheDeadlineWasCut) {
  const SlowRead read = RequestBigAndReadSlowly(port_);
  ASSERT_TRUE(read.ended) << "still open after 60 s, having read " << read.bytes << " bytes";
  serving_.Stop();
  const std::string line = log_.RequestLine("/big");
  EXPECT_NE(line.find(" status=200 answer=cut "), std::string::npos) << line;
  EXPECT_EQ(Field(line, "body_length"), kBigBody) << line;
  EXPECT_GT(Field(line, "body_sent"), 0u) << line;
  EXPECT_LT(Field(line, "body_sent"), kBigBody) << line;
}

// The deadline bounds slow clients, not answers: one that reads as fast as the server sends gets
// an answer larger than the socket buffers whole.
TEST_F(ResponseDeadlineTest, AClientThatKeepsReadingGetsTheWholeAnswer) {
  auto response = Client().Get("/medium");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, std::string(kMediumBody, 'm'));
}

// The cut connection gives its slot back: its client, allowed one connection, is served again.
TEST_F(ResponseDeadlineTest, ACutConnectionFreesItsClientsSlot) {
  ASSERT_TRUE(RequestBigAndReadSlowly(port_).ended);
  // The slot is given back before the reset is sent: asked at once, the client is served.
  auto response = Client().Get("/other");
  ASSERT_TRUE(response) << httplib::to_string(response.error());
  EXPECT_EQ(response->status, 200);
}

}  // namespace
}  // namespace headwire::common
