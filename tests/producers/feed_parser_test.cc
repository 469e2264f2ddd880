// The feed parser over the 30 real fixtures of ../shared/data/rss (see its SOURCE.md), plus
// small documents written here for what the fixtures do not cover (JSON Feed, XXE, HTTP charset,
// damaged XML, namespaced elements, IRIs, stray windows-1252 bytes, markup without spaces).
// Expected values are read from the fixture files themselves (transcoded with iconv where the
// fixture is not UTF-8), never from the parser's output.

#include "producers/feed_parser.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>
#include <tuple>

#include "common/time_format.h"
#include "core/article_id.h"
#include "core/text.h"

namespace headwire::producers {
namespace {

const std::string kFixtures = HEADWIRE_RSS_FIXTURES;
const std::string kFeedUrl = "http://news.example/feeds/main.xml";

std::string ReadFixture(const std::string& relative) {
  std::ifstream in(kFixtures + "/" + relative, std::ios::binary);
  EXPECT_TRUE(in) << "missing fixture " << relative;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Result<ParsedFeed> ParseFixture(const std::string& relative, std::string content_type = "") {
  return ParseFeed(ReadFixture(relative), FeedResponse{kFeedUrl, "", std::move(content_type)});
}

int64_t Ms(std::string_view rfc3339) { return *common::ParseRfc3339(rfc3339); }

// `unit` written `count` times over.
std::string Repeat(std::string_view unit, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) out += unit;
  return out;
}

// How many times the hostile runs of the tests of linear time repeat their unit: 300 KB to 2.4 MB
// of body, which a read quadratic in the run's length would take minutes over.
constexpr size_t kLongRun = 100000;

// The feed of `before`, then `unit` repeated `count` times, then `after`: the body of a test of
// time linear in a hostile run's length.
Result<ParsedFeed> ParseRepeated(std::string_view before, std::string_view unit, size_t count,
                                 std::string_view after) {
  return ParseFeed(std::string(before) + Repeat(unit, count) + std::string(after),
                   {kFeedUrl, "", ""});
}

TEST(FeedParserTest, EveryFixtureParsesOrIsRejectedWithAReason) {
  size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kFixtures)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() || name == "SOURCE.md" || name == "LICENSE" ||
        name.starts_with("LICENSE")) {
      continue;
    }
    ++files;
    const std::string relative = std::filesystem::relative(entry.path(), kFixtures).string();
    auto feed = ParseFixture(relative);
    if (!feed) {
      EXPECT_TRUE(feed.error().message().starts_with("not a feed")) << relative;
      continue;
    }
    for (const FeedItem& item : feed->items) {
      EXPECT_FALSE(item.id.empty()) << relative;
      EXPECT_FALSE(item.title.empty()) << relative;
      EXPECT_TRUE(core::IsValidUtf8(item.title)) << relative;
      EXPECT_TRUE(core::IsValidUtf8(item.body)) << relative;
    }
  }
  EXPECT_EQ(files, 30u);
}

TEST(FeedParserTest, TruncatedFixturesParseOrFailCleanly) {
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kFixtures)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() || name == "SOURCE.md" || name == "LICENSE") continue;
    const std::string body =
        ReadFixture(std::filesystem::relative(entry.path(), kFixtures).string());
    for (size_t cut = 1; cut < 12; ++cut) {
      const std::string prefix = body.substr(0, body.size() * cut / 12);
      auto feed = ParseFeed(prefix, FeedResponse{kFeedUrl, "", ""});
      if (!feed) {
        EXPECT_TRUE(feed.error().message().starts_with("not a feed")) << name << " cut " << cut;
        continue;
      }
      for (const FeedItem& item : feed->items) {
        EXPECT_FALSE(item.title.empty()) << name << " cut " << cut;
        EXPECT_TRUE(core::IsValidUtf8(item.title)) << name << " cut " << cut;
      }
    }
  }
}

TEST(FeedParserTest, Rss2SampleGivesTitlesLinksAndRfc822Dates) {
  auto feed = ParseFixture("node-feedparser/rss2sample.xml");
  ASSERT_TRUE(feed) << feed.error().ToString();
  EXPECT_EQ(feed->format, FeedFormat::kRss);
  EXPECT_EQ(feed->title, "Liftoff News");
  EXPECT_EQ(feed->language, "en-us");
  ASSERT_EQ(feed->items.size(), 4u);
  EXPECT_EQ(feed->items[0].title, "Star City");
  EXPECT_EQ(feed->items[0].url, "http://liftoff.msfc.nasa.gov/news/2003/news-starcity.asp");
  EXPECT_EQ(feed->items[0].published_at_ms, Ms("2003-06-03T09:39:21Z"));
  // The second item has no title: its description stands in, as plain text.
  EXPECT_TRUE(feed->items[1].title.starts_with("Sky watchers in Europe, Asia, and parts of"));
  EXPECT_EQ(feed->items[1].title.find('<'), std::string::npos);
  EXPECT_EQ(feed->items[3].title, "Astronauts' Dirty Laundry");
}

TEST(FeedParserTest, CdataTitlesAndNamedZoneDates) {
  auto feed = ParseFixture("node-feedparser/wapowellness.xml");
  ASSERT_TRUE(feed) << feed.error().ToString();
  ASSERT_EQ(feed->items.size(), 29u);
  EXPECT_EQ(feed->title, "Wellness: Health, Fitness, Nutrition & More - The Washington Post");
  EXPECT_EQ(feed->items[0].title, "Schools minister to kids\u2019 fitness and nutrition needs");
  EXPECT_EQ(feed->items[0].published_at_ms, Ms("2012-08-21T15:33:00Z"));  // 10:33 EST
}

TEST(FeedParserTest, DeclaredWindows1251IsTranscoded) {
  auto feed = ParseFixture("node-feedparser/iconv.xml");
  ASSERT_TRUE(feed) << feed.error().ToString();
  ASSERT_EQ(feed->items.size(), 10u);
  EXPECT_EQ(feed->title, "Новости Оренбурга и области / Раздел Новости");
  EXPECT_EQ(feed->items[0].title, "В Бузулуке главные стройплощадки – детсад и Ледовый дворец");
}

TEST(FeedParserTest, GzipCompressedBodyIsInflated) {
  auto plain = ParseFixture("node-feedparser/iconv.xml");
  auto compressed = ParseFixture("node-feedparser/compressed.xml");
  ASSERT_TRUE(plain && compressed);
  ASSERT_EQ(compressed->items.size(), plain->items.size());
  for (size_t i = 0; i < plain->items.size(); ++i) {
    EXPECT_EQ(compressed->items[i].id, plain->items[i].id);
    EXPECT_EQ(compressed->items[i].title, plain->items[i].title);
  }
}

TEST(FeedParserTest, AGzipBodyThatInflatesPastTheFetchLimitIsRefused) {
  const std::string compressed = ReadFixture("node-feedparser/compressed.xml");
  const std::string inflated = ReadFixture("node-feedparser/iconv.xml");
  FeedResponse response{kFeedUrl, "", ""};
  response.max_bytes = inflated.size() - 1;
  auto refused = ParseFeed(compressed, response);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message().find("inflates past"), std::string::npos)
      << refused.error().ToString();
  response.max_bytes = inflated.size();
  EXPECT_TRUE(ParseFeed(compressed, response)) << "a body at the limit is read";
}

// A gzip body cut short in transit inflates to a prefix of the document: what it holds is read,
// and the cut is damage, so that the poller does not keep the response's validators.
TEST(FeedParserTest, AGzipBodyCutShortIsReadAsFarAsItGoesAndReportedAsDamage) {
  const std::string compressed = ReadFixture("node-feedparser/compressed.xml");
  auto whole = ParseFeed(compressed, {kFeedUrl, "", ""});
  ASSERT_TRUE(whole) << whole.error().ToString();
  EXPECT_TRUE(whole->damage.empty()) << whole->damage;
  auto cut = ParseFeed(compressed.substr(0, compressed.size() * 2 / 3), {kFeedUrl, "", ""});
  ASSERT_TRUE(cut) << cut.error().ToString();
  EXPECT_TRUE(cut->damage.starts_with("the gzip data ends before its stream does")) << cut->damage;
  EXPECT_LT(cut->items.size(), whole->items.size());
}

TEST(FeedParserTest, UndeclaredKoi8rIsDetected) {
  auto feed = ParseFixture("feedparser/koi8r.xml");
  ASSERT_TRUE(feed) << feed.error().ToString();
  ASSERT_EQ(feed->items.size(), 1u);
  EXPECT_EQ(feed->items[0].title, "Как пережить новогоднюю ночь");
}

TEST(FeedParserTest, HttpCharsetHeaderDecodesAnUndeclaredDocument) {
  // "Привет" in windows-1251, with no declaration in the document.
  const std::string body =
      "<rss><channel><item><title>\xCF\xF0\xE8\xE2\xE5\xF2</title>"
      "<link>http://a.example/1</link></item></channel></rss>";
  auto feed = ParseFeed(body, {kFeedUrl, "", "application/rss+xml; charset=windows-1251"});
  ASSERT_TRUE(feed) << feed.error().ToString();
  ASSERT_EQ(feed->items.size(), 1u);
  EXPECT_EQ(feed->items[0].title, "Привет");
}

// The most common encoding fault of real feeds: a windows-1252 byte in a feed declared UTF-8.
// The text is repaired and the item delivered, not failed as invalid UTF-8 on every poll.
TEST(FeedParserTest, StrayWindows1252BytesInAUtf8FeedAreReadAsWindows1252) {
  const std::string mixed =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel>"
      "<item><title>M1 caf\u00e9</title><link>http://news.example/m1</link></item>"
      "<item><title>M2</title><link>http://news.example/m2</link>"
      "<description>It\x92s \u201cfine\u201d</description></item></channel></rss>";
  auto feed = ParseFeed(mixed, {kFeedUrl, "", ""});
  ASSERT_TRUE(feed) << feed.error().ToString();
  ASSERT_EQ(feed->items.size(), 2u);
  EXPECT_EQ(feed->items[0].title, "M1 caf\u00e9");
  EXPECT_EQ(feed->items[1].body, "It\u2019s \u201cfine\u201d");

  const std::string all_windows_1252 =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss><channel><item>"
      "<title>Caf\xE9 \x93news\x94 \x96 \x80"
      "5</title><link>http://news.example/w</link>"
      "</item></channel></rss>";
  auto whole = ParseFeed(all_windows_1252, {kFeedUrl, "", ""});
  ASSERT_TRUE(whole) << whole.error().ToString();
  ASSERT_EQ(whole->items.size(), 1u);
  EXPECT_EQ(whole->items[0].title, "Caf\u00e9 \u201cnews\u201d \u2013 \u20ac5");
}

// The text of the items of the charset tests below: "Café “quoted” €5 It’s" as each encodes it.
const std::string kCafeUtf8 = "Caf\u00e9 \u201cquoted\u201d \u20ac5 It\u2019s";
const std::string kCafeWindows1252 =
    "Caf\xE9 \x93quoted\x94 \x80"
    "5 It\x92s";

// An RSS document of one item titled `title`, after `prolog` (a BOM, a declaration).
std::string OneItemRss(const std::string& prolog, const std::string& title) {
  return prolog + "<rss version=\"2.0\"><channel><title>T</title><item><title>" + title +
         "</title><link>http://news.example/1</link></item><item><title>second</title>"
         "<link>http://news.example/2</link></item></channel></rss>";
}

// `utf8` (ASCII but for its characters) in UTF-16LE, after its byte-order mark.
std::string Utf16LeWithBom(const std::string& utf8) {
  std::string out = "\xFF\xFE";
  for (size_t i = 0; i < utf8.size();) {
    const auto lead = static_cast<unsigned char>(utf8[i]);
    const size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    char32_t c = length == 1 ? lead : lead & (0x3F >> (length - 1));
    for (size_t k = 1; k < length; ++k) c = (c << 6) | (utf8[i + k] & 0x3F);
    out += static_cast<char>(c & 0xFF);
    out += static_cast<char>(c >> 8);
    i += length;
  }
  return out;
}

// A byte-order mark is the document's own bytes: it wins over the charset of a header (a
// server's label for a whole site) and over the declaration, as RFC 7303 section 3.3 and browsers
// have it. Against it, the feed used to be refused ("empty or unreadable document") or misread.
TEST(FeedParserTest, AByteOrderMarkWinsOverTheHttpCharsetAndTheDeclaration) {
  const std::string utf8_bom =
      OneItemRss("\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>", kCafeUtf8);
  for (const char* charset : {"iso-8859-1", "windows-1252", "us-ascii", "windows-1251"}) {
    auto feed = ParseFeed(utf8_bom, {kFeedUrl, "", std::string("text/xml; charset=") + charset});
    ASSERT_TRUE(feed) << charset << ": " << feed.error().ToString();
    ASSERT_EQ(feed->items.size(), 2u) << charset;
    EXPECT_EQ(feed->items[0].title, kCafeUtf8) << charset;
    EXPECT_TRUE(feed->damage.empty()) << charset << ": " << feed->damage;
  }
  auto declared_latin1 = ParseFeed(
      OneItemRss("\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>", kCafeUtf8),
      {kFeedUrl, "", ""});
  ASSERT_TRUE(declared_latin1) << declared_latin1.error().ToString();
  ASSERT_EQ(declared_latin1->items.size(), 2u);
  EXPECT_EQ(declared_latin1->items[0].title, kCafeUtf8);

  const std::string utf16 =
      Utf16LeWithBom(OneItemRss("<?xml version=\"1.0\" encoding=\"UTF-16\"?>", kCafeUtf8));
  for (const char* content_type :
       {"application/rss+xml; charset=utf-8", "application/xml; charset=ISO-8859-1", ""}) {
    auto feed = ParseFeed(utf16, {kFeedUrl, "", content_type});
    ASSERT_TRUE(feed) << content_type << ": " << feed.error().ToString();
    ASSERT_EQ(feed->items.size(), 2u) << content_type;
    EXPECT_EQ(feed->items[0].title, kCafeUtf8) << content_type;
  }
}

// ISO-8859-1, latin1, US-ASCII and ascii are labels of windows-1252 (WHATWG Encoding): text so
// labelled is windows-1252 in practice. Read as ISO-8859-1, its curly quotes were C1 controls
// (U+0092, invisible); read as ASCII, a byte past 0x7F lost the whole item ("Premature end of
// data in tag title").
TEST(FeedParserTest, LabelsOfWindows1252DecodeAsWindows1252) {
  for (const char* label : {"ISO-8859-1", "latin1", "US-ASCII", "ascii", "windows-1252", "l1"}) {
    const std::string declared = OneItemRss(
        "<?xml version=\"1.0\" encoding=\"" + std::string(label) + "\"?>", kCafeWindows1252);
    auto feed = ParseFeed(declared, {kFeedUrl, "", ""});
    ASSERT_TRUE(feed) << label << ": " << feed.error().ToString();
    ASSERT_EQ(feed->items.size(), 2u) << label;
    EXPECT_EQ(feed->items[0].title, kCafeUtf8) << label;
    EXPECT_TRUE(feed->damage.empty()) << label << ": " << feed->damage;

    auto by_header = ParseFeed(OneItemRss("", kCafeWindows1252),
                               {kFeedUrl, "", std::string("text/xml; charset=") + label});
    ASSERT_TRUE(by_header) << label << ": " << by_header.error().ToString();
    ASSERT_EQ(by_header->items.size(), 2u) << label;
    EXPECT_EQ(by_header->items[0].title, kCafeUtf8) << label;
  }
  // The five bytes windows-1252 leaves undefined are U+FFFD, not a decoding error.
  auto undefined =
      ParseFeed(OneItemRss("<?xml version=\"1.0\" encoding=\"windows-1252\"?>", "a\x81z"),
                {kFeedUrl, "", ""});
  ASSERT_TRUE(undefined) << undefined.error().ToString();
  ASSERT_EQ(undefined->items.size(), 2u);
  EXPECT_EQ(undefined->items[0].title, "a\uFFFDz");
  EXPECT_TRUE(undefined->damage.empty()) << undefined->damage;
}

// No byte past 0x7F can be ASCII: a body labelled so that is valid UTF-8 is UTF-8 (a default
// label), one that is not is windows-1252 as above.
TEST(FeedParserTest, ABodyLabelledAsciiThatIsUtf8IsReadAsUtf8) {
  for (const char* label : {"US-ASCII", "ascii"}) {
    auto declared = ParseFeed(
        OneItemRss("<?xml version=\"1.0\" encoding=\"" + std::string(label) + "\"?>", kCafeUtf8),
        {kFeedUrl, "", ""});
    ASSERT_TRUE(declared) << label << ": " << declared.error().ToString();
    ASSERT_EQ(declared->items.size(), 2u) << label;
    EXPECT_EQ(declared->items[0].title, kCafeUtf8) << label;
    auto by_header = ParseFeed(OneItemRss("", kCafeUtf8),
                               {kFeedUrl, "", std::string("text/xml; charset=") + label});
    ASSERT_TRUE(by_header) << label << ": " << by_header.error().ToString();
    ASSERT_EQ(by_header->items.size(), 2u) << label;
    EXPECT_EQ(by_header->items[0].title, kCafeUtf8) << label;
  }
  // Latin-1's label may be true to bytes that happen to form UTF-8: it is followed.
  auto latin1 = ParseFeed(OneItemRss("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>", "\xC3\xA9"),
                          {kFeedUrl, "", ""});
  ASSERT_TRUE(latin1) << latin1.error().ToString();
  EXPECT_EQ(latin1->items[0].title, "\u00C3\u00A9");
}

