#!/usr/bin/env bash
# Installs what the gateway needs to be generated and built and is not yet
# installed: Go (Debian 12's golang-go, Go 1.19, when there is no `go` at
# all), protoc, the Debian package with google/api/*.proto, and, built from
# pinned module versions into build/tools/go-bin, the protoc plugins
# protoc-gen-go, protoc-gen-go-grpc, protoc-gen-grpc-gateway and
# protoc-gen-openapiv2. Every version here builds with Go 1.19 and later.
# Without --build-only, also what test.sh needs: Debian's headless Chromium,
# its driver and Selenium, and the npm packages of check/ (package-lock.json).
# Idempotent and quiet when everything is already there.
#   gateway/setup.sh [--build-only]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
gobin="$root/build/tools/go-bin"

# module path to install, pinned version (the module is the package's own).
plugins=(
  "google.golang.org/protobuf/cmd/protoc-gen-go v1.34.1"
  "google.golang.org/grpc/cmd/protoc-gen-go-grpc v1.3.0"
  "github.com/grpc-ecosystem/grpc-gateway/v2/protoc-gen-grpc-gateway v2.19.1"
  "github.com/grpc-ecosystem/grpc-gateway/v2/protoc-gen-openapiv2 v2.19.1"
)

missing=()
command -v go >/dev/null 2>&1 || missing+=(golang-go)
command -v protoc >/dev/null 2>&1 || missing+=(protobuf-compiler)
# ca-certificates: the Go module downloads go over TLS.
"$root/scripts/apt-install.sh" gateway "${missing[@]}" golang-github-gogo-googleapis-dev ca-certificates
if [[ "${1:-}" != --build-only ]]; then
  "$root/scripts/apt-install.sh" "gateway tests" chromium chromium-driver python3-selenium curl
  command -v npm >/dev/null 2>&1 || "$root/scripts/apt-install.sh" "gateway tests" nodejs npm
  if ! (cd "$here/check" && node -e 'require("@apidevtools/swagger-parser")' 2>/dev/null); then
    echo "setup (gateway): installing the npm packages of gateway/check"
    (cd "$here/check" && npm ci --no-fund --no-audit --loglevel=error >/dev/null)
  fi
fi

"$root/scripts/go_install.sh" gateway "$gobin" "${plugins[@]}"
