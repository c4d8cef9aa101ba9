#!/usr/bin/env bash
# Sets up what is missing, builds, and runs every test: the contract guard
# (lint, breaking changes, API reference), the whole ctest suite on the
# release build, the clients for other languages and gRPC tools against a
# live server, the HTTP/JSON gateway (curl, OpenAPI, a browser), the
# deployment files and the container image (built and run;
# BILATERAL_IMAGE_TEST=0 skips it), and the ctest suite again under
# AddressSanitizer and UndefinedBehaviorSanitizer and under ThreadSanitizer,
# then the fuzz targets for a bounded time (scripts/fuzz.sh).
# BILATERAL_SANITIZE=0 skips these three.
# Suites that hold both stores to one contract also run on a throwaway
# PostgreSQL server started here.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
scripts/setup.sh

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
  run_suite asan
  run_suite tsan
  echo "== fuzzing: filter compiler, page tokens, import chunks, record validation"
  scripts/fuzz.sh
fi
