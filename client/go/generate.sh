#!/usr/bin/env bash
# Generates the Go messages and gRPC stubs from proto/ into client/go/gen/.
# The generated code is not committed: every test run generates it afresh,
# so it always matches proto/. Needs protoc and the plugins setup.sh installs.
#
#   gen/bilateral/v1  package bilateralv1  every file of proto/bilateral/v1
#   gen/google/rpc    package rpcpb        BadRequest and ErrorInfo, from the
#                                          project's copy of error_details.proto
#
# The go_package options in proto/ name paths outside this module, so each
# file is mapped here (protoc-gen-go's M option) to a package of this module.
# proto/google/rpc/status.proto is not generated: grpc-go always links
# google.golang.org/genproto's google.rpc.Status (the same message, read with
# grpc's status package), and protobuf-go refuses to register a proto name
# twice in one program.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
proto_dir=${BILATERAL_PROTO_DIR:-$root/proto}
gobin="$root/build/tools/go-bin"
module=bilateral/client/go

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
files+=(google/rpc/error_details.proto)
mappings+=("Mgoogle/rpc/error_details.proto=$module/gen/google/rpc;rpcpb")

go_opts=("--go_opt=module=$module")
grpc_opts=("--go-grpc_opt=module=$module")
for mapping in "${mappings[@]}"; do
  go_opts+=("--go_opt=$mapping")
  grpc_opts+=("--go-grpc_opt=$mapping")
done

rm -rf "$here/gen"
mkdir -p "$here/gen"
protoc -I"$proto_dir" \
  --plugin=protoc-gen-go="$gobin/protoc-gen-go" \
  --plugin=protoc-gen-go-grpc="$gobin/protoc-gen-go-grpc" \
  --go_out="$here" "${go_opts[@]}" \
  --go-grpc_out="$here" "${grpc_opts[@]}" \
  "${files[@]}"
