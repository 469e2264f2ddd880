#include "producers/file_source.h"

#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/validation.h"
#include "headwire/v1/article.pb.h"
#include "tests/common/test_dir.h"

namespace headwire::producers {
namespace {

constexpr const char* kTime = "1772439300000";

// `count` valid JSON lines.
std::string JsonLines(int count) {
  std::string out;
  for (int i = 0; i < count; ++i) {
    out += R"({"id":"a)" + std::to_string(i) + R"(","title":"Headline number )" +
           std::to_string(i) + R"(","published_at":)" + kTime + "}\n";
  }
  return out;
}

std::string Zstd(const std::string& text) {
  std::string out(ZSTD_compressBound(text.size()), '\0');
  const size_t size = ZSTD_compress(out.data(), out.size(), text.data(), text.size(), 3);
  EXPECT_FALSE(ZSTD_isError(size));
  out.resize(size);
  return out;
}

class FileSourceTest : public ::testing::Test {
 protected:
  void SetUp() override { std::filesystem::create_directories(dir_.path()); }

  std::string Write(const std::string& name, const std::string& bytes) {
    const std::string path = (dir_.path() / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  std::string Gzip(const std::string& text) {
    const std::string path = (dir_.path() / "scratch.gz").string();
    gzFile file = gzopen(path.c_str(), "wb");
    EXPECT_NE(file, nullptr);
    EXPECT_EQ(gzwrite(file, text.data(), static_cast<unsigned>(text.size())),
              static_cast<int>(text.size()));
    gzclose(file);
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  // How many records the file gives, and the error that stopped reading it, if one did.
  struct Reading {
    uint64_t records = 0;
    uint64_t invalid = 0;
    std::optional<Status> error;
  };
  Reading ReadAll(const std::string& path) {
    FileSourceOptions options;
    options.path = path;
    options.errors = &errors_;
    return ReadAll(options);
  }
  Reading ReadAll(const FileSourceOptions& options) {
    auto source = FileSource::Open(options);
    EXPECT_TRUE(source.has_value()) << source.error().ToString();
    Reading reading;
    while (true) {
      auto next = (*source)->Next();
      if (!next) {
        reading.error = next.error();
        break;
      }
      if (!next->has_value()) break;
      ++reading.records;
    }
    reading.invalid = (*source)->invalid();
    return reading;
  }

  std::ostringstream errors_;
  const testing::TestDir dir_{"headwire-file-source-test"};
};

TEST_F(FileSourceTest, ACompressedFileCutShortIsCorruptionNotAShorterStream) {
  const std::string text = JsonLines(300);
  const std::string zstd = Zstd(text);
  const std::string gzip = Gzip(text);
  EXPECT_EQ(ReadAll(Write("whole.jsonl.zst", zstd)).records, 300u);
  EXPECT_EQ(ReadAll(Write("whole.jsonl.gz", gzip)).records, 300u);
  for (const auto& [name, bytes] : {std::pair{"cut.jsonl.zst", zstd}, {"cut.jsonl.gz", gzip}}) {
    const Reading cut = ReadAll(Write(name, bytes.substr(0, bytes.size() / 2)));
    ASSERT_TRUE(cut.error.has_value()) << name << ": " << cut.records << " records, no error";
    EXPECT_TRUE(cut.error->code() == StatusCode::kCorruption) << cut.error->ToString();
    EXPECT_NE(cut.error->message().find("truncated"), std::string::npos) << cut.error->message();
    EXPECT_NE(cut.error->message().find(name), std::string::npos) << cut.error->message();
  }
  EXPECT_EQ(ReadAll(Write("empty.jsonl.zst", "")).records, 0u);
}

TEST_F(FileSourceTest, GzipMembersOneAfterAnotherAreReadAsOneStream) {
  const Reading reading = ReadAll(Write("two.jsonl.gz", Gzip(JsonLines(30)) + Gzip(JsonLines(20))));
  EXPECT_FALSE(reading.error.has_value()) << reading.error->ToString();
  EXPECT_EQ(reading.records, 50u);
}

TEST_F(FileSourceTest, BytesAfterAGzipMemberThatAreNoGzipMemberAreCorruptionNotIgnored) {
  std::string second = Gzip(JsonLines(20));
  second[0] = '\x1E';  // one bit of the magic byte flipped
  for (const auto& [name, bytes] :
       {std::pair{"plain_after.jsonl.gz", JsonLines(20)}, {"flipped_magic.jsonl.gz", second}}) {
    const Reading reading = ReadAll(Write(name, Gzip(JsonLines(30)) + bytes));
    ASSERT_TRUE(reading.error.has_value())
        << name << ": " << reading.records << " records, no error";
    EXPECT_TRUE(reading.error->code() == StatusCode::kCorruption) << reading.error->ToString();
    EXPECT_NE(reading.error->message().find(name), std::string::npos) << reading.error->message();
    EXPECT_NE(reading.error->message().find("not a gzip member"), std::string::npos)
        << reading.error->message();
  }
}

TEST_F(FileSourceTest, AFileNamedGzThatIsNotGzipIsReadAsPlainText) {
  EXPECT_EQ(ReadAll(Write("plain.jsonl.gz", JsonLines(4))).records, 4u);
  EXPECT_EQ(ReadAll(Write("empty.jsonl.gz", "")).records, 0u);
}

TEST_F(FileSourceTest, ALineLongerThanAnArticleCanBeIsTooLargeAndTheNextLinesAreRead) {
  const std::string huge =
      R"({"title":")" + std::string(core::MaxRecordBytes({}) + 10, 'x') + R"("})" + "\n";
  const Reading reading = ReadAll(Write("long.jsonl", JsonLines(1) + huge + JsonLines(2)));
  EXPECT_FALSE(reading.error.has_value());
  EXPECT_EQ(reading.records, 3u);
  EXPECT_EQ(reading.invalid, 1u);
  EXPECT_NE(errors_.str().find("long.jsonl:2: too_large"), std::string::npos) << errors_.str();
}

TEST_F(FileSourceTest, ACsvQuoteNeverClosedIsCorruptionNotAFieldThatSwallowsTheFile) {
  const Reading reading =
      ReadAll(Write("open.csv", std::string("title,published_at\n") + "Closed,\"" + kTime + "\"\n" +
                                    "\"Open quote," + kTime + "\n" + "Next row," + kTime + "\n"));
  ASSERT_TRUE(reading.error.has_value()) << reading.records << " records, no error";
  EXPECT_TRUE(reading.error->code() == StatusCode::kCorruption);
  EXPECT_NE(reading.error->message().find("quote"), std::string::npos);
  EXPECT_EQ(reading.records, 1u);
}

TEST_F(FileSourceTest, ACsvRecordLongerThanTheBoundIsCorruptionBeforeTheFileIsBuffered) {
  // A quote opened and never closed: without the bound, libcsv would hold the rest of the file.
  constexpr size_t kBound = 1 << 20;
  std::string text = std::string("title,published_at\n") + "Closed," + kTime + "\n\"Open,";
  const std::string filler(64 << 10, 'x');
  while (text.size() <= 4 * kBound) text += filler + "\n";
  FileSourceOptions options;
  options.path = Write("unbounded.csv", text);
  options.errors = &errors_;
  options.max_record_bytes = kBound;
  const Reading reading = ReadAll(options);
  ASSERT_TRUE(reading.error.has_value()) << reading.records << " records, no error";
  EXPECT_TRUE(reading.error->code() == StatusCode::kCorruption);
  EXPECT_NE(reading.error->message().find("longer than 1048576 bytes"), std::string::npos)
      << reading.error->message();
  EXPECT_EQ(reading.records, 1u);
}

// A file has no index: every record is read, whatever its time, and counts in the fraction read.
TEST_F(FileSourceTest, TheFractionReadLeavesOutRecordsOutsideNoTimeRange) {
  FileSourceOptions options;
  options.path =
      Write("dated.jsonl",
            std::string(R"({"id":"d1","title":"Dated headline","published_at":)") + kTime + "}\n");
  auto source = FileSource::Open(options);
  ASSERT_TRUE(source.has_value()) << source.error().ToString();
  EXPECT_TRUE((*source)->FractionLeavesOut({}));
  EXPECT_FALSE((*source)->FractionLeavesOut({.from_ms = 1, .to_ms = std::nullopt}));
  EXPECT_FALSE((*source)->FractionLeavesOut({.from_ms = std::nullopt, .to_ms = 1}));
}

TEST_F(FileSourceTest, AFixedIngestTimeDatesUndatedRecordsAlikeInEveryReplay) {
  constexpr int64_t kIngest = 1772440000000;
  const std::string path =
      Write("undated.jsonl", std::string(R"({"id":"u1","title":"Undated headline"})") + "\n" +
                                 R"({"id":"d1","title":"Dated headline","published_at":)" + kTime +
                                 "}\n");
  FileSourceOptions options;
  options.path = path;
  options.ingest_time_ms = kIngest;
  for (int replay = 0; replay < 2; ++replay) {
    auto source = FileSource::Open(options);
    ASSERT_TRUE(source.has_value()) << source.error().ToString();
    std::vector<std::pair<int64_t, bool>> times;
    while (true) {
      auto next = (*source)->Next();
      ASSERT_TRUE(next.has_value()) << next.error().ToString();
      if (!next->has_value()) break;
      v1::RawArticle raw;
      ASSERT_TRUE(raw.ParseFromString((*next)->value));
      EXPECT_EQ(raw.ingested_at_ms(), kIngest);
      EXPECT_EQ((*next)->timestamp_ms, kIngest);
      times.emplace_back(raw.published_at_ms(), raw.event_time_estimated());
    }
    const std::vector<std::pair<int64_t, bool>> expected = {{kIngest, true},
                                                            {std::stoll(kTime), false}};
    EXPECT_EQ(times, expected) << "replay " << replay;
  }
}

// 1E400 is valid JSON that no double holds: a key the mapping leaves out may hold it, and a
// mapped field holding it is refused as it would be unmapped, not taken as absent.
TEST_F(FileSourceTest, AMappedJsonFieldBeyondADoubleIsRefusedAndAnUnmappedOneIgnored) {
  FileSourceOptions options;
  options.path = Write("huge.jsonl", std::string(R"({"headline":"Kept","time":)") + kTime +
                                         R"(,"extra":1E400})" + "\n" +
                                         R"({"headline":"Refused","time":1E400})" + "\n");
  options.errors = &errors_;
  auto mapping = ParseColumnMapping("title=headline,published_at=time");
  ASSERT_TRUE(mapping.has_value());
  options.mapping = *mapping;
  const Reading reading = ReadAll(options);
  EXPECT_FALSE(reading.error.has_value());
  EXPECT_EQ(reading.records, 1u) << errors_.str();
  EXPECT_EQ(reading.invalid, 1u);
  EXPECT_NE(errors_.str().find("huge.jsonl:2: bad_event_time: published_at is a number beyond "
                               "the range of a double"),
            std::string::npos)
      << errors_.str();
}

TEST_F(FileSourceTest, ACsvSavedWithAByteOrderMarkFindsItsFirstColumn) {
  for (const std::string header : {"title,published_at", "\"title\",\"published_at\""}) {
    const Reading reading =
        ReadAll(Write("bom.csv", "\xEF\xBB\xBF" + header + "\r\nRocket launch," + kTime + "\r\n"));
    ASSERT_FALSE(reading.error.has_value()) << header << ": " << reading.error->ToString();
    EXPECT_EQ(reading.records, 1u) << header;
    EXPECT_EQ(reading.invalid, 0u) << header << ": " << errors_.str();
  }
}

TEST_F(FileSourceTest, ACsvRowWithMoreOrFewerCellsThanTheHeaderIsAnInvalidRecord) {
  const std::string header = "title,published_at,url\n";
  const Reading reading = ReadAll(
      Write("ragged.csv", header + "First," + kTime + ",https://a.example/1\n" + "Short row\n" +
                              "Long row," + kTime + ",https://a.example/3,extra\n" + "Fourth," +
                              kTime + ",https://a.example/4\n"));
  EXPECT_FALSE(reading.error.has_value()) << reading.error->ToString();
  EXPECT_EQ(reading.records, 2u);
  EXPECT_EQ(reading.invalid, 2u);
  EXPECT_NE(errors_.str().find("ragged.csv:2: wrong_cell_count: the row has 1 cells, the header 3"),
            std::string::npos)
      << errors_.str();
  EXPECT_NE(errors_.str().find("ragged.csv:3: wrong_cell_count: the row has 4 cells, the header 3"),
            std::string::npos)
      << errors_.str();
}

TEST_F(FileSourceTest, WithoutAHeaderACsvRowIsMeasuredAgainstTheFirstRow) {
  FileSourceOptions options;
  options.path = Write("headless.csv", "1,First title,body\n2,Second title\n3,Third title,body\n");
  options.errors = &errors_;
  options.mapping = *NamedLayout("ag-news");
  const Reading reading = ReadAll(options);
  EXPECT_FALSE(reading.error.has_value()) << reading.error->ToString();
  EXPECT_EQ(reading.records, 2u);
  EXPECT_EQ(reading.invalid, 1u);
  EXPECT_NE(errors_.str().find("headless.csv:2: wrong_cell_count: the row has 2 cells, the first "
                               "row 3"),
            std::string::npos)
      << errors_.str();
}

TEST_F(FileSourceTest, ACsvColumnNumberBeyondTheHeaderStopsTheReplayAtTheHeader) {
  FileSourceOptions options;
  options.path = Write("narrow.csv", std::string("a,b\nFirst,") + kTime + "\n");
  options.errors = &errors_;
  options.mapping = *ParseColumnMapping("title=3");
  const Reading reading = ReadAll(options);
  ASSERT_TRUE(reading.error.has_value()) << reading.records << " records, no error";
  EXPECT_EQ(reading.records, 0u);
  EXPECT_NE(reading.error->message().find("beyond the 2 columns"), std::string::npos)
      << reading.error->message();
}

TEST_F(FileSourceTest, ACsvCellThatIsNotUtf8IsAnInvalidRecordAndTheOthersAreKept) {
  // The third record's bad byte is in a column no article field takes: it does not count.
  const Reading reading = ReadAll(
      Write("latin1.csv", std::string("title,published_at,note\n") + "First," + kTime + ",a\n" +
                              "Caf\xE9 opens," + kTime + ",b\n" + "Third," + kTime + ",caf\xE9\n"));
  EXPECT_FALSE(reading.error.has_value());
  EXPECT_EQ(reading.records, 2u);
  EXPECT_EQ(reading.invalid, 1u);
  EXPECT_NE(errors_.str().find("latin1.csv:2: invalid_utf8: title"), std::string::npos)
      << errors_.str();
}

}  // namespace
}  // namespace headwire::producers