// A header that says UTF-8 in front of a body that is not, whose declaration names another
// charset: the declaration is right (the windows-1252 repair of UTF-8 made mojibake of it).
TEST(FeedParserTest, ABodyTheHeaderCallsUtf8ThatIsNotIsReadAsItsDeclarationSays) {
  // "日本語" in Shift_JIS, "Привет" in windows-1251.
  const std::pair<std::string, std::string> cases[] = {
      {OneItemRss("<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>", "\x93\xfa\x96{\x8c\xea"),
       "\u65e5\u672c\u8a9e"},
      {OneItemRss("<?xml version=\"1.0\" encoding=\"windows-1251\"?>", "\xCF\xF0\xE8\xE2\xE5\xF2"),
       "\u041f\u0440\u0438\u0432\u0435\u0442"},
  };
  for (const auto& [body, title] : cases) {
    auto feed = ParseFeed(body, {kFeedUrl, "", "text/xml; charset=UTF-8"});
    ASSERT_TRUE(feed) << title << ": " << feed.error().ToString();
    ASSERT_EQ(feed->items.size(), 2u) << title;
    EXPECT_EQ(feed->items[0].title, title);
  }
  // A body that is UTF-8 is read as the header says, whatever the declaration; one declared
  // UTF-8 too keeps the windows-1252 repair of its stray bytes.
  auto utf8 = ParseFeed(OneItemRss("<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>", kCafeUtf8),
                        {kFeedUrl, "", "text/xml; charset=UTF-8"});
  ASSERT_TRUE(utf8) << utf8.error().ToString();
  ASSERT_EQ(utf8->items.size(), 2u);
  EXPECT_EQ(utf8->items[0].title, kCafeUtf8);
  auto stray = ParseFeed(OneItemRss("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "It\x92s"),
                         {kFeedUrl, "", "text/xml; charset=UTF-8"});
  ASSERT_TRUE(stray) << stray.error().ToString();
  ASSERT_EQ(stray->items.size(), 2u);
  EXPECT_EQ(stray->items[0].title, "It\u2019s");
}

// HTML reads a numeric reference to 0x80-0x9F as the windows-1252 character of that byte, as the
// pages that write them mean it; to XML it is a C1 control (invisible U+0092 for "&#146;").
TEST(FeedParserTest, NumericReferencesTo0x80Through0x9FAreWindows1252Characters) {
  const std::string body =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><item>"
      "<title>Smart &#146;quote&#x92; and &#150; dash &#128; euro &#129;</title>"
      "<description>&lt;p&gt;It&amp;#146;s &amp;#X93;escaped&amp;#148;&lt;/p&gt;"
      "</description><link>http://news.example/1</link></item></channel></rss>";
  auto feed = ParseFeed(body, {kFeedUrl, "", ""});
  ASSERT_TRUE(feed) << feed.error().ToString();
  ASSERT_EQ(feed->items.size(), 1u);
  // &#129; names a byte windows-1252 leaves undefined: it stays U+0081.
  EXPECT_EQ(feed->items[0].title, "Smart \u2019quote\u2019 and \u2013 dash \u20ac euro \u0081");
  EXPECT_EQ(feed->items[0].body, "It\u2019s \u201cescaped\u201d");
}

// ISO-2022-JP shifts between character sets with ESC sequences: the control-character repair
// must leave them to the decoder.
TEST(FeedParserTest, DeclaredIso2022JpIsDecoded) {
  const std::string body =
      "<?xml version=\"1.0\" encoding=\"ISO-2022-JP\"?><rss version=\"2.0\"><channel>"
      "<item><title>\x1B$BEl5~$G?7$7$$@/:v\x1B(B</title><link>http://news.example/j</link>"
      "</item></channel></rss>";
  auto feed = ParseFeed(body, {kFeedUrl, "", ""});
  ASSERT_TRUE(feed) << feed.error().ToString();
  ASSERT_EQ(feed->items.size(), 1u);
  EXPECT_EQ(feed->items[0].title, "東京で新しい政策");
}

// The search for a glued '/' element's own end tag stops at an ISO-2022 charset shift (reading the
// run after it would read it again for every tag before it): the '/' then closes the tag, and the
// note says why instead of claiming that no end tag follows.
TEST(FeedParserTest, AGluedSlashBeforeACharsetShiftClosesTheTagAndTheNoteSaysSo) {
  const std::string jp =
      "<?xml version=\"1.0\" encoding=\"ISO-2022-JP\"?><rss version=\"2.0\"><channel>"
      "<item><title>T</title><category domain=x/>\x1B$BEl5~\x1B(B</category>"
      "<guid isPermaLink=\"false\">jp-3</guid></item></channel></rss>";
  auto feed = ParseFeed(jp, {kFeedUrl, "", ""});
  ASSERT_TRUE(feed) << feed.error().ToString();
  ASSERT_EQ(feed->items.size(), 1u);
  EXPECT_EQ(feed->items[0].title, "T");
  EXPECT_EQ(feed->guess_notes,
            (std::vector<std::string>{
                "line 1: <category domain=x/>: the '/' before '>' read as closing the tag "
                "(domain=\"x\"), as no </category> follows before the document's charset shifts "
                "(ISO-2022), which the search stops at"}));
}

// In ISO-2022 two-byte runs, '&' and '<' are halves of characters (う is 0x24 0x26, 自 is 0x3C
// 0x2B) and ISO-2022-KR's SO and SI shifts are control bytes: none of them is repaired. The
// expected titles are iconv's reading of the same bytes.
TEST(FeedParserTest, Iso2022TwoByteRunsAreNotRepairedAsMarkup) {
  const std::string jp =
      "<?xml version=\"1.0\" encoding=\"ISO-2022-JP\"?><rss version=\"2.0\"><channel>"
      "<item><title>\x1B$B$\"$j$,$H$&$4$6$$$^$9\x1B(B &amp; more</title>"
      "<guid isPermaLink=\"false\">jp-1</guid></item>"
      "<item><title>\x1B$B<+<R$N?7@=IJ$rH/I=\x1B(B</title>"
      "<guid isPermaLink=\"false\">jp-2</guid></item></channel></rss>";
  auto feed = ParseFeed(jp, {kFeedUrl, "", ""});
  ASSERT_TRUE(feed) << feed.error().ToString();
  EXPECT_TRUE(feed->damage.empty()) << feed->damage;
  ASSERT_EQ(feed->items.size(), 2u);
  EXPECT_EQ(feed->items[0].title, "ありがとうございます & more");
  EXPECT_EQ(feed->items[1].title, "自社の新製品を発表");

  const std::string kr =
      "<?xml version=\"1.0\" encoding=\"ISO-2022-KR\"?><rss version=\"2.0\"><channel>"
      "<item><title>\x1B$)C\x0E<-?o\x0F \x0E"
      "4:=:\x0F \x0E<S:8\x0F</title>"
      "<guid isPermaLink=\"false\">kr-1</guid></item></channel></rss>";
  auto korean = ParseFeed(kr, {kFeedUrl, "", ""});
  ASSERT_TRUE(korean) << korean.error().ToString();
  EXPECT_TRUE(korean->damage.empty()) << korean->damage;
  ASSERT_EQ(korean->items.size(), 1u);
  EXPECT_EQ(korean->items[0].title, "서울 뉴스 속보");
}

// An ESC that begins no escape sequence (at the end of the body, before a line feed or another
// ESC) inside a run of another character set is data the decoder rejects, not the run's end: a
// repair that stopped there would never move on. The items before it are read.
TEST(FeedParserTest, AnUnreadableEscapeInsideAnIso2022RunEndsTheParse) {
  const std::string good =
      "<item><title>\x1B$BEl5~\x1B(B</title><guid isPermaLink=\"false\">jp-1</guid></item>";
  for (const std::string& tail : {std::string("<item><title>\x1B$B$\"\x1B"),
                                  std::string("<item><title>\x1B$B$\"\x1B\n</title></item>"),
                                  std::string("<item><title>\x1B$B$\"\x1B\x1B</title></item>")}) {
    const std::string jp =
        "<?xml version=\"1.0\" encoding=\"ISO-2022-JP\"?><rss version=\"2.0\">"
        "<channel>" +
        good + tail;
    auto feed = ParseFeed(jp, {kFeedUrl, "", ""});
    ASSERT_TRUE(feed) << feed.error().ToString();
    ASSERT_FALSE(feed->items.empty());
    EXPECT_EQ(feed->items[0].title, "東京");
  }
  const std::string kr =
      "<?xml version=\"1.0\" encoding=\"ISO-2022-KR\"?><rss version=\"2.0\"><channel>"
      "<item><title>\x1B$)C\x0E<-?o\x0F</title><guid isPermaLink=\"false\">kr-1</guid></item>"
      "<item><title>\x0E<-\x1B\n</title></item>";
  auto korean = ParseFeed(kr, {kFeedUrl, "", ""});
  ASSERT_TRUE(korean) << korean.error().ToString();
  ASSERT_FALSE(korean->items.empty());
  EXPECT_EQ(korean->items[0].title, "서울");
}

// A single shift (ESC N, SS2; ESC O, SS3) takes the next character from the set designated to G2
// or G3: one byte in ISO-2022-JP-2 (ESC . A: ISO-8859-1's upper half, where '<' is ¼ and '&' is
// ¦), two in ISO-2022-CN(-EXT), where '<' and '&' are halves of characters too. Those bytes are
// not markup, outside SO runs as inside. The expected titles are iconv's reading of the bytes.
TEST(FeedParserTest, Iso2022SingleShiftedCharactersAreNotRepairedAsMarkup) {
  const std::string jp =
      "<?xml version=\"1.0\" encoding=\"ISO-2022-JP-2\"?><rss version=\"2.0\"><channel>"
      "<item><title>\x1B.A\x1BN< off, \x1BN& co, caf\x1BNi</title>"
      "<guid isPermaLink=\"false\">jp2-1</guid></item></channel></rss>";
  auto latin = ParseFeed(jp, {kFeedUrl, "", ""});
  ASSERT_TRUE(latin) << latin.error().ToString();
  EXPECT_TRUE(latin->damage.empty()) << latin->damage;
  ASSERT_EQ(latin->items.size(), 1u);
  EXPECT_EQ(latin->items[0].title, "\u00bc off, \u00a6 co, caf\u00e9");

  const std::string cn =
      "<?xml version=\"1.0\" encoding=\"ISO-2022-CN\"?><rss version=\"2.0\"><channel>"
      "<item><title>\x1B$*H\x1BN%<\x1BN&\"\x0F</title>"
      "<guid isPermaLink=\"false\">cn-1</guid></item>"
      "<item><title>\x1B$)A\x0EVP\x1BN%<ND\x0F</title>"
      "<guid isPermaLink=\"false\">cn-2</guid></item></channel></rss>";
  auto chinese = ParseFeed(cn, {kFeedUrl, "", ""});
  ASSERT_TRUE(chinese) << chinese.error().ToString();
  EXPECT_TRUE(chinese->damage.empty()) << chinese->damage;
  ASSERT_EQ(chinese->items.size(), 2u);
  EXPECT_EQ(chinese->items[0].title, "\u4f77\u577d");        // 佷坽
  EXPECT_EQ(chinese->items[1].title, "\u4e2d\u4f77\u6587");  // 中佷文

  // A single shift calls CNS 11643 plane 2 even before ESC $ * H designates it, as iconv reads it.
  const std::string undesignated =
      "<?xml version=\"1.0\" encoding=\"ISO-2022-CN\"?><rss version=\"2.0\"><channel>"
      "<item><title>\x1BN%<\x1BN&\"</title><guid isPermaLink=\"false\">cn-3</guid></item>"
      "</channel></rss>";
  auto plane2 = ParseFeed(undesignated, {kFeedUrl, "", ""});
  ASSERT_TRUE(plane2) << plane2.error().ToString();
  EXPECT_TRUE(plane2->damage.empty()) << plane2->damage;
  ASSERT_EQ(plane2->items.size(), 1u);
  EXPECT_EQ(plane2->items[0].title, "\u4f77\u577d");  // 佷坽

  const std::string ext =
      "<?xml version=\"1.0\" encoding=\"ISO-2022-CN-EXT\"?><rss version=\"2.0\"><channel>"
      "<item><title>\x1B$+J\x1BO<<\x0F</title><guid isPermaLink=\"false\">ext-1</guid></item>"
      "</channel></rss>";
  auto plane3 = ParseFeed(ext, {kFeedUrl, "", ""});
  ASSERT_TRUE(plane3) << plane3.error().ToString();
  EXPECT_TRUE(plane3->damage.empty()) << plane3->damage;
  ASSERT_EQ(plane3->items.size(), 1u);
  EXPECT_EQ(plane3->items[0].title, "\u52e5");  // 勥
}

// A body that ends inside an escape sequence or a single shift (ESC, ESC $, ESC $ *, ESC N, ESC N
// and half a character), or that holds the 8-bit single shifts 0x8E and 0x8F, which 7-bit
// ISO-2022 has not, is read without a hang and without reading past its end: the items before
// are read, and bytes the decoder refuses are named as the damage.
TEST(FeedParserTest, TruncatedIso2022EscapesAndEightBitShiftsAreReadSafely) {
  // An item of each charset's own, with its title as iconv reads it.
  const std::string jp_item =
      "<item><title>\x1B$BEl5~\x1B(B</title><guid isPermaLink=\"false\">jp-1</guid></item>";
  const std::string cn_item =
      "<item><title>\x1B$)A\x0EVPND\x0F</title><guid isPermaLink=\"false\">cn-1</guid></item>";
  const struct {
    std::string charset, item, title, tail;
  } cases[] = {
      {"ISO-2022-JP-2", jp_item, "\u6771\u4eac", "</channel></rss>\x1B"},
      {"ISO-2022-JP-2", jp_item, "\u6771\u4eac", "</channel></rss>\x1B$"},
      {"ISO-2022-JP-2", jp_item, "\u6771\u4eac", "</channel></rss>\x1B."},
      {"ISO-2022-JP-2", jp_item, "\u6771\u4eac", "</channel></rss>\x1B.A\x1BN"},
      {"ISO-2022-JP-2", jp_item, "\u6771\u4eac", "<item><title>\x1B.A\x1BN"},
      {"ISO-2022-JP-2", jp_item, "\u6771\u4eac", "<item><title>\x1BN"},
      {"ISO-2022-CN", cn_item, "\u4e2d\u6587", "</channel></rss>\x1B$*"},
      {"ISO-2022-CN", cn_item, "\u4e2d\u6587", "</channel></rss>\x1B$*H\x1BN%"},
      {"ISO-2022-CN", cn_item, "\u4e2d\u6587", "<item><title>\x1B$*H\x1BN%"},
      {"ISO-2022-CN", cn_item, "\u4e2d\u6587", "<item><title>\x0E\x1BN"},
      {"ISO-2022-CN-EXT", cn_item, "\u4e2d\u6587", "<item><title>\x1B$+J\x1BO"},
  };
  for (const auto& c : cases) {
    const std::string body = "<?xml version=\"1.0\" encoding=\"" + c.charset +
                             "\"?><rss version=\"2.0\"><channel>" + c.item + c.tail;
    auto feed = ParseFeed(body, {kFeedUrl, "", ""});
    const std::string name = c.charset + " " + testing::PrintToString(c.tail);
    ASSERT_TRUE(feed) << name << ": " << feed.error().ToString();
    ASSERT_EQ(feed->items.size(), 1u) << name;
    EXPECT_EQ(feed->items[0].title, c.title) << name;
    // A second item the body ends inside of is cut off, not produced.
    EXPECT_EQ(feed->cut_off_items, c.tail.starts_with("<item>") ? 1u : 0u) << name;
  }
  const std::string good = jp_item;
  for (const char* shift : {"\x8E", "\x8F"}) {
    const std::string body =
        "<?xml version=\"1.0\" encoding=\"ISO-2022-JP\"?><rss version=\"2.0\"><channel>" + good +
        "<item><title>A" + shift + "&lt;</title><guid isPermaLink=\"false\">jp-2</guid></item>" +
        "<item><title>B</title><guid isPermaLink=\"false\">jp-3</guid></item></channel></rss>";
    auto feed = ParseFeed(body, {kFeedUrl, "", ""});
    ASSERT_TRUE(feed) << feed.error().ToString();
    EXPECT_NE(feed->damage.find("bytes that are not ISO-2022-JP"), std::string::npos)
        << feed->damage;
    ASSERT_GE(feed->items.size(), 2u);
    EXPECT_EQ(feed->items.front().title, "\u6771\u4eac");
    EXPECT_EQ(feed->items.back().title, "B");
  }
}

TEST(FeedParserTest, MalformedFeedKeepsTheItemsAroundTheError) {
  auto feed = ParseFixture("node-feedparser/saxerror.xml");
  ASSERT_TRUE(feed) << feed.error().ToString();
  ASSERT_EQ(feed->items.size(), 3u);
  EXPECT_EQ(feed->items[0].title, "Good Item");
  EXPECT_EQ(feed->items[0].url, "http://example.com/good");
  EXPECT_EQ(feed->items[1].url, "http://example.com/bad?foo=1&bar=2");  // the bare '&' kept
  EXPECT_EQ(feed->items[2].title, "Item After Error");
  EXPECT_EQ(feed->items[0].published_at_ms, 0);  // no date in the feed
}

TEST(FeedParserTest, IllegallyNestedEmptyItemsAreSkipped) {
  auto feed = ParseFixture("node-feedparser/illegally-nested.xml");
  ASSERT_TRUE(feed) << feed.error().ToString();
  EXPECT_EQ(feed->items.size(), 10u);
  EXPECT_EQ(feed->skipped_items, 10u);
  EXPECT_EQ(feed->items[0].title, "My Professional Armchair Analysis of CES");
  // feedburner:origLink, not the feedproxy redirect.
  EXPECT_TRUE(
      feed->items[0].url.starts_with("http://www.pcmag.com/article2/0,2817,2525649,00.asp"));
}

TEST(FeedParserTest, HtmlPageIsNotAFeed) {
  auto feed = ParseFixture("node-feedparser/notafeed.html");
  ASSERT_FALSE(feed);
  EXPECT_EQ(feed.error().code(), StatusCode::kCorruption);
  EXPECT_EQ(feed.error().message(), "not a feed: the root element is <html>");
}

// libxml2 reads names of up to 50,000 bytes: the error (which the poller logs and keeps in the
// feed's status) shows the root's cut, as notes do.
TEST(FeedParserTest, ARootOfAHugeNameIsNamedCutShortInTheError) {
  const std::string name(20000, 'h');
  auto feed = ParseFeed("<" + name + "><x/></" + name + ">", FeedResponse{kFeedUrl, "", ""});
  ASSERT_FALSE(feed);
  EXPECT_EQ(feed.error().code(), StatusCode::kCorruption);
  EXPECT_TRUE(feed.error().message().starts_with("not a feed: the root element is <hhh"));
  EXPECT_LT(feed.error().message().size(), 200u) << feed.error().message().size();
}

TEST(FeedParserTest, EmptyDocumentIsNotAFeed) {
  EXPECT_FALSE(ParseFixture("feedparser/rss_empty_document.xml"));
  EXPECT_FALSE(ParseFeed("", {kFeedUrl, "", ""}));
}

TEST(FeedParserTest, RelativeLinksResolveAgainstTheFeedUrl) {
  auto feed = ParseFixture("node-feedparser/rss-with-relative-urls.xml");
  ASSERT_TRUE(feed) << feed.error().ToString();
  ASSERT_EQ(feed->items.size(), 2u);
  EXPECT_TRUE(feed->items[0].url.starts_with("http://news.example/en/games/neverwinter/news/"))
      << feed->items[0].url;
  // Two-digit year with a numeric zone: "Thu, 07 Dec 17 10:00:29 -0800".
  EXPECT_EQ(feed->items[0].published_at_ms, Ms("2017-12-07T18:00:29Z"));

  auto no_base = ParseFixture("node-feedparser/rss-with-relative-html-urls-no-base.xml");
  ASSERT_TRUE(no_base);
  ASSERT_EQ(no_base->items.size(), 1u);
  EXPECT_EQ(no_base->items[0].url, "http://news.example/feeds/posts/post-1");
}

TEST(FeedParserTest, RelativeLinksResolveAgainstXmlBase) {
  auto feed = ParseFixture("gofeed/rss_channel_item_xml_base.xml");
  ASSERT_TRUE(feed);
  ASSERT_EQ(feed->items.size(), 1u);
  EXPECT_EQ(feed->items[0].url, "http://example.org/feeds/post/1");
}

TEST(FeedParserTest, RedirectedResponseResolvesAgainstTheFinalUrl) {
  auto feed = ParseFeed(ReadFixture("node-feedparser/rss-with-relative-html-urls-no-base.xml"),
                        {kFeedUrl, "https://moved.example/blog/rss", ""});
  ASSERT_TRUE(feed);
  EXPECT_EQ(feed->items.at(0).url, "https://moved.example/blog/posts/post-1");
}

// Links to non-Latin-script sites keep their URL, percent-encoded, so their id is the URL's,
// the same as the id of the link written percent-encoded.
TEST(FeedParserTest, IriLinksAreKeptPercentEncodedNotDropped) {
  const std::string body = R"(<?xml version="1.0" encoding="UTF-8"?>
    <rss version="2.0"><channel><title>IRI</title>
    <item><title>I1</title><link>https://ru.example.org/новости/1</link></item>
    <item><title>I2</title><link>https://example.org/news/some article.html</link></item>
    <item><title>I3</title><link>https://example.org/a?x={1}|y</link></item>
    <item><title>I4</title><guid>https://zh.example.org/新闻/123</guid></item>
    <item><title>I1</title>
      <link>https://ru.example.org/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/1</link></item>
    <item><title>I6</title><link>https://пример.рф/news/1</link></item>
    </channel></rss>)";
  auto feed = ParseFeed(body, {kFeedUrl, "", ""});
  ASSERT_TRUE(feed) << feed.error().ToString();
  ASSERT_EQ(feed->items.size(), 5u);  // I1 and I1 percent-encoded are one article
  EXPECT_EQ(feed->items[0].url,
            "https://ru.example.org/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/1");
  EXPECT_TRUE(feed->items[0].id.starts_with("u")) << feed->items[0].id;
  EXPECT_EQ(feed->items[1].url, "https://example.org/news/some%20article.html");
  EXPECT_EQ(feed->items[2].url, "https://example.org/a?x=%7B1%7D%7Cy");
  EXPECT_EQ(feed->items[3].url, "https://zh.example.org/%E6%96%B0%E9%97%BB/123");
  EXPECT_TRUE(feed->items[3].id.starts_with("u")) << feed->items[3].id;
  EXPECT_EQ(feed->items[4].url, "https://xn--e1afmkfd.xn--p1ai/news/1");
  for (const FeedItem& item : feed->items) EXPECT_TRUE(item.id.starts_with("u")) << item.title;
}

// Media RSS and atom:link reuse RSS's element names in their own namespaces; the item's title,
// description and link are RSS's, whatever comes first.
TEST(FeedParserTest, NamespacedElementsAreNotTakenForRssOnes) {
  const std::string body = R"(<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"
      xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>C</title>
    <item><media:title>C8 WRONG media title</media:title><title>C8 right title</title>
      <link>http://example.com/c8</link>
      <media:description>WRONG media description</media:description>
      <description>right description</description></item>
    <item><title>C9</title><atom:link href="http://example.com/c9/comments/feed" rel="replies"/>
      <link>http://example.com/c9</link></item>
    <item><title>C10 only an atom link</title>
      <atom:link href="http://example.com/c10/feed" rel="self"/>
      <atom:link href="http://example.com/c10"/></item>
    </channel></rss>)";
  auto feed = ParseFeed(body, {kFeedUrl, "", ""});
  ASSERT_TRUE(feed) << feed.error().ToString();
  ASSERT_EQ(feed->items.size(), 3u);
  EXPECT_EQ(feed->items[0].title, "C8 right title");
  EXPECT_EQ(feed->items[0].body, "right description");
  EXPECT_EQ(feed->items[1].url, "http://example.com/c9");
  core::Article c9;
  c9.url = "http://example.com/c9";
  EXPECT_EQ(feed->items[1].id, core::DeriveArticleId(c9));
  EXPECT_EQ(feed->items[2].url, "http://example.com/c10");
}

