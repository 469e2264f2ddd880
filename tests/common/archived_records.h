#pragma once
// ArchivedRecords(dir): how many records the segment indexes under `dir` count, for tests of
// what an archiver wrote. A listing that fails is a test failure (and counts 0).

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "common/archive_catalog.h"

namespace headwire::testing {

inline uint64_t ArchivedRecords(const std::string& dir) {
  auto segments = common::ListSegments(dir);
  EXPECT_TRUE(segments.has_value()) << segments.error().ToString();
  if (!segments) return 0;
  uint64_t n = 0;
  for (const auto& segment : *segments) n += segment.index.records;
  return n;
}

}  // namespace headwire::testing
