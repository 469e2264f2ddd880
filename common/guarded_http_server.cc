#include "common/guarded_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/logging.h"
#include "core/ascii.h"

namespace headwire::common {
namespace {

constexpr size_t kMaxHeadBytes = 16 * 1024;
constexpr int kIoTimeoutMs = 5000;  // each later wait to read or write on a connection

using Clock = std::chrono::steady_clock;

// A signal interrupting the wait does not end it: the rest of the time is waited.
bool Wait(socket_t sock, short events, int timeout_ms) {
  pollfd fd{.fd = sock, .events = events, .revents = 0};
  const auto until = Clock::now() + std::chrono::milliseconds(timeout_ms);
  int left_ms = timeout_ms;
  while (true) {
    const int ready = ::poll(&fd, 1, left_ms);
    if (ready >= 0 || errno != EINTR) return ready > 0;
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now());
    left_ms = static_cast<int>(std::max<int64_t>(0, left.count()));
  }
}

std::string PeerAddress(socket_t sock) {
  sockaddr_storage address{};
  socklen_t size = sizeof address;
  if (::getpeername(sock, reinterpret_cast<sockaddr*>(&address), &size) != 0) return "";
  char text[INET6_ADDRSTRLEN] = "";
  if (address.ss_family == AF_INET) {
    ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&address)->sin_addr, text, sizeof text);
  } else if (address.ss_family == AF_INET6) {
    ::inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&address)->sin6_addr, text, sizeof text);
  }
  return text;
}

// One line of the request log (guarded_http_server.h), `method` and `path` as they are shown.
void LogRequest(std::string_view method, std::string_view path, std::string_view status,
                std::string_view answer, size_t body_sent, size_t body_length,
                const std::string& ip) {
  spdlog::debug(
      "msg=\"http request\" method={} path={} status={} answer={} body_sent={} body_length={} "
      "client={}",
      method, path, status, answer, body_sent, body_length, Quote(ip));
}

// Answers a connection that is not served with `status` ("503 Service Unavailable") and logs it,
// without the method and path it never read.
void Refuse(socket_t sock, std::string_view status, const std::string& ip) {
  const std::string response =
      "HTTP/1.1 " + std::string(status) + "\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
  if (Wait(sock, POLLOUT, 100)) {
    [[maybe_unused]] const ssize_t sent =
        ::send(sock, response.data(), response.size(), MSG_NOSIGNAL);
  }
  LogRequest("-", "-", status.substr(0, status.find(' ')), "refused", 0, 0, ip);
}

// Ends a connection without a reset: closed with bytes of the client's still unread (a second,
// pipelined request, a stray line end), the socket would send RST, and the client's kernel would
// discard the end of the answer it had not read yet. What has arrived is read and dropped (64 KiB
// at most) without waiting for more: waiting for the client to close first would hold the
// connection's thread for as long as a client keeps its end open.
void CloseGracefully(socket_t sock) {
  ::shutdown(sock, SHUT_WR);
  char buffer[4096];
  for (size_t drained = 0; drained < 64 * 1024;) {
    const ssize_t n = ::recv(sock, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n <= 0) break;
    drained += static_cast<size_t>(n);
  }
  ::close(sock);
}