// A document whose own elements are in a namespace its format does not name is read as feedparser
// reads it: an RSS root with a default namespace (Atom's, another's), an RDF channel with RSS
// 1.0's URI mistyped, an Atom feed in a draft's namespace or in another. Extensions in other
// namespaces are still not taken for the format's own elements.
TEST(FeedParserTest, ItemsInTheDocumentsOwnNamespaceAreReadWhateverItsUri) {
  const std::string item =
      "<item><media:title>WRONG media title</media:title><title>Own title</title>"
      "<link>http://example.com/1</link><description>Own text</description>"
      "<pubDate>Mon, 07 Dec 2026 10:00:00 GMT</pubDate></item>";
  for (const std::string root : {R"(<rss version="2.0" xmlns="http://www.w3.org/2005/Atom")",
                                 R"(<rss version="2.0" xmlns="http://example.com/ns")",
                                 R"(<rss version="2.0" xmlns="http://www.w3.org/1999/xhtml")"}) {
    auto feed = ParseFeed(root + R"( xmlns:media="http://search.yahoo.com/mrss/"><channel>)" +
                              "<title>Feed</title>" + item + "</channel></rss>",
                          {kFeedUrl, "", ""});
    ASSERT_TRUE(feed) << root << ": " << feed.error().ToString();
    EXPECT_EQ(feed->format, FeedFormat::kRss);
    EXPECT_EQ(feed->title, "Feed") << root;
    ASSERT_EQ(feed->items.size(), 1u) << root;
    EXPECT_EQ(feed->items[0].title, "Own title");
    EXPECT_EQ(feed->items[0].url, "http://example.com/1");
    EXPECT_EQ(feed->items[0].body, "Own text");
    EXPECT_EQ(feed->items[0].published_at_ms, Ms("2026-12-07T10:00:00Z"));
    EXPECT_EQ(feed->foreign_items, 0u);
  }
  auto rdf = ParseFeed(
      R"(<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#")"
      R"( xmlns="http://purl.org/rss/1.0"><channel rdf:about="http://example.com/"><title>R</title>)"
      R"(</channel><item rdf:about="http://example.com/r1"><title>RDF item</title>)"
      R"(<link>http://example.com/r1</link></item></rdf:RDF>)",
      {kFeedUrl, "", ""});
  ASSERT_TRUE(rdf) << rdf.error().ToString();
  EXPECT_EQ(rdf->format, FeedFormat::kRdf);
  ASSERT_EQ(rdf->items.size(), 1u);
  EXPECT_EQ(rdf->items[0].title, "RDF item");
  for (const std::string uri : {"http://purl.org/atom/ns#draft-ietf-atompub-format-08", "urn:x"}) {
    auto atom =
        ParseFeed(R"(<?xml version="1.0"?><feed xmlns=")" + uri +
                      R"("><title>A</title><entry><title>Draft entry</title>)"
                      R"(<link href="http://example.com/da"/><id>urn:da</id></entry></feed>)",
                  {kFeedUrl, "", ""});
    ASSERT_TRUE(atom) << uri << ": " << atom.error().ToString();
    EXPECT_EQ(atom->format, FeedFormat::kAtom);
    ASSERT_EQ(atom->items.size(), 1u) << uri;
    EXPECT_EQ(atom->items[0].title, "Draft entry");
    EXPECT_EQ(atom->items[0].url, "http://example.com/da");
  }
  // Damaged, its items are read one at a time in the root's namespace too.
  auto damaged = ParseFeed(
      R"(<rss version="2.0" xmlns="http://example.com/ns"><channel><title>C</title>)"
      R"(<item><title>One</title><category domain="x>News</category></item>)"
      R"(<item><title>Two</title><link>http://example.com/2</link></item></channel></rss>)",
      {kFeedUrl, "", ""});
  ASSERT_TRUE(damaged) << damaged.error().ToString();
  EXPECT_FALSE(damaged->damage.empty());
  ASSERT_EQ(damaged->items.size(), 2u);
  EXPECT_EQ(damaged->items[1].title, "Two");
  EXPECT_EQ(damaged->items[1].url, "http://example.com/2");
  // An RDF channel is closed before its items, so an item read alone is wrapped without it: the
  // namespace its channel names is the whole document's, found before the items are read alone.
  auto damaged_rdf = ParseFeed(
      R"(<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#")"
      R"( xmlns="http://purl.org/rss/1.0"><channel rdf:about="http://example.com/"><title>R</title>)"
      R"(</channel><item rdf:about="http://example.com/r1"><title>One</title>)"
      R"(<dc:subject domain="x>News</dc:subject></item>)"
      R"(<item rdf:about="http://example.com/r2"><title>Two</title>)"
      R"(<link>http://example.com/r2</link></item></rdf:RDF>)",
      {kFeedUrl, "", ""});
  ASSERT_TRUE(damaged_rdf) << damaged_rdf.error().ToString();
  EXPECT_FALSE(damaged_rdf->damage.empty());
  ASSERT_EQ(damaged_rdf->items.size(), 2u);
  EXPECT_EQ(damaged_rdf->items[1].title, "Two");
  EXPECT_EQ(damaged_rdf->items[1].url, "http://example.com/r2");
}

// Elements named as items in a namespace neither the format's nor the document's own are not
// items; a document that has no other item says how many it has and in which namespace, so that
// a feed read as empty is not taken for an empty one. Beside an item read, they are not counted.
TEST(FeedParserTest, ADocumentWhoseOnlyItemsAreInAnotherNamespaceSaysSo) {
  auto rss =
      ParseFeed(R"(<rss version="2.0" xmlns:x="urn:other"><channel><title>C</title>)"
                R"(<x:item><x:title>One</x:title></x:item><x:item><x:title>Two</x:title></x:item>)"
                R"(</channel></rss>)",
                {kFeedUrl, "", ""});
  ASSERT_TRUE(rss) << rss.error().ToString();
  EXPECT_TRUE(rss->items.empty());
  EXPECT_EQ(rss->foreign_items, 2u);
  EXPECT_EQ(rss->foreign_items_namespace, "urn:other");
  auto atom = ParseFeed(R"(<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>)"
                        R"(<entry xmlns="urn:elsewhere"><title>E</title></entry></feed>)",
                        {kFeedUrl, "", ""});
  ASSERT_TRUE(atom) << atom.error().ToString();
  EXPECT_TRUE(atom->items.empty());
  EXPECT_EQ(atom->foreign_items, 1u);
  EXPECT_EQ(atom->foreign_items_namespace, "urn:elsewhere");
  auto beside = ParseFeed(
      R"(<rss version="2.0" xmlns:x="urn:other"><channel><title>C</title><x:item/>)"
      R"(<item><title>Read</title><link>http://example.com/r</link></item></channel></rss>)",
      {kFeedUrl, "", ""});
  ASSERT_TRUE(beside) << beside.error().ToString();
  ASSERT_EQ(beside->items.size(), 1u);
  EXPECT_EQ(beside->foreign_items, 0u);
  EXPECT_TRUE(beside->foreign_items_namespace.empty());
  auto empty = ParseFeed(R"(<rss version="2.0"><channel><title>C</title></channel></rss>)",
                         {kFeedUrl, "", ""});
  ASSERT_TRUE(empty) << empty.error().ToString();
  EXPECT_EQ(empty->foreign_items, 0u);
}

// RSS items dated with Dublin Core's terms (dcterms:issued, dcterms:modified) only.
TEST(FeedParserTest, RssItemsDatedByDctermsIssuedOrModifiedHaveThatDate) {
  auto feed = ParseFeed(
      R"(<rss version="2.0" xmlns:dcterms="http://purl.org/dc/terms/"><channel><title>C</title>)"
      R"(<item><title>I</title><link>http://example.com/i</link>)"
      R"(<dcterms:issued>2026-03-02T08:15:00Z</dcterms:issued></item>)"
      R"(<item><title>M</title><link>http://example.com/m</link>)"
      R"(<dcterms:modified>2026-03-03T09:00:00Z</dcterms:modified></item>)"
      R"(<item><title>B</title><link>http://example.com/b</link>)"
      R"(<dcterms:modified>2026-03-05T09:00:00Z</dcterms:modified>)"
      R"(<dcterms:issued>2026-03-04T09:00:00Z</dcterms:issued></item>)"
      R"(</channel></rss>)",
      {kFeedUrl, "", ""});
  ASSERT_TRUE(feed) << feed.error().ToString();
  ASSERT_EQ(feed->items.size(), 3u);
  EXPECT_EQ(feed->items[0].published_at_ms, Ms("2026-03-02T08:15:00Z"));
  EXPECT_EQ(feed->items[1].published_at_ms, Ms("2026-03-03T09:00:00Z"));
  EXPECT_EQ(feed->items[2].published_at_ms, Ms("2026-03-04T09:00:00Z"));
}

// RSS 2.0 puts items in <channel>, but an item written beside it is still an item of the feed.
TEST(FeedParserTest, ItemsOutsideTheChannelAreRead) {
  const std::string body = R"(<rss version="2.0"><channel><title>D</title>
    <item><title>DN1 inside</title><link>http://example.com/dn1</link></item></channel>
    <item><title>DN2 outside</title><link>http://example.com/dn2</link></item></rss>)";
  auto feed = ParseFeed(body, {kFeedUrl, "", ""});
  ASSERT_TRUE(feed) << feed.error().ToString();
  ASSERT_EQ(feed->items.size(), 2u);
  EXPECT_EQ(feed->items[1].title, "DN2 outside");
  EXPECT_EQ(feed->items[1].url, "http://example.com/dn2");
}

TEST(FeedParserTest, MarkupInTitlesBecomesText) {
  auto naked = ParseFixture("gofeed/rss_channel_item_title_naked_markup.xml");
  ASSERT_TRUE(naked);
  EXPECT_EQ(naked->items.at(0).title, "Item Title");
  // Escaped twice (entities inside CDATA): one level is markup, the rest is literal text.
  auto escaped = ParseFixture("gofeed/rss_channel_item_title_cdata_escaped_markup.xml");
  ASSERT_TRUE(escaped);
  EXPECT_EQ(escaped->items.at(0).title, "<p>Item Title</p>");
}

// Markup left unescaped in a description, Atom xhtml content and definition lists keep the break
// between the words of two blocks; inline elements do not add one.
TEST(FeedParserTest, BlocksOfUnescapedAndXhtmlMarkupKeepTheirWordsApart) {
  const std::string rss = R"(<rss version="2.0"><channel><title>W</title>
    <item><title>W1</title><link>http://news.example/w1</link>
      <description><p>First paragraph.</p><p>Second <b>bold</b>.</p></description></item>
    <item><title>W2</title><link>http://news.example/w2</link>
      <description>line one<br/>line two</description></item>
    <item><title>W3</title><link>http://news.example/w3</link>
      <description>&lt;dl&gt;&lt;dt&gt;Time&lt;/dt&gt;&lt;dd&gt;2018-11-19 21:42 UTC&lt;/dd&gt;&lt;dt&gt;Depth&lt;/dt&gt;&lt;dd&gt;5 km&lt;/dd&gt;&lt;/dl&gt;</description></item>
    </channel></rss>)";
  auto feed = ParseFeed(rss, {kFeedUrl, "", ""});
  ASSERT_TRUE(feed) << feed.error().ToString();
  ASSERT_EQ(feed->items.size(), 3u);
  EXPECT_EQ(feed->items[0].body, "First paragraph. Second bold.");
  EXPECT_EQ(feed->items[1].body, "line one line two");
  EXPECT_EQ(feed->items[2].body, "Time 2018-11-19 21:42 UTC Depth 5 km");

  const std::string atom = R"(<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
    <entry><title>A2</title><id>tag:a2</id><link href="http://news.example/a2"/>
      <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>XHTML <b>content</b></p><p>second</p></div></content>
    </entry></feed>)";
  auto entries = ParseFeed(atom, {kFeedUrl, "", ""});
  ASSERT_TRUE(entries) << entries.error().ToString();
  ASSERT_EQ(entries->items.size(), 1u);
  EXPECT_EQ(entries->items[0].body, "XHTML content second");
}

TEST(FeedParserTest, ControlCharacterInTitleDoesNotStopTheParse) {
  auto feed = ParseFixture("gofeed/rss_channel_item_illegal_char.xml");
  ASSERT_TRUE(feed);
  EXPECT_EQ(feed->items.at(0).title, "ab cd");
}

TEST(FeedParserTest, BareAmpersandsAndHtmlEntitiesAreRepaired) {
  auto feed = ParseFixture("gofeed/issue_305_bare_ampersand.xml");
  ASSERT_TRUE(feed);
  EXPECT_EQ(feed->title, "Fish & Chips & more <3");
  const std::string body =
      "<?xml version=\"1.0\" encoding=\"windows-1252\"?><rss><channel><item>"
      "<title>Caf&eacute;&nbsp;news &amp; <![CDATA[a && b]]></title>"
      "<link>http://a.example/x</link></item></channel></rss>";
  auto repaired = ParseFeed(body, {kFeedUrl, "", ""});
  ASSERT_TRUE(repaired);
  EXPECT_EQ(repaired->items.at(0).title, "Caf\u00e9 news & a && b");
}

TEST(FeedParserTest, ALessThanSignThatBeginsNoTagIsKept) {
  const std::string body =
      "<?xml version=\"1.0\"?><rss><channel><item>"
      "<title>Rates < 5% as inflation <= target, fans <3 it</title>"
      "<description>a<b>bold</b> <![CDATA[x < y]]></description>"
      "<link>http://a.example/x</link></item><item><title>Next</title>"
      "<link>http://a.example/y</link></item></channel></rss>";
  auto feed = ParseFeed(body, {kFeedUrl, "", ""});
  ASSERT_TRUE(feed) << feed.error().ToString();
  ASSERT_EQ(feed->items.size(), 2u);
  EXPECT_EQ(feed->items[0].title, "Rates < 5% as inflation <= target, fans <3 it");
  EXPECT_EQ(feed->items[0].body, "abold x < y");
  EXPECT_EQ(feed->items[1].title, "Next");
  EXPECT_TRUE(feed->damage.empty()) << feed->damage;
}

TEST(FeedParserTest, AnEndTagThatClosesNothingCostsTheItemNothing) {
  // "</b>" closes no open element; recovery took it for the item's end and lost the link.
  const std::string body =
      "<?xml version=\"1.0\"?><rss><channel><item><title>A</title></b>"
      "<link>http://a.example/x</link></item><item><title>B <i>big</i></title>"
      "<description><p>one<br>two</p></description>"
      "<link>http://a.example/y</link></item></channel></rss>";
  auto feed = ParseFeed(body, {kFeedUrl, "", ""});
  ASSERT_TRUE(feed) << feed.error().ToString();
  ASSERT_EQ(feed->items.size(), 2u);
  EXPECT_EQ(feed->items[0].title, "A");
  EXPECT_EQ(feed->items[0].url, "http://a.example/x");
  EXPECT_EQ(feed->items[1].title, "B big");
  EXPECT_EQ(feed->items[1].body, "one two");  // <br> closed before </p>, still a break
  EXPECT_EQ(feed->items[1].url, "http://a.example/y");
  EXPECT_TRUE(feed->damage.empty()) << feed->damage;
}

// "<a" without a '>' of its own, many times over: each one's end is the same '>' far ahead, which
// the repair finds once (searching for it again from every '<' made a 3 MB body take half a
// minute). The run opens elements that the channel's end tag closes, so the items around it
// are still read, and the stray end tag after it is still dropped.
TEST(FeedParserTest, ARunOfUnfinishedTagsIsRepairedAndTheItemsAroundItAreRead) {
  const std::string item1 =
      "<item><title>before</title><guid isPermaLink=\"false\">1</guid></item>";
  const std::string item2 = "<item><title>after</title><guid isPermaLink=\"false\">2</guid></item>";
  auto feed = ParseRepeated("<rss><channel>" + item1, "<a", 50000, item2 + "</b></channel></rss>");
  ASSERT_TRUE(feed) << feed.error().ToString();
  EXPECT_FALSE(feed->damage.empty());  // "<a<a" is no attribute list: recovery is still needed
  ASSERT_EQ(feed->items.size(), 2u);
  EXPECT_EQ(feed->items[0].title, "before");
  EXPECT_EQ(feed->items[1].title, "after");

  auto last = ParseRepeated("<rss><channel>" + item1, "<a", 50000, "</channel></rss>");
  ASSERT_TRUE(last) << last.error().ToString();
  ASSERT_EQ(last->items.size(), 1u);
  EXPECT_EQ(last->items[0].title, "before");

  auto open = ParseRepeated("<rss><channel>" + item1, "<a", 50000, "");
  ASSERT_TRUE(open) << open.error().ToString();
  ASSERT_EQ(open->items.size(), 1u);
  EXPECT_EQ(open->items[0].title, "before");
}

// Found by fuzz_feed_parser: an encoding libxml2 does not know let bytes through undecoded.
TEST(FeedParserTest, EveryTextIsUtf8WhateverTheDocumentDeclares) {
  const std::string body =
      "<?xml version=\"1.0\" encoding=\"ung=\"utf-8\"?>\n<rss><channel><title>W\xE9</title>"
      "<item><title>Caf\xE9 &lt;b\xFF\xFF&gt; x</title><link>http://a.example/\xE9</link>"
      "<description>&lt;p&gt;na\xEFve&lt;/p&gt;</description></item></channel></rss>";
  auto feed = ParseFeed(body, {kFeedUrl, "", "application/rss+xml"});
  ASSERT_TRUE(feed) << feed.error().ToString();
  EXPECT_TRUE(core::IsValidUtf8(feed->title)) << feed->title;
  EXPECT_TRUE(core::IsValidUtf8(feed->damage)) << feed->damage;
  ASSERT_FALSE(feed->items.empty());
  for (const FeedItem& item : feed->items) {
    EXPECT_TRUE(core::IsValidUtf8(item.title)) << item.title;
    EXPECT_TRUE(core::IsValidUtf8(item.body)) << item.body;
    EXPECT_TRUE(core::IsValidUtf8(item.url)) << item.url;
  }
}

TEST(FeedParserTest, EscapedAmpersandsInLinksDecodeOnce) {
  auto feed = ParseFixture("feedparser/rss_item_link_corrupted_ampersands.xml");
  ASSERT_TRUE(feed);
  EXPECT_EQ(feed->items.at(0).url, "http://link/get?a=1&b=2");
}

TEST(FeedParserTest, TwoItemsWithOneGuidAreOneItem) {
  auto feed = ParseFixture("rome/CDATATestFeed.xml");
  ASSERT_TRUE(feed);
  ASSERT_EQ(feed->items.size(), 1u);
  EXPECT_EQ(feed->items[0].url,
            "http://rtl-now.rtl.de/awz.php?container_id=26908&paytype=ppv&productdetail=1&na=1");
  EXPECT_EQ(feed->items[0].published_at_ms, Ms("2009-08-05T05:30:00Z"));
}

TEST(FeedParserTest, RdfFeedWithDublinCoreDates) {
  auto feed = ParseFixture("rome/slashdot.xml");
  ASSERT_TRUE(feed);
  EXPECT_EQ(feed->format, FeedFormat::kRdf);
  ASSERT_EQ(feed->items.size(), 10u);
  EXPECT_EQ(feed->items[0].title, "The Prisoner To Be Remade On U.K. TV");
  EXPECT_EQ(feed->items[0].body.find("<img"), std::string::npos);  // escaped HTML became text
}

TEST(FeedParserTest, AtomEntriesWithAlternateLinksAndRelativeHrefs) {
  auto feed = ParseFixture("rome/atom_1.0.xml");
  ASSERT_TRUE(feed);
  EXPECT_EQ(feed->format, FeedFormat::kAtom);
  ASSERT_EQ(feed->items.size(), 2u);
  EXPECT_EQ(feed->items[0].url, "http://example.com/blog/entry1");

  auto tpm = ParseFixture("node-feedparser/tpm.atom");
  ASSERT_TRUE(tpm);
  ASSERT_EQ(tpm->items.size(), 20u);
  EXPECT_EQ(tpm->items[0].title,
            "Hannity Announces Fox Has Hired Sebastian Gorka As NatSec Strategist");
  EXPECT_EQ(tpm->items[0].url,
            "http://news.example/livewire/"
            "hannity-announces-fox-hired-sebastian-gorka-national-security-strategist");
}

TEST(FeedParserTest, AtomXhtmlContentInAPrefixedNamespaceIsRead) {
  auto feed = ParseFixture("node-feedparser/nondefaultnamespace-xhtml.atom");
  ASSERT_TRUE(feed);
  ASSERT_EQ(feed->items.size(), 1u);
  EXPECT_NE(feed->items[0].body.find("Who knows"), std::string::npos) << feed->items[0].body;
}

TEST(FeedParserTest, ExternalEntitiesAreNeverResolved) {
  const std::string body =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
      "<rss><channel><item><title>leak &xxe; here</title><link>http://a.example/x</link>"
      "</item></channel></rss>";
  auto feed = ParseFeed(body, {kFeedUrl, "", ""});
  ASSERT_TRUE(feed);
  ASSERT_EQ(feed->items.size(), 1u);
  EXPECT_EQ(feed->items[0].title.find("root:"), std::string::npos);
  EXPECT_TRUE(feed->items[0].title.starts_with("leak")) << feed->items[0].title;
}

