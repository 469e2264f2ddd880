#include "producers/feed_fetcher.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <sys/socket.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <initializer_list>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

namespace headwire::producers {
namespace {

bool InitCurl() {
  static const bool ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  return ok;
}

// One transfer in flight: its easy handle, request headers and what arrived so far.
struct Transfer {
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  FetchResult* result = nullptr;  // null once its result is final
  size_t index = 0;               // of its request
  uint64_t max_bytes = 0;
  bool too_large = false;
  std::string host;  // scheme, host and port of the request URL: HostOf
  PrivateAddresses private_addresses = PrivateAddresses::kDirect;
  bool reached_public = false;  // a hop of this transfer connected to a public address
  bool proxied = false;         // through FetchOptions::proxy: fetch_policy.h, CheckProxiedHost
  // Why the hop's last address was refused on opening: the error when the hop then could not
  // connect and no other address of it was allowed (else the error is that address's failure).
  Status refused_socket;
  bool socket_allowed = false;  // an address of the current hop was allowed on opening
  Status refused_request;       // why the hop's request was refused: the error of the abort
  bool https_only_redirects = false;
  Status internal;           // an exception a callback caught: the transfer's error
  bool conditional = false;  // the request carries validators (If-None-Match, If-Modified-Since)
  bool retried = false;      // started again on a fresh connection: RetriesOnAFreshConnection