// Ends a connection whose answer was cut at the response deadline with a reset, dropping what
// its send buffer still holds: closed gracefully, the kernel would go on feeding that (up to a
// few MiB) to the slow client at its own pace after the connection's slot is free, so the limits
// would no longer bound what slow readers hold.
void Reset(socket_t sock) {
  const linger abort{.l_onoff = 1, .l_linger = 0};
  ::setsockopt(sock, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
  ::close(sock);
}

// A request's method as the log shows it: bare when it is a word of capitals, as every method
// httplib serves is; quoted otherwise (a malformed request line's, answered 400).
std::string Token(const std::string& method) {
  const bool word = !method.empty() && std::all_of(method.begin(), method.end(),
                                                   [](char c) { return c >= 'A' && c <= 'Z'; });
  return word ? method : Quote(method);
}

// The name of a header line ("Content-Length: 5" → "content-length"), lower case.
std::string HeaderName(std::string_view line) {
  const size_t colon = line.find(':');
  std::string_view name = colon == std::string_view::npos ? "" : line.substr(0, colon);
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
  return core::AsciiLowercase(name);
}

// The head without its Range headers: httplib would answer one it cannot parse with 416 before
// any handler could ignore it.
std::string WithoutRange(const std::string& received) {
  const size_t end = received.find("\r\n\r\n");
  size_t at = received.find("\r\n");
  std::string head = received.substr(0, at + 2);  // the request line
  while (at < end) {
    const size_t from = at + 2;
    at = received.find("\r\n", from);
    const std::string_view line = std::string_view(received).substr(from, at - from);
    if (HeaderName(line) == "range") continue;
    head.append(line);
    head += "\r\n";
  }
  head += "\r\n";
  head.append(received, end + 4);  // what came after the head: left for httplib to see
  return head;
}

// The connection as httplib reads it: first the head already read, then the socket.
// `on_first_write` runs before the first byte is written, once the handler has answered; from
// then on, writing is refused once `response_timeout` has passed.
class HeadFirstStream final : public httplib::Stream {
 public:
  HeadFirstStream(socket_t sock, std::string head, std::string ip,
                  std::chrono::milliseconds response_timeout, std::function<void()> on_first_write)
      : sock_(sock),
        head_(std::move(head)),
        ip_(std::move(ip)),
        response_timeout_(response_timeout),
        on_first_write_(std::move(on_first_write)) {}

  // Whether writing was refused because the response deadline had passed.
  bool timed_out() const { return timed_out_; }
  // Whether a write failed, at the deadline or otherwise (the client went away, or made no room
  // for 5 s): the answer was not handed over whole.
  bool write_failed() const { return write_failed_; }
  // Bytes of the answer's body handed to the kernel.
  size_t body_sent() const { return head_bytes_ ? sent_ - *head_bytes_ : 0; }

  bool is_readable() const override {
    return read_ < head_.size() || Wait(sock_, POLLIN, kIoTimeoutMs);
  }
  bool is_writable() const override {
    int wait_ms = kIoTimeoutMs;
    if (deadline_) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline_ - Clock::now());
      if (left.count() <= 0) {
        timed_out_ = true;
        return false;
      }
      wait_ms = static_cast<int>(std::min<int64_t>(wait_ms, left.count()));
    }
    if (Wait(sock_, POLLOUT, wait_ms)) return true;
    timed_out_ = deadline_ && Clock::now() >= *deadline_;
    return false;
  }
  ssize_t read(char* ptr, size_t size) override {
    if (read_ < head_.size()) {
      const size_t n = std::min(size, head_.size() - read_);
      head_.copy(ptr, n, read_);
      read_ += n;
      return static_cast<ssize_t>(n);
    }
    if (!Wait(sock_, POLLIN, kIoTimeoutMs)) return -1;
    return ::recv(sock_, ptr, size, 0);
  }
  ssize_t write(const char* ptr, size_t size) override {
    if (on_first_write_) {
      std::exchange(on_first_write_, nullptr)();
      deadline_ = Clock::now() + response_timeout_;
    }
    // Never blocking: a blocking send returns only once all of `size` is queued, for as long as
    // a slow client takes to make room for it, past any deadline. Sent in part, the rest is
    // httplib's next write.
    while (is_writable()) {
      const ssize_t sent = ::send(sock_, ptr, size, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (sent >= 0) {
        Count(ptr, static_cast<size_t>(sent));
        return sent;
      }
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) break;
    }
    write_failed_ = true;
    return -1;
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = ip_;
    port = 0;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip.clear();
    port = 0;
  }
  socket_t socket() const override { return sock_; }

 private:
  // httplib writes the head before the body, so the body begins after the first blank line sent.
  void Count(const char* ptr, size_t n) {
    sent_ += n;
    if (head_bytes_) return;
    const size_t before = head_sent_.size();
    head_sent_.append(ptr, n);
    const size_t end = head_sent_.find("\r\n\r\n", before < 3 ? 0 : before - 3);
    if (end == std::string::npos) return;
    head_bytes_ = end + 4;
    head_sent_ = std::string();
  }

  socket_t sock_;
  std::string head_;
  std::string ip_;
  std::chrono::milliseconds response_timeout_;
  std::function<void()> on_first_write_;
  std::optional<Clock::time_point> deadline_;  // set by the first write
  mutable bool timed_out_ = false;             // set by is_writable, which httplib calls too
  bool write_failed_ = false;
  size_t read_ = 0;
  size_t sent_ = 0;                   // bytes of the answer handed to the kernel
  std::string head_sent_;             // of the head, until its end was sent
  std::optional<size_t> head_bytes_;  // the head's length, once its end was sent
};

// What httplib's logger saw of the request the thread is serving. httplib calls the logger on
// that thread once the answer is written, but shows it neither the connection nor whether the
// writing succeeded; the request is logged when both are known, after process_request.
struct Answered {
  std::string method;
  std::string path;
  int status = 0;
  size_t body_length = 0;
};
thread_local std::optional<Answered> answered;

}  // namespace

bool GuardedHttpServer::IsProbe(std::string_view head) const {
  if (options_.probe_path.empty()) return false;
  for (const std::string_view method : {"GET ", "HEAD "}) {
    if (!head.starts_with(method)) continue;
    const std::string_view target = head.substr(method.size());
    if (!target.starts_with(options_.probe_path)) return false;
    const std::string_view rest = target.substr(options_.probe_path.size());
    return rest.starts_with(' ') || rest.starts_with('?');
  }
  return false;
}

