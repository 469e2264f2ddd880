#pragma once
// TestDir: a directory path of the running test's own, under the system's temporary directory and
// named after a prefix, the process and the test, so that tests run side by side (ctest -j) never
// share one. Whatever is at that path already (left by a crashed run whose process id has come
// round again) is removed when the TestDir is made, and the path is removed again when it goes.
// The directory itself is not created: the code under test makes what it needs. Make it while a
// test runs: as a fixture's member or a test's local.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace headwire::testing {

class TestDir {
 public:
  explicit TestDir(std::string_view prefix) : path_(MakePath(prefix)) {
    std::filesystem::remove_all(path_);
  }
  ~TestDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TestDir(const TestDir&) = delete;
  TestDir& operator=(const TestDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string string() const { return path_.string(); }

 private:
  static std::filesystem::path MakePath(std::string_view prefix) {
    // A parameterised test's name holds a '/' ("Name/0"): keep the path one level deep.
    std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::ranges::replace(test, '/', '_');
    std::string name(prefix);
    name += '-';
    name += std::to_string(::getpid());
    name += '-';
    name += test;
    return std::filesystem::temp_directory_path() / name;
  }

  std::filesystem::path path_;
};

}  // namespace headwire::testing
