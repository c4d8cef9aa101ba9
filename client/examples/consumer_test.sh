#!/usr/bin/env bash
# Builds client/examples/consumer against the SDK as installed from a build
# tree, then runs it against a live bilateral-server. Everything happens in a
# fresh temporary directory, the server listens on a free loopback port, and
# both are removed however the script ends.
#
#   consumer_test.sh BUILD_DIR SERVER CMAKE CXX_COMPILER BUILD_TYPE CXX_FLAGS [LAUNCHER]
set -euo pipefail

build_dir=$1 server=$2 cmake=$3 cxx=$4 build_type=$5 cxx_flags=$6 launcher=${7:-}
consumer_source=$(cd "$(dirname "${BASH_SOURCE[0]}")/consumer" && pwd)

# Neither the server nor the SDK may see a developer's own settings.
while read -r variable; do unset "$variable"; done < <(compgen -e | grep '^BILATERAL_' || true)

work=$(mktemp -d "${TMPDIR:-/tmp}/bilateral-consumer.XXXXXX")
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== install the SDK into $work/prefix"
"$cmake" --install "$build_dir" --prefix "$work/prefix" >"$work/install.log" ||
  { cat "$work/install.log"; exit 1; }

echo "== configure and build the consumer project"
"$cmake" -S "$consumer_source" -B "$work/build" -G Ninja \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_BUILD_TYPE="$build_type" -DCMAKE_CXX_FLAGS="$cxx_flags" \
  ${launcher:+-DCMAKE_CXX_COMPILER_LAUNCHER="$launcher"} >"$work/configure.log" ||
  { cat "$work/configure.log"; exit 1; }
"$cmake" --build "$work/build"

echo "== start bilateral-server"
"$server" --listen=127.0.0.1:0 --database="$work/server.db" --port_file="$work/port" \
  2>"$work/server.log" &
server_pid=$!
port=
for _ in $(seq 1 300); do
  # The file is complete once it holds a number and a newline.
  content=$(cat "$work/port" 2>/dev/null; echo .)
  if [[ ${content%.} =~ ^([0-9]+)$'\n'$ ]]; then
    port=${BASH_REMATCH[1]}
    break
  fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "bilateral-server exited early:"; cat "$work/server.log"; exit 1
  fi
  sleep 0.1
done
[[ -n $port ]] || { echo "bilateral-server wrote no port file:"; cat "$work/server.log"; exit 1; }

echo "== run the consumer against 127.0.0.1:$port"
"$work/build/list_visits" --endpoint "127.0.0.1:$port" | tee "$work/by-flag.txt"
grep -q '^visits/xi-jinping-kz-2024 ' "$work/by-flag.txt"
# The endpoint from the environment, and a filter.
BILATERAL_ENDPOINT="127.0.0.1:$port" "$work/build/list_visits" \
  --filter 'host_country = "KZ"' >"$work/by-env.txt"
grep -q '^visits/xi-jinping-kz-2024 ' "$work/by-env.txt"
echo "== ok"