TEST(FeedParserTest, JsonFeedItems) {
  const std::string body = R"({
    "version": "https://jsonfeed.org/version/1.1", "title": "JSON Daily", "language": "de",
    "items": [
      {"id": "1", "url": "/a/1", "title": "First <b>bold</b>", "content_text": "Body one",
       "date_published": "2026-03-02T08:15:00+01:00"},
      {"id": "2", "content_html": "<p>Only <i>content</i></p>"},
      {"id": "1", "title": "Duplicate id"}
    ]})";
  auto feed = ParseFeed(body, {kFeedUrl, "", "application/feed+json"});
  ASSERT_TRUE(feed) << feed.error().ToString();
  EXPECT_EQ(feed->format, FeedFormat::kJsonFeed);
  EXPECT_EQ(feed->title, "JSON Daily");
  ASSERT_EQ(feed->items.size(), 2u);
  EXPECT_EQ(feed->items[0].title, "First bold");
  EXPECT_EQ(feed->items[0].url, "http://news.example/a/1");
  EXPECT_EQ(feed->items[0].language, "de");
  EXPECT_EQ(feed->items[0].published_at_ms, Ms("2026-03-02T07:15:00Z"));
  EXPECT_EQ(feed->items[1].title, "Only content");
  EXPECT_EQ(feed->items[1].published_at_ms, 0);
}

TEST(FeedParserTest, JsonFeedWithAUtf8BomIsRead) {
  const std::string body =
      "\xEF\xBB\xBF{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"BOM\","
      " \"items\": [{\"id\": \"1\", \"url\": \"http://news.example/1\", \"title\": \"One\"}]}";
  auto feed = ParseFeed(body, {kFeedUrl, "", "application/feed+json"});
  ASSERT_TRUE(feed) << feed.error().ToString();
  EXPECT_EQ(feed->format, FeedFormat::kJsonFeed);
  ASSERT_EQ(feed->items.size(), 1u);
  EXPECT_EQ(feed->items[0].title, "One");
}

TEST(FeedParserTest, ATopLevelJsonArrayIsJsonWithoutAJsonFeedVersion) {
  auto feed = ParseFeed(R"([{"title":"array"}])", {kFeedUrl, "", "application/json"});
  ASSERT_FALSE(feed);
  EXPECT_EQ(feed.error().message(), "not a feed: JSON without a jsonfeed.org version");
}

// Parsed whole, a body of nested brackets costs tens of times its size (6 MB took 230 MB).
TEST(FeedParserTest, JsonNestedDeeperThan64LevelsIsRejectedWithTheReason) {
  const auto feed_with = [](size_t levels) {
    return R"({"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","title":"t"}],)"
           R"("_x":)" +
           std::string(levels, '[') + std::string(levels, ']') + "}";
  };
  // The document object is level 1 and its extension's outer array level 2.
  auto deepest = ParseFeed(feed_with(63), {kFeedUrl, "", ""});
  ASSERT_TRUE(deepest) << deepest.error().ToString();
  EXPECT_EQ(deepest->items.size(), 1u);
  auto too_deep = ParseFeed(feed_with(64), {kFeedUrl, "", ""});
  ASSERT_FALSE(too_deep);
  EXPECT_EQ(too_deep.error().message(), "not a feed: JSON nested deeper than 64 levels");
  auto unterminated = ParseFeed(
      R"({"version":"https://jsonfeed.org/version/1.1","x":)" + std::string(3'000'000, '['),
      {kFeedUrl, "", ""});
  ASSERT_FALSE(unterminated);
  EXPECT_EQ(unterminated.error().message(), "not a feed: JSON nested deeper than 64 levels");
}

// The spec writes its versions with https; feeds in the wild write http, which readers accept.
TEST(FeedParserTest, JsonFeedVersionsAreReadWithHttpsOrHttp) {
  for (const std::string version :
       {"https://jsonfeed.org/version/1", "https://jsonfeed.org/version/1.1",
        "http://jsonfeed.org/version/1", "http://jsonfeed.org/version/1.1"}) {
    auto feed =
        ParseFeed(R"({"version":")" + version +
                      R"(","items":[{"id":"1","url":"http://news.example/1","title":"One"}]})",
                  {kFeedUrl, "", "application/feed+json"});
    ASSERT_TRUE(feed) << version << ": " << feed.error().ToString();
    ASSERT_EQ(feed->items.size(), 1u) << version;
    EXPECT_EQ(feed->items[0].title, "One");
  }
  auto other = ParseFeed(R"({"version":"http://example.com/version/1","items":[]})",
                         {kFeedUrl, "", "application/feed+json"});
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().message(), "not a feed: JSON without a jsonfeed.org version");
}

TEST(FeedParserTest, JsonThatIsNoJsonFeedIsRejected) {
  EXPECT_FALSE(ParseFeed(R"({"items": []})", {kFeedUrl, "", ""}));
  EXPECT_FALSE(ParseFeed("{not json", {kFeedUrl, "", ""}));
}

TEST(FeedParserTest, ItemIdRules) {
  const std::string body =
      "<rss><channel>"
      "<item><title>a</title><guid>http://a.example/story?utm_source=x</guid></item>"
      "<item><title>b</title><guid isPermaLink=\"false\">tag:b-1</guid>"
      "<link>http://a.example/b</link></item>"
      "<item><title>c</title><link>http://a.example/c</link></item>"
      "<item><title>d</title><description>no link</description></item>"
      "</channel></rss>";
  auto feed = ParseFeed(body, {kFeedUrl, "", ""});
  ASSERT_TRUE(feed);
  ASSERT_EQ(feed->items.size(), 4u);
  core::Article by_url;
  by_url.url = "http://a.example/story";  // canonical form drops utm_*
  EXPECT_EQ(feed->items[0].id, core::DeriveArticleId(by_url));
  EXPECT_TRUE(feed->items[1].id.starts_with("g"));  // stable GUID, scoped to the feed
  auto other_feed = ParseFeed(body, {"http://other.example/rss", "", ""});
  EXPECT_NE(other_feed->items[1].id, feed->items[1].id);
  EXPECT_EQ(other_feed->items[0].id, feed->items[0].id);  // a permalink is the same article
  by_url.url = "http://a.example/c";
  EXPECT_EQ(feed->items[2].id, core::DeriveArticleId(by_url));
  EXPECT_TRUE(feed->items[3].id.starts_with("c"));  // content hash
}

// A status page links every item to itself; a live blog's permalinks differ by their fragment.
// Each item is its own; an item that shares its link with no other keeps the usual id, so that
// the ids of feeds without such items do not change.
TEST(FeedParserTest, ItemsThatShareALinkButNotATitleOrGuidAreDistinct) {
  const std::string status =
      "<rss><channel>"
      "<item><title>Database failover</title><link>https://status.example.com/</link></item>"
      "<item><title>Outage resolved</title><link>https://status.example.com/</link></item>"
      "<item><title>Outage resolved</title><link>https://status.example.com/</link></item>"
      "<item><title>Own page</title><link>https://status.example.com/own</link></item>"
      "</channel></rss>";
  auto feed = ParseFeed(status, {kFeedUrl, "", ""});
  ASSERT_TRUE(feed) << feed.error().ToString();
  ASSERT_EQ(feed->items.size(), 3u);  // the one listed twice is one item
  EXPECT_EQ(feed->items[0].title, "Database failover");
  EXPECT_EQ(feed->items[1].title, "Outage resolved");
  EXPECT_NE(feed->items[0].id, feed->items[1].id);
  for (size_t i : {0, 1}) {
    EXPECT_EQ(feed->items[i].id, feed->items[i].shared_id);
    EXPECT_TRUE(feed->items[i].id.starts_with("l"));
  }
  EXPECT_EQ(feed->items[0].usual_id, feed->items[1].usual_id);  // the page's
  EXPECT_NE(feed->items[0].key, feed->items[1].key);
  core::Article own;
  own.url = "https://status.example.com/own";
  EXPECT_EQ(feed->items[2].id, core::DeriveArticleId(own));
  EXPECT_EQ(feed->items[2].id, feed->items[2].usual_id);

  // The same item in a later version of the page, beside a new one, keeps its id.
  const std::string later =
      "<rss><channel>"
      "<item><title>Maintenance Friday</title><link>https://status.example.com/</link></item>"
      "<item><title>Outage resolved</title><link>https://status.example.com/</link></item>"
      "</channel></rss>";
  auto next = ParseFeed(later, {kFeedUrl, "", ""});
  ASSERT_TRUE(next) << next.error().ToString();
  ASSERT_EQ(next->items.size(), 2u);
  EXPECT_EQ(next->items[1].id, feed->items[1].id);
  EXPECT_NE(next->items[0].id, feed->items[0].id);

  const std::string live =
      "<rss><channel>"
      "<item><title>Polls open</title><guid>https://news.example/live#post-1</guid></item>"
      "<item><title>Turnout high</title><guid>https://news.example/live#post-2</guid></item>"
      "</channel></rss>";
  auto posts = ParseFeed(live, {kFeedUrl, "", ""});
  ASSERT_TRUE(posts) << posts.error().ToString();
  ASSERT_EQ(posts->items.size(), 2u);
  EXPECT_NE(posts->items[0].id, posts->items[1].id);
  EXPECT_EQ(posts->items[0].usual_id, posts->items[1].usual_id);
  EXPECT_EQ(posts->items[1].id, posts->items[1].shared_id);

  // Alone in its document an item has its usual id; its shared id and key do not depend on the
  // others (the feed's seen ids decide which of the two it is known by: feed_novelty.h).
  const std::string alone =
      "<rss><channel>"
      "<item><title>Outage resolved</title><link>https://status.example.com/</link></item>"
      "</channel></rss>";
  auto single = ParseFeed(alone, {kFeedUrl, "", ""});
  ASSERT_TRUE(single) << single.error().ToString();
  ASSERT_EQ(single->items.size(), 1u);
  EXPECT_EQ(single->items[0].id, single->items[0].usual_id);
  EXPECT_EQ(single->items[0].usual_id, feed->items[1].usual_id);
  EXPECT_EQ(single->items[0].shared_id, feed->items[1].shared_id);
  EXPECT_EQ(single->items[0].key, feed->items[1].key);
}

// A date the parser cannot read is not the same as no date: the item still gets the fetch time,
// but it carries the text it could not read, which the poller logs.
TEST(FeedParserTest, AnUnreadableDateIsKeptForTheLogAndALaterReadableOneWins) {
  const std::string body = R"(<rss version="2.0"><channel><title>T</title>
    <item><title>Odd date</title><link>http://news.example/1</link>
      <pubDate>32 Jun 99999</pubDate></item>
    <item><title>Two dates</title><link>http://news.example/2</link>
      <pubDate>garbage</pubDate><dc:date xmlns:dc="http://purl.org/dc/elements/1.1/">2026-03-02T08:15:00Z</dc:date></item>
    <item><title>No date</title><link>http://news.example/3</link></item>
    </channel></rss>)";
  auto feed = ParseFeed(body, {kFeedUrl, "", "application/rss+xml"});
  ASSERT_TRUE(feed) << feed.error().ToString();
  ASSERT_EQ(feed->items.size(), 3u);
  EXPECT_EQ(feed->items[0].published_at_ms, 0);
  EXPECT_EQ(feed->items[0].unreadable_date, "32 Jun 99999");
  EXPECT_EQ(feed->items[1].published_at_ms, Ms("2026-03-02T08:15:00Z"));
  EXPECT_EQ(feed->items[1].unreadable_date, "");
  EXPECT_EQ(feed->items[2].published_at_ms, 0);
  EXPECT_EQ(feed->items[2].unreadable_date, "");
  EXPECT_TRUE(feed->damage.empty()) << feed->damage;
}

// When the XML parser stops part way (here an entity that expands a billion times), the feed says
// why, so the poller can warn; a document that only needed the repairs made before parsing (a
// bare '&') is well-formed and says nothing.
TEST(FeedParserTest, AParseThatStoppedEarlySaysWhyAndRepairedAmpersandsDoNot) {
  std::string entities = "<!ENTITY l0 \"lol\">";
  for (int i = 1; i <= 9; ++i) {
    entities += "<!ENTITY l" + std::to_string(i) + " \"";
    for (int k = 0; k < 10; ++k) entities += "&l" + std::to_string(i - 1) + ";";
    entities += "\">";
  }
  const std::string item = "<item><title>T</title><link>http://news.example/N</link></item>";
  const auto numbered = [&](char n) {
    std::string text = item;
    text[text.find('N')] = n;
    return text;
  };
  const std::string laughs = "<?xml version=\"1.0\"?><!DOCTYPE rss [" + entities +
                             "]><rss version=\"2.0\"><channel><title>Laughs</title>" +
                             numbered('1') + "<item><title>Laugh &l9;</title></item>" +
                             numbered('2') + "</channel></rss>";
  auto stopped = ParseFeed(laughs, {kFeedUrl, "", "application/rss+xml"});
  ASSERT_TRUE(stopped) << stopped.error().ToString();
  EXPECT_FALSE(stopped->damage.empty());
  EXPECT_NE(stopped->damage.find("line"), std::string::npos) << stopped->damage;
  auto recovered = ParseFixture("node-feedparser/saxerror.xml");
  ASSERT_TRUE(recovered) << recovered.error().ToString();
  EXPECT_EQ(recovered->items.size(), 3u);
  EXPECT_TRUE(recovered->damage.empty()) << recovered->damage;
}

// Damage that libxml2's recovery cannot read past (a misspelt end tag, a doubled one, an unclosed
// attribute quote) is reported, with its line, and costs at most the damaged item's fields: the
// items after it are read.
TEST(FeedParserTest, DamageIsReportedAndTheItemsAfterItAreRead) {
  const std::string mismatched = R"(<?xml version="1.0"?>
<rss version="2.0"><channel><title>Damage1</title>
<item><title>DM1 first</title><link>http://example.com/dm1</link></item>
<item><title>DM2 mismatched</title><link>http://example.com/dm2</link></itme>
<item><title>DM3 third</title><link>http://example.com/dm3</link></item>
<item><title>DM4 a < b stray</title><link>http://example.com/dm4</link></item>
<item><title>DM5 fifth</title><link>http://example.com/dm5</link></item>
<item><title>DM6 attr "quote</title><link href="http://example.com/dm6 rel=x>http://example.com/dm6</link></item>
<item><title>DM7 seventh</title><link>http://example.com/dm7</link></item>
</channel></rss>)";
  auto feed = ParseFeed(mismatched, {kFeedUrl, "", ""});
  ASSERT_TRUE(feed) << feed.error().ToString();
  // The mistyped end tag (line 4) and the stray '<' (line 6) are repaired before parsing; the
  // unclosed quote (line 8) is not.
  EXPECT_NE(feed->damage.find("(line 8)"), std::string::npos) << feed->damage;
  ASSERT_EQ(feed->items.size(), 7u);
  EXPECT_EQ(feed->items[1].url, "http://example.com/dm2");
  EXPECT_EQ(feed->items[6].title, "DM7 seventh");
  EXPECT_EQ(feed->items[6].url, "http://example.com/dm7");

  const std::string doubled = R"(<?xml version="1.0"?>
<rss version="2.0"><channel><title>Damage3</title>
<item><title>DO1 first</title><link>http://example.com/do1</link></item>
<item><title>DO2 </title></title><link>http://example.com/do2</link></item>
<item><title>DO3 third</title><link>http://example.com/do3</link></item>
</channel></rss>)";
  auto three = ParseFeed(doubled, {kFeedUrl, "", ""});
  ASSERT_TRUE(three) << three.error().ToString();
  EXPECT_TRUE(three->damage.empty()) << three->damage;  // the second </title> closes nothing
  ASSERT_EQ(three->items.size(), 3u);
  EXPECT_EQ(three->items[1].title, "DO2");
  EXPECT_EQ(three->items[1].url, "http://example.com/do2");
  EXPECT_EQ(three->items[2].title, "DO3 third");
  EXPECT_EQ(three->items[2].url, "http://example.com/do3");
}

// Read one by one, the items of a damaged document keep the namespaces of its root, so RDF
// items (in RSS 1.0's default namespace) are still items and media:title is still not a title.
TEST(FeedParserTest, ItemsOfADamagedDocumentKeepTheRootsNamespaces) {
  const std::string rdf = R"(<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
  xmlns:media="http://search.yahoo.com/mrss/"><channel rdf:about="http://example.com/"><title>R</title></channel>
<item rdf:about="http://example.com/r1"><title>R1</title><link x="y>http://example.com/r1</link></item>
<item rdf:about="http://example.com/r2"><media:title>wrong</media:title><title>R2</title>
  <link>http://example.com/r2</link></item>
</rdf:RDF>)";
  auto feed = ParseFeed(rdf, {kFeedUrl, "", ""});
  ASSERT_TRUE(feed) << feed.error().ToString();
  EXPECT_EQ(feed->format, FeedFormat::kRdf);
  EXPECT_FALSE(feed->damage.empty());
  ASSERT_EQ(feed->items.size(), 2u);
  EXPECT_EQ(feed->items[1].title, "R2");
  EXPECT_EQ(feed->items[1].url, "http://example.com/r2");
}

// The channel's xml:base and namespaces are in scope for each item read alone too: otherwise the
// undamaged items' links would resolve against the feed URL, giving them other ids than the
// whole document gave them on polls before the damage, and their dc:date would not be read.
TEST(FeedParserTest, ItemsOfADamagedDocumentKeepTheChannelsBaseAndNamespaces) {
  const std::string damaged = R"(<?xml version="1.0"?>
<rss version="2.0"><channel xml:base="https://news.example.com/world/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"><title>Base</title><!-- <item> -->
<item><title>C</title><link>c.html</link><category domain="x>News</category></item>
<item><title>A</title><link>a.html</link><dc:date>2026-12-06T10:00:00Z</dc:date></item>
</channel></rss>)";
  auto feed = ParseFeed(damaged, {kFeedUrl, "", ""});
  ASSERT_TRUE(feed) << feed.error().ToString();
  EXPECT_FALSE(feed->damage.empty());
  ASSERT_EQ(feed->items.size(), 2u);
  EXPECT_EQ(feed->items[0].url, "https://news.example.com/world/c.html");
  EXPECT_EQ(feed->items[1].url, "https://news.example.com/world/a.html");
  core::Article a;
  a.url = "https://news.example.com/world/a.html";
  EXPECT_EQ(feed->items[1].id, core::DeriveArticleId(a));
  EXPECT_EQ(feed->items[1].published_at_ms, Ms("2026-12-06T10:00:00Z"));
}

// Read one at a time, a damaged document's items start at item start tags only: "<item>" written
// in a description's CDATA section, or "<entry>" in a comment, cuts no item in two (the half
// after it would be an item of its own, titled with the rest of the text).
TEST(FeedParserTest, StartTagsInCdataOrCommentsOfADamagedDocumentStartNoItem) {
  const std::string rss = R"(<?xml version="1.0"?>
<rss version="2.0"><channel><title>Markup</title>
<item><title>One</title><link>http://example.com/1</link><category domain="x>News</category></item>
<item><title>Two</title><link>http://example.com/2</link>
  <description><![CDATA[Write <item> for each story]]></description></item>
<item><title>Three</title><link>http://example.com/3</link></item>
</channel></rss>)";
  auto feed = ParseFeed(rss, {kFeedUrl, "", ""});
  ASSERT_TRUE(feed) << feed.error().ToString();
  EXPECT_FALSE(feed->damage.empty());
  ASSERT_EQ(feed->items.size(), 3u);
  EXPECT_EQ(feed->items[1].title, "Two");
  EXPECT_TRUE(feed->items[1].body.starts_with("Write")) << feed->items[1].body;
  EXPECT_EQ(feed->items[2].title, "Three");
  EXPECT_EQ(feed->skipped_items, 0u);

  const std::string atom = R"(<?xml version="1.0"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Markup</title>
<entry><title>One</title><link href="http://example.com/1"/><category term="x/></entry>
<entry><title>Two</title><link href="http://example.com/2"/>
  <!-- copied from an <entry> of another feed --><summary>Second.</summary></entry>
<entry><title>Three</title><link href="http://example.com/3"/></entry>
</feed>)";
  auto entries = ParseFeed(atom, {kFeedUrl, "", ""});
  ASSERT_TRUE(entries) << entries.error().ToString();
  EXPECT_FALSE(entries->damage.empty());
  ASSERT_EQ(entries->items.size(), 3u);
  EXPECT_EQ(entries->items[1].title, "Two");
  EXPECT_EQ(entries->items[1].body, "Second.");
  EXPECT_EQ(entries->items[2].title, "Three");
  EXPECT_EQ(entries->skipped_items, 0u);
}

