#!/usr/bin/env bash
# Installs the Debian 12 packages headwire needs to build, test and run. Idempotent; as root.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git clang-format
  librdkafka-dev libprotobuf-dev protobuf-compiler librocksdb-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev nlohmann-json3-dev libspdlog-dev libfmt-dev libtomlplusplus-dev
  libxxhash-dev libutf8proc-dev liburiparser-dev libcpp-httplib-dev libstemmer-dev prometheus-cpp-dev
  libzstd-dev libcsv-dev zlib1g-dev libcurl4-openssl-dev libxml2-dev libicu-dev
  kcat python3 python3-confluent-kafka python3-protobuf python3-feedparser chromium
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  echo "Installing: ${missing[*]}"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi
