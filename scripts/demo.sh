#!/usr/bin/env bash
# The first README command: install dependencies, build (Release), run `headwire demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DHEADWIRE_BUILD_TESTS=OFF
cmake --build build/release -j"$(nproc)" --target headwire
./build/release/headwire demo --state build/demo-state "$@"