// "--" inside a comment (forbidden there: "<!-- old -- new -->", a "--->" ending) is repaired
// away, not damage: the comment ends at its first "-->", what follows it is read, and libxml2
// reports no error per "--" (each copied the comment so far, a time quadratic in its length).
TEST(FeedParserTest, DoubledHyphensInACommentAreRepaired) {
  std::string hyphens;
  for (int i = 0; i < 1000; ++i) hyphens += "a--b";
  const std::string rss =
      "<rss version=\"2.0\"><channel><!--" + hyphens +
      "--><item><title>A</title><!-- old -- new ---></item>"
      "<item><title>B</title><!-----><link>http://example.com/b</link></item></channel></rss>";
  auto feed = ParseFeed(rss, {kFeedUrl, "", ""});
  ASSERT_TRUE(feed) << feed.error().ToString();
  EXPECT_TRUE(feed->damage.empty()) << feed->damage;
  ASSERT_EQ(feed->items.size(), 2u);
  EXPECT_EQ(feed->items[0].title, "A");
  EXPECT_EQ(feed->items[1].title, "B");
  EXPECT_EQ(feed->items[1].url, "http://example.com/b");
  EXPECT_EQ(feed->cut_off_items, 0u);
}

void ExpectSameItems(const ParsedFeed& got, const ParsedFeed& want, const std::string& name) {
  EXPECT_EQ(got.damage, want.damage) << name;
  EXPECT_EQ(got.skipped_items, want.skipped_items) << name;
  EXPECT_EQ(got.cut_off_items, want.cut_off_items) << name;
  ASSERT_EQ(got.items.size(), want.items.size()) << name;
  for (size_t i = 0; i < got.items.size(); ++i) {
    const FeedItem& a = got.items[i];
    const FeedItem& b = want.items[i];
    EXPECT_EQ(std::tie(a.id, a.title, a.body, a.url, a.language, a.published_at_ms, a.usual_id,
                       a.shared_id, a.key),
              std::tie(b.id, b.title, b.body, b.url, b.language, b.published_at_ms, b.usual_id,
                       b.shared_id, b.key))
        << name << " item " << i;
  }
}

// A sloppy CMS writes attributes of an item's start tag unquoted ("<item id=42>", "<entry
// xml:lang=en>") or without a value ("<item hidden>"), which libxml2 cannot finish: recovery
// would end the item there and take its children for the channel's. Repaired before the parse,
// the item is the one its quoted form gives, with what the attributes say (an entry's xml:lang,
// rdf:about, xml:base); an unquoted value keeps a '/' before the tag's '>' ("rdf:about=http://x/"),
// as HTML reads it, so that the item is not closed there.
TEST(FeedParserTest, AnItemStartTagWithUnquotedAttributesIsReadAsItsQuotedForm) {
  const std::string rss_head = "<rss version=\"2.0\"><channel><title>C</title>";
  const std::string rss_items =
      "<title>A</title><link>http://example.com/a</link><description>Alpha.</description></item>"
      "<item><title>B</title><link>http://example.com/b</link></item></channel></rss>";
  const std::string rdf_head =
      "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
      "xmlns=\"http://purl.org/rss/1.0/\"><channel><title>C</title></channel>";
  const std::string rdf_items =
      "<title>A</title><description>Alpha.</description></item>"
      "<item rdf:about=\"http://example.com/b\"><title>B</title></item></rdf:RDF>";
  const std::string atom_head = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>C</title>";
  const std::string atom_items =
      "<title>A</title><link href=\"a\"/><summary>Alpha.</summary></entry>"
      "<entry><title>B</title><link href=\"http://example.com/b\"/></entry></feed>";
  struct Case {
    std::string head, unquoted, quoted, items;
  };
  const Case cases[] = {
      {rss_head, "<item id=42>", "<item id=\"42\">", rss_items},
      {rss_head, "<item id = 42\tclass=top>", "<item id=\"42\" class=\"top\">", rss_items},
      {rss_head, "<item hidden>", "<item hidden=\"\">", rss_items},
      {rss_head, "<item hidden id=42 data-x='a\"b' data-y=\"c'd\" e=>",
       "<item hidden=\"\" id=\"42\" data-x='a\"b' data-y=\"c'd\" e=\"\">", rss_items},
      {rss_head, "<item id=42/>", "<item id=\"42/\">", rss_items},
      {rss_head, "<item title=a\"b<c&d&amp;e&nbsp;>",
       "<item title=\"a&quot;b&lt;c&amp;d&amp;e&#160;\">", rss_items},
      {rss_head, "<item xml:lang=fr>", "<item xml:lang=\"fr\">", rss_items},
      {rdf_head, "<item rdf:about=http://example.com/a/>",
       "<item rdf:about=\"http://example.com/a/\">", rdf_items},
      {atom_head, "<entry xml:lang=en xml:base=http://example.com/dir/>",
       "<entry xml:lang=\"en\" xml:base=\"http://example.com/dir/\">", atom_items},
      {atom_head, "<entry hidden\n>", "<entry hidden=\"\">", atom_items},
  };
  for (const Case& c : cases) {
    auto unquoted = ParseFeed(c.head + c.unquoted + c.items, {kFeedUrl, "", ""});
    auto quoted = ParseFeed(c.head + c.quoted + c.items, {kFeedUrl, "", ""});
    ASSERT_TRUE(unquoted) << c.unquoted << ": " << unquoted.error().ToString();
    ASSERT_TRUE(quoted) << c.quoted << ": " << quoted.error().ToString();
    EXPECT_TRUE(quoted->damage.empty()) << c.quoted << ": " << quoted->damage;
    ASSERT_EQ(quoted->items.size(), 2u) << c.quoted;
    EXPECT_EQ(quoted->items[0].title, "A") << c.quoted;
    EXPECT_EQ(quoted->items[0].body, "Alpha.") << c.quoted;
    ExpectSameItems(*unquoted, *quoted, c.unquoted);
  }
  auto base =
      ParseFeed(atom_head + "<entry xml:lang=en xml:base=http://example.com/dir/>" + atom_items,
                {kFeedUrl, "", ""});
  ASSERT_TRUE(base);
  ASSERT_EQ(base->items.size(), 2u);
  EXPECT_EQ(base->items[0].language, "en");
  EXPECT_EQ(base->items[0].url, "http://example.com/dir/a");
  auto about = ParseFeed(rdf_head + "<item rdf:about=http://example.com/a/>" + rdf_items,
                         {kFeedUrl, "", ""});
  auto no_about = ParseFeed(rdf_head + "<item>" + rdf_items, {kFeedUrl, "", ""});
  ASSERT_TRUE(about);
  ASSERT_TRUE(no_about);
  ASSERT_EQ(about->items.size(), 2u);
  ASSERT_EQ(no_about->items.size(), 2u);
  EXPECT_NE(about->items[0].id, no_about->items[0].id);  // named by its rdf:about
}

// Start tags an item written so still cannot make whole are no worse than before: a self-closing
// item (an empty one, skipped) and one whose attributes cannot be read (an unclosed quote, a name
// that is no XML name) lose no other item, and every cut of such a document parses.
TEST(FeedParserTest, ItemStartTagsBeyondRepairLoseNoOtherItem) {
  const std::string tail =
      "<item><title>B</title><link>http://example.com/b</link></item></channel></rss>";
  for (const std::string odd :
       {"<item hidden/>", "<item id=42 />", "<item id=42/>", "<item id=\"4>2\">", "<item 4=2>",
        "<item id='42>", "<item =42>", "<item id=42", "<item id=42>\x01", "<item\x01id=42>"}) {
    const std::string body = "<rss version=\"2.0\"><channel><title>C</title>" + odd + tail;
    auto feed = ParseFeed(body, {kFeedUrl, "", ""});
    ASSERT_TRUE(feed) << odd << ": " << feed.error().ToString();
    ASSERT_FALSE(feed->items.empty()) << odd;
    EXPECT_EQ(feed->items.back().title, "B") << odd;
    for (size_t cut = 1; cut < body.size(); ++cut) {
      auto prefix = ParseFeed(body.substr(0, cut), {kFeedUrl, "", ""});
      if (!prefix) {
        EXPECT_TRUE(prefix.error().message().starts_with("not a feed")) << odd << cut;
      }
    }
  }
}

// A tag inside other markup (a value of another tag, an entity's literal) is text, not a tag:
// quotes added there would end the value, and the document would lose its items or gain one
// made of the channel's title.
TEST(FeedParserTest, AnItemNameInsideOtherMarkupIsNotRepaired) {
  const std::string item =
      "<item><title>y &amp; z</title><link>http://example.com/y</link></item></channel></rss>";
  for (const std::string head :
       {"<!DOCTYPE rss [<!ENTITY x \"<item id=1>\">]><rss version=\"2.0\"><channel>"
        "<title>C</title>",
        "<rss version=\"2.0\"><channel note=\"see <item id=1> here\"><title>C</title>",
        "<!DOCTYPE rss [<!ENTITY x \"<guid a=1>\">]><rss version=\"2.0\"><channel>"
        "<title>C</title>",
        "<rss version=\"2.0\"><channel note=\"see <title a=1/> here\"><title>C</title>",
        // More than one tag, or a '>', before it in the value or literal.
        "<!DOCTYPE rss [<!ENTITY footer \"<hr/><p class=small>Copyright</p>\">]><rss "
        "version=\"2.0\"><channel><title>C</title>",
        "<!DOCTYPE rss [<!-- \"a\" -->\n<!ENTITY a 'x > y <b c=d>'>]><rss version=\"2.0\">"
        "<channel><title>C</title>",
        "<rss version=\"2.0\"><channel note=\"<b>x</b><item id=1>\"><title>C</title>"}) {
    auto feed = ParseFeed(head + item, {kFeedUrl, "", ""});
    ASSERT_TRUE(feed) << head << ": " << feed.error().ToString();
    ASSERT_EQ(feed->items.size(), 1u) << head;
    EXPECT_EQ(feed->items[0].title, "y & z") << head;
    EXPECT_EQ(feed->items[0].url, "http://example.com/y") << head;
  }
}

// A document type declaration whose entities hold markup is well-formed, and stays so: the
// repairs leave its literals alone.
TEST(FeedParserTest, MarkupInADoctypesEntityValuesLeavesTheDocumentWellFormed) {
  const std::string body =
      "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY footer \"<hr/><p class=small>Copyright"
      "</p>\">]><rss version=\"2.0\"><channel><title>C</title><item><title>T1</title><link>"
      "http://x/1</link></item><item><title>T2</title><link>http://x/2</link></item></channel>"
      "</rss>";
  auto feed = ParseFeed(body, {kFeedUrl, "", ""});
  ASSERT_TRUE(feed) << feed.error().ToString();
  EXPECT_EQ(feed->damage, "");
  ASSERT_EQ(feed->items.size(), 2u);
  EXPECT_EQ(feed->items[1].title, "T2");
}

// A '/' before the '>' of an item with an attribute to repair does not close the item, as HTML
// reads it: its title and link stay its own.
TEST(FeedParserTest, AnItemTagWithAValuelessAttributeAndASlashKeepsItsChildren) {
  for (const std::string tag : {"<item hidden/>", "<item id=42 hidden />", "<entry hidden/>"}) {
    const bool atom = tag.starts_with("<entry");
    const std::string body =
        atom ? "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>C</title>" + tag +
                   "<title>T1</title><link href=\"http://x/1\"/></entry></feed>"
             : "<rss version=\"2.0\"><channel><title>C</title>" + tag +
                   "<title>T1</title><link>http://x/1</link></item></channel></rss>";
    auto feed = ParseFeed(body, {kFeedUrl, "", ""});
    ASSERT_TRUE(feed) << tag << ": " << feed.error().ToString();
    ASSERT_EQ(feed->items.size(), 1u) << tag;
    EXPECT_EQ(feed->items[0].title, "T1") << tag;
    EXPECT_EQ(feed->items[0].url, "http://x/1") << tag;
  }
}

// A URL that ends in '/' keeps it when a '/' before the '>' closes its tag: a permalink's form.
TEST(FeedParserTest, AnUnquotedUrlEndingInASlashKeepsItWhenItsTagCloses) {
  const std::string body =
      "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>C</title><entry><title>T</title>"
      "<link rel=alternate href=http://example.com/2024/01/my-post/></entry></feed>";
  auto feed = ParseFeed(body, {kFeedUrl, "", ""});
  ASSERT_TRUE(feed) << feed.error().ToString();
  ASSERT_EQ(feed->items.size(), 1u);
  EXPECT_EQ(feed->items[0].url, "http://example.com/2024/01/my-post/");
  EXPECT_EQ(feed->items[0].title, "T");
}

// A '/' glued to an unquoted value before the '>' is the value's, not the tag's end, when the
// element's own end tag follows its text, whether that text is plain, in a CDATA section or after
// a comment: the element keeps its text ("<category domain=x/><![CDATA[World]]></category>" was
// closed empty and lost "World"). Read so, each is what its quoted form with the '/' in the value
// gives, and a note says which reading was taken and why.
TEST(FeedParserTest, ASlashGluedToAValueIsTheValuesWhenTheElementsEndTagFollowsItsText) {
  const auto rss = [](const std::string& title, const std::string& description,
                      const std::string& category) {
    return "<rss version=\"2.0\"><channel><title>C</title><item>" + title +
           "<link>http://example.com/a</link>" + description + category +
           "<![CDATA[World]]></category></item></channel></rss>";
  };
  auto unquoted =
      ParseFeed(rss("<title lang=en/><![CDATA[A & B]]></title>",
                    "<description class=x/> <!-- lead --> <![CDATA[<p>Alpha</p>]]></description>",
                    "<category domain=x/>"),
                {kFeedUrl, "", ""});
  auto quoted = ParseFeed(
      rss("<title lang=\"en/\"><![CDATA[A & B]]></title>",
          "<description class=\"x/\"> <!-- lead --> <![CDATA[<p>Alpha</p>]]></description>",
          "<category domain=\"x/\">"),
      {kFeedUrl, "", ""});
  ASSERT_TRUE(unquoted) << unquoted.error().ToString();
  ASSERT_TRUE(quoted) << quoted.error().ToString();
  ASSERT_EQ(unquoted->items.size(), 1u);
  EXPECT_EQ(unquoted->items[0].title, "A & B");
  EXPECT_EQ(unquoted->items[0].body, "Alpha");
  ExpectSameItems(*unquoted, *quoted, "cdata after a glued slash");
  EXPECT_EQ(unquoted->damage, "");
  EXPECT_EQ(unquoted->guesses, 3u);
  ASSERT_EQ(unquoted->guess_notes.size(), 3u);
  EXPECT_EQ(unquoted->guess_notes[2],
            "line 1: <category domain=x/>: the '/' before '>' read as the value's "
            "(domain=\"x/\"), not closing the tag, as </category> follows");
  EXPECT_EQ(quoted->guesses, 0u);
  EXPECT_TRUE(quoted->guess_notes.empty());
}

// A '/' glued to an unquoted URL before the '>' of a tag it closes may be the URL's own as well
// (a permalink, "my-post/") or only the tag's ("report.pdf/"): the rest of the document decides
// when it writes the URL one way (elsewhere, not before a '>'), else the URL's own form does (a
// file name takes no '/' after it). Every such reading, and every other guess of a glued '/',
// leaves a note saying what was read and why.
TEST(FeedParserTest, AGluedSlashAfterAUrlIsReadAsTheDocumentWritesTheUrlAndNoted) {
  const auto atom = [](const std::string& link, const std::string& summary) {
    return "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>C</title><entry><title>T</title>" +
           link + "<summary>" + summary + "</summary></entry></feed>";
  };
  struct Case {
    std::string link, summary, url, why;
  };
  const Case cases[] = {
      {"<link href=http://example.com/2024/01/my-post/>", "", "http://example.com/2024/01/my-post/",
       "as a path may end in '/'"},
      {"<link href=http://example.com/files/report.pdf/>", "",
       "http://example.com/files/report.pdf", "as a file name ends the URL"},
      {"<link href=http://example.com/a/b/>", "See http://example.com/a/b and more.",
       "http://example.com/a/b", "as the document writes http://example.com/a/b elsewhere"},
      {"<link href=http://example.com/c.html/>",
       "&lt;a href=&quot;http://example.com/c.html/&quot;&gt;", "http://example.com/c.html/",
       "as the document writes http://example.com/c.html/ elsewhere"},
      {"<link href=http://example.com/d.png/>",
       "http://example.com/d.png and http://example.com/d.png/ both", "http://example.com/d.png",
       "as a file name ends the URL (the document writes it both ways)"},
  };
  for (const Case& c : cases) {
    auto feed = ParseFeed(atom(c.link, c.summary), {kFeedUrl, "", ""});
    ASSERT_TRUE(feed) << c.link << ": " << feed.error().ToString();
    EXPECT_EQ(feed->damage, "") << c.link;
    ASSERT_EQ(feed->items.size(), 1u) << c.link;
    EXPECT_EQ(feed->items[0].url, c.url) << c.link;
    EXPECT_EQ(feed->items[0].title, "T") << c.link;
    EXPECT_EQ(feed->guesses, 1u) << c.link;
    ASSERT_EQ(feed->guess_notes.size(), 1u) << c.link;
    const bool urls = c.url.ends_with('/');
    EXPECT_EQ(feed->guess_notes[0], "line 1: " + c.link + ": the '/' before '>' read as " +
                                        (urls ? "the URL's own and as closing the tag"
                                              : "closing the tag, not as the URL's") +
                                        " (href=\"" + c.url + "\"), " + c.why);
  }
  // The other glued slashes: a value's when an item holds it, the tag's end on a value not a URL.
  auto rss = ParseFeed(
      "<rss version=\"2.0\"><channel><title>C</title>\n<item id=42/><title>T</title>"
      "<link>http://example.com/t</link>\n<enclosure url=\"http://example.com/t.mp3\" "
      "type=audio/mpeg/></item>\n<item hidden/><title>U</title></item></channel></rss>",
      {kFeedUrl, "", ""});
  ASSERT_TRUE(rss) << rss.error().ToString();
  ASSERT_EQ(rss->items.size(), 2u);
  EXPECT_EQ(rss->guess_notes,
            (std::vector<std::string>{
                "line 2: <item id=42/>: the '/' before '>' read as the value's (id=\"42/\"), not "
                "closing the tag: an item, entry, channel or root holds the others",
                "line 3: <enclosure url=\"http://example.com/t.mp3\" type=audio/mpeg/>: the '/' "
                "before '>' read as closing the tag (type=\"audio/mpeg\"), as no </enclosure> "
                "follows",
                "line 4: <item hidden/>: not closed by its '/': an item, entry, channel or root "
                "holds the others"}));
}

// Guesses are counted without bound, their notes kept up to kMaxGuessNotes, the tag, values and
// names they show cut.
TEST(FeedParserTest, GuessesAreAllCountedAndTheirNotesBounded) {
  std::string links;
  for (int i = 0; i < 20; ++i) links += "<link href=http://example.com/" + std::to_string(i) + "/>";
  const std::string long_value(500, 'v');
  auto feed = ParseFeed(
      "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>C</title><entry>"
      "<title>T</title><category term=" +
          long_value + "/>" + links + "</entry></feed>",
      {kFeedUrl, "", ""});
  ASSERT_TRUE(feed) << feed.error().ToString();
  EXPECT_EQ(feed->guesses, 21u);
  ASSERT_EQ(feed->guess_notes.size(), kMaxGuessNotes);
  EXPECT_TRUE(feed->guess_notes[0].starts_with("line 1: <category term=vvv"))
      << feed->guess_notes[0];
  EXPECT_LT(feed->guess_notes[0].size(), 400u);
  EXPECT_NE(feed->guess_notes[0].find("...: the '/'"), std::string::npos);
  // Names are cut as tags and values are: an attribute's and an element's before an own end tag
  // or none, an attribute's before a URL's '/', and an undeclared prefix of an item's (libxml2
  // takes names of up to 50,000 bytes).
  const std::string long_name(20000, 'n');
  const std::string rss = "<rss version=\"2.0\"><channel><title>C</title><item><title>T</title>";
  for (const std::string& document :
       {rss + "<category " + long_name + "=x/>c</category></item></channel></rss>",
        rss + "<" + long_name + " x=y/></item></channel></rss>",
        rss + "<" + long_name + " x=y/>c</" + long_name + "></item></channel></rss>",
        rss + "<link " + long_name + "=http://example.com/a/></item></channel></rss>",
        "<rss version=\"2.0\"><channel><title>C</title><" + long_name + ":item><title>T</title></" +
            long_name + ":item></channel></rss>"}) {
    auto named = ParseFeed(document, {kFeedUrl, "", ""});
    ASSERT_TRUE(named) << named.error().ToString();
    ASSERT_EQ(named->items.size(), 1u) << document.substr(0, 80);
    EXPECT_EQ(named->guesses, 1u) << document.substr(0, 80);
    ASSERT_EQ(named->guess_notes.size(), 1u) << document.substr(0, 80);
    EXPECT_LT(named->guess_notes[0].size(), 600u) << named->guess_notes[0].substr(0, 600);
    EXPECT_NE(named->guess_notes[0].find("nnn..."), std::string::npos) << named->guess_notes[0];
  }
}

