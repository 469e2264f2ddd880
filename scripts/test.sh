#!/usr/bin/env bash
# The second README command: install dependencies, then build and run every test twice: once
# with -Werror, once under AddressSanitizer + UndefinedBehaviorSanitizer. Also checks formatting
# and runs every fuzz target over its corpus for a few seconds (scripts/fuzz-smoke.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs="$(nproc)"

echo "== format check (clang-format, .clang-format)"
git ls-files '*.cc' '*.h' | xargs clang-format --dry-run --Werror

echo "== build and test: Debug, -Wall -Wextra -Werror"
cmake -S . -B build/test -DCMAKE_BUILD_TYPE=Debug -DHEADWIRE_WERROR=ON
cmake --build build/test -j"$jobs"
ctest --test-dir build/test --output-on-failure -j"$jobs"

echo "== build and test: ASan + UBSan"
cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHEADWIRE_WERROR=ON -DHEADWIRE_SANITIZE=ON
cmake --build build/asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/asan --output-on-failure -j"$jobs"

echo "== fuzz smoke: libFuzzer targets over their corpora"
bash scripts/fuzz-smoke.sh 5