GuardedHttpServer::GuardedHttpServer(const HttpGuardOptions& options)
    : options_(options),
      handlers_(static_cast<std::ptrdiff_t>(std::max<size_t>(1, options.concurrent_requests))) {
  // At most `total` connections hold a thread past Admit, so one is always free to refuse.
  const size_t threads = options.connections.total + 1;
  new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  httplib::Server::set_logger([](const httplib::Request& request, const httplib::Response& res) {
    answered = Answered{.method = request.method,
                        .path = request.path,
                        .status = res.status,
                        .body_length = request.method == "HEAD" ? 0 : res.body.size()};
  });
}

bool GuardedHttpServer::Admit(const std::string& ip) {
  std::lock_guard lock(mutex_);
  size_t& mine = per_ip_[ip];
  if (open_ >= options_.connections.total || mine >= options_.connections.per_client) {
    if (mine == 0) per_ip_.erase(ip);
    return false;
  }
  ++open_;
  ++mine;
  return true;
}

void GuardedHttpServer::Release(const std::string& ip) {
  std::lock_guard lock(mutex_);
  --open_;
  if (--per_ip_[ip] == 0) per_ip_.erase(ip);
}

bool GuardedHttpServer::process_and_close_socket(socket_t sock) {
  const std::string ip = PeerAddress(sock);
  bool served = false;
  bool cut = false;
  const bool admitted = Admit(ip);
  if (!admitted) {
    Refuse(sock, "503 Service Unavailable", ip);
  } else {
    // The head, read in whatever pieces it comes, within one deadline for all of them.
    const auto deadline = Clock::now() + options_.head_timeout;
    std::string head;
    bool complete = false;
    bool alive = true;
    while (alive && !complete && head.size() <= kMaxHeadBytes) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0 || !Wait(sock, POLLIN, static_cast<int>(left))) break;
      char buffer[4096];
      const ssize_t n = ::recv(sock, buffer, sizeof buffer, 0);
      alive = n > 0;
      if (alive) head.append(buffer, static_cast<size_t>(n));
      // The head ends within the bound, whatever came after it in the same read; one that ends
      // past it (in the last read) is too large, as one that has not ended by then.
      const size_t end = head.find("\r\n\r\n");
      complete = end != std::string::npos && end + 4 <= kMaxHeadBytes;
      if (end != std::string::npos && !complete) break;
    }
    if (complete) {
      head = WithoutRange(head);
      // A probe is cheap and must answer while slow queries hold every handler.
      bool held = !IsProbe(head);
      if (held) handlers_.acquire();
      // The slot bounds the handlers' work, not the sending of their answers: a client reading
      // its answer slowly must not keep others' requests waiting.
      const auto release = [this, &held] {
        if (held) handlers_.release();
        held = false;
      };
      HeadFirstStream stream(sock, std::move(head), ip, options_.response_timeout, release);
      bool closed = false;
      answered.reset();
      // Range headers are gone (WithoutRange): httplib would serve each range of one in one body,
      // so "bytes=0-,0-,..." in a 16 KiB head made it build a response thousands of times the size
      // of the resource, in memory, for every such connection. Expect is dropped: there is no
      // body to wait for, and httplib's "100 Continue" would be a write before the handler,
      // giving up its slot early.
      served = process_request(stream, /*close_connection=*/true, closed,
                               [](httplib::Request& request) { request.headers.erase("Expect"); });
      release();
      cut = stream.timed_out();
      // Logged before the connection ends, so that a client seeing its end finds the line.
      if (answered) {
        const char* answer = cut ? "cut" : stream.write_failed() ? "failed" : "whole";
        LogRequest(Token(answered->method), Quote(answered->path), std::to_string(answered->status),
                   answer, stream.body_sent(), answered->body_length, ip);
      }
      // At most connections.total of these per response_timeout, as each holds its connection
      // that long: no sampling needed.
      if (cut) {
        spdlog::info("msg=\"http response cut at its deadline\" client={} response_timeout_ms={}",
                     Quote(ip), options_.response_timeout.count());
      }
    } else if (alive) {
      Refuse(sock,
             head.size() > kMaxHeadBytes ? "431 Request Header Fields Too Large"
                                         : "408 Request Timeout",
             ip);
    }
  }
  // Given back before the client can see the connection end (the FIN or the reset): a client
  // that has seen its connection end and connects again is never refused for it. Closing, left
  // to do, never waits for the client, so the pool's spare thread is free again at once.
  if (admitted) Release(ip);
  if (cut) {
    Reset(sock);
  } else {
    CloseGracefully(sock);
  }
  return served;
}

}  // namespace headwire::common