  ~Transfer() {
    curl_slist_free_all(headers);
    curl_easy_cleanup(easy);
  }
};

size_t Body(Transfer* transfer, char* data, size_t size, size_t count) {
  const size_t bytes = size * count;
  if (transfer->result->body.size() + bytes > transfer->max_bytes) {
    transfer->too_large = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  transfer->result->body.append(data, bytes);
  return bytes;
}

// Before libcurl opens a connection, so that a refused address gets not even a SYN. Returning
// CURL_SOCKET_BAD makes libcurl try the host's next address, or fail with CURLE_COULDNT_CONNECT.
curl_socket_t OpenSocket(Transfer* transfer, curl_sockaddr* address) {
  if (transfer->proxied) {  // every connection goes to the proxy, which the operator named
    return socket(address->family, address->socktype, address->protocol);
  }
  char text[INET6_ADDRSTRLEN] = "";
  const void* bytes = nullptr;
  if (address->family == AF_INET) {
    bytes = &reinterpret_cast<const sockaddr_in*>(&address->addr)->sin_addr;
  } else if (address->family == AF_INET6) {
    bytes = &reinterpret_cast<const sockaddr_in6*>(&address->addr)->sin6_addr;
  }
  if (bytes == nullptr || inet_ntop(address->family, bytes, text, sizeof text) == nullptr) {
    text[0] = '\0';  // not an IP address: CheckConnectAddress refuses it unless kAny
  }
  Status allowed = CheckConnectAddress(text, transfer->private_addresses, transfer->reached_public);
  if (!allowed.ok()) {
    transfer->refused_socket = std::move(allowed);
    return CURL_SOCKET_BAD;
  }
  transfer->socket_allowed = true;
  return socket(address->family, address->socktype, address->protocol);
}

// The `parts` of `url` as libcurl's URL parser gives them (`flags` as curl_url_get takes them),
// each empty when the URL has none; nullopt when it cannot parse the URL.
std::optional<std::vector<std::string>> UrlParts(const char* url,
                                                 std::initializer_list<CURLUPart> parts,
                                                 unsigned int flags) {
  CURLU* parsed = curl_url();
  std::optional<std::vector<std::string>> values;
  if (parsed != nullptr && curl_url_set(parsed, CURLUPART_URL, url, 0) == CURLUE_OK) {
    values.emplace();
    for (const CURLUPart part : parts) {
      char* text = nullptr;
      values->push_back(curl_url_get(parsed, part, &text, flags) == CURLUE_OK ? text : "");
      curl_free(text);
    }
  }
  curl_url_cleanup(parsed);
  return values;
}

// The host part of `url` as libcurl's URL parser gives it; empty when it cannot parse it.
std::string UrlHost(const char* url) {
  const auto parts = UrlParts(url, {CURLUPART_HOST}, 0);
  return parts ? parts->front() : "";
}

// Through a proxy the connection is the proxy's: what can be judged is the host of the URL
// about to be asked for, the feed's or a redirect's. By now the proxy may already have been asked
// to reach it (an https hop's CONNECT, a SOCKS connect): only the request is held back.
int OnProxiedPrerequest(Transfer& transfer) {
  char* url = nullptr;
  curl_easy_getinfo(transfer.easy, CURLINFO_EFFECTIVE_URL, &url);
  const std::string host = UrlHost(url != nullptr ? url : "");
  Status allowed = CheckProxiedHost(host, transfer.private_addresses, transfer.reached_public);
  if (!allowed.ok()) {
    transfer.refused_request = std::move(allowed);
    return CURL_PREREQFUNC_ABORT;
  }
  if (ProxiedHopIsPublic(host)) transfer.reached_public = true;
  return CURL_PREREQFUNC_OK;
}

// Before each request of a transfer, the first and each redirect's, on a new or a reused
// connection. The check on opening is not enough: the multi handle's connections are shared by
// all transfers, so a redirect may be sent over one that another transfer opened to an intranet
// feed, and no socket is opened for it. This is also where a hop counts as reached.
int Prerequest(Transfer* transfer, const char* primary_ip) {
  if (transfer->proxied) return OnProxiedPrerequest(*transfer);
  const std::string_view address = primary_ip != nullptr ? primary_ip : "";
  Status allowed =
      CheckConnectAddress(address, transfer->private_addresses, transfer->reached_public);
  if (!allowed.ok()) {
    transfer->refused_request = std::move(allowed);
    return CURL_PREREQFUNC_ABORT;
  }
  // The next hop's connection is judged afresh.
  transfer->refused_socket = Status::Ok();
  transfer->socket_allowed = false;
  if (ClassifyAddress(address) == AddressClass::kPublic) transfer->reached_public = true;
  return CURL_PREREQFUNC_OK;
}

// No C++ exception may unwind through libcurl's C frames. A body or prerequest callback that
// throws (std::bad_alloc above all) aborts its transfer; an open-socket one that throws refuses
// that address only, and libcurl goes on to the host's next address. Either way the transfer's
// result is the Internal error saying why, even if it then completed, its body dropped.
void RecordException(Transfer& transfer) noexcept {
  try {
    try {
      throw;
    } catch (const std::exception& e) {
      transfer.internal = Status::Internal(std::string("in a libcurl callback: ") + e.what());
    } catch (...) {
      transfer.internal = Status::Internal("in a libcurl callback: unknown exception");
    }
  } catch (...) {
    // No memory for the message: the outcome is libcurl's alone.
  }
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  try {
    return Body(transfer, data, size, count);
  } catch (...) {
    RecordException(*transfer);
    return 0;
  }
}

curl_socket_t OnOpenSocket(void* user, curlsocktype, curl_sockaddr* address) {
  auto* transfer = static_cast<Transfer*>(user);
  try {
    return OpenSocket(transfer, address);
  } catch (...) {
    RecordException(*transfer);
    return CURL_SOCKET_BAD;
  }
}

int OnPrerequest(void* user, char* primary_ip, char*, int, int) {
  auto* transfer = static_cast<Transfer*>(user);
  try {
    return Prerequest(transfer, primary_ip);
  } catch (...) {
    RecordException(*transfer);
    return CURL_PREREQFUNC_ABORT;
  }
}

// The connection pool a URL draws on: its scheme, host and port; the URL itself when libcurl
// cannot parse it (the transfer then fails on its own).
std::string HostOf(const std::string& url) {
  const auto parts =
      UrlParts(url.c_str(), {CURLUPART_SCHEME, CURLUPART_HOST, CURLUPART_PORT}, CURLU_DEFAULT_PORT);
  if (!parts) return url;
  std::string key;
  for (const std::string& part : *parts) key.append(part).push_back('|');
  return key;
}

std::string ResponseHeader(CURL* easy, const char* name) {
  curl_header* header = nullptr;
  if (curl_easy_header(easy, name, 0, CURLH_HEADER, -1, &header) != CURLHE_OK) return "";
  return header->value ? header->value : "";
}

// The body of a failed transfer is not handed on: its memory is released now (clear() would keep
// it, up to max_bytes, until the round ends).
void DropBody(FetchResult& result) { std::string().swap(result.body); }

void Finish(Transfer& transfer, CURLcode code, const FetchOptions& options) {
  FetchResult& result = *transfer.result;
  long status = 0;
  curl_easy_getinfo(transfer.easy, CURLINFO_RESPONSE_CODE, &status);
  result.http_status = status;
  char* final_url = nullptr;
  if (curl_easy_getinfo(transfer.easy, CURLINFO_EFFECTIVE_URL, &final_url) == CURLE_OK &&
      final_url) {
    result.final_url = final_url;
  }
  if (!transfer.internal.ok()) {
    result.error = transfer.internal;
    DropBody(result);
    return;
  }
  if (transfer.too_large || code == CURLE_FILESIZE_EXCEEDED) {
    result.error = Status::IoError("response larger than " + std::to_string(options.max_bytes) +
                                   " bytes; aborted");
    DropBody(result);
    return;
  }
  // A refusal is the error only when it ended the transfer: an address refused on the way to
  // an allowed one that then failed (connect refused, timeout, TLS) leaves that failure.
  const Status& refused = code == CURLE_ABORTED_BY_CALLBACK ? transfer.refused_request
                          : code == CURLE_COULDNT_CONNECT && !transfer.socket_allowed
                              ? transfer.refused_socket
                              : Status::Ok();
  if (!refused.ok()) {
    result.error = refused;
    DropBody(result);
    return;
  }
  if (code == CURLE_UNSUPPORTED_PROTOCOL && transfer.https_only_redirects) {
    // The request's own URL is https, which is supported: what was refused is a redirect's.
    result.error = Status::IoError(
        "refused to follow a redirect from https to " + result.final_url +
        ": an https feed is redirected to https only; set allow_https_to_http_redirects = true "
        "to allow http");
    DropBody(result);
    return;
  }
  if (code != CURLE_OK) {
    const StatusCode kind =
        code == CURLE_OPERATION_TIMEDOUT ? StatusCode::kTimedOut : StatusCode::kIoError;
    result.error = Status(kind, curl_easy_strerror(code));
    DropBody(result);
    return;
  }
  char* content_type = nullptr;
  if (curl_easy_getinfo(transfer.easy, CURLINFO_CONTENT_TYPE, &content_type) == CURLE_OK &&
      content_type) {
    result.content_type = content_type;
  }
  result.etag = ResponseHeader(transfer.easy, "ETag");
  result.last_modified = ResponseHeader(transfer.easy, "Last-Modified");
  if (status == 304 && !transfer.conditional) {
    result.error = Status::IoError(
        "HTTP status 304 (not modified) to a request without validators: there was nothing it "
        "could be unmodified from");
    DropBody(result);
  } else if (status == 304) {
    result.not_modified = true;
  } else if (status >= 400 || status < 200) {
    result.error = Status::IoError("HTTP status " + std::to_string(status));
    DropBody(result);
  }
}

// Whether `transfer`, ended by `code`, failed on bytes an earlier response left in a reused
// connection, and is to be started again on a fresh one. libcurl reads of a response only as many
// bytes as its Content-Length announces: a body longer than that leaves its tail in the
// connection, which goes back to the pool, and the next request sent over it, another feed's,
// reads that tail as its reply (no status line: HTTP/0.9, which libcurl refuses with
// CURLE_UNSUPPORTED_PROTOCOL; a garbled one: CURLE_WEIRD_SERVER_REPLY). Only a transfer that got
// no status line and opened no connection of its own may have been served so, and it is retried
// once: a server that answers so on a fresh connection fails its own feed only.
bool RetriesOnAFreshConnection(const Transfer& transfer, CURLcode code) {
  if (transfer.retried || !transfer.internal.ok() ||
      (code != CURLE_UNSUPPORTED_PROTOCOL && code != CURLE_WEIRD_SERVER_REPLY)) {
    return false;
  }
  long status = 0;
  long connects = 0;
  curl_easy_getinfo(transfer.easy, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo(transfer.easy, CURLINFO_NUM_CONNECTS, &connects);
  return status == 0 && connects == 0;
}

// Readies `transfer` to be started again on a new connection: what its first attempt received
// and judged is forgotten.
void PrepareRetry(Transfer& transfer) {
  transfer.retried = true;
  transfer.reached_public = false;
  transfer.refused_socket = Status::Ok();
  transfer.socket_allowed = false;
  transfer.refused_request = Status::Ok();
  DropBody(*transfer.result);
  curl_easy_setopt(transfer.easy, CURLOPT_FRESH_CONNECT, 1L);
}

}  // namespace

std::string FeedUserAgent() {
  return std::string("headwire/") + HEADWIRE_VERSION + " (feed poller; libcurl/" +
         curl_version_info(CURLVERSION_NOW)->version + ")";
}

Result<std::unique_ptr<FeedFetcher>> FeedFetcher::Create(const FetchOptions& options) {
  if (!InitCurl()) return Err(Status::Internal("curl_global_init failed"));
  CURLM* multi = curl_multi_init();
  if (multi == nullptr) return Err(Status::Internal("curl_multi_init failed"));
  curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, options.per_host_connections);
  curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, options.max_connections);
  return std::unique_ptr<FeedFetcher>(new FeedFetcher(options, multi));
}

FeedFetcher::FeedFetcher(const FetchOptions& options, CURLM* multi)
    : options_(options), multi_(multi) {}

// The results the transfer thread hands over to the calling thread, in the order their transfers
// ended, and what the two tell each other: how many results are held (handed over, not yet
// through on_finished), whether the transfers are done, whether they are to stop.
class FeedFetcher::Handover {
 public:
  explicit Handover(CURLM* multi) : multi_(multi) {}

