#!/usr/bin/env bash
# Where the protos that proto/ imports from outside the project come from.
# google/api/annotations.proto and google/api/http.proto (the HTTP rules of
# every method) are Google's, shipped by Debian's golang-github-gogo-googleapis-dev
# (scripts/setup.sh installs it); nothing of them is copied into the repository.
#
#   scripts/proto_deps.sh include          prints the folder to pass to protoc as -I
#   scripts/proto_deps.sh workspace PROTO  prints a new buf workspace (a temporary
#                                          folder the caller removes) whose module
#                                          `proto` is PROTO and whose module
#                                          `googleapis` holds those two files, so
#                                          that `buf lint proto`, `buf breaking
#                                          proto` and `buf build proto` resolve them
#   scripts/proto_deps.sh tree PROTO OUT   copies PROTO and those two files into
#                                          the new folder OUT: one include folder
#                                          for generators that take only one
set -euo pipefail
include=/usr/share/gocode/src/github.com/gogo/googleapis
files=(google/api/annotations.proto google/api/http.proto)
for file in "${files[@]}"; do
  [[ -f "$include/$file" ]] || {
    echo "proto_deps: $include/$file is missing; run scripts/setup.sh" >&2
    exit 1
  }
done
case "${1:-}" in
  include) echo "$include" ;;
  workspace)
    proto=$(cd "${2:?usage: proto_deps.sh workspace PROTO_DIR}" && pwd)
    work=$(mktemp -d /tmp/bilateral-buf.XXXXXX)
    ln -s "$proto" "$work/proto"
    mkdir -p "$work/googleapis/google/api"
    for file in "${files[@]}"; do ln -s "$include/$file" "$work/googleapis/$file"; done
    printf 'version: v1\ndirectories:\n  - proto\n  - googleapis\n' >"$work/buf.work.yaml"
    echo "$work"
    ;;
  tree)
    proto=${2:?usage: proto_deps.sh tree PROTO_DIR OUT_DIR}
    out=${3:?usage: proto_deps.sh tree PROTO_DIR OUT_DIR}
    mkdir "$out"
    cp -r "$proto/." "$out"
    for file in "${files[@]}"; do install -D -m 0644 "$include/$file" "$out/$file"; done
    ;;
  *) echo "usage: scripts/proto_deps.sh include | workspace PROTO_DIR | tree PROTO_DIR OUT_DIR" >&2; exit 2 ;;
esac
