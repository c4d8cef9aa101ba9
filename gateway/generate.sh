#!/usr/bin/env bash
# Generates the gateway's Go code and its OpenAPI description from proto/
# into gateway/gen/ (not committed; every build generates it afresh, so it
# always matches proto/). Needs what setup.sh installs.
#
#   gen/bilateral/v1      package bilateralv1: messages, gRPC stubs and the
#                         HTTP handlers grpc-gateway generates from the
#                         google.api.http rule of each method
#   gen/openapi/bilateral.swagger.json
#                         one OpenAPI 2.0 description of every service
#
# The go_package options in proto/ name paths outside this module, so each
# file is mapped here (the M option) to a package of this module; google/api
# maps to the package grpc-gateway's runtime already links.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
proto_dir=${BILATERAL_PROTO_DIR:-$root/proto}
gobin="$root/build/tools/go-bin"
module=bilateral/gateway
googleapis=$("$root/scripts/proto_deps.sh" include)

for plugin in protoc-gen-go protoc-gen-go-grpc protoc-gen-grpc-gateway protoc-gen-openapiv2; do
  [[ -x "$gobin/$plugin" ]] || { echo "generate: $gobin/$plugin is missing; run gateway/setup.sh" >&2; exit 1; }
done

files=()
mappings=(
  "Mgoogle/api/annotations.proto=google.golang.org/genproto/googleapis/api/annotations"
  "Mgoogle/api/http.proto=google.golang.org/genproto/googleapis/api/annotations"
)
for file in "$proto_dir"/bilateral/v1/*.proto; do
  relative=${file#"$proto_dir"/}
  files+=("$relative")
  mappings+=("M$relative=$module/gen/bilateral/v1;bilateralv1")
done

options=()
for plugin in go go-grpc grpc-gateway openapiv2; do
  [[ $plugin == openapiv2 ]] || options+=("--${plugin}_opt=module=$module")
  for mapping in "${mappings[@]}"; do options+=("--${plugin}_opt=$mapping"); done
done

rm -rf "$here/gen"
mkdir -p "$here/gen/openapi"
protoc -I"$proto_dir" -I"$googleapis" \
  --plugin=protoc-gen-go="$gobin/protoc-gen-go" \
  --plugin=protoc-gen-go-grpc="$gobin/protoc-gen-go-grpc" \
  --plugin=protoc-gen-grpc-gateway="$gobin/protoc-gen-grpc-gateway" \
  --plugin=protoc-gen-openapiv2="$gobin/protoc-gen-openapiv2" \
  --go_out="$here" --go-grpc_out="$here" --grpc-gateway_out="$here" "${options[@]}" \
  --openapiv2_out="$here/gen/openapi" \
  --openapiv2_opt=allow_merge=true,merge_file_name=bilateral \
  --openapiv2_opt=disable_default_errors=false \
  "${files[@]}"
