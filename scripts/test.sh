#!/usr/bin/env bash
# Sets up what is missing, builds, and runs every test: the proto lint, then
# the whole ctest suite on the release build and again under AddressSanitizer
# and UndefinedBehaviorSanitizer. BILATERAL_SANITIZE=0 skips the second run.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
scripts/setup.sh

echo "== buf lint"
(cd proto && ../build/tools/node_modules/.bin/buf lint)

run_suite() {
  local preset=$1
  echo "== build ($preset)"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  echo "== ctest ($preset)"
  ctest --preset "$preset" -j2
}

run_suite release
if [[ "${BILATERAL_SANITIZE:-1}" == 1 ]]; then
  run_suite asan
fi
