#pragma once
// What a feed fetch may reach. A feed list names URLs, but a feed's server names the redirects,
// so a public feed could send the fetcher to the cloud metadata endpoint (169.254.169.254), an
// admin page on loopback or another intranet host (server-side request forgery), or from https
// down to plain http. This file decides, purely:
//   - the class of an IP address (loopback, private, link-local, unspecified, multicast,
//     broadcast, reserved, public); an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible
//     (::a.b.c.d) or NAT64 (64:ff9b::a.b.c.d, and 64:ff9b:1::/48 with the IPv4 address in its
//     last 32 bits) IPv6 address is its IPv4 address;
//   - whether a transfer may connect to an address, given the PrivateAddresses policy and
//     whether an earlier hop of the same transfer reached a public address;
//   - which protocols a redirect may switch to.
// The fetcher (feed_fetcher.h) asks it about the address libcurl is about to connect to or
// has connected to, after name resolution: what is judged is an address, never how it was
// reached. So under kDirect a feed URL naming a public host that resolves to a loopback or
// private address (DNS rebinding) is fetched on its first hop, as an intranet feed would be;
// only kNone refuses that. A link-local address (the cloud metadata endpoint) is refused on
// every hop unless kAny.

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace headwire::producers {

// Which non-public addresses a fetch may connect to.
enum class PrivateAddresses {
  // A loopback or private address only while no hop of the transfer reached a public address: a
  // feed configured on an intranet host works (and redirects within the intranet), but a public
  // server cannot redirect the fetcher inside. Never a link-local one.
  kDirect,
  // Every address, link-local, unspecified, multicast, broadcast and reserved included.
  kAny,
  // Public addresses only.
  kNone,
};

enum class AddressClass {
  kPublic,
  kLoopback,     // 127/8, ::1
  kPrivate,      // 10/8, 172.16/12, 192.168/16, 100.64/10 (CGNAT), 198.18/15 (benchmarking),
                 // fc00::/7, fec0::/10 (the deprecated site-local)
  kLinkLocal,    // 169.254/16 (cloud metadata among it), fe80::/10
  kUnspecified,  // 0/8 ("this network": Linux connects 0.0.0.0 to loopback), ::
  kMulticast,    // 224/4, ff00::/8
  kBroadcast,    // 255.255.255.255
  kReserved,     // 240/4 but the broadcast address: no host has one
};

// "direct", "any", "none": the names the feed list uses.
std::string_view PrivateAddressesName(PrivateAddresses policy);

// The policy named `name`; InvalidArgument listing the names otherwise.
Result<PrivateAddresses> ParsePrivateAddresses(std::string_view name);

// "loopback", "private", "link-local", ...: how an error names the class.
std::string_view AddressClassName(AddressClass kind);

// The class of the numeric IPv4 or IPv6 address `address` ("10.1.2.3", "fe80::1"); nullopt when
// it is neither.
std::optional<AddressClass> ClassifyAddress(std::string_view address);

// Whether a transfer may connect to the numeric address `address`, under `policy`, when an
// earlier hop of it did (`reached_public`) or did not reach a public address. Returns OK, or
// IoError naming the address and the rule ("refused to connect to 169.254.169.254: link-local
// address reached by a redirect from a public address; set private_addresses = any to allow").
// An address that does not parse is refused unless the policy is kAny.
Status CheckConnectAddress(std::string_view address, PrivateAddresses policy, bool reached_public);

// The address a URL's host names by itself, as libcurl's URL parser gives the host: a literal
// IPv4 address ("10.0.0.1"), a literal IPv6 one ("[::1]", brackets and all), or 127.0.0.1 for
// "localhost" and names ending in ".localhost" (which libcurl and resolvers answer with
// loopback); nullopt for any other host name.
std::optional<std::string> HostAddress(std::string_view host);

// Through a proxy the fetcher connects only to the proxy, which the operator named and which is
// not judged; the proxy resolves and reaches the targets, and must enforce the policy itself.
// What the fetcher can still refuse is a hop to a URL whose host is an address by itself
// (HostAddress): CheckConnectAddress on that address. libcurl asks for the check only once the
// hop's connection is set up, before it sends the request: an http hop through an HTTP proxy is
// refused before the proxy hears of the address, but an https hop's CONNECT, and a SOCKS
// proxy's connect for either, has already asked the proxy to reach it. A host name is allowed,
// and counts as a public hop (ProxiedHopIsPublic), since the fetcher cannot tell where the proxy
// takes it.
Status CheckProxiedHost(std::string_view host, PrivateAddresses policy, bool reached_public);
bool ProxiedHopIsPublic(std::string_view host);

// The protocols a redirect of a transfer for `url` may switch to, as libcurl's
// CURLOPT_REDIR_PROTOCOLS_STR takes them: "https" for an https URL unless
// `allow_https_to_http` (a redirect must not drop the encryption the feed list asked for),
// else "http,https".
std::string RedirectProtocols(std::string_view url, bool allow_https_to_http);

}  // namespace headwire::producers
