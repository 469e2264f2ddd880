#!/usr/bin/env bash
# The second README command: install dependencies, then build and run every test twice: once
# with -Werror, once under AddressSanitizer + UndefinedBehaviorSanitizer. Also checks formatting,
# runs the tests of what runs threads under ThreadSanitizer (scripts/tsan.sh) and every fuzz
# target over its corpus for a few seconds (scripts/fuzz.sh smoke).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs="$(nproc)"
phase() { echo "== [$((SECONDS / 60)) min] $*"; }

phase "format check (clang-format, .clang-format)"
git ls-files '*.cc' '*.h' | xargs clang-format --dry-run --Werror

phase "build and test: Debug, -Wall -Wextra -Werror"
cmake -S . -B build/test -DCMAKE_BUILD_TYPE=Debug -DHEADWIRE_WERROR=ON
cmake --build build/test -j"$jobs"
# Most of this suite's time is spent waiting (group joins and rebalances on the embedded broker,
# daemons' ticks), not computing: twice as many tests as cores keep the cores busy.
ctest --test-dir build/test --output-on-failure -j"$((2 * jobs))"

phase "build and test: ASan + UBSan"
# -O1 -g1 (assertions on): the optimisation level the sanitizers recommend, with line tables for
# their reports; it compiles in less than half the time of -O2 -g.
cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
  -DHEADWIRE_WERROR=ON -DHEADWIRE_SANITIZE=ON
cmake --build build/asan -j"$jobs"
# Waiting dominates here too: the same twice as many tests as cores.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/asan --output-on-failure -j"$((2 * jobs))"

phase "ThreadSanitizer: the tests of what runs threads (thread_tests)"
bash scripts/tsan.sh

phase "fuzz smoke: libFuzzer targets over their corpora"
bash scripts/fuzz.sh smoke 5
phase "all checks passed"
