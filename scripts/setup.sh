#!/usr/bin/env bash
# Installs whatever the build and the tests need and is not yet installed.
# Idempotent and quiet when everything is already there. Debian 12.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

debian_packages=(
  g++ cmake ninja-build ccache pkg-config git
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler grpc-proto
  libabsl-dev libgtest-dev libgmock-dev
  libsqlite3-dev sqlite3 iso-codes
  # The API reference generator and the contract test.
  python3
  # PostgreSQL: the client library, and a server the tests start and stop.
  libpq-dev postgresql-15
  # Key hashing, TLS test certificates, and the /metrics HTTP port.
  libssl-dev openssl libcpp-httplib-dev
)
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
