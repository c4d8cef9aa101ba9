#!/usr/bin/env bash
# Generates the Go messages and gRPC stubs of bilateral.v1 from proto/ into
# gen/bilateral/v1 (package bilateralv1), replacing what was there. The
# generated code is committed, so that `go get` of this module needs nothing
# else; after a change to proto/, run this and commit the result.
#
#   generate.sh           regenerate gen/
#   generate.sh --check   regenerate into a temporary folder and fail, naming
#                         the files, when it differs from the committed gen/
#
# The go_package options in proto/ name paths outside this module, so each
# file is mapped here (protoc-gen-go's M option) to a package of this module.
# Google's own protos map to the Go packages every gRPC program shares:
# google/rpc to google.golang.org/genproto/googleapis/rpc, google/api (HTTP
# annotations) to google.golang.org/genproto/googleapis/api; the project's
# proto/google/rpc copies are never generated here (protobuf-go stops a
# program at start-up when two packages register the same proto name).
# Needs protoc and the plugins setup.sh installs.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
proto_dir=${BILATERAL_PROTO_DIR:-$root/proto}
gobin="$root/build/tools/go-bin"
module=$(sed -n 's/^module[[:space:]]*//p' "$here/go.mod")

check=false
case "${1:-}" in
  --check) check=true ;;
  "") ;;
  *) echo "usage: generate.sh [--check]" >&2; exit 2 ;;
esac

for plugin in protoc-gen-go protoc-gen-go-grpc; do
  [[ -x "$gobin/$plugin" ]] || { echo "generate: $gobin/$plugin is missing; run client/go/setup.sh" >&2; exit 1; }
done

files=()
mappings=()
for file in "$proto_dir"/bilateral/v1/*.proto; do
  relative=${file#"$proto_dir"/}
  files+=("$relative")
  mappings+=("M$relative=$module/gen/bilateral/v1;bilateralv1")
done
mappings+=(
  "Mgoogle/rpc/status.proto=google.golang.org/genproto/googleapis/rpc/status;status"
  "Mgoogle/rpc/error_details.proto=google.golang.org/genproto/googleapis/rpc/errdetails;errdetails"
  "Mgoogle/rpc/code.proto=google.golang.org/genproto/googleapis/rpc/code;code"
)
for file in google/api/annotations.proto google/api/http.proto google/api/field_behavior.proto \
  google/api/resource.proto google/api/client.proto; do
  mappings+=("M$file=google.golang.org/genproto/googleapis/api/annotations;annotations")
done

go_opts=("--go_opt=module=$module")
grpc_opts=("--go-grpc_opt=module=$module")
for mapping in "${mappings[@]}"; do
  go_opts+=("--go_opt=$mapping")
  grpc_opts+=("--go-grpc_opt=$mapping")
done

out="$here"
if $check; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
rm -rf "$out/gen"
mkdir -p "$out/gen"
# google/api (the HTTP rules) from where scripts/proto_deps.sh says.
protoc -I"$proto_dir" -I"$("$root/scripts/proto_deps.sh" include)" \
  --plugin=protoc-gen-go="$gobin/protoc-gen-go" \
  --plugin=protoc-gen-go-grpc="$gobin/protoc-gen-go-grpc" \
  --go_out="$out" "${go_opts[@]}" \
  --go-grpc_out="$out" "${grpc_opts[@]}" \
  "${files[@]}"

if $check; then
  if ! diff -r "$here/gen" "$out/gen" >"$out/diff" 2>&1; then
    echo "client/go: gen/ is stale; run client/go/generate.sh and commit the result:" >&2
    cat "$out/diff" >&2
    exit 1
  fi
  echo "client/go: gen/ matches proto/"
fi
