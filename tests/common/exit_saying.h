#pragma once
// ExitSaying: ends the process at once with status 0, having written `what` and a newline on
// stderr. For the child of a death test (EXPECT_EXIT ... ExitedWithCode(0), "what it says"): the
// child reports its outcome as text for the parent to match, and a run left waiting on another
// thread (the very wait under test, when it never ends) cannot hold the exit up. No destructor
// runs: a child removes what it must not leave behind (a TestDir) before calling it.

#include <cstdio>
#include <cstdlib>
#include <string>

namespace headwire::testing {

[[noreturn]] inline void ExitSaying(const std::string& what) {
  std::fprintf(stderr, "%s\n", what.c_str());
  std::fflush(stderr);
  std::_Exit(0);
}

}  // namespace headwire::testing
