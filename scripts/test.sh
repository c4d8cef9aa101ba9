#!/usr/bin/env bash
# Sets up what is missing, builds, and runs every test: the contract guard
# (lint, breaking changes, API reference) and the C++ formatting, the whole
# ctest suite on the release build, clang-tidy over the hand-written code,
# the clients for other languages and gRPC tools against a
# live server, the HTTP/JSON gateway (curl, OpenAPI, a browser), the
# deployment files and the container image (built and run;
# BILATERAL_IMAGE_TEST=0 skips it), and the ctest suite again under
# AddressSanitizer and UndefinedBehaviorSanitizer and under ThreadSanitizer,
# then the fuzz targets for a bounded time (scripts/fuzz.sh).
# BILATERAL_SANITIZE=0 skips these three.
# Suites that hold both stores to one contract also run on a throwaway
# PostgreSQL server started here.
# Before all that, every tool this calls is checked for; with
# BILATERAL_FRESH_MACHINE_TEST=1, scripts/fresh_machine_test.sh also proves
# that scripts/setup.sh on a fresh Debian 12 machine installs them all (=full
# also runs both README commands there).
#   scripts/test.sh [--check-tools]   --check-tools: only check that every tool is installed
# The formatting and static checks also run on their own:
#   scripts/format.sh [--check|--fix] [FILE...]   clang-format-14 with .clang-format
#     over every tracked .cc and .h file (or those named): --check (the
#     default, run here) prints the files that differ and a diff, exits 1;
#     --fix formats them in place
#   scripts/tidy.sh [--build DIR] [--tests] [FILE...]   clang-tidy-14 with
#     .clang-tidy over the hand-written .cc files (and the project's headers)
#     on DIR's compile database (build/release, after its build); exits 1 on
#     any finding. The tests are checked only with --tests: it doubles the
#     time, about 3 minutes here without them
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

# Every program this script and the scripts it runs call, besides a base
# system's: scripts/setup.sh installs them all.
tools=(
  cmake ctest ninja ccache g++ clang++-14 pkg-config protoc grpc_cpp_plugin grpc_python_plugin
  python3 node npm go git sqlite3 openssl nginx podman buildah runc debootstrap
  # Symbolizes sanitizer reports: the ThreadSanitizer canaries and suppressions match names.
  llvm-symbolizer
  # Formatting and static checks (scripts/format.sh, scripts/tidy.sh).
  clang-format-14 clang-tidy-14
  /usr/lib/postgresql/15/bin/initdb /usr/lib/postgresql/15/bin/pg_ctl
  build/tools/node_modules/.bin/buf client/node/node_modules/.bin/proto-loader-gen-types
  build/tools/go-bin/protoc-gen-go build/tools/go-bin/protoc-gen-go-grpc
  build/tools/go-bin/grpcurl build/tools/go-bin/grpc-health-probe
  # The HTTP/JSON gateway, its generators and its browser test.
  build/tools/go-bin/protoc-gen-grpc-gateway build/tools/go-bin/protoc-gen-openapiv2
  chromium chromedriver curl
)
# What Debian's Python itself imports: YAML (the manifest check), Selenium
# (the browser test), and venv and build (the Python client's wheel and its
# tests, which bring grpcio, protobuf and pytest into fresh virtual
# environments from the package index, not into this Python).
python_modules=(yaml selenium venv build)
check_tools() {
  local missing=() tool
  for tool in "${tools[@]}"; do
    if [[ $tool == */* ]]; then [[ -x $tool ]] || missing+=("$tool")
    else command -v "$tool" >/dev/null || missing+=("$tool"); fi
  done
  # Debian's Python, as the Python client's tests use it.
  for tool in "${python_modules[@]}"; do
    /usr/bin/python3 -c "import $tool" 2>/dev/null || missing+=("python3 module $tool")
  done
  if ((${#missing[@]})); then
    echo "test: scripts/setup.sh left these missing: ${missing[*]}" >&2
    return 1
  fi
}
if [[ "${1:-}" == --check-tools ]]; then
  check_tools
  exit
fi

scripts/setup.sh
check_tools
# Off unless asked for: uncached (after any change to the set-up scripts)
# the container's set-up downloads and builds every tool again, which took
# up to an hour on 2 cores; cached it takes seconds.
case "${BILATERAL_FRESH_MACHINE_TEST:-0}" in
  0) ;;
  full) scripts/fresh_machine_test.sh --full ;;
  *) scripts/fresh_machine_test.sh ;;
esac

# Compiler results are cached by paths relative to the checkout, so a fresh
# clone elsewhere reuses what an earlier build compiled.
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true

# A throwaway PostgreSQL on loopback for the tests that run on it; stopped
# and removed when this script ends, however it ends.
pg_dir=$(mktemp -d /tmp/bilateral-pg.XXXXXX)
cleanup() {
  scripts/postgres.sh kill "$pg_dir" 2>/dev/null || true
  rm -rf "$pg_dir"
}
trap cleanup EXIT
BILATERAL_TEST_POSTGRES_URL=$(scripts/postgres.sh start "$pg_dir")
export BILATERAL_TEST_POSTGRES_URL
echo "== PostgreSQL for tests at ${BILATERAL_TEST_POSTGRES_URL}"

echo "== contract: buf lint, buf breaking against the released contract, docs/api.md"
scripts/contract.sh check
scripts/contract_test.sh
echo "== C++ formatting: .clang-format (scripts/format.sh --fix formats)"
scripts/format.sh --check

run_suite() {
  local preset=$1
  echo "== build ($preset)"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  echo "== ctest ($preset)"
  ctest --preset "$preset" -j2
}

# The scale-out test of the suite reaches the replicas through the gateway too.
echo "== build bilateral-gateway"
gateway/build.sh
run_suite release
# After the release build: the files include headers it generates.
echo "== clang-tidy: .clang-tidy over the hand-written code"
scripts/tidy.sh
echo "== clients for other languages, and gRPC tools"
scripts/clients_test.sh
echo "== HTTP/JSON gateway: curl, OpenAPI, the dossier page in headless Chromium"
gateway/test.sh
echo "== deployment files: Kubernetes manifests, Compose, nginx, Dockerfile"
scripts/deploy_check.py --server build/release/service/bilateral-server \
  --gateway build/gateway/bilateral-gateway \
  --nginx "$(command -v nginx || echo /usr/sbin/nginx)" --self-test
if [[ "${BILATERAL_IMAGE_TEST:-1}" == 1 ]]; then
  echo "== container image: build, run, health, seed visits, SIGTERM"
  scripts/image_test.sh
fi
if [[ "${BILATERAL_SANITIZE:-1}" == 1 ]]; then
  echo "== sanitizer reports are symbolized"
  scripts/symbolizer_check.sh
  run_suite asan
  run_suite tsan
  echo "== fuzzing: filter compiler, page tokens, import chunks, record validation"
  scripts/fuzz.sh
fi
