#!/usr/bin/env bash
# Builds the bilateral-client wheel from proto/ and tests it as a consumer
# would: outside the tree, in fresh virtual environments that install it with
# pip beside googleapis-common-protos and google-api-core, against the live
# server named by BILATERAL_ENDPOINT with the keys in BILATERAL_API_KEY
# (writer) and BILATERAL_READER_KEY (reader). scripts/clients_test.sh starts
# that server and runs this script.
#
# Two environments, the ends of the supported range: the oldest releases
# (constraints-oldest.txt, Debian 12's gRPC 1.51 and protobuf 4.21) and the
# newest the package index has. Both run test_client.py; the newest also runs
# example.py.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
python=${BILATERAL_PYTHON:-/usr/bin/python3}
: "${BILATERAL_ENDPOINT:?set BILATERAL_ENDPOINT to host:port of a live server}"

work=$(mktemp -d /tmp/bilateral-python.XXXXXX)
trap 'rm -rf "$work"' EXIT

bash "$here/setup.sh"
wheel=$(bash "$here/build.sh" "$work/dist")
echo "client/python: built $(basename "$wheel")"

# The consumer's files, away from the source tree, so that only the
# installed package can be imported.
mkdir "$work/consumer"
cp "$here/test_client.py" "$here/example.py" "$work/consumer/"
export PYTHONDONTWRITEBYTECODE=1

# run_in ENV PIP_ARGS...: a fresh environment with the wheel and PIP_ARGS.
make_env() {
  local env=$1
  shift
  "$python" -m venv "$work/$env"
  "$work/$env/bin/pip" install -q --disable-pip-version-check \
    "$wheel" googleapis-common-protos google-api-core pytest "$@"
  echo "client/python: $env: $("$work/$env/bin/pip" list --disable-pip-version-check 2>/dev/null |
    grep -Ei '^(grpcio|grpcio-status|protobuf|googleapis-common-protos|google-api-core) ' |
    tr -s ' ' | paste -sd, -)"
}
run_tests() {
  (cd "$work/consumer" && "$work/$1/bin/python" -m pytest -q -p no:cacheprovider test_client.py)
}

make_env oldest --constraint "$here/constraints-oldest.txt"
run_tests oldest

make_env newest
run_tests newest
(cd "$work/consumer" && "$work/newest/bin/python" example.py >"$work/example.out") ||
  { cat "$work/example.out" >&2; echo "client/python: FAILED: example.py" >&2; exit 1; }
grep -q '^visits/xi-jinping-kz-2024: ' "$work/example.out" ||
  { cat "$work/example.out" >&2; echo "client/python: FAILED: example.py printed no visit" >&2; exit 1; }
