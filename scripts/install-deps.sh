#!/usr/bin/env bash
# Install the Debian 12 packages the build and the image (and, with --test, the test suite) need.
# Idempotent: does nothing when everything is already installed.
set -euo pipefail

# libdeflate writes gzip; zlib1g-dev is the unit tests' independent gzip reader.
build_packages=(cmake g++ make pkg-config ccache libsimdjson-dev libzstd-dev libdeflate-dev
  zlib1g-dev libsnappy-dev libgtest-dev libgmock-dev libbenchmark-dev libssl-dev
  libcurl4-openssl-dev libpugixml-dev python3)
# make image copies its shell and CA bundle from these; make test runs the image.
image_packages=(busybox-static ca-certificates)
# The sanitizer runs and make fuzz build with clang (libFuzzer and the static sanitizer runtimes
# are in clang's runtime package). python3-avro reads the Avro files the destination writes
# (tests/tools/avro_read.py), an implementation independent of ours.
test_packages=(nodejs npm openssl clang-14 libclang-rt-14-dev python3-avro)

packages=("${build_packages[@]}" "${image_packages[@]}")
if [[ "${1:-}" == "--test" ]]; then packages+=("${test_packages[@]}"); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    # node and npm may come from elsewhere on the machine; accept them when present.
    if [[ "$p" == nodejs ]] && command -v node >/dev/null; then continue; fi
    if [[ "$p" == npm ]] && command -v npm >/dev/null; then continue; fi
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then exit 0; fi

echo "Installing: ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
