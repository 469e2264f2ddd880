#!/usr/bin/env bash
# Builds the tests of what runs threads (tests/CMakeLists.txt: thread_tests: the HTTP API and
# queries beside the sink's writer, the admin endpoint, the signal flags, the classifier shared
# by threads, the processor's worker pool) under ThreadSanitizer, -O1 -g1 to keep the build
# short, and runs each test in a process of its own (as ctest does: a signal test leaves its flag
# set). Fails on the first report (halt_on_error=1). Nothing here runs librdkafka: its threads
# (C11 thrd_create) escape GCC 12's ThreadSanitizer, which then crashes in them.
# Usage: scripts/tsan.sh [GTEST_FILTER]   (default: every thread test)
set -euo pipefail
cd "$(dirname "$0")/.."
filter="${1:-*}"
build=build/tsan
jobs="$(nproc)"

launcher=()
if command -v ccache > /dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
  -DHEADWIRE_SANITIZE_THREAD=ON -DHEADWIRE_WERROR=ON -DHEADWIRE_BUILD_BENCHMARKS=OFF \
  "${launcher[@]}"
cmake --build "$build" -j"$jobs" --target thread_tests

# tests/tsan.supp: what the libraries not built with ThreadSanitizer do themselves.
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/tests/tsan.supp ${TSAN_OPTIONS:-}"
mapfile -t tests < <("$build/thread_tests" --gtest_list_tests --gtest_filter="$filter" |
  awk '/^[^ ]/ { suite = $1 } /^  / { print suite $1 }')
if [ "${#tests[@]}" -eq 0 ]; then
  echo "no thread test matches $filter" >&2
  exit 1
fi
for test in "${tests[@]}"; do
  if ! "$build/thread_tests" --gtest_filter="$test" > "$build/tsan-test.log" 2>&1; then
    cat "$build/tsan-test.log" >&2
    echo "$test failed under ThreadSanitizer" >&2
    exit 1
  fi
done
echo "${#tests[@]} thread tests passed under ThreadSanitizer"
