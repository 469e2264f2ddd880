#include "common/json_lines.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace headwire::common {
namespace {

using Lines = std::vector<std::pair<uint64_t, std::string>>;

Lines Visited(const std::string& text) {
  std::istringstream in(text);
  Lines lines;
  const Status status = ForEachLine(in, "in", [&](uint64_t n, const std::string& l) {
    lines.emplace_back(n, l);
    return Status::Ok();
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  return lines;
}

TEST(JsonLinesTest, BlankLinesAreSkippedButCountedAndCarriageReturnsDropped) {
  EXPECT_EQ(Visited("a\n\n  \t\r\nb\r\nc"), (Lines{{1, "a"}, {4, "b"}, {5, "c"}}));
  EXPECT_EQ(Visited(""), Lines{});
  EXPECT_EQ(Visited("\n\n"), Lines{});
}

// One absurd line costs max_bytes + 1 bytes however long it is, its whole length is still known,
// and the lines after it are read as usual.
TEST(JsonLinesTest, ALineLongerThanTheBoundIsCutOneByteOverItAndReadingGoesOn) {
  std::istringstream in("first\n" + std::string(1 << 20, 'x') + "\nlast");
  std::string line;
  EXPECT_EQ(ReadBoundedLine(in, line, 10), 5u);
  EXPECT_EQ(line, "first");
  EXPECT_EQ(ReadBoundedLine(in, line, 10), uint64_t{1} << 20);
  EXPECT_EQ(line, std::string(11, 'x'));
  EXPECT_EQ(ReadBoundedLine(in, line, 10), 4u);
  EXPECT_EQ(line, "last");
  EXPECT_EQ(ReadBoundedLine(in, line, 10), std::nullopt);
}

// Lines are read in pieces of 16 KiB; one just under, at and over a piece's size, a NUL byte and
// a last line without its newline come out whole.
TEST(JsonLinesTest, EveryByteOfEveryLineIsKeptWhateverItsLengthAgainstTheReadersPieces) {
  const size_t piece = 1 << 14;
  std::vector<std::string> lines;
  for (const size_t length : {piece - 2, piece - 1, piece, piece + 1, 3 * piece + 7}) {
    lines.push_back(std::string(length, 'y'));
  }
  lines.push_back(std::string("nul\0inside", 10));
  lines.push_back("");
  lines.push_back("end");
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  text.pop_back();
  std::istringstream in(text);
  std::string line;
  for (const auto& expected : lines) {
    ASSERT_EQ(ReadBoundedLine(in, line, 1 << 20), expected.size());
    EXPECT_EQ(line, expected);
  }
  EXPECT_EQ(ReadBoundedLine(in, line, 1 << 20), std::nullopt);
  EXPECT_FALSE(in.bad());
}

TEST(JsonLinesTest, AVisitorTakingThreeArgumentsIsGivenTheWholeLength) {
  std::istringstream in("abc\r\n\nde\n");
  std::vector<uint64_t> lengths;
  ASSERT_TRUE(ForEachLine(in, "in", [&](uint64_t, const std::string&, uint64_t length) {
                return lengths.push_back(length), Status::Ok();
              }).ok());
  EXPECT_EQ(lengths, (std::vector<uint64_t>{4, 2}));
}

TEST(JsonLinesTest, TheVisitorsErrorStopsTheWalk) {
  std::istringstream in("a\nb\nc\n");
  int seen = 0;
  const Status status = ForEachLine(in, "in", [&](uint64_t, const std::string&) {
    return ++seen == 2 ? Status::InvalidArgument("stop") : Status::Ok();
  });
  EXPECT_EQ(status.message(), "stop");
  EXPECT_EQ(seen, 2);
}

}  // namespace
}  // namespace headwire::common