  // The transfer thread: `index`'s result is final.
  void Push(size_t index) {
    {
      const std::lock_guard lock(mutex_);
      finished_.push_back(index);
      ++held_;
    }
    changed_.notify_one();
  }

  // The transfer thread: results handed over whose on_finished has not returned.
  size_t Held() const {
    const std::lock_guard lock(mutex_);
    return held_;
  }

  // The transfer thread: every result is handed over, or `failure` ended the transfers.
  void Done(std::exception_ptr failure) {
    {
      const std::lock_guard lock(mutex_);
      done_ = true;
      failure_ = std::move(failure);
    }
    changed_.notify_one();
  }

  bool StopRequested() const { return stop_.load(); }

  // The calling thread: the next result handed over, waiting up to `wait` for one; nullopt when
  // none came, `done` then telling whether none will.
  std::optional<size_t> Next(std::chrono::milliseconds wait, bool& done) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, wait, [this] { return !finished_.empty() || done_; });
    done = done_ && finished_.empty();
    if (finished_.empty()) return std::nullopt;
    const size_t index = finished_.front();
    finished_.pop_front();
    return index;
  }

  // The calling thread: on_finished returned for a result; a transfer may start in its place.
  void Handled() {
    {
      const std::lock_guard lock(mutex_);
      --held_;
    }
    curl_multi_wakeup(multi_);
  }

  // The calling thread: the unfinished transfers are to end now.
  void RequestStop() {
    stop_ = true;
    curl_multi_wakeup(multi_);
  }

  // What ended the transfer thread, once it is joined.
  std::exception_ptr failure() const {
    const std::lock_guard lock(mutex_);
    return failure_;
  }

 private:
  CURLM* multi_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<size_t> finished_;
  size_t held_ = 0;
  bool done_ = false;
  std::exception_ptr failure_;
  std::atomic<bool> stop_{false};
};

