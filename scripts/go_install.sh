#!/usr/bin/env bash
# Builds Go tools from pinned module versions into a folder, skipping those
# already built from that version. Quiet when nothing is missing.
#   scripts/go_install.sh WHO GOBIN "PACKAGE VERSION"...   WHO names the caller
#   e.g. scripts/go_install.sh gateway build/tools/go-bin \
#          "google.golang.org/protobuf/cmd/protoc-gen-go v1.34.1"
set -euo pipefail
who=$1
gobin=$2
shift 2
for tool in "$@"; do
  read -r package version <<<"$tool"
  binary="$gobin/$(basename "$package")"
  # `go version -m` names the version of the main module a binary came from.
  if [[ -x "$binary" ]] &&
    go version -m "$binary" 2>/dev/null | grep -qE "^[[:space:]]+mod[[:space:]]+[^[:space:]]+[[:space:]]+$version([[:space:]]|$)"; then
    continue
  fi
  echo "setup ($who): installing $package@$version"
  mkdir -p "$gobin"
  # One package at a time: the build shares the machine with others.
  GOBIN="$gobin" go install -p 1 "$package@$version"
done