// Hostile runs of what the slash guesses read are read in time linear in their length: 100000
// glued slashes each before a CDATA section or an unclosed comment (each looks past them for its
// own end tag), before its own end tag inside a CDATA section, or after a URL (whose '/' is
// weighed against every URL the document writes, and 100000 of those after one such tag), one URL
// of 100000 schemes; and in ISO-2022-JP 100000 glued slashes each before a "<!--" inside a
// two-byte run. The items before them are read.
TEST(FeedParserTest, GluedSlashesAndTheUrlsWeighedForThemAreReadInLinearTime) {
  const std::string head =
      "<rss version=\"2.0\"><channel><item><title>A</title><link>http://example.com/a</link>"
      "</item><item><title>B</title>";
  struct Run {
    std::string before;
    std::string unit;
    std::string after;
  };
  std::vector<Run> runs = {{"<a u=h:/", "/a:/", "/>"}};
  for (const std::string unit :
       {"<a x=y/><![CDATA[z]]>", "<a x=y/><!--", "<a x=y/><![CDATA[</a>]]>",
        "<a u=http://x/a.png/>", "<a u=http://x/a/>", "://", "http://x/a/"}) {
    // URLs without a tag are weighed only for a glued slash: one goes before them.
    runs.push_back({unit.starts_with('<') ? "" : "<a u=http://x/a/>", unit, ""});
  }
  for (const Run& run : runs) {
    const std::string name = run.before + run.unit;
    auto feed =
        ParseRepeated(head + run.before, run.unit, kLongRun, run.after + "</item></channel></rss>");
    ASSERT_TRUE(feed) << name << ": " << feed.error().ToString();
    ASSERT_FALSE(feed->items.empty()) << name;
    EXPECT_EQ(feed->items[0].title, "A") << name;
    EXPECT_LE(feed->guess_notes.size(), kMaxGuessNotes) << name;
    EXPECT_GE(feed->guesses, 1u) << name;
  }
  // In ISO-2022-JP a "<!--" inside a two-byte run is no comment (the repair skips the run), so
  // the look-ahead of every glued slash before it must not read on to the end of the document for
  // its "-->".
  auto feed = ParseRepeated("<?xml version=\"1.0\" encoding=\"ISO-2022-JP\"?>" + head,
                            "<a x=y/>\x1B$B<!--\x1B(B", kLongRun, "</item></channel></rss>");
  ASSERT_TRUE(feed) << feed.error().ToString();
  ASSERT_FALSE(feed->items.empty());
  EXPECT_EQ(feed->items[0].title, "A");
  EXPECT_EQ(feed->guesses, 100000u);
}

// Items and entries written with a prefix, declared (xmlns:rss, xmlns:atom) or declared nowhere
// (libxml2 then names the element "rss:item", in no namespace), are read as the unprefixed ones
// are: with their attributes unquoted, and one at a time when the document is damaged (here by a
// byte windows-1251 does not have, where the parse of the whole document stops). Children written
// with an undeclared item's own prefix are its own (<rss:title>); each item so read is a guess,
// counted and noted once with the first one's line.
TEST(FeedParserTest, PrefixedItemsAndEntriesAreReadAsTheUnprefixedOnesAre) {
  const std::string rss =
      "<rss version=\"2.0\"NS><channel><title>C</title>\n"
      "<ITEM id=1><title>One</title><link>http://a.example/1</link></ITEM>\n"
      "<ITEM hidden><title>T\x98o</title><link>http://a.example/2</link></ITEM>\n"
      "<ITEM><title>Three</title><guid isPermaLink=false>3</guid></ITEM></channel></rss>";
  const std::string atom =
      "<feed xmlns=\"http://www.w3.org/2005/Atom\"NS><title>C</title>\n"
      "<ITEM xml:lang=fr><title>One</title><link href=\"http://a.example/1\"/></ITEM>\n"
      "<ITEM><title>T\x98o</title><link href=\"http://a.example/2\"/></ITEM>\n"
      "<ITEM><title>Three</title><id>urn:x:3</id></ITEM></feed>";
  const auto written = [](std::string text, const std::string& ns, const std::string& name) {
    for (size_t at; (at = text.find("NS")) != std::string::npos;) text.replace(at, 2, ns);
    for (size_t at; (at = text.find("ITEM")) != std::string::npos;) text.replace(at, 4, name);
    return text;
  };
  struct Case {
    std::string document, ns, prefixed;
    bool declared;
  };
  const Case cases[] = {
      {rss, " xmlns:rss=\"http://backend.userland.com/rss2\"", "rss:item", true},
      {rss, "", "rss:item", false},
      {rss, "", "x:item", false},
      {atom, " xmlns:atom=\"http://www.w3.org/2005/Atom\"", "atom:entry", true},
      {atom, "", "atom:entry", false},
  };
  for (const Case& c : cases) {
    const FeedResponse response{kFeedUrl, "", "application/rss+xml; charset=windows-1251"};
    const bool is_atom = c.document == atom;
    auto plain = ParseFeed(written(c.document, c.ns, is_atom ? "entry" : "item"), response);
    auto prefixed = ParseFeed(written(c.document, c.ns, c.prefixed), response);
    ASSERT_TRUE(plain) << plain.error().ToString();
    ASSERT_TRUE(prefixed) << c.prefixed << ": " << prefixed.error().ToString();
    ASSERT_EQ(plain->items.size(), 3u) << c.prefixed;
    EXPECT_EQ(plain->items[2].title, "Three");
    ExpectSameItems(*prefixed, *plain, c.prefixed + c.ns);
    if (c.declared) {
      EXPECT_EQ(prefixed->guesses, 0u) << c.prefixed;
      continue;
    }
    EXPECT_EQ(prefixed->guesses, 3u) << c.prefixed;
    ASSERT_EQ(prefixed->guess_notes.size(), 1u) << c.prefixed;
    const std::string prefix = c.prefixed.substr(0, c.prefixed.find(':'));
    EXPECT_EQ(prefixed->guess_notes[0],
              "line 2: <" + c.prefixed + ">: read as " + (is_atom ? "an entry" : "an item") +
                  ", its prefix " + prefix + " declared nowhere in the document (as 2 more)");
  }
  // An undeclared item's children written with its prefix are its own; another prefix's are not.
  auto own = ParseFeed(
      "<rss:rss version=\"2.0\"><rss:channel><rss:title>C</rss:title><rss:item><media:title>No"
      "</media:title><rss:title>Yes</rss:title><rss:link>http://a.example/y</rss:link></rss:item>"
      "</rss:channel></rss:rss>",
      {kFeedUrl, "", ""});
  ASSERT_TRUE(own) << own.error().ToString();
  EXPECT_EQ(own->title, "C");
  ASSERT_EQ(own->items.size(), 1u);
  EXPECT_EQ(own->items[0].title, "Yes");
  EXPECT_EQ(own->items[0].url, "http://a.example/y");
}

// Read one at a time, a damaged document's items are cut only where the parser reads an item: an
// element named item of another vocabulary (<foo:item xmlns:foo="urn:other">) inside an item
// does not cut it short.
TEST(FeedParserTest, ItemsOfAnotherVocabularyInADamagedDocumentCutNoItem) {
  auto feed = ParseFeed(
      "<rss version=\"2.0\" xmlns:bar=\"urn:bar\"><channel><title>C</title>"
      "<item><title>One</title><category domain=\"x>News</category></item>"
      "<item><title>Two</title><foo:item xmlns:foo=\"urn:other\">x</foo:item><bar:item/>"
      "<link>http://example.com/2</link><description>Second.</description></item>"
      "</channel></rss>",
      {kFeedUrl, "", ""});
  ASSERT_TRUE(feed) << feed.error().ToString();
  EXPECT_FALSE(feed->damage.empty());
  ASSERT_EQ(feed->items.size(), 2u);
  EXPECT_EQ(feed->items[1].title, "Two");
  EXPECT_EQ(feed->items[1].url, "http://example.com/2");
  EXPECT_EQ(feed->items[1].body, "Second.");
}

// A root or a channel written with a prefix the document declares nowhere (<rss:rss>, which
// libxml2 names "rss:rss" in no namespace) is read as the unprefixed one is, and is a guess,
// counted and noted as the items so written are; such a channel is the root's whatever the root's
// prefix (<rss><rss:channel>).
TEST(FeedParserTest, ARootOrChannelWrittenWithAnUndeclaredPrefixIsReadAndNoted) {
  const std::string item = "<item><title>T</title></item>";
  struct Case {
    std::string document;
    std::vector<std::string> notes;
  };
  const auto note = [](const std::string& name, const std::string& what) {
    return "line 1: <" + name + ">: read as " + what + ", its prefix " +
           name.substr(0, name.find(':')) + " declared nowhere in the document";
  };
  const Case cases[] = {
      {"<rss:rss version=\"2.0\"><rss:channel><rss:title>C</rss:title>" + item +
           "</rss:channel></rss:rss>",
       {note("rss:rss", "the root"), note("rss:channel", "the channel")}},
      {"<rss version=\"2.0\"><rss:channel><rss:title>C</rss:title><title>C</title>" + item +
           "</rss:channel></rss>",
       {note("rss:channel", "the channel")}},
      {"<x:rss version=\"2.0\"><channel><title>C</title>" + item + "</channel></x:rss>",
       {note("x:rss", "the root")}},
      {"<atom:feed><atom:title>C</atom:title><entry><title>T</title></entry></atom:feed>",
       {note("atom:feed", "the root")}},
  };
  for (const Case& c : cases) {
    auto feed = ParseFeed(c.document, {kFeedUrl, "", ""});
    ASSERT_TRUE(feed) << c.document << ": " << feed.error().ToString();
    EXPECT_EQ(feed->title, "C") << c.document;
    ASSERT_EQ(feed->items.size(), 1u) << c.document;
    EXPECT_EQ(feed->items[0].title, "T") << c.document;
    EXPECT_EQ(feed->guesses, c.notes.size()) << c.document;
    EXPECT_EQ(feed->guess_notes, c.notes) << c.document;
  }
}

// The line a note on an undeclared prefix names is the element's past line 65535 too, where
// libxml2 keeps 16 bits of it.
TEST(FeedParserTest, NotesOnUndeclaredPrefixesNameLinesPast65535) {
  const std::string lines(70000, '\n');
  auto feed = ParseFeed("<rss version=\"2.0\">" + lines + "<rss:channel><title>C</title>\n" +
                            lines + "<rss:item>\n<title>T</title></rss:item></rss:channel></rss>",
                        {kFeedUrl, "", ""});
  ASSERT_TRUE(feed) << feed.error().ToString();
  ASSERT_EQ(feed->items.size(), 1u);
  EXPECT_EQ(feed->guess_notes,
            (std::vector<std::string>{"line 70001: <rss:channel>: read as the channel, its prefix "
                                      "rss declared nowhere in the document",
                                      "line 140002: <rss:item>: read as an item, its prefix rss "
                                      "declared nowhere in the document"}));
}

// A repaired item tag keeps its line breaks: the damage reported after it names the feed's line.
TEST(FeedParserTest, ARepairedItemTagKeepsTheLinesOfWhatFollows) {
  const std::string after = ">\n<title>A</title>\n<guid a=\"b></guid>\n</item>\n</channel></rss>";
  const std::string head = "<rss version=\"2.0\"><channel><title>C</title>\n<item\n";
  auto unquoted = ParseFeed(head + " id=42\n hidden\n" + after, {kFeedUrl, "", ""});
  auto quoted = ParseFeed(head + " id=\"42\"\n hidden=\"\"\n" + after, {kFeedUrl, "", ""});
  ASSERT_TRUE(unquoted) << unquoted.error().ToString();
  ASSERT_TRUE(quoted) << quoted.error().ToString();
  ASSERT_FALSE(quoted->damage.empty());
  EXPECT_EQ(unquoted->damage, quoted->damage);
}

// A tag with more attributes than any tag may have is left as written, as the limit on a
// document's tags would otherwise refuse the whole feed for it: the other items are kept.
TEST(FeedParserTest, AnItemTagWithTooManyAttributesToRepairLosesNoOtherItem) {
  std::string odd = "<item";
  for (int i = 0; i < 1025; ++i) odd += " a";
  odd += "><title>A</title></item>";
  const std::string body = "<rss version=\"2.0\"><channel><title>C</title>" + odd +
                           "<item><title>B</title><link>http://example.com/b</link></item>"
                           "</channel></rss>";
  auto feed = ParseFeed(body, {kFeedUrl, "", ""});
  ASSERT_TRUE(feed) << feed.error().ToString();
  ASSERT_FALSE(feed->items.empty());
  EXPECT_EQ(feed->items.back().title, "B");
}

// Documents of each format written as sloppy CMSs write them, every start tag's attributes
// unquoted or without a value, and the same documents quoted. Inside items the broken tags stand
// before the title, link and id, so that a tag recovery ended early would take them in.
struct UnquotedAndQuoted {
  std::string unquoted, quoted;
};

std::vector<UnquotedAndQuoted> UnquotedFeeds() {
  return {
      {"<?xml version=\"1.0\"?><rss version=2.0 xmlns:media=http://search.yahoo.com/mrss/ "
       "xmlns:atom=http://www.w3.org/2005/Atom><channel class=main><title>C</title>"
       "<atom:link href=http://example.com/feed rel=self type=application/rss+xml/>"
       "<item><category domain=news>World</category>"
       "<category domain=http://example.com/cat/>Europe</category>"
       "<enclosure url=http://example.com/a.mp3 length=123 type=audio/mpeg/>"
       "<media:content url=http://example.com/a.jpg?w=1&h=2 medium=image/>"
       "<title>A</title><link>http://example.com/a</link>"
       "<guid isPermaLink=false>http://example.com/1</guid>"
       "<description>Alpha <b class=x>bold</b> &lt;img src=a.jpg&gt;<br clear>"
       "<![CDATA[ <img src=c.jpg> ]]><!-- <img src=d.jpg> --></description></item>"
       "<item><title>B</title><link>http://example.com/b</link>"
       "<guid isPermaLink=true>http://example.com/b</guid></item></channel></rss>",
       "<?xml version=\"1.0\"?><rss version=\"2.0\" xmlns:media=\"http://search.yahoo.com/mrss/\" "
       "xmlns:atom=\"http://www.w3.org/2005/Atom\"><channel class=\"main\"><title>C</title>"
       "<atom:link href=\"http://example.com/feed\" rel=\"self\" type=\"application/rss+xml\"/>"
       "<item><category domain=\"news\">World</category>"
       "<category domain=\"http://example.com/cat/\">Europe</category>"
       "<enclosure url=\"http://example.com/a.mp3\" length=\"123\" type=\"audio/mpeg\"/>"
       "<media:content url=\"http://example.com/a.jpg?w=1&amp;h=2\" medium=\"image\"/>"
       "<title>A</title><link>http://example.com/a</link>"
       "<guid isPermaLink=\"false\">http://example.com/1</guid>"
       "<description>Alpha <b class=\"x\">bold</b> &lt;img src=a.jpg&gt;<br clear=\"\"/>"
       "<![CDATA[ <img src=c.jpg> ]]><!-- <img src=d.jpg> --></description></item>"
       "<item><title>B</title><link>http://example.com/b</link>"
       "<guid isPermaLink=\"true\">http://example.com/b</guid></item></channel></rss>"},
      {"<rdf:RDF xmlns:rdf=http://www.w3.org/1999/02/22-rdf-syntax-ns# "
       "xmlns=http://purl.org/rss/1.0/ xmlns:dc=http://purl.org/dc/elements/1.1/>"
       "<channel rdf:about=http://example.com/><title>C</title>"
       "<image rdf:resource=http://example.com/logo.png/><items><rdf:Seq>"
       "<rdf:li rdf:resource=http://example.com/a/><rdf:li rdf:resource=http://example.com/b/>"
       "</rdf:Seq></items></channel>"
       "<item rdf:about=http://example.com/a/><dc:subject xml:lang=en>World</dc:subject>"
       "<title>A</title><link>http://example.com/a/</link><description>Alpha.</description></item>"
       "<item rdf:about=http://example.com/b/><title>B</title></item></rdf:RDF>",
       "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
       "xmlns=\"http://purl.org/rss/1.0/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
       "<channel rdf:about=\"http://example.com/\"><title>C</title>"
       "<image rdf:resource=\"http://example.com/logo.png\"/><items><rdf:Seq>"
       "<rdf:li rdf:resource=\"http://example.com/a/\"/><rdf:li "
       "rdf:resource=\"http://example.com/b/\"/>"
       "</rdf:Seq></items></channel>"
       "<item rdf:about=\"http://example.com/a/\"><dc:subject xml:lang=\"en\">World</dc:subject>"
       "<title>A</title><link>http://example.com/a/</link><description>Alpha.</description></item>"
       "<item rdf:about=\"http://example.com/b/\"><title>B</title></item></rdf:RDF>"},
      {"<feed xmlns=http://www.w3.org/2005/Atom xml:lang=fr><title type=text>C</title>"
       "<link href=http://example.com/ rel=alternate/>"
       "<entry><link href=http://example.com/a/edit rel=edit/><category term=news/>"
       "<link href=http://example.com/a rel=alternate type=text/html/>"
       "<id>urn:example:1</id><title type=text>if a&lt;b c=d&gt;e <![CDATA[<f g=h>]]></title>"
       "<summary type=html>Alpha <b class=x>bold</b></summary></entry>"
       "<entry xml:lang=en><title>B</title><link href=http://example.com/b/></entry></feed>",
       "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"fr\"><title type=\"text\">C</title>"
       "<link href=\"http://example.com/\" rel=\"alternate\"/>"
       "<entry><link href=\"http://example.com/a/edit\" rel=\"edit\"/><category term=\"news\"/>"
       "<link href=\"http://example.com/a\" rel=\"alternate\" type=\"text/html\"/>"
       "<id>urn:example:1</id><title type=\"text\">if a&lt;b c=d&gt;e <![CDATA[<f g=h>]]></title>"
       "<summary type=\"html\">Alpha <b class=\"x\">bold</b></summary></entry>"
       "<entry xml:lang=\"en\"><title>B</title><link href=\"http://example.com/b/\"/></entry>"
       "</feed>"},
  };
}

// Attributes unquoted or without a value on any start tag in a feed (a guid's isPermaLink, an
// Atom link's href and rel, an enclosure's, a category's, media:content's, the root's version and
// namespaces, HTML in a description not in CDATA) would end their element early in recovery, so
// that the item's link, id or text would depend on damage. Repaired before the parse, the document
// is well-formed and gives the items its quoted form gives; escaped markup and the text of CDATA
// sections and comments stay as written. A '/' glued to the last unquoted value closes an empty
// element ("rel=alternate/>", "rdf:resource=http://example.com/a/>", where a URL keeps its own
// '/'), but not an item, a channel or an element whose text runs to its own end tag
// ("domain=http://example.com/cat/>Europe").
TEST(FeedParserTest, UnquotedAttributesOnAnyTagOfAFeedAreReadAsTheirQuotedForm) {
  for (const auto& [unquoted_body, quoted_body] : UnquotedFeeds()) {
    auto unquoted = ParseFeed(unquoted_body, {kFeedUrl, "", ""});
    auto quoted = ParseFeed(quoted_body, {kFeedUrl, "", ""});
    ASSERT_TRUE(unquoted) << unquoted.error().ToString();
    ASSERT_TRUE(quoted) << quoted.error().ToString();
    EXPECT_TRUE(quoted->damage.empty()) << quoted->damage;
    EXPECT_TRUE(unquoted->damage.empty()) << unquoted->damage;
    EXPECT_EQ(unquoted->title, quoted->title);
    EXPECT_EQ(unquoted->title, "C");
    EXPECT_EQ(unquoted->language, quoted->language);
    ASSERT_EQ(quoted->items.size(), 2u);
    EXPECT_EQ(quoted->items[0].title.substr(0, 1), unquoted->items[0].title.substr(0, 1));
    ExpectSameItems(*unquoted, *quoted, unquoted_body.substr(0, 40));
  }
  const std::vector<UnquotedAndQuoted> feeds = UnquotedFeeds();
  auto rss = ParseFeed(feeds[0].unquoted, {kFeedUrl, "", ""});
  ASSERT_TRUE(rss);
  ASSERT_EQ(rss->items.size(), 2u);
  EXPECT_EQ(rss->items[0].title, "A");
  EXPECT_EQ(rss->items[0].url, "http://example.com/a");
  EXPECT_EQ(rss->items[0].body, "Alpha bold");  // escaped markup and CDATA are HTML there
  auto atom = ParseFeed(feeds[2].unquoted, {kFeedUrl, "", ""});
  ASSERT_TRUE(atom);
  ASSERT_EQ(atom->items.size(), 2u);
  EXPECT_EQ(atom->items[0].title, "if a<b c=d>e <f g=h>");
  EXPECT_EQ(atom->items[0].url, "http://example.com/a");
  EXPECT_EQ(atom->items[0].language, "fr");
  EXPECT_EQ(atom->items[1].url, "http://example.com/b/");  // a URL's own '/' (see ReadStartTag)
  EXPECT_EQ(atom->items[1].language, "en");
}

