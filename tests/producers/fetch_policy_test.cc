#include "producers/fetch_policy.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace headwire::producers {
namespace {

void ExpectClasses(const std::vector<std::pair<std::string, AddressClass>>& cases) {
  for (const auto& [address, expected] : cases) {
    const std::optional<AddressClass> kind = ClassifyAddress(address);
    ASSERT_TRUE(kind.has_value()) << address;
    EXPECT_EQ(AddressClassName(*kind), AddressClassName(expected)) << address;
  }
}

TEST(FetchPolicyTest, Ipv4AddressesAreClassifiedByTheirRangeWithItsEdges) {
  ExpectClasses({
      {"127.0.0.1", AddressClass::kLoopback},        {"127.255.255.254", AddressClass::kLoopback},
      {"10.0.0.1", AddressClass::kPrivate},          {"10.255.255.255", AddressClass::kPrivate},
      {"172.15.255.255", AddressClass::kPublic},     {"172.16.0.1", AddressClass::kPrivate},
      {"172.31.255.255", AddressClass::kPrivate},    {"172.32.0.1", AddressClass::kPublic},
      {"192.168.1.1", AddressClass::kPrivate},       {"192.169.0.1", AddressClass::kPublic},
      {"100.63.255.255", AddressClass::kPublic},     {"100.64.0.1", AddressClass::kPrivate},
      {"100.127.255.255", AddressClass::kPrivate},   {"100.128.0.1", AddressClass::kPublic},
      {"169.254.169.254", AddressClass::kLinkLocal}, {"169.253.1.1", AddressClass::kPublic},
      {"0.0.0.0", AddressClass::kUnspecified},       {"0.1.2.3", AddressClass::kUnspecified},
      {"224.0.0.1", AddressClass::kMulticast},       {"239.255.255.255", AddressClass::kMulticast},
      {"255.255.255.255", AddressClass::kBroadcast}, {"8.8.8.8", AddressClass::kPublic},
      {"93.184.216.34", AddressClass::kPublic},      {"198.17.255.255", AddressClass::kPublic},
      {"198.18.0.1", AddressClass::kPrivate},        {"198.19.255.255", AddressClass::kPrivate},
      {"198.20.0.1", AddressClass::kPublic},         {"239.255.255.255", AddressClass::kMulticast},
      {"240.0.0.1", AddressClass::kReserved},        {"255.255.255.254", AddressClass::kReserved},
  });
}

TEST(FetchPolicyTest, Ipv6AddressesAreClassifiedAndMappedIpv4OnesAsTheirIpv4) {
  ExpectClasses({
      {"::1", AddressClass::kLoopback},
      {"::", AddressClass::kUnspecified},
      {"fc00::1", AddressClass::kPrivate},
      {"fdff:ffff::1", AddressClass::kPrivate},
      {"fe80::1", AddressClass::kLinkLocal},
      {"fe80::1%eth0", AddressClass::kLinkLocal},
      {"febf::1", AddressClass::kLinkLocal},
      {"fec0::1", AddressClass::kPrivate},
      {"feff::1", AddressClass::kPrivate},
      {"64:ff9b::a00:1", AddressClass::kPrivate},
      {"64:ff9b::169.254.169.254", AddressClass::kLinkLocal},
      {"64:ff9b::127.0.0.1", AddressClass::kLoopback},
      {"64:ff9b::8.8.8.8", AddressClass::kPublic},
      {"64:ff9b:1::10.0.0.1", AddressClass::kPrivate},
      {"64:ff9b:1:ffff::192.168.0.1", AddressClass::kPrivate},
      {"64:ff9b:2::10.0.0.1", AddressClass::kPublic},
      {"64:ff9b:0:1::10.0.0.1", AddressClass::kPublic},
      {"ff02::1", AddressClass::kMulticast},
      {"2606:4700:4700::1111", AddressClass::kPublic},
      {"::ffff:127.0.0.1", AddressClass::kLoopback},
      {"::ffff:169.254.169.254", AddressClass::kLinkLocal},
      {"::ffff:a9fe:a9fe", AddressClass::kLinkLocal},
      {"::ffff:10.1.2.3", AddressClass::kPrivate},
      {"::ffff:0.0.0.0", AddressClass::kUnspecified},
      {"::ffff:8.8.8.8", AddressClass::kPublic},
      {"::127.0.0.1", AddressClass::kLoopback},
      {"::192.168.0.1", AddressClass::kPrivate},
  });
}

TEST(FetchPolicyTest, WhatIsNotANumericAddressHasNoClass) {
  for (const char* text : {"", "example.com", "1.2.3", "256.1.1.1", "::1::2", "127.0.0.1 "}) {
    EXPECT_FALSE(ClassifyAddress(text).has_value()) << text;
  }
}

TEST(FetchPolicyTest, DirectAllowsPrivateAddressesUntilAHopReachedAPublicOne) {
  for (const char* address : {"127.0.0.1", "10.0.0.1", "fd00::1", "::ffff:192.168.0.1"}) {
    EXPECT_TRUE(CheckConnectAddress(address, PrivateAddresses::kDirect, false).ok()) << address;
    EXPECT_FALSE(CheckConnectAddress(address, PrivateAddresses::kDirect, true).ok()) << address;
  }
  EXPECT_TRUE(CheckConnectAddress("93.184.216.34", PrivateAddresses::kDirect, false).ok());
  EXPECT_TRUE(CheckConnectAddress("93.184.216.34", PrivateAddresses::kDirect, true).ok());
}

TEST(FetchPolicyTest, DirectRefusesLinkLocalAddressesOnEveryHop) {
  for (const char* address : {"169.254.169.254", "fe80::1", "::ffff:169.254.169.254"}) {
    for (const bool reached_public : {false, true}) {
      EXPECT_FALSE(CheckConnectAddress(address, PrivateAddresses::kDirect, reached_public).ok())
          << address << " " << reached_public;
    }
  }
  EXPECT_EQ(CheckConnectAddress("169.254.169.254", PrivateAddresses::kDirect, false).message(),
            "refused to connect to 169.254.169.254: link-local address; set private_addresses = "
            "any to allow");
}

TEST(FetchPolicyTest, ARefusalNamesTheAddressTheRuleAndTheSetting) {
  const Status refused = CheckConnectAddress("10.0.0.1", PrivateAddresses::kDirect, true);
  EXPECT_EQ(refused.code(), StatusCode::kIoError);
  EXPECT_EQ(refused.message(),
            "refused to connect to 10.0.0.1: private address reached by a redirect "
            "from a public address; set private_addresses = any to allow");
  EXPECT_EQ(CheckConnectAddress("::1", PrivateAddresses::kNone, false).message(),
            "refused to connect to ::1: loopback address and private_addresses = none; set "
            "private_addresses = any to allow");
}

TEST(FetchPolicyTest, NoneAllowsOnlyPublicAddresses) {
  for (const char* address : {"127.0.0.1", "::1", "192.168.0.1", "100.64.1.1", "fe80::1"}) {
    EXPECT_FALSE(CheckConnectAddress(address, PrivateAddresses::kNone, false).ok()) << address;
  }
  EXPECT_TRUE(CheckConnectAddress("8.8.8.8", PrivateAddresses::kNone, false).ok());
  EXPECT_TRUE(CheckConnectAddress("2606:4700:4700::1111", PrivateAddresses::kNone, true).ok());
}

TEST(FetchPolicyTest, UnspecifiedMulticastBroadcastReservedAndNonAddressesOnlyUnderAny) {
  for (const char* address :
       {"0.0.0.0", "::", "224.0.0.1", "ff02::1", "255.255.255.255", "240.0.0.1", ""}) {
    for (const PrivateAddresses policy : {PrivateAddresses::kDirect, PrivateAddresses::kNone}) {
      EXPECT_FALSE(CheckConnectAddress(address, policy, false).ok())
          << address << " " << PrivateAddressesName(policy);
    }
    EXPECT_TRUE(CheckConnectAddress(address, PrivateAddresses::kAny, true).ok()) << address;
  }
  EXPECT_TRUE(CheckConnectAddress("169.254.169.254", PrivateAddresses::kAny, true).ok());
}

TEST(FetchPolicyTest, PolicyNamesParseBackAndAnUnknownOneIsRefused) {
  for (const PrivateAddresses policy :
       {PrivateAddresses::kDirect, PrivateAddresses::kAny, PrivateAddresses::kNone}) {
    auto parsed = ParsePrivateAddresses(PrivateAddressesName(policy));
    ASSERT_TRUE(parsed) << PrivateAddressesName(policy);
    EXPECT_EQ(*parsed, policy);
  }
  auto unknown = ParsePrivateAddresses("public");
  ASSERT_FALSE(unknown);
  EXPECT_TRUE(unknown.error().IsInvalidArgument());
  EXPECT_EQ(unknown.error().message(), "\"public\" is not one of \"direct\", \"any\", \"none\"");
  EXPECT_FALSE(ParsePrivateAddresses("Direct"));
}

TEST(FetchPolicyTest, AHostIsAnAddressByItselfWhenLiteralOrLocalhost) {
  EXPECT_EQ(HostAddress("10.0.0.1"), "10.0.0.1");
  EXPECT_EQ(HostAddress("[::1]"), "::1");
  EXPECT_EQ(HostAddress("[fe80::1]"), "fe80::1");
  EXPECT_EQ(HostAddress("localhost"), "127.0.0.1");
  EXPECT_EQ(HostAddress("LocalHost."), "127.0.0.1");
  EXPECT_EQ(HostAddress("admin.localhost"), "127.0.0.1");
  for (const char* name :
       {"feeds.example", "localhost.example", "notlocalhost", "::1", "[x]", ""}) {
    EXPECT_FALSE(HostAddress(name).has_value()) << name;
  }
}

TEST(FetchPolicyTest, ThroughAProxyLiteralAddressesAreJudgedAndNamesCountAsPublic) {
  EXPECT_EQ(CheckProxiedHost("169.254.169.254", PrivateAddresses::kDirect, true).message(),
            CheckConnectAddress("169.254.169.254", PrivateAddresses::kDirect, true).message());
  EXPECT_FALSE(CheckProxiedHost("[::1]", PrivateAddresses::kNone, false).ok());
  EXPECT_FALSE(CheckProxiedHost("localhost", PrivateAddresses::kNone, false).ok());
  EXPECT_FALSE(CheckProxiedHost("10.1.2.3", PrivateAddresses::kDirect, true).ok());
  EXPECT_TRUE(CheckProxiedHost("10.1.2.3", PrivateAddresses::kDirect, false).ok());
  EXPECT_TRUE(CheckProxiedHost("10.1.2.3", PrivateAddresses::kAny, true).ok());
  EXPECT_TRUE(CheckProxiedHost("intranet.example", PrivateAddresses::kNone, true).ok());
  EXPECT_TRUE(ProxiedHopIsPublic("intranet.example"));
  EXPECT_TRUE(ProxiedHopIsPublic("8.8.8.8"));
  EXPECT_FALSE(ProxiedHopIsPublic("10.1.2.3"));
  EXPECT_FALSE(ProxiedHopIsPublic("localhost"));
}

TEST(FetchPolicyTest, AnHttpsUrlIsRedirectedToHttpsOnlyUnlessHttpIsAllowed) {
  EXPECT_EQ(RedirectProtocols("https://a.example/rss", false), "https");
  EXPECT_EQ(RedirectProtocols("HTTPS://a.example/rss", false), "https");
  EXPECT_EQ(RedirectProtocols("https://a.example/rss", true), "http,https");
  EXPECT_EQ(RedirectProtocols("http://a.example/rss", false), "http,https");
  EXPECT_EQ(RedirectProtocols("http://a.example/rss", true), "http,https");
}

}  // namespace
}  // namespace headwire::producers