std::vector<FetchResult> FeedFetcher::FetchAll(const std::vector<FetchRequest>& requests,
                                               const std::function<bool()>& stop,
                                               const OnFinished& on_finished) {
  std::vector<FetchResult> results(requests.size());
  Handover handover(multi_.get());
  std::thread transfers([&] {
    try {
      RunTransfers(requests, results, handover);
      handover.Done(nullptr);
    } catch (...) {
      handover.Done(std::current_exception());
    }
  });
  // Whatever leaves this scope with the thread running (an exception of the handover itself)
  // stops the transfers and waits for them: they write into `results`.
  struct JoinOnExit {
    Handover& handover;
    std::thread& thread;
    ~JoinOnExit() {
      if (!thread.joinable()) return;
      handover.RequestStop();
      thread.join();
    }
  } join_on_exit{handover, transfers};
  // What on_finished or stop threw: the transfers are stopped, and it is thrown again once they
  // are.
  std::exception_ptr thrown;
  bool stopping = false;
  for (bool done = false; !done;) {
    const std::optional<size_t> index = handover.Next(std::chrono::milliseconds(100), done);
    if (index && on_finished && !thrown) {
      try {
        on_finished(*index, results[*index]);
      } catch (...) {
        thrown = std::current_exception();
      }
    }
    if (index) handover.Handled();
    if (stopping) continue;
    bool asked_to_stop = false;
    if (!thrown && !done) {
      try {
        asked_to_stop = stop();
      } catch (...) {
        thrown = std::current_exception();
      }
    }
    if (thrown || asked_to_stop) {
      stopping = true;
      handover.RequestStop();
    }
  }
  transfers.join();
  if (thrown) std::rethrow_exception(thrown);
  if (std::exception_ptr failure = handover.failure()) std::rethrow_exception(failure);
  return results;
}

