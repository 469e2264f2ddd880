#!/usr/bin/env bash
# Builds the tests of what runs threads (tests/CMakeLists.txt: thread_tests, i.e. the sink's HTTP
# API and its queries beside the sink's writer, the admin endpoint) under ThreadSanitizer, -O1
# -g1 to keep the build short, and runs them. Fails on the first report (halt_on_error=1).
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

# tests/tsan.supp: the reports of RocksDB's memtable, which is not built with ThreadSanitizer.
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/tests/tsan.supp ${TSAN_OPTIONS:-}" \
  "$build/thread_tests" --gtest_filter="$filter"