// Every cut of a document whose tags are repaired parses, into a feed or a clear "not a feed":
// a tag cut inside its attributes, or before the '/' of its "/>", is read as far as it goes.
TEST(FeedParserTest, EveryPrefixOfADocumentWithUnquotedAttributesParses) {
  for (const auto& [whole, quoted] : UnquotedFeeds()) {
    for (size_t cut = 1; cut < whole.size(); ++cut) {
      auto prefix = ParseFeed(whole.substr(0, cut), {kFeedUrl, "", ""});
      if (!prefix) {
        EXPECT_TRUE(prefix.error().message().starts_with("not a feed"))
            << cut << ": " << prefix.error().ToString();
        continue;
      }
      EXPECT_LE(prefix->items.size() + prefix->cut_off_items, 2u) << cut;
    }
  }
}

// A start tag whose values hold "<" and a tag name again and again ("<guid a=<guid a=<guid ...")
// is read once, not once per name in it, whether it can be repaired (it ends in '>') or not (an
// unclosed quote at its end): 100000 names in one tag (800 KB) would otherwise cost some 4 * 10^10
// byte reads (20000 names took 27 s so). The items before it are read.
TEST(FeedParserTest, TagNamesInsideUnquotedValuesAreNotReadAgain) {
  const std::string head =
      "<rss version=2.0><channel><item><title>A</title><link>http://example.com/a</link></item>"
      "<item><title>B</title>";
  for (const std::string tail : {" b='>", ">", "/>", " b=c/>x</guid>"}) {
    auto feed =
        ParseRepeated(head + "<guid", " a=<guid", kLongRun, tail + "</item></channel></rss>");
    if (!feed) {
      EXPECT_TRUE(feed.error().message().starts_with("not a feed")) << tail;
      continue;
    }
    ASSERT_FALSE(feed->items.empty()) << tail;
    EXPECT_EQ(feed->items[0].title, "A") << tail;
  }
}

// Tags whose quoted values hold the '>' that would end them ("<a x='>'"), one after another
// without an end, are each read once: 100000 of them (800 KB) took some 4 minutes when every tag
// was read to the document's end; so are type declarations that never end ("<!DOCTYPE x [\"",
// some 5 minutes). The items before them are read.
TEST(FeedParserTest, TagsWhoseQuotedValuesHoldTheirEndAreReadOnce) {
  for (const std::string unit : {"<a x=\">\"", "<!DOCTYPE x [\""}) {
    auto feed = ParseRepeated(
        "<rss version=\"2.0\"><channel><item><title>A</title><link>http://example.com/a</link>"
        "</item><item><title>B",
        unit, kLongRun, "</title></item></channel></rss>");
    if (!feed) {
      EXPECT_TRUE(feed.error().message().starts_with("not a feed")) << unit;
      continue;
    }
    ASSERT_FALSE(feed->items.empty()) << unit;
    EXPECT_EQ(feed->items[0].title, "A") << unit;
  }
}

const std::string kLaunchesRss = R"(<?xml version="1.0"?>
<rss version="2.0"><channel><title>Launches</title>
<item><title>Crew returns</title><link>http://example.com/1</link><description>Safe.</description></item>
<item><title>NASA launches Artemis</title><link>http://example.com/2</link><description>The rocket lifted off.</description></item>
</channel></rss>)";
const std::string kLaunchesAtom = R"(<?xml version="1.0"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Launches</title>
<entry><title>Crew returns</title><link href="http://example.com/1"/><summary>Safe.</summary></entry>
<entry><title>NASA launches Artemis</title><link href="http://example.com/2"/><summary>The rocket lifted off.</summary></entry>
</feed>)";

// A body cut off inside its last item (a transfer that ended early) holds that item's text only
// up to the cut: the item is not produced as if whole ("NASA launches Arte"), but counted, and
// every item closed before the cut is produced. An item whose end tag the document reaches is
// produced, even when the document is cut off in or after that tag.
TEST(FeedParserTest, AnItemTheDocumentEndsInsideIsCountedNotProduced) {
  for (const std::string& whole : {kLaunchesRss, kLaunchesAtom}) {
    const size_t second = whole.find("NASA");
    const size_t end = whole.find("</item>", second) != std::string::npos
                           ? whole.find("</item>", second) + 7
                           : whole.find("</entry>", second) + 8;
    const size_t end_tag = whole.rfind("</", end - 1);
    for (const size_t cut : {second + 18, whole.find("</title>", second) + 8,
                             whole.find("lifted", second) + 3, end_tag}) {
      auto feed = ParseFeed(whole.substr(0, cut), {kFeedUrl, "", ""});
      ASSERT_TRUE(feed) << feed.error().ToString();
      EXPECT_FALSE(feed->damage.empty());
      ASSERT_EQ(feed->items.size(), 1u) << whole.substr(cut - 20, 20);
      EXPECT_EQ(feed->items[0].title, "Crew returns");
      EXPECT_EQ(feed->items[0].body, "Safe.");
      EXPECT_EQ(feed->cut_off_items, 1u) << whole.substr(cut - 20, 20);
    }
    // Cut inside its end tag ("</it"), the item holds all it had: the tag closes it.
    for (const size_t cut : {end_tag + 4, end}) {
      auto closed = ParseFeed(whole.substr(0, cut), {kFeedUrl, "", ""});
      ASSERT_TRUE(closed) << closed.error().ToString();
      EXPECT_FALSE(closed->damage.empty());
      ASSERT_EQ(closed->items.size(), 2u) << whole.substr(cut - 20, 20);
      EXPECT_EQ(closed->items[1].title, "NASA launches Artemis");
      EXPECT_EQ(closed->items[1].body, "The rocket lifted off.");
      EXPECT_EQ(closed->cut_off_items, 0u);
    }
  }
  // Cut off inside its only item, a document is still a feed: of no items, one cut off.
  auto only = ParseFeed("<rss version=\"2.0\"><channel><item><title>NASA launches Arte",
                        {kFeedUrl, "", ""});
  ASSERT_TRUE(only) << only.error().ToString();
  EXPECT_TRUE(only->items.empty());
  EXPECT_EQ(only->cut_off_items, 1u);
}

// A start tag libxml2 cannot finish ("<img alt="the "big" one">": a quote inside a quoted value,
// which the repairs cannot tell from the value's end) ends its element without the end event of
// other elements; the items around it are still whole, not cut off, in
// a whole document and in one cut right after its last item, and an item the cut is inside of
// is still cut off.
TEST(FeedParserTest, AStartTagThatCannotBeFinishedCutsNoItemOff) {
  const std::string atom =
      "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><title>A</title><content type=\"html\">"
      "<p><img alt=\"the \"a\" one\"> and <img alt=\"the \"b\" one\"></p></content></entry>"
      "<entry><title>B</title></entry></feed>";
  const std::string rss =
      "<rss><channel><item><title>A</title><description><img alt=\"the \"a\" one\">"
      "<img alt=\"the \"b\" one\"><img alt=\"the \"c\" one\"></description></item>"
      "<item><title>B</title></item></channel></rss>";
  const std::string atom_cut =
      "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><title>A</title>"
      "<link href=\"http://a/\"/></entry><entry><title>B</title>"
      "<link href=\"http://b/\" title=\"the \"b\" page\"/></entry>";
  const std::string rss_cut =
      "<rss><channel><item><title>A</title></item><item><title>B</title>"
      "<enclosure url=\"http://b/x.mp3\" title=\"the \"b\" show\" type=\"audio/mpeg\"/></item>";
  for (const std::string& body : {atom, rss, atom_cut, rss_cut}) {
    auto feed = ParseFeed(body, {kFeedUrl, "", ""});
    ASSERT_TRUE(feed) << feed.error().ToString();
    EXPECT_FALSE(feed->damage.empty()) << body;
    ASSERT_EQ(feed->items.size(), 2u) << body;
    EXPECT_EQ(feed->items[0].title, "A");
    EXPECT_EQ(feed->items[1].title, "B");
    EXPECT_EQ(feed->cut_off_items, 0u) << body;
  }
  auto cut = ParseFeed(rss.substr(0, rss.find("<title>B") + 8), {kFeedUrl, "", ""});
  ASSERT_TRUE(cut) << cut.error().ToString();
  ASSERT_EQ(cut->items.size(), 1u);
  EXPECT_EQ(cut->items[0].title, "A");
  EXPECT_EQ(cut->cut_off_items, 1u);
}

// A UTF-8 body cut inside a multi-byte character ends inside its last item as much as one cut
// between characters: the item is cut off, not produced with its text up to that character
// ("日本語のニュース速" for "...速報", "caf" for "café").
TEST(FeedParserTest, AUtf8BodyCutInsideACharacterCutsItsItemOff) {
  const std::string japanese =
      "<rss><channel><item><title>A</title></item>"
      "<item><title>\u65e5\u672c\u8a9e\u306e\u30cb\u30e5\u30fc\u30b9\u901f\u5831</title>"
      "</item></channel></rss>";
  const std::string french =
      "<rss><channel><item><title>A</title></item>"
      "<item><title>B</title><description>caf\u00e9</description></item></channel></rss>";
  const std::string emoji =
      "<rss><channel><item><title>A</title></item>"
      "<item><title>Launch \U0001f680</title></item></channel></rss>";
  for (const auto& [whole, character] :
       {std::pair{japanese, std::string("\u5831")}, std::pair{french, std::string("\u00e9")},
        std::pair{emoji, std::string("\U0001f680")}}) {
    const size_t at = whole.find(character);
    for (size_t bytes = 1; bytes < character.size(); ++bytes) {
      for (const char* content_type : {"", "application/rss+xml; charset=utf-8"}) {
        auto feed = ParseFeed(whole.substr(0, at + bytes), {kFeedUrl, "", content_type});
        const std::string name = testing::PrintToString(whole.substr(at - 6, 6 + bytes));
        ASSERT_TRUE(feed) << name << ": " << feed.error().ToString();
        ASSERT_EQ(feed->items.size(), 1u) << name << " " << content_type;
        EXPECT_EQ(feed->items[0].title, "A") << name;
        EXPECT_EQ(feed->cut_off_items, 1u) << name << " " << content_type;
      }
    }
  }
}

// However a body is cut, it yields only items the whole document has, each with all the text the
// whole gives it, or not at all, and it yields every item it holds the end tag of. Over every
// prefix of RSS, Atom, UTF-8 and ISO-2022 documents, whose characters, escape sequences and
// single shifts may be cut too.
TEST(FeedParserTest, EveryPrefixOfADocumentYieldsOnlyWholeItems) {
  const std::string jp =
      "<?xml version=\"1.0\" encoding=\"ISO-2022-JP-2\"?><rss version=\"2.0\"><channel>"
      "<item><title>\x1B$BEl5~\x1B(B</title><link>http://example.com/1</link></item>"
      "<item><title>\x1B.A\x1BN< off, caf\x1BNi</title><link>http://example.com/2</link></item>"
      "</channel></rss>";
  const std::string cn =
      "<?xml version=\"1.0\" encoding=\"ISO-2022-CN\"?><rss version=\"2.0\"><channel>"
      "<item><title>\x1B$)A\x0EVPND\x0F</title><link>http://example.com/1</link></item>"
      "<item><title>\x1B$*H\x1BN%<\x1BN&\"\x0F</title><link>http://example.com/2</link></item>"
      "</channel></rss>";
  // Undeclared UTF-8, with start tags libxml2 cannot finish (a quote inside a quoted value) and
  // ones the repairs quote (an unquoted value, a '/' glued to one, an attribute without one).
  const std::string utf8 =
      "<rss version=\"2.0\"><channel>"
      "<item><title>\u65e5\u672c\u8a9e\u306e\u30cb\u30e5\u30fc\u30b9</title>"
      "<link>http://example.com/1</link><description><img alt=\"the \"a\" one\"> Caf\u00e9 "
      "<img src=b.jpg/><img hidden></description><guid isPermaLink=false>g1</guid></item>"
      "<item><title>Cr\u00e8me br\u00fbl\u00e9e \U0001f680</title><link>http://example.com/2</link>"
      "</item></channel></rss>";
  for (const std::string& whole : {kLaunchesRss, kLaunchesAtom, jp, cn, utf8}) {
    auto all = ParseFeed(whole, {kFeedUrl, "", ""});
    ASSERT_TRUE(all) << all.error().ToString();
    ASSERT_EQ(all->items.size(), 2u);
    const std::string end_tag =
        whole.find("</entry>") != std::string::npos ? "</entry>" : "</item>";
    for (size_t cut = 1; cut < whole.size(); ++cut) {
      const std::string prefix = whole.substr(0, cut);
      auto feed = ParseFeed(prefix, {kFeedUrl, "", ""});
      if (!feed) {
        EXPECT_TRUE(feed.error().message().starts_with("not a feed")) << cut;
        continue;
      }
      size_t closed = 0;
      for (size_t at = prefix.find(end_tag); at != std::string::npos;
           at = prefix.find(end_tag, at + 1)) {
        ++closed;
      }
      EXPECT_GE(feed->items.size(), closed) << testing::PrintToString(prefix);
      EXPECT_LE(feed->items.size() + feed->cut_off_items, 2u) << testing::PrintToString(prefix);
      for (const FeedItem& item : feed->items) {
        EXPECT_TRUE(std::ranges::any_of(all->items,
                                        [&](const FeedItem& full) {
                                          return full.title == item.title &&
                                                 full.body == item.body && full.url == item.url;
                                        }))
            << testing::PrintToString(whole.substr(0, cut)) << " gave " << item.title;
      }
    }
  }
}

TEST(FeedParserTest, RawArticleHasTheProducersForm) {
  auto feed = ParseFixture("node-feedparser/saxerror.xml");
  ASSERT_TRUE(feed);
  const FeedResponse response{kFeedUrl, "", ""};
  auto raw = FeedItemToRawArticle(feed->items[0], *feed, response, {}, {}, 1'700'000'000'000);
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->id(), feed->items[0].id);
  EXPECT_EQ(raw->title(), "Good Item");
  EXPECT_EQ(raw->source(), "SAXError Test Feed");
  EXPECT_EQ(raw->language(), "en");
  EXPECT_TRUE(raw->event_time_estimated());  // no date: the fetch time, flagged
  EXPECT_EQ(raw->published_at_ms(), 1'700'000'000'000);
  EXPECT_EQ(raw->ingested_at_ms(), 1'700'000'000'000);

  auto dated = ParseFixture("node-feedparser/rss2sample.xml");
  const int64_t fetched = 1'700'000'000'000;
  auto named =
      FeedItemToRawArticle(dated->items[0], *dated, response, {"NASA", "fr", ""}, {}, fetched);
  ASSERT_TRUE(named);
  EXPECT_EQ(named->source(), "NASA");
  EXPECT_EQ(named->language(), "fr");
  EXPECT_FALSE(named->event_time_estimated());
  EXPECT_EQ(named->published_at_ms(), Ms("2003-06-03T09:39:21Z"));
  // The list's default language is only for feeds that name none.
  auto own = FeedItemToRawArticle(dated->items[0], *dated, response, {"", "", "de"}, {}, fetched);
  EXPECT_EQ(own->language(), "en-us");
  auto fallback =
      FeedItemToRawArticle(feed->items[0], *feed, response, {"", "", "de"}, {}, fetched);
  EXPECT_EQ(fallback->language(), "de");
}

// Go's zero time, 1970 placeholders and dates far past the fetch read as dates but say nothing:
// the article is kept, with the fetch time, flagged estimated like an item without a date.
TEST(FeedParserTest, ADateOutsideTheEventTimeRangeGetsTheFetchTimeNotARejection) {
  const std::string body = R"(<rss version="2.0"><channel><title>T</title>
    <item><title>Zero</title><link>http://news.example/1</link>
      <pubDate>0001-01-01T00:00:00Z</pubDate></item>
    <item><title>Placeholder</title><link>http://news.example/2</link>
      <pubDate>Mon, 02 Mar 1970 08:15:00 GMT</pubDate></item>
    <item><title>Typo</title><link>http://news.example/4</link>
      <pubDate>Mon, 02 Mar 2099 08:15:00 GMT</pubDate></item>
    <item><title>Fine</title><link>http://news.example/3</link>
      <pubDate>Mon, 02 Mar 2026 08:15:00 GMT</pubDate></item>
    </channel></rss>)";
  auto feed = ParseFeed(body, {kFeedUrl, "", ""});
  ASSERT_TRUE(feed) << feed.error().ToString();
  ASSERT_EQ(feed->items.size(), 4u);
  EXPECT_EQ(feed->items[0].published_at_ms, Ms("0001-01-01T00:00:00Z"));
  EXPECT_EQ(feed->items[2].published_at_ms, Ms("2099-03-02T08:15:00Z"));
  const int64_t fetched = Ms("2026-03-03T00:00:00Z");
  for (size_t i = 0; i < 3; ++i) {
    auto raw = FeedItemToRawArticle(feed->items[i], *feed, {kFeedUrl, "", ""}, {}, {}, fetched);
    ASSERT_TRUE(raw) << i << ": " << raw.error().message;
    EXPECT_TRUE(raw->event_time_estimated()) << i;
    EXPECT_EQ(raw->published_at_ms(), fetched) << i;
  }
  auto fine = FeedItemToRawArticle(feed->items[3], *feed, {kFeedUrl, "", ""}, {}, {}, fetched);
  ASSERT_TRUE(fine);
  EXPECT_FALSE(fine->event_time_estimated());
  EXPECT_EQ(fine->published_at_ms(), Ms("2026-03-02T08:15:00Z"));
}

// An impossible date (31 February) is not rolled over into March: the item keeps the text for
// the poller's warning and gets the fetch time.
TEST(FeedParserTest, AnImpossibleDateIsUnreadableNotRolledOver) {
  const std::string body = R"(<rss version="2.0"><channel><item><title>Feb</title>
    <link>http://news.example/1</link><pubDate>Tue, 31 Feb 2026 08:15:00 GMT</pubDate></item>
    </channel></rss>)";
  auto feed = ParseFeed(body, {kFeedUrl, "", ""});
  ASSERT_TRUE(feed);
  ASSERT_EQ(feed->items.size(), 1u);
  EXPECT_EQ(feed->items[0].published_at_ms, 0);
  EXPECT_EQ(feed->items[0].unreadable_date, "Tue, 31 Feb 2026 08:15:00 GMT");
}

TEST(FeedParserTest, OverlongTitleIsRejectedNotTruncated) {
  FeedItem item;
  item.id = "x1";
  item.title = std::string(5000, 'a');
  item.url = "http://a.example/1";
  auto raw = FeedItemToRawArticle(item, ParsedFeed{}, {kFeedUrl, "", ""}, {}, {}, 5);
  ASSERT_FALSE(raw);
  EXPECT_EQ(raw.error().reason, core::RejectReason::kTooLarge);
}

// A charset libxml2 does not know, in the declaration, used to halt the parse (the XML
// recommendation's rule) and lose the whole feed as "empty or unreadable" on every poll.
TEST(FeedParserTest, UnknownDeclaredEncodingIsReadByTheUndeclaredRules) {
  const std::string utf8 =
      "<?xml version=\"1.0\" encoding=\"x-bogus-9\"?><rss version=\"2.0\"><channel>"
      "<item><title>Caf\u00e9 \u2013 one</title><link>http://news.example/1</link></item>"
      "<item><title>Two</title><link>http://news.example/2</link></item></channel></rss>";
  auto feed = ParseFeed(utf8, {kFeedUrl, "", "application/rss+xml"});
  ASSERT_TRUE(feed) << feed.error().ToString();
  ASSERT_EQ(feed->items.size(), 2u);
  EXPECT_EQ(feed->items[0].title, "Caf\u00e9 \u2013 one");
  EXPECT_EQ(feed->unknown_encoding, "x-bogus-9");
  EXPECT_EQ(feed->read_as, "UTF-8");
  EXPECT_TRUE(feed->damage.empty()) << feed->damage;

  // Not UTF-8: the charset ICU detects, as for a document that declares none.
  auto koi8r = ParseFeed(
      "<?xml version=\"1.0\" encoding=\"x-bogus-9\"?>\n" + ReadFixture("feedparser/koi8r.xml"),
      {kFeedUrl, "", ""});
  ASSERT_TRUE(koi8r) << koi8r.error().ToString();
  ASSERT_EQ(koi8r->items.size(), 1u);
  EXPECT_EQ(koi8r->items[0].title, "Как пережить новогоднюю ночь");
  EXPECT_EQ(koi8r->unknown_encoding, "x-bogus-9");
  EXPECT_EQ(koi8r->read_as, "KOI8-R");
}