void FeedFetcher::RunTransfers(const std::vector<FetchRequest>& requests,
                               std::vector<FetchResult>& results, Handover& handover) {
  CURLM* multi = multi_.get();
  const auto hand_over = [&](size_t index) { handover.Push(index); };
  std::vector<std::unique_ptr<Transfer>> transfers;
  const std::string user_agent = FeedUserAgent();
  for (size_t i = 0; i < requests.size(); ++i) {
    auto transfer = std::make_unique<Transfer>();
    transfer->result = &results[i];
    transfer->index = i;
    transfer->max_bytes = options_.max_bytes;
    transfer->host = HostOf(requests[i].url);
    transfer->private_addresses = options_.private_addresses;
    transfer->proxied = !options_.proxy.empty();
    const std::string redirect_protocols =
        RedirectProtocols(requests[i].url, options_.allow_https_to_http_redirects);
    transfer->https_only_redirects = redirect_protocols == "https";
    transfer->easy = curl_easy_init();
    if (transfer->easy == nullptr) {
      results[i].error = Status::Internal("curl_easy_init failed");
      hand_over(i);
      continue;
    }
    CURL* easy = transfer->easy;
    curl_easy_setopt(easy, CURLOPT_URL, requests[i].url.c_str());
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    // Only the proxy the feed list names, for every host: one from the environment (http_proxy,
    // https_proxy, all_proxy) or an exemption in no_proxy would change which address the
    // policy sees.
    curl_easy_setopt(easy, CURLOPT_PROXY, options_.proxy.c_str());
    curl_easy_setopt(easy, CURLOPT_NOPROXY, "");
    curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, redirect_protocols.c_str());
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, OnOpenSocket);
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, transfer.get());
    curl_easy_setopt(easy, CURLOPT_PREREQFUNCTION, OnPrerequest);
    curl_easy_setopt(easy, CURLOPT_PREREQDATA, transfer.get());
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(easy, CURLOPT_MAXREDIRS, options_.max_redirects);
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");  // every encoding libcurl decodes
    curl_easy_setopt(easy, CURLOPT_USERAGENT, user_agent.c_str());
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
    curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options_.max_bytes));
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, transfer.get());
    curl_easy_setopt(easy, CURLOPT_PRIVATE, transfer.get());
    if (!requests[i].etag.empty()) {
      transfer->headers =
          curl_slist_append(transfer->headers, ("If-None-Match: " + requests[i].etag).c_str());
    }
    transfer->conditional = !requests[i].etag.empty() || !requests[i].last_modified.empty();
    if (!requests[i].last_modified.empty()) {
      transfer->headers = curl_slist_append(
          transfer->headers, ("If-Modified-Since: " + requests[i].last_modified).c_str());
    }
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer->headers);
    transfers.push_back(std::move(transfer));
  }

  // A transfer joins the multi handle only when its host and the whole fetcher have a free
  // connection. libcurl would queue it itself, but its timeout would then run while it waits, and
  // feeds behind two slow ones of the same host would time out without being asked for.
  std::deque<Transfer*> waiting;
  for (auto& transfer : transfers) waiting.push_back(transfer.get());
  std::map<std::string, long> per_host;
  long active = 0;
  const auto start_ready = [&] {
    // A result held for on_finished keeps its body as a transfer in flight does: together they
    // are at most max_connections.
    const auto held = static_cast<long>(handover.Held());
    for (auto it = waiting.begin();
         it != waiting.end() && active + held < options_.max_connections;) {
      Transfer& transfer = **it;
      if (per_host[transfer.host] >= options_.per_host_connections) {
        ++it;
        continue;
      }
      it = waiting.erase(it);
      if (curl_multi_add_handle(multi, transfer.easy) != CURLM_OK) {
        transfer.result->error = Status::Internal("curl_multi_add_handle failed");
        transfer.result = nullptr;
        hand_over(transfer.index);
        continue;
      }
      ++per_host[transfer.host];
      ++active;
    }
  };
  start_ready();

  const auto finish_done = [&] {
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
      if (message->msg != CURLMSG_DONE) continue;
      Transfer* transfer = nullptr;
      curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &transfer);
      const CURLcode code = message->data.result;
      if (RetriesOnAFreshConnection(*transfer, code)) {
        curl_multi_remove_handle(multi, transfer->easy);
        PrepareRetry(*transfer);
        // It keeps its host's connection slot.
        if (curl_multi_add_handle(multi, transfer->easy) == CURLM_OK) continue;
        transfer->result->error = Status::Internal("curl_multi_add_handle failed");
      } else {
        Finish(*transfer, code, options_);
        curl_multi_remove_handle(multi, message->easy_handle);
      }
      transfer->result = nullptr;
      --per_host[transfer->host];
      --active;
      hand_over(transfer->index);
    }
  };

  int running = 0;
  CURLMcode failure = CURLM_OK;
  do {
    failure = curl_multi_perform(multi, &running);
    if (failure != CURLM_OK) break;
    finish_done();
    if (!waiting.empty()) {
      start_ready();
      // Let the new transfers start before asking whether anything still runs.
      failure = curl_multi_perform(multi, &running);
      if (failure != CURLM_OK) break;
    }
    if ((running > 0 || !waiting.empty()) && handover.StopRequested()) break;
    // Also while transfers wait for room: on_finished returning makes some (Handled wakes this).
    if (running > 0 || !waiting.empty()) curl_multi_poll(multi, nullptr, 0, 100, nullptr);
  } while (running > 0 || !waiting.empty());
  // The last perform may have ended transfers (one started by it that failed at once, such as
  // a URL with a space in its host): their outcome is already known, not cut short.
  finish_done();

  for (auto& transfer : transfers) {
    if (transfer->result == nullptr) continue;        // finished above
    curl_multi_remove_handle(multi, transfer->easy);  // a no-op for one still waiting
    transfer->result->error =
        failure != CURLM_OK
            ? Status::Internal(std::string("libcurl: ") + curl_multi_strerror(failure))
            : Status::Aborted("shutdown before the transfer finished");
    DropBody(*transfer->result);
    transfer->result = nullptr;
    hand_over(transfer->index);
  }
}

}  // namespace headwire::producers
