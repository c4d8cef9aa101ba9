#!/usr/bin/env bash
# Installs what the Go client and its tool checks need and is not yet
# installed: a Go toolchain (Debian 12's golang-go, Go 1.19, when there is no
# `go` at all) and, built from pinned module versions into build/tools/go-bin,
# the protoc plugins protoc-gen-go and protoc-gen-go-grpc, grpcurl and
# grpc-health-probe. Every version here builds with Go 1.19 and later.
# Idempotent and quiet when everything is already there.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
gobin="$root/build/tools/go-bin"

# module path to install, module that carries it, pinned version.
tools=(
  "google.golang.org/protobuf/cmd/protoc-gen-go google.golang.org/protobuf v1.34.1"
  "google.golang.org/grpc/cmd/protoc-gen-go-grpc google.golang.org/grpc/cmd/protoc-gen-go-grpc v1.3.0"
  "github.com/fullstorydev/grpcurl/cmd/grpcurl github.com/fullstorydev/grpcurl v1.9.1"
  "github.com/grpc-ecosystem/grpc-health-probe github.com/grpc-ecosystem/grpc-health-probe v0.4.15"
)
min_go_minor=19

missing=()
command -v go >/dev/null 2>&1 || missing+=(golang-go)
# protoc itself runs in generate.sh.
command -v protoc >/dev/null 2>&1 || missing+=(protobuf-compiler)
if ((${#missing[@]})); then
  "$(dirname "${BASH_SOURCE[0]}")/../../scripts/apt-install.sh" "go client" "${missing[@]}"
fi

go_version=$(go env GOVERSION)  # e.g. go1.19.8, go1.22.3
go_minor=$(sed -E 's/^go1\.([0-9]+).*/\1/' <<<"$go_version")
if ! [[ "$go_minor" =~ ^[0-9]+$ ]] || ((go_minor < min_go_minor)); then
  echo "setup (go client): $go_version is too old; Go 1.$min_go_minor or later is needed" >&2
  exit 1
fi

for tool in "${tools[@]}"; do
  read -r package module version <<<"$tool"
  binary="$gobin/$(basename "$package")"
  # `go version -m` lists the module versions a Go binary was built from.
  if [[ -x "$binary" ]] &&
    go version -m "$binary" 2>/dev/null | grep -qE "^[[:space:]]+mod[[:space:]]+$module[[:space:]]+$version([[:space:]]|$)"; then
    continue
  fi
  echo "setup (go client): installing $package@$version"
  mkdir -p "$gobin"
  # One package at a time: the build shares the machine with others.
  GOBIN="$gobin" go install -p 1 "$package@$version"
done
