#include "producers/fetch_policy.h"

#include <arpa/inet.h>

#include <array>
#include <cstdint>

#include "core/ascii.h"

namespace headwire::producers {
namespace {

AddressClass ClassifyIpv4(const std::array<uint8_t, 4>& a) {
  if (a[0] == 0) return AddressClass::kUnspecified;
  if (a[0] == 127) return AddressClass::kLoopback;
  if (a[0] == 10 || (a[0] == 172 && (a[1] & 0xf0) == 16) || (a[0] == 192 && a[1] == 168) ||
      (a[0] == 100 && (a[1] & 0xc0) == 64) || (a[0] == 198 && (a[1] & 0xfe) == 18)) {
    return AddressClass::kPrivate;
  }
  if (a[0] == 169 && a[1] == 254) return AddressClass::kLinkLocal;
  if ((a[0] & 0xf0) == 224) return AddressClass::kMulticast;
  if (a == std::array<uint8_t, 4>{255, 255, 255, 255}) return AddressClass::kBroadcast;
  if ((a[0] & 0xf0) == 240) return AddressClass::kReserved;
  return AddressClass::kPublic;
}

AddressClass ClassifyIpv6(const std::array<uint8_t, 16>& a) {
  bool zero_to_10 = true;  // the first ten bytes are zero: ::/96 and ::ffff:0:0/96
  for (int i = 0; i < 10; ++i) zero_to_10 = zero_to_10 && a[i] == 0;
  const std::array<uint8_t, 4> v4{a[12], a[13], a[14], a[15]};
  if (zero_to_10 && a[10] == 0xff && a[11] == 0xff) return ClassifyIpv4(v4);
  if (zero_to_10 && a[10] == 0 && a[11] == 0) {
    if (v4 == std::array<uint8_t, 4>{0, 0, 0, 1}) return AddressClass::kLoopback;
    // :: itself, and the deprecated IPv4-compatible ::a.b.c.d, which a tunnel may still carry
    // to a.b.c.d.
    return ClassifyIpv4(v4);
  }
  // NAT64 (64:ff9b::/96, and the local-use 64:ff9b:1::/48 with the IPv4 address in the last 32
  // bits as its /96 prefixes carry it): the translator connects to the embedded IPv4 address.
  const bool nat64 = a[0] == 0 && a[1] == 0x64 && a[2] == 0xff && a[3] == 0x9b;
  bool well_known_nat64 = nat64;
  for (int i = 4; i < 12; ++i) well_known_nat64 = well_known_nat64 && a[i] == 0;
  if (well_known_nat64 || (nat64 && a[4] == 0 && a[5] == 1)) return ClassifyIpv4(v4);
  if ((a[0] & 0xfe) == 0xfc) return AddressClass::kPrivate;
  if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) return AddressClass::kLinkLocal;
  if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0) return AddressClass::kPrivate;  // site-local
  if (a[0] == 0xff) return AddressClass::kMulticast;
  return AddressClass::kPublic;
}

}  // namespace

std::string_view PrivateAddressesName(PrivateAddresses policy) {
  switch (policy) {
    case PrivateAddresses::kDirect:
      return "direct";
    case PrivateAddresses::kAny:
      return "any";
    case PrivateAddresses::kNone:
      return "none";
  }
  return "direct";
}

Result<PrivateAddresses> ParsePrivateAddresses(std::string_view name) {
  for (const PrivateAddresses policy :
       {PrivateAddresses::kDirect, PrivateAddresses::kAny, PrivateAddresses::kNone}) {
    if (name == PrivateAddressesName(policy)) return policy;
  }
  return Err(Status::InvalidArgument("\"" + std::string(name) +
                                     "\" is not one of \"direct\", \"any\", \"none\""));
}

std::string_view AddressClassName(AddressClass kind) {
  switch (kind) {
    case AddressClass::kPublic:
      return "public";
    case AddressClass::kLoopback:
      return "loopback";
    case AddressClass::kPrivate:
      return "private";
    case AddressClass::kLinkLocal:
      return "link-local";
    case AddressClass::kUnspecified:
      return "unspecified";
    case AddressClass::kMulticast:
      return "multicast";
    case AddressClass::kBroadcast:
      return "broadcast";
    case AddressClass::kReserved:
      return "reserved";
  }
  return "public";
}

std::optional<AddressClass> ClassifyAddress(std::string_view address) {
  // A zone ("fe80::1%eth0") names an interface, not a part of the address.
  const std::string text(address.substr(0, address.find('%')));
  std::array<uint8_t, 4> v4{};
  if (inet_pton(AF_INET, text.c_str(), v4.data()) == 1) return ClassifyIpv4(v4);
  std::array<uint8_t, 16> v6{};
  if (inet_pton(AF_INET6, text.c_str(), v6.data()) == 1) return ClassifyIpv6(v6);
  return std::nullopt;
}

Status CheckConnectAddress(std::string_view address, PrivateAddresses policy, bool reached_public) {
  if (policy == PrivateAddresses::kAny) return Status::Ok();
  const std::optional<AddressClass> kind = ClassifyAddress(address);
  if (kind == AddressClass::kPublic) return Status::Ok();
  std::string rule;
  if (!kind) {
    rule = "not an IP address";
  } else if (*kind == AddressClass::kUnspecified || *kind == AddressClass::kMulticast ||
             *kind == AddressClass::kBroadcast || *kind == AddressClass::kReserved ||
             *kind == AddressClass::kLinkLocal) {
    rule = std::string(AddressClassName(*kind)) + " address";
  } else if (policy == PrivateAddresses::kNone) {
    rule = std::string(AddressClassName(*kind)) + " address and private_addresses = none";
  } else if (reached_public) {
    rule = std::string(AddressClassName(*kind)) +
           " address reached by a redirect from a public address";
  } else {
    return Status::Ok();
  }
  return Status::IoError("refused to connect to " + std::string(address) + ": " + rule +
                         "; set private_addresses = any to allow");
}

std::optional<std::string> HostAddress(std::string_view host) {
  std::string name = core::AsciiLowercase(host);
  if (!name.empty() && name.back() == '.') name.pop_back();
  constexpr std::string_view kLocalhost = "localhost";
  constexpr std::string_view kUnderLocalhost = ".localhost";
  if (name == kLocalhost || (name.size() > kUnderLocalhost.size() &&
                             name.compare(name.size() - kUnderLocalhost.size(),
                                          kUnderLocalhost.size(), kUnderLocalhost) == 0)) {
    return "127.0.0.1";
  }
  if (name.size() >= 2 && name.front() == '[' && name.back() == ']') {
    name = name.substr(1, name.size() - 2);
    if (ClassifyAddress(name)) return name;
    return std::nullopt;
  }
  std::array<uint8_t, 4> v4{};
  if (inet_pton(AF_INET, name.c_str(), v4.data()) == 1) return name;
  return std::nullopt;
}

Status CheckProxiedHost(std::string_view host, PrivateAddresses policy, bool reached_public) {
  const std::optional<std::string> address = HostAddress(host);
  if (!address) return Status::Ok();
  return CheckConnectAddress(*address, policy, reached_public);
}

bool ProxiedHopIsPublic(std::string_view host) {
  const std::optional<std::string> address = HostAddress(host);
  return !address || ClassifyAddress(*address) == AddressClass::kPublic;
}

std::string RedirectProtocols(std::string_view url, bool allow_https_to_http) {
  const bool https = core::AsciiLowercase(url.substr(0, 8)) == "https://";
  return https && !allow_https_to_http ? "https" : "http,https";
}

}  // namespace headwire::producers
