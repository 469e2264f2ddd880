#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (Debian 12's clang++-16, AddressSanitizer) and runs each
# over its corpus in tests/fuzz/corpus/<target>/, then mutates for SECONDS more (default 5). Stops at
# the first crash, leak or hang; the input that caused it is left in build/fuzz/crash-*.
# Usage: scripts/fuzz-smoke.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-5}"
build=build/fuzz
jobs="$(nproc)"

launcher=()
if command -v ccache > /dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
  -DCMAKE_CXX_COMPILER=clang++-16 \
  -DHEADWIRE_FUZZ=ON -DHEADWIRE_BUILD_TESTS=OFF -DHEADWIRE_BUILD_BENCHMARKS=OFF "${launcher[@]}"
mapfile -t targets < <(sed -n '/^set(HEADWIRE_FUZZ_TARGETS/,/^)/p' tests/fuzz/CMakeLists.txt |
  grep -o 'fuzz_[a-z_]*')
cmake --build "$build" -j"$jobs" --target "${targets[@]}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for target in "${targets[@]}"; do
  echo "== $target: corpus, then ${seconds} s"
  mkdir -p "$work/$target"
  # New inputs go to the scratch directory (the first one); the kept corpus is only read.
  if ! "$build/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=4096 -artifact_prefix="$build/crash-$target-" \
    "$work/$target" "tests/fuzz/corpus/$target" > "$work/$target.log" 2>&1; then
    tail -40 "$work/$target.log" >&2
    echo "$target failed: the input is in $build/crash-$target-*" >&2
    exit 1
  fi
  grep -E '^#[0-9]+[[:space:]]+DONE' "$work/$target.log"
done
echo "== fuzz smoke: ${#targets[@]} targets clean"