TEST(FeedParserTest, UnknownHeaderCharsetGivesWayToTheDeclaration) {
  // "Привет" in windows-1251, as the declaration says.
  const std::string body =
      "<?xml version=\"1.0\" encoding=\"windows-1251\"?><rss><channel><item>"
      "<title>\xCF\xF0\xE8\xE2\xE5\xF2</title><link>http://a.example/1</link></item>"
      "</channel></rss>";
  auto feed = ParseFeed(body, {kFeedUrl, "", "text/xml; charset=x-bogus-9"});
  ASSERT_TRUE(feed) << feed.error().ToString();
  ASSERT_EQ(feed->items.size(), 1u);
  EXPECT_EQ(feed->items[0].title, "Привет");
  EXPECT_EQ(feed->unknown_encoding, "x-bogus-9");
  EXPECT_EQ(feed->read_as, "windows-1251");
}

TEST(FeedParserTest, UnreadableDocumentInAnUnknownEncodingSaysWhich) {
  auto feed = ParseFeed("<?xml version=\"1.0\" encoding=\"x-bogus-9\"?>\n\x01\x02 no markup",
                        {kFeedUrl, "", ""});
  ASSERT_FALSE(feed);
  EXPECT_EQ(feed.error().message(),
            "not a feed: unreadable document in the unknown encoding \"x-bogus-9\"");
}

// Where the bytes are not the charset they are said to be, libxml2's decoder stops; the cause is
// the parser's damage (logged as a warning), not a line libxml2 prints itself, and the items
// after it are read one by one.
TEST(FeedParserTest, UndecodableBytesAreTheDamage) {
  // 0x98 is no character in windows-1251.
  const std::string body =
      "<rss><channel><item><title>One</title><link>http://a.example/1</link></item>"
      "<item><title>T\x98o</title><link>http://a.example/2</link></item>"
      "<item><title>Three</title><link>http://a.example/3</link></item></channel></rss>";
  auto feed = ParseFeed(body, {kFeedUrl, "", "application/rss+xml; charset=windows-1251"});
  ASSERT_TRUE(feed) << feed.error().ToString();
  EXPECT_NE(feed->damage.find("bytes that are not windows-1251"), std::string::npos)
      << feed->damage;
  EXPECT_NE(feed->damage.find("0x98"), std::string::npos) << feed->damage;
  // Read one by one, the items after the undecodable byte are not lost with it.
  ASSERT_GE(feed->items.size(), 2u);
  EXPECT_EQ(feed->items.front().title, "One");
  EXPECT_EQ(feed->items.back().title, "Three");
}

// Everything written to file descriptor 2 between construction and Stop(): what libxml2 prints
// goes to stderr with fprintf, below any C++ stream.
class StderrCapture {
 public:
  StderrCapture() {
    std::fflush(stderr);
    file_ = std::tmpfile();
    saved_ = dup(STDERR_FILENO);
    EXPECT_TRUE(file_ != nullptr && saved_ >= 0 && dup2(fileno(file_), STDERR_FILENO) >= 0);
  }
  ~StderrCapture() { Stop(); }
  std::string Stop() {
    if (file_ == nullptr) return "";
    std::fflush(stderr);
    dup2(saved_, STDERR_FILENO);
    close(saved_);
    std::string text;
    std::rewind(file_);
    char buffer[4096];
    for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, file_)) > 0;) text.append(buffer, n);
    std::fclose(file_);
    file_ = nullptr;
    return text;
  }

 private:
  std::FILE* file_ = nullptr;
  int saved_ = -1;
};

// Bodies that made libxml2 print "encoding error : input conversion failed ..." and "I/O
// error : encoder error" to stderr, outside every log format.
void ParseUndecodableBodies() {
  std::mt19937 random(20260302);
  std::string noise(4096, '\0');
  for (char& c : noise) c = static_cast<char>(random());
  const std::string with_0x98 = "<rss><channel><item><title>T\x98o</title></item></channel></rss>";
  const std::pair<std::string, std::string> cases[] = {
      {noise, ""},
      {noise, "text/xml; charset=windows-1251"},
      {noise, "text/xml; charset=ISO-2022-JP"},
      {"<?xml version=\"1.0\" encoding=\"windows-1251\"?>" + noise, ""},
      {"<?xml version=\"1.0\" encoding=\"x-bogus-9\"?>" + noise, ""},
      {with_0x98, "text/xml; charset=windows-1251"},
      {"{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[{\"id\":\"1\","
       "\"content_html\":\"<p>\xC3(" +
           noise.substr(0, 64) + "</b></i>\"}]}",
       ""},
  };
  for (const auto& [body, content_type] : cases) {
    static_cast<void>(ParseFeed(body, {kFeedUrl, "", content_type}));
  }
}

// A body's parse is bounded by FeedParseOptions::max_nodes: a body that would make the parser
// build more nodes is refused, with a reason that names the limit, before it costs tens of times
// its size in memory.
std::string Rss(const std::string& inside) {
  return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Limit</title>"
         "<item><title>One</title><link>http://news.example/1</link></item>" +
         inside + "</channel></rss>";
}

void ExpectOverNodeLimit(const Result<ParsedFeed>& feed, uint64_t max_nodes) {
  ASSERT_FALSE(feed) << feed->items.size() << " items";
  EXPECT_EQ(feed.error().code(), StatusCode::kCorruption) << feed.error().ToString();
  EXPECT_NE(feed.error().message().find("max_nodes = " + std::to_string(max_nodes)),
            std::string::npos)
      << feed.error().message();
  EXPECT_TRUE(feed.error().message().starts_with("not a feed")) << feed.error().message();
}

// libxml2's messages quote the input, and an element's name may run to 50,000 bytes: whole, it
// would go into the warning, the feed's state, `feed status` and a dead letter's reason. What a
// parse keeps of a message is cut, on a character boundary, and says so; the items before the
// damage are still read.
TEST(FeedParserTest, ADamageMessageQuotingAHugeElementNameIsCutOnACharacterBoundary) {
  // Two-byte characters behind one and two bytes: one of the two cuts falls inside a character.
  for (const std::string& name :
       {Repeat("a", 40000), "x" + Repeat("\u00e9", 20000), "xx" + Repeat("\u00e9", 20000)}) {
    auto feed = ParseFeed(
        "<rss version=\"2.0\"><channel><title>T</title><item><title>Kept</title>"
        "<link>https://news.example/1</link></item><item><title>Cut</title><" +
            name,
        FeedResponse{kFeedUrl, "", ""});
    ASSERT_TRUE(feed.has_value()) << feed.error().ToString();
    ASSERT_FALSE(feed->damage.empty());
    EXPECT_LT(feed->damage.size(), 400u) << feed->damage.substr(0, 400);
    // Cut inside a character, the message would end in a lone first byte, which the parser's
    // repair of what is not UTF-8 turns into another character.
    const size_t cut = feed->damage.find("... (cut)");
    ASSERT_NE(cut, std::string::npos) << feed->damage;
    const std::string kept = feed->damage.substr(0, cut);
    EXPECT_TRUE(kept.ends_with("a") || kept.ends_with("\u00e9")) << kept;
    ASSERT_FALSE(feed->items.empty());
    EXPECT_EQ(feed->items.front().title, "Kept");
  }
}

TEST(FeedParserTest, ADocumentOverTheNodeLimitIsRefusedWithTheLimitNamed) {
  const FeedResponse response{kFeedUrl, "", "application/rss+xml"};
  const std::string body = Rss(Repeat("<a/>", 100));
  ExpectOverNodeLimit(ParseFeed(body, response, {.max_nodes = 100}), 100);
  auto within = ParseFeed(body, response, {.max_nodes = 120});
  ASSERT_TRUE(within) << within.error().ToString();
  ASSERT_EQ(within->items.size(), 1u);
  EXPECT_EQ(within->items[0].title, "One");

  const uint64_t default_limit = FeedParseOptions{}.max_nodes;
  ExpectOverNodeLimit(ParseFeed(Rss(Repeat("<a/>", default_limit)), response), default_limit);
}

TEST(FeedParserTest, AttributesCommentsAndEntityReferencesCountAsNodes) {
  const FeedResponse response{kFeedUrl, "", ""};
  ExpectOverNodeLimit(ParseFeed(Rss("<a" + Repeat(" b=\"\"", 1) + "/>" +
                                    "<c d=\"\" e=\"\" f=\"\" g=\"\" h=\"\" i=\"\" j=\"\"/>"),
                                response, {.max_nodes = 12}),
                      12);
  ExpectOverNodeLimit(ParseFeed(Rss(Repeat("<!---->", 50)), response, {.max_nodes = 40}), 40);
  const std::string entities = "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY e \"x\">]>" +
                               Rss("<item><title>" + Repeat("&e;", 50) + "</title></item>")
                                   .substr(std::string_view("<?xml version=\"1.0\"?>").size());
  ExpectOverNodeLimit(ParseFeed(entities, response, {.max_nodes = 40}), 40);
}

// An RSS document declaring `entities` in its DTD, with `item` as its one item.
std::string RssWithEntities(const std::string& entities, const std::string& item) {
  return "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [" + entities +
         "]>\n<rss version=\"2.0\"><channel><title>Q</title>" + item + "</channel></rss>";
}

void ExpectOverEntityLimit(const Result<ParsedFeed>& feed, uint64_t limit) {
  ASSERT_FALSE(feed) << feed->items.size() << " items";
  EXPECT_EQ(feed.error().code(), StatusCode::kCorruption) << feed.error().ToString();
  EXPECT_TRUE(
      feed.error().message().starts_with("not a feed: its entity references stand for more than " +
                                         std::to_string(limit) + " bytes of text in one parse"))
      << feed.error().message();
}

// A feed's own entity is kept once by libxml2 however often it is referred to, but each
// reference would be copied into the item's text: 6,000 references to a 100 KB entity (a 118 KB
// body) would be 600 MB. Without the limit this parse took 48 s and 1.8 GB.
TEST(FeedParserTest, EntityReferencesThatStandForMoreTextThanTheLimitAreRefused) {
  const std::string body =
      RssWithEntities("<!ENTITY a \"" + Repeat("A", 100000) + "\">",
                      "<item><title>q</title><link>http://e.com/q</link><description>" +
                          Repeat("&a;", 6000) + "</description></item>");
  ExpectOverEntityLimit(ParseFeed(body, {kFeedUrl, "", "application/rss+xml"}),
                        FeedParseOptions{}.max_entity_bytes);
  // A body whose references stand for less than the floor (1 MiB by default) is read.
  const std::string within =
      RssWithEntities("<!ENTITY a \"" + Repeat("A", 100000) + "\">",
                      "<item><title>q</title><link>http://e.com/q</link><description>" +
                          Repeat("&a;", 10) + "</description></item>");
  auto feed = ParseFeed(within, {kFeedUrl, "", "application/rss+xml"});
  ASSERT_TRUE(feed) << feed.error().ToString();
  ASSERT_EQ(feed->items.size(), 1u);
  EXPECT_EQ(feed->items[0].body, Repeat("A", 1000000));
}

// The limit is the larger of max_entity_bytes and the body's size; an entity's references to
// other entities count at each reference to it, as do references in attribute values.
TEST(FeedParserTest, TheEntityLimitIsTheLargerOfTheOptionAndTheBodysSize) {
  const FeedResponse response{kFeedUrl, "", ""};
  const std::string entity = "<!ENTITY a \"" + Repeat("A", 100) + "\">";
  // An item whose title holds `references` references to a (100 bytes each), in a body of some
  // 2,400 bytes.
  const auto body = [&](size_t references) {
    return RssWithEntities(entity, "<item><title>q" + Repeat("&a;", references) +
                                       "</title><link>http://e.com/q</link><description>" +
                                       Repeat("x", 2000) + "</description></item>");
  };
  // 10 references, 1,000 bytes: within a 500-byte option, as the body is larger.
  auto small = ParseFeed(body(10), response, {.max_entity_bytes = 500});
  ASSERT_TRUE(small) << small.error().ToString();
  ASSERT_EQ(small->items.size(), 1u);
  EXPECT_EQ(small->items[0].title, "q" + Repeat("A", 1000));
  // 100 references, 10,000 bytes: more than the body's size.
  ExpectOverEntityLimit(ParseFeed(body(100), response, {.max_entity_bytes = 500}),
                        body(100).size());
  auto allowed = ParseFeed(body(100), response, {.max_entity_bytes = 10000});
  ASSERT_TRUE(allowed) << allowed.error().ToString();
  EXPECT_EQ(allowed->items[0].title, "q" + Repeat("A", 10000));

  // The body's size is its size as it came: a windows-1252 body decoded here grows (each byte
  // past 0x7F becomes two or three), and the limit does not grow with it. 30 references stand for
  // 3,000 bytes, more than the body as it came and less than it decoded.
  std::string latin = body(30);
  latin.replace(0, latin.find('\n'), "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>");
  latin.replace(latin.find(Repeat("x", 2000)), 2000, Repeat("\xE9", 2000));
  ASSERT_LT(latin.size(), 3000u);
  ASSERT_GT(latin.size() + 2000, 3000u);
  ExpectOverEntityLimit(ParseFeed(latin, response, {.max_entity_bytes = 500}), latin.size());

  // Nested: b stands for ten a's, 1,000 bytes a reference.
  const std::string nested = RssWithEntities(
      entity + "<!ENTITY b \"" + Repeat("&a;", 10) + "\">",
      "<item><title>q" + Repeat("&b;", 10) + "</title><link>http://e.com/q</link></item>");
  ExpectOverEntityLimit(ParseFeed(nested, response, {.max_entity_bytes = 5000}), 5000);

  // In an attribute value: xml:base is read for every link of the item.
  const std::string attribute =
      RssWithEntities(entity, "<item xml:base=\"http://e.com/" + Repeat("&a;", 100) +
                                  "\"><title>q</title><link>x</link></item>");
  ExpectOverEntityLimit(ParseFeed(attribute, response, {.max_entity_bytes = 5000}), 5000);
  // And in the values the DTD gives an attribute by default.
  const std::string defaulted =
      RssWithEntities(entity + "<!ATTLIST title lang CDATA \"" + Repeat("&a;", 100) + "\">",
                      "<item><title>q</title><link>http://e.com/q</link></item>");
  ExpectOverEntityLimit(ParseFeed(defaulted, response, {.max_entity_bytes = 5000}), 5000);
}

// Escaped markup in an item's text is one text node of the document, and parsed as HTML after:
// that parse counts on its own against the limit.
TEST(FeedParserTest, MarkupInAnItemsTextOverTheNodeLimitIsRefused) {
  const std::string body = Rss("<item><title>Two</title><description>" +
                               Repeat("&lt;b&gt;x&lt;/b&gt; ", 50) + "</description></item>");
  ExpectOverNodeLimit(ParseFeed(body, {kFeedUrl, "", ""}, {.max_nodes = 40}), 40);
  auto within = ParseFeed(body, {kFeedUrl, "", ""}, {.max_nodes = 60});
  ASSERT_TRUE(within) << within.error().ToString();
  ASSERT_EQ(within->items.size(), 2u);
  EXPECT_EQ(within->items[1].body, Repeat("x ", 49) + "x");
}

TEST(FeedParserTest, AJsonFeedOverTheNodeLimitIsRefused) {
  const std::string body =
      R"({"version":"https://jsonfeed.org/version/1.1","title":"J","items":[)" + Repeat("{},", 50) +
      R"({"id":"1","title":"One"}]})";
  ExpectOverNodeLimit(ParseFeed(body, {kFeedUrl, "", ""}, {.max_nodes = 50}), 50);
  auto within = ParseFeed(body, {kFeedUrl, "", ""}, {.max_nodes = 70});
  ASSERT_TRUE(within) << within.error().ToString();
  ASSERT_EQ(within->items.size(), 1u);
  EXPECT_EQ(within->items[0].title, "One");
}

// libxml2 2.9 compares each attribute of a tag with all before it: one tag of many attributes
// would cost quadratic time before a node is built, so such a tag is refused outright.
TEST(FeedParserTest, ATagWithMoreThan1024AttributesIsRefused) {
  std::string tag = "<a";
  for (int i = 0; i < 1025; ++i) tag += " a" + std::to_string(i) + "=\"\"";
  auto feed = ParseFeed(Rss(tag + "/>"), {kFeedUrl, "", ""});
  ASSERT_FALSE(feed);
  EXPECT_EQ(feed.error().message(), "not a feed: a tag with more than 1024 attributes");
  std::string fewer = "<a";
  for (int i = 0; i < 1024; ++i) fewer += " a" + std::to_string(i) + "=\"x=y\"";
  EXPECT_TRUE(ParseFeed(Rss(fewer + "/>"), {kFeedUrl, "", ""}));
}

TEST(FeedParserTest, EveryFixtureGivesTheSameItemsUnderTheDefaultNodeLimitAsWithout) {
  size_t compared = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kFixtures)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() || name == "SOURCE.md" || name.starts_with("LICENSE")) continue;
    const std::string body = ReadFixture(std::filesystem::relative(entry.path(), kFixtures));
    auto limited = ParseFeed(body, {kFeedUrl, "", ""});
    auto unlimited = ParseFeed(body, {kFeedUrl, "", ""}, {.max_nodes = UINT64_MAX});
    ASSERT_EQ(limited.has_value(), unlimited.has_value()) << name;
    if (!limited) {
      EXPECT_EQ(limited.error().message(), unlimited.error().message()) << name;
      continue;
    }
    ++compared;
    EXPECT_EQ(limited->damage, unlimited->damage) << name;
    ASSERT_EQ(limited->items.size(), unlimited->items.size()) << name;
    for (size_t i = 0; i < limited->items.size(); ++i) {
      EXPECT_EQ(limited->items[i].id, unlimited->items[i].id) << name;
      EXPECT_EQ(limited->items[i].title, unlimited->items[i].title) << name;
      EXPECT_EQ(limited->items[i].body, unlimited->items[i].body) << name;
      EXPECT_EQ(limited->items[i].url, unlimited->items[i].url) << name;
      EXPECT_EQ(limited->items[i].published_at_ms, unlimited->items[i].published_at_ms) << name;
    }
  }
  EXPECT_EQ(compared, 28u);
}

// A damaged document whose root start tag is megabytes long: each item read alone is wrapped in
// the root's name and namespaces only, so every item is read, and the document is read at all
// (wrapped in the whole tag, 2000 items made 2 GB of parsing).
TEST(FeedParserTest, ItemsOfADamagedDocumentWithAHugeRootTagAreAllRead) {
  std::string root = "<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"";
  for (int i = 0; i < 1000; ++i) {
    root += " a" + std::to_string(i) + "=\"" + std::string(1000, 'v') + "\"";
  }
  std::string items;
  for (int i = 0; i < 2000; ++i) {
    items += "<item><title>T" + std::to_string(i) + "</title><link>http://news.example/" +
             std::to_string(i) + "</link><dc:date>2026-12-06T10:00:00Z</dc:date></item>";
  }
  const std::string body = "<?xml version=\"1.0\"?>" + root +
                           "><channel><item><title a=\"x>Damaged</title></item>" + items +
                           "</channel></rss>";
  auto feed = ParseFeed(body, {kFeedUrl, "", ""});
  ASSERT_TRUE(feed) << feed.error().ToString();
  EXPECT_FALSE(feed->damage.empty());
  EXPECT_EQ(feed->damage.find("not read one at a time"), std::string::npos) << feed->damage;
  ASSERT_EQ(feed->items.size(), 2000u);
  EXPECT_EQ(feed->items[1999].title, "T1999");
  EXPECT_EQ(feed->items[1999].url, "http://news.example/1999");
  EXPECT_EQ(feed->items[1999].published_at_ms, Ms("2026-12-06T10:00:00Z"));
}

// When even the namespaces around the items are too long to wrap each item in, the document's
// items are those its whole parse gave, and the damage says they were not read one at a time.
TEST(FeedParserTest, ADamagedDocumentTooCostlyToReadItemByItemSaysSo) {
  std::string root = "<rss version=\"2.0\"";
  for (int i = 0; i < 1000; ++i) {
    root += " xmlns:p" + std::to_string(i) + "=\"" + std::string(1000, 'u') + "\"";
  }
  std::string items;
  for (int i = 0; i < 2000; ++i) {
    items += "<item><title>T" + std::to_string(i) + "</title></item>";
  }
  const std::string body = "<?xml version=\"1.0\"?>" + root + "><channel>" + items +
                           "<item><title a=\"x>Damaged</title></item></channel></rss>";
  auto feed = ParseFeed(body, {kFeedUrl, "", ""});
  ASSERT_TRUE(feed) << feed.error().ToString();
  EXPECT_NE(feed->damage.find("not read one at a time"), std::string::npos) << feed->damage;
  ASSERT_GE(feed->items.size(), 2000u);
  EXPECT_EQ(feed->items[1999].title, "T1999");
}

TEST(FeedParserTest, LibxmlWritesNothingToStderr) {
  StderrCapture capture;
  ParseUndecodableBodies();
  // libxml2's error handlers are per thread: a poll thread needs them as much as the main one.
  std::thread poll_thread(ParseUndecodableBodies);
  poll_thread.join();
  EXPECT_EQ(capture.Stop(), "");
}

}  // namespace
}  // namespace headwire::producers
