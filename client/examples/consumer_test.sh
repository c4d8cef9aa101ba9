#!/usr/bin/env bash
# Packages the C++ SDK of a build tree as a Debian package with CPack,
# installs it with dpkg into a fresh root in a temporary directory, builds
# client/examples/consumer against it twice (CMake's find_package: the
# shared bilateral::client and bilateral::client_static; and pkg-config),
# and runs the programs against a live bilateral-server with API keys.
# Everything happens in the temporary directory, the server listens on a
# free loopback port, and both are removed however the script ends.
#
#   consumer_test.sh BUILD_DIR SERVER CMAKE CPACK CXX_COMPILER BUILD_TYPE CXX_FLAGS [LAUNCHER]
set -euo pipefail

build_dir=$1 server=$2 cmake=$3 cpack=$4 cxx=$5 build_type=$6 cxx_flags=$7 launcher=${8:-}
consumer_source=$(cd "$(dirname "${BASH_SOURCE[0]}")/consumer" && pwd)
version=$(tr -d '[:space:]' <"$(dirname "${BASH_SOURCE[0]}")/../../VERSION")

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
fail() {
  echo "consumer_test: FAILED: $*" >&2
  exit 1
}
# quietly LOG COMMAND...: runs COMMAND, its output in LOG, shown on failure.
quietly() {
  local log=$1
  shift
  "$@" >"$log" 2>&1 || { cat "$log"; fail "$*"; }
}

echo "== package the SDK with CPack"
quietly "$work/cpack.log" "$cpack" --config "$build_dir/CPackConfig.cmake" -B "$work/packages"
debs=("$work"/packages/*.deb)
((${#debs[@]} == 1)) || fail "CPack made ${#debs[@]} .deb files, want one"
deb=${debs[0]}
[[ "$(dpkg-deb -f "$deb" Package)" == libbilateral-client-dev ]] || fail "package name of $deb"
[[ "$(dpkg-deb -f "$deb" Version)" == "$version" ]] ||
  fail "package version $(dpkg-deb -f "$deb" Version), VERSION says $version"
echo "$(basename "$deb"): Depends: $(dpkg-deb -f "$deb" Depends)"

echo "== install it with dpkg into $work/root"
# A root of its own, so that the machine's /usr stays as it is; the
# packages the .deb depends on must be installed on the machine itself.
root="$work/root"
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
: >"$root/var/lib/dpkg/status"
quietly "$work/dpkg.log" dpkg --root="$root" --force-not-root --force-depends \
  --force-script-chrootless -i "$deb"
while read -r dependency; do
  name=${dependency%% *}
  dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q 'install ok installed' ||
    fail "the package depends on $name, which is not installed"
done < <(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/^ *//')

prefix="$root/usr"
libdir=$(dirname "$(find "$prefix" -name 'libbilateral_client.so' | head -1)")
[[ -n "$libdir" && -d "$libdir" ]] || fail "no libbilateral_client.so in the package"
major_minor=$(cut -d. -f1-2 <<<"$version")
soversion=$major_minor
[[ ${version%%.*} == 0 ]] || soversion=${version%%.*}
soname=$(objdump -p "$libdir/libbilateral_client.so" | awk '$1 == "SONAME" { print $2 }')
[[ "$soname" == "libbilateral_client.so.$soversion" ]] ||
  fail "SONAME $soname, want libbilateral_client.so.$soversion"
for file in "$libdir/libbilateral_client.a" "$libdir/libbilateral_proto.so.$soversion" \
  "$libdir/libbilateral_common.so.$soversion" "$prefix/include/bilateral/status.h" \
  "$libdir/pkgconfig/bilateral-client.pc" "$prefix/include/bilateral/visit_client.h" \
  "$prefix/include/bilateral/gen/bilateral/v1/visit.pb.h" "$prefix/include/bilateral/mocks/mock_visit_connection.h"; do
  [[ -e "$file" ]] || fail "the package lacks ${file#"$root"}"
done

echo "== configure and build the consumer project (find_package)"
quietly "$work/configure.log" "$cmake" -S "$consumer_source" -B "$work/build" -G Ninja \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_BUILD_TYPE="$build_type" -DCMAKE_CXX_FLAGS="$cxx_flags" \
  ${launcher:+-DCMAKE_CXX_COMPILER_LAUNCHER="$launcher"}
quietly "$work/build.log" "$cmake" --build "$work/build"
# Read whole before matching: grep -q stops early, and a long listing (a
# preloaded library adds lines) would end ldd with SIGPIPE under pipefail.
linked=$(ldd "$work/build/list_visits")
grep -q "$libdir/libbilateral_client.so.$soversion" <<<"$linked" ||
  fail "list_visits does not load the package's shared library: $linked"

echo "== build the consumer with pkg-config"
export PKG_CONFIG_PATH="$libdir/pkgconfig"
[[ "$(pkg-config --modversion bilateral-client)" == "$version" ]] || fail "pkg-config version"
read -ra pc_flags < <(pkg-config --cflags --libs bilateral-client)
quietly "$work/pkg-config.log" ${launcher:+"$launcher"} "$cxx" -std=c++17 $cxx_flags \
  -o "$work/list_visits_pc" "$consumer_source/main.cc" "${pc_flags[@]}" "-Wl,-rpath,$libdir"

echo "== start bilateral-server with an API key"
key=$("$server" keys create --keys_file="$work/keys" --id=consumer --role=writer)
"$server" --listen=127.0.0.1:0 --database="$work/server.db" --port_file="$work/port" \
  --keys_file="$work/keys" 2>"$work/server.log" &
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

echo "== run the consumers against 127.0.0.1:$port"
export BILATERAL_API_KEY=$key
"$work/build/list_visits" --endpoint "127.0.0.1:$port" | tee "$work/by-flag.txt"
grep -q '^visits/xi-jinping-kz-2024 ' "$work/by-flag.txt"
# The endpoint from the environment, and a filter; built with pkg-config.
BILATERAL_ENDPOINT="127.0.0.1:$port" "$work/list_visits_pc" \
  --filter 'host_country = "KZ"' >"$work/by-env.txt"
grep -q '^visits/xi-jinping-kz-2024 ' "$work/by-env.txt"
BILATERAL_ENDPOINT="127.0.0.1:$port" "$work/build/check_api"
echo "== ok"
