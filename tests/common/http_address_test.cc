#include "common/http_address.h"

#include <gtest/gtest.h>

namespace headwire::common {
namespace {

TEST(HttpAddressTest, HostAndPort) {
  auto a = ParseHttpAddress("127.0.0.1:8080");
  ASSERT_TRUE(a.has_value()) << a.error().ToString();
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8080);
  EXPECT_EQ(FormatHttpAddress(*a), "127.0.0.1:8080");
}

TEST(HttpAddressTest, EmptyHostMeansLoopback) {
  auto a = ParseHttpAddress(":9000");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 9000);
}

TEST(HttpAddressTest, BarePortMeansLoopbackOnThatPort) {
  auto a = ParseHttpAddress("8080");
  ASSERT_TRUE(a.has_value()) << a.error().ToString();
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8080);
}

TEST(HttpAddressTest, BracketedIpv6) {
  auto a = ParseHttpAddress("[::1]:0");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->host, "::1");
  EXPECT_EQ(a->port, 0);
  EXPECT_EQ(FormatHttpAddress(*a), "[::1]:0");
}

TEST(HttpAddressTest, MalformedAddressesAreInvalidArguments) {
  for (const char* text : {"", "localhost", "80a", "99999", "host:", "host:http", "host:65536",
                           "host:-1", "host:80x", "::1:80", "[::1:80", "[]:80"}) {
    auto a = ParseHttpAddress(text);
    ASSERT_FALSE(a.has_value()) << text;
    EXPECT_TRUE(a.error().IsInvalidArgument()) << text;
    EXPECT_NE(a.error().message().find("HOST:PORT"), std::string::npos) << text;
  }
}

TEST(HttpAddressTest, AHostThatIsNeitherAnAddressNorANameIsInvalid) {
  for (const char* text : {"999.1.1.1:80", "10.0.0:80", "1.2.3.4.5:80", "[::g]:80", "[1.2.3.4]:80",
                           "a b:80", "host/x:80"}) {
    auto a = ParseHttpAddress(text);
    ASSERT_FALSE(a.has_value()) << text;
    EXPECT_TRUE(a.error().IsInvalidArgument()) << text;
  }
  for (const char* text : {"0.0.0.0:80", "[::]:80", "[fe80::1]:80", "example.invalid:8080",
                           "my-host.local:80", "my_host:80"}) {
    EXPECT_TRUE(ParseHttpAddress(text).has_value()) << text;
  }
}

TEST(HttpAddressTest, OnlyLoopbackHostsCountAsLoopback) {
  for (const char* host : {"127.0.0.1", "127.1.2.3", "::1", "0:0:0:0:0:0:0:1", "localhost"}) {
    EXPECT_TRUE(IsLoopbackHost(host)) << host;
  }
  for (const char* host : {"0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "example.com", "127",
                           "127.0.0.1.example.com", "127.evil", "::2", "::ffff:10.0.0.1"}) {
    EXPECT_FALSE(IsLoopbackHost(host)) << host;
  }
  auto parsed = ParseHttpAddress(":8080");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_TRUE(IsLoopbackHost(parsed->host));
}

}  // namespace
}  // namespace headwire::common
