#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (Debian 12's clang++-16, AddressSanitizer) in
# build/fuzz and runs them. Stops at the first crash, leak or hang; the input that caused it is
# left in build/fuzz/crash-*.
#
#   scripts/fuzz.sh smoke [SECONDS]     each target over its kept corpus, then SECONDS more of
#                                       mutation (default 5); the last step of scripts/test.sh
#   scripts/fuzz.sh saturate [SECONDS [TARGET...]]
#                                       each target (default: all) in rounds of SECONDS (default
#                                       60) until a round covers no new edge (at most 10 rounds),
#                                       then adds to tests/fuzz/corpus/<target>/ the fewest inputs
#                                       that cover the edges found (the kept inputs all stay)
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-smoke}"
case "$mode" in
  smoke) seconds="${2:-5}" ;;
  saturate) seconds="${2:-60}" ;;
  *)
    echo "usage: scripts/fuzz.sh smoke|saturate [SECONDS]" >&2
    exit 2
    ;;
esac
build=build/fuzz
jobs="$(nproc)"
max_rounds=10

launcher=()
if command -v ccache > /dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
  -DCMAKE_CXX_COMPILER=clang++-16 \
  -DHEADWIRE_FUZZ=ON -DHEADWIRE_BUILD_TESTS=OFF -DHEADWIRE_BUILD_BENCHMARKS=OFF "${launcher[@]}"
mapfile -t targets < <(sed -n '/^set(HEADWIRE_FUZZ_TARGETS/,/^)/p' tests/fuzz/CMakeLists.txt |
  grep -o 'fuzz_[a-z_]*')
if [[ "$mode" == saturate && $# -gt 2 ]]; then targets=("${@:3}"); fi
cmake --build "$build" -j"$jobs" --target "${targets[@]}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# run TARGET SECONDS: mutates from the scratch and kept corpora; new inputs go to the scratch
# directory (the first one), the kept corpus is only read. Prints libFuzzer's final DONE line.
run() {
  local target="$1" time="$2"
  if ! "$build/$target" -max_total_time="$time" -timeout=10 -rss_limit_mb=2048 \
    -max_len=4096 -artifact_prefix="$build/crash-$target-" \
    "$work/$target" "tests/fuzz/corpus/$target" > "$work/$target.log" 2>&1; then
    tail -40 "$work/$target.log" >&2
    echo "$target failed: the input is in $build/crash-$target-*" >&2
    exit 1
  fi
  grep -E '^#[0-9]+[[:space:]]+DONE' "$work/$target.log"
}

edges() { grep -oE 'cov: [0-9]+' <<< "$1" | grep -oE '[0-9]+'; }

# add_covering_inputs TARGET: the fewest inputs of the kept and scratch corpora that cover every
# edge (set cover, hit counts ignored), of which those the kept corpus lacks are added to it.
add_covering_inputs() {
  local target="$1" kept="tests/fuzz/corpus/$1"
  mkdir -p "$work/$target.cover"
  "$build/$target" -set_cover_merge=1 -use_counters=0 -max_len=4096 "$work/$target.cover" \
    "$kept" "$work/$target" > "$work/$target.merge.log" 2>&1
  kept_before="$(find "$kept" -type f | wc -l)"
  local known
  known="$(sha1sum "$kept"/* | cut -d' ' -f1)"
  for input in "$work/$target.cover"/*; do
    [[ -e "$input" ]] || continue
    if ! grep -qx "$(sha1sum < "$input" | cut -d' ' -f1)" <<< "$known"; then cp "$input" "$kept/"; fi
  done
  kept_after="$(find "$kept" -type f | wc -l)"
}

for target in "${targets[@]}"; do
  mkdir -p "$work/$target"
  if [[ "$mode" == smoke ]]; then
    echo "== $target: corpus, then ${seconds} s"
    run "$target" "$seconds"
    continue
  fi
  echo "== $target: rounds of ${seconds} s until one covers no new edge"
  before=-1
  for ((round = 1; round <= max_rounds; round++)); do
    line="$(run "$target" "$seconds")"
    echo "round $round: $line"
    now="$(edges "$line")"
    if [[ "$now" == "$before" ]]; then break; fi
    before="$now"
  done
  add_covering_inputs "$target"
  echo "$target: ${before} edges; corpus ${kept_before} -> ${kept_after} inputs"
done
echo "== fuzz $mode: ${#targets[@]} targets clean"
