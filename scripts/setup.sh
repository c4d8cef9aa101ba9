#!/usr/bin/env bash
# Installs whatever the build and the tests need and is not yet installed.
# Idempotent and quiet when everything is already there. Debian 12.
#   scripts/setup.sh [--build-only]   --build-only: what the build needs, no more
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# What building the server and bilateralctl needs; the container image's
# build stage installs only these (scripts/setup.sh --build-only).
build_packages=(
  g++ cmake ninja-build ccache pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler grpc-proto
  # libprotoc: the SDK's generator (client/generator/) is a protoc plugin.
  libprotoc-dev
  libabsl-dev libsqlite3-dev iso-codes libpq-dev
  # Key hashing and TLS, and the /metrics HTTP port.
  libssl-dev libcpp-httplib-dev
  # Unicode normalisation (NFC) of quotes and source texts, and case
  # folding of names (ICU); zlib for storing large records deflated.
  libicu-dev zlib1g-dev
  # google/api/annotations.proto and http.proto, which the HTTP rules in
  # proto/ import (scripts/proto_deps.sh says where they are).
  golang-github-gogo-googleapis-dev
)
# What the tests need besides.
debian_packages=(
  "${build_packages[@]}" git libgtest-dev libgmock-dev sqlite3
  # The API reference generator and the contract test.
  python3
  # A PostgreSQL server the tests start and stop; TLS test certificates.
  postgresql-15 openssl
  # The container image test (deploy/): building and running the image
  # without a Docker engine, a gRPC load balancer for the scale-out test,
  # and YAML for the manifest check.
  buildah podman runc debootstrap nginx-light python3-yaml
  # libFuzzer targets (scripts/fuzz.sh) and the ThreadSanitizer build: clang
  # and its sanitizer runtimes; llvm-symbolizer (llvm-14, on PATH through
  # llvm), which the runtimes run to name the functions in their reports.
  clang-14 libclang-rt-14-dev llvm-14 llvm
  # Formatting and static checks (.clang-format, .clang-tidy; scripts/format.sh, scripts/tidy.sh).
  clang-format-14 clang-tidy-14
  # HTTPS for the npm registry and the Go module proxy on a minimal system.
  ca-certificates
)
if [[ "${1:-}" == --build-only ]]; then
  "$root/scripts/apt-install.sh" build "${build_packages[@]}"
  exit 0
fi
# Tools from the npm registry, pinned; installed under build/tools.
buf_version=1.75.0

extra=()
command -v npm >/dev/null 2>&1 || extra+=(nodejs npm)
"$root/scripts/apt-install.sh" project "${debian_packages[@]}" "${extra[@]}"

tools="$root/build/tools"
if [[ "$("$tools/node_modules/.bin/buf" --version 2>/dev/null)" != "$buf_version" ]]; then
  echo "setup: installing buf $buf_version"
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-package-lock --no-save --no-fund --no-audit --loglevel=error \
    "@bufbuild/buf@$buf_version" >/dev/null
fi

# What the clients for other languages need (client/<language>/setup.sh).
for client_setup in "$root"/client/*/setup.sh; do
  if [[ -f "$client_setup" ]]; then bash "$client_setup"; fi
done

# What the HTTP/JSON gateway, its tests and its browser test need.
bash "$root/gateway/setup.sh"
