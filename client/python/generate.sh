#!/usr/bin/env bash
# Generates the Python modules of bilateral.v1 from proto/ into src/bilateral/
# (package `bilateral.v1`: messages, type stubs and gRPC stubs), replacing
# what was there, and writes src/bilateral_client/_version.py from VERSION.
# Neither is committed: build.sh and test.sh run this first.
#
# google.rpc is not generated: the generated modules never import it, and the
# helpers read errors with googleapis-common-protos and grpcio-status, the
# packages every Python gRPC program shares.
#
# Environment: BILATERAL_PROTO_DIR (default: the repository's proto/).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
proto_dir=${BILATERAL_PROTO_DIR:-$root/proto}
out="$here/src"
plugin=$(command -v grpc_python_plugin || true)
[[ -n "$plugin" ]] || { echo "generate: grpc_python_plugin not found; run client/python/setup.sh" >&2; exit 1; }

mapfile -t protos < <(cd "$proto_dir" && find bilateral -name '*.proto' | sort)

rm -rf "$out/bilateral"
# protoc resolves google/protobuf/*.proto (Any, Timestamp, ...) from its own
# include directory; the protobuf runtime ships their modules.
(cd "$proto_dir" && protoc -I . \
  --python_out="$out" --pyi_out="$out" \
  --plugin=protoc-gen-grpc_python="$plugin" --grpc_python_out="$out" \
  "${protos[@]}")
while IFS= read -r dir; do
  : >"$dir/__init__.py"
done < <(find "$out/bilateral" -type d)

version=$(tr -d '[:space:]' <"$root/VERSION")
printf '"""Written by generate.sh from VERSION."""\n\n__version__ = "%s"\n' "$version" \
  >"$out/bilateral_client/_version.py"
