#!/usr/bin/env bash
# Runs the tests of the clients generated for other languages
# (client/<language>/test.sh) and of standard gRPC tools against a live
# bilateral-server: started here on loopback with the seed data and API
# keys, on a throwaway database, and stopped when this script ends.
#
# Each test script gets, in its environment:
#   BILATERAL_ENDPOINT   host:port of the server (plaintext)
#   BILATERAL_API_KEY    a key with the writer role
#   BILATERAL_READER_KEY a key with the reader role
#   BILATERAL_PROTO_DIR  a copy of proto/ with the google/api protos it imports
# and must exit non-zero on failure.
#
#   scripts/clients_test.sh [LANGUAGE...]   (default: every client/*/test.sh)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
server=${BILATERAL_SERVER:-$root/build/release/service/bilateral-server}
[[ -x "$server" ]] || { echo "clients_test: build the release preset first ($server)" >&2; exit 1; }

work=$(mktemp -d /tmp/bilateral-clients.XXXXXX)
pid=
cleanup() {
  [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

BILATERAL_API_KEY=$("$server" keys create --keys_file="$work/keys" --id=clients --role=writer)
BILATERAL_READER_KEY=$("$server" keys create --keys_file="$work/keys" --id=reader --role=reader)
"$server" --listen=127.0.0.1:0 --port_file="$work/port" --database="$work/clients.db" \
  --keys_file="$work/keys" --log_level=warning 2>"$work/server.log" &
pid=$!
for _ in $(seq 1 300); do
  [[ -s "$work/port" ]] && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.1
done
[[ -s "$work/port" ]] || { echo "clients_test: the server did not start" >&2; exit 1; }

export BILATERAL_ENDPOINT="127.0.0.1:$(cat "$work/port")"
export BILATERAL_API_KEY BILATERAL_READER_KEY
# proto/ and the google/api files it imports (scripts/proto_deps.sh), in one
# folder, for generators that take one include folder.
"$root/scripts/proto_deps.sh" tree "$root/proto" "$work/proto"
export BILATERAL_PROTO_DIR="$work/proto"

test_scripts=("$root"/client/*/test.sh)
if (($#)); then
  test_scripts=()
  for language in "$@"; do test_scripts+=("$root/client/$language/test.sh"); done
fi
failed=()
for test_script in "${test_scripts[@]}"; do
  [[ -f "$test_script" ]] || { echo "clients_test: no $test_script" >&2; failed+=("$test_script"); continue; }
  name=$(basename "$(dirname "$test_script")")
  echo "== clients: $name"
  if ! bash "$test_script"; then failed+=("$name"); fi
done
if ((${#failed[@]})); then
  echo "clients_test: failed: ${failed[*]}" >&2
  exit 1
fi
