#pragma once
// FeedFetcher: fetches many feed URLs at once over HTTP(S) with libcurl's multi interface.
// Polite and bounded: conditional GET (If-None-Match / If-Modified-Since from the validators the
// caller kept), at most `per_host_connections` transfers to one host at a time (a transfer waits
// for its host's slot before it starts, so its timeouts count its own time only), connect and total
// timeouts, a size limit that aborts as soon as a Content-Length announces too much (or the body
// grows past it), a bounded number of redirects (http and https only; an https URL only to https
// unless allowed), gzip/deflate, and a User-Agent naming headwire and its version. Every
// connection, the first and each redirect's, new or reused, is checked against the
// private-address policy on the address it actually goes to (fetch_policy.h), so a redirect
// from a public address cannot take a feed inside the network, whatever name it gives; under
// kDirect the first hop may reach a loopback or private address, named by the URL or resolved.
// Through FetchOptions::proxy only the hosts a URL names by address are checked: the proxy must
// enforce the policy on the rest.
// Never throws (but for what the caller's on_finished or stop throws, and std::system_error when
// the transfers' thread cannot be started); every failure is a FetchResult with an error. Not
// thread-safe: one thread uses a fetcher (which runs its transfers on a thread of its own during
// FetchAll).
//
// Errors are all transient from the fetcher's point of view (a later poll may succeed): the
// caller backs off. An HTTP status >= 400 is an error; 304 is "not modified", and an error in
// answer to a request that sent no validators (nothing it could be unmodified from).
// A response whose body runs past its Content-Length leaves the rest in its connection, where
// the next request over it, another feed's maybe, would read it as its reply: a transfer that
// gets no status line over reused connections only is started once more on a fresh connection,
// its timeout counted anew.

#include <curl/curl.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "producers/fetch_policy.h"

namespace headwire::producers {

struct FetchOptions {
  // Longest wait for a TCP/TLS connection. Default: 10 s.
  std::chrono::milliseconds connect_timeout = std::chrono::seconds(10);
  // Longest whole transfer, redirects included. Default: 30 s.
  std::chrono::milliseconds timeout = std::chrono::seconds(30);
  // Largest accepted body (after decompression), in bytes. Default: 16 MiB.
  uint64_t max_bytes = 16 << 20;
  // Most redirects followed. Default: 5.
  long max_redirects = 5;
  // Most simultaneous transfers to one host. Default: 2.
  long per_host_connections = 2;
  // Most simultaneous transfers overall. Default: 16.
  long max_connections = 16;
  // Which loopback, private and link-local addresses a transfer may connect to (fetch_policy.h);
  // a refused one ends the transfer with an IoError naming the address and the rule. Default:
  // kDirect (loopback and private ones a feed's own URL reaches, never after a public hop; never
  // link-local ones).
  PrivateAddresses private_addresses = PrivateAddresses::kDirect;
  // Whether a redirect may take an https URL to http, which would hand the rest of the transfer
  // to anyone on the path. Default: false (the transfer ends with an IoError saying so).
  bool allow_https_to_http_redirects = false;
  // The proxy every transfer goes through, as libcurl's CURLOPT_PROXY takes it
  // ("http://proxy.internal:3128", "socks5h://10.0.0.2:1080"); proxies named in the environment
  // (http_proxy, https_proxy, all_proxy, no_proxy) are ignored either way. The connection to it
  // is not judged by `private_addresses`, and the fetcher cannot see the addresses the proxy
  // reaches: the proxy must enforce the policy. What is still refused is a feed URL or redirect
  // whose host is a literal address or localhost the policy refuses (fetch_policy.h,
  // CheckProxiedHost), once its connection is set up: no request is sent to it, but an https
  // hop's CONNECT, and any hop's SOCKS connect, has already asked the proxy to reach it.
  // Default: "" (none: direct connections).
  std::string proxy;
};

struct FetchRequest {
  std::string url;
  std::string etag;           // validator from the last 200 response; empty: none
  std::string last_modified;  // validator from the last 200 response; empty: none
};

struct FetchResult {
  Status error;               // OK when an HTTP response with status < 400 arrived
  long http_status = 0;       // 0 when no response arrived
  bool not_modified = false;  // 304: the caller's validators still hold
  std::string body;
  std::string final_url;     // after redirects
  std::string content_type;  // the Content-Type header; may be empty
  std::string etag;          // validators of this response; empty when it sent none
  std::string last_modified;
};

// The User-Agent: "headwire/<version> (feed poller; libcurl/<version>)".
std::string FeedUserAgent();

class FeedFetcher {
 public:
  // Returns Internal when libcurl cannot be initialised.
  static Result<std::unique_ptr<FeedFetcher>> Create(const FetchOptions& options);

  FeedFetcher(const FeedFetcher&) = delete;
  FeedFetcher& operator=(const FeedFetcher&) = delete;

  // Called once for each request, with its index in the requests, once its result is final: in
  // the order the transfers end (one whose handle libcurl could not make at once, those ended by
  // `stop` or a libcurl failure after the rest, in request order). It may take what it needs out
  // of the result, its body above all. It runs on the thread that called FetchAll, one call at a
  // time, while the transfers go on in a thread of the fetcher's own: however long it takes (a
  // slow parse), no transfer waits for it, and its time counts against no transfer's timeout. A
  // result handed to it holds its body as a transfer in flight does, and a transfer starts only
  // while fewer than `max_connections` are in flight or handed over and not yet returned from
  // here: a slow on_finished holds back transfers not yet started, never those under way, and a
  // round holds at most `max_connections` bodies at once (each at most `max_bytes`), not every
  // request's, when on_finished takes them.
  using OnFinished = std::function<void(size_t index, FetchResult& result)>;

  // Fetches every request concurrently within the limits and returns one result per request, in
  // request order, as `on_finished` (when given) left it. Blocks until all finished or timed out;
  // `stop` is asked on the calling thread after each call of `on_finished` and at least every
  // 100 ms, and when it returns true the unfinished transfers end with Aborted (Internal if
  // libcurl failed). What `on_finished` or `stop` throws stops the transfers the same way, and is
  // thrown from here once they are over.
  std::vector<FetchResult> FetchAll(const std::vector<FetchRequest>& requests,
                                    const std::function<bool()>& stop,
                                    const OnFinished& on_finished = nullptr);

 private:
  struct MultiDeleter {
    void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
  };

  class Handover;

  FeedFetcher(const FetchOptions& options, CURLM* multi);
  // The transfers of FetchAll, on its thread of their own: each result, once final, is handed
  // to the calling thread through `handover`.
  void RunTransfers(const std::vector<FetchRequest>& requests, std::vector<FetchResult>& results,
                    Handover& handover);
  FetchOptions options_;
  std::unique_ptr<CURLM, MultiDeleter> multi_;
};

}  // namespace headwire::producers
