#!/usr/bin/env bash
# Generates the Python modules for every proto in proto/ (bilateral/v1 and the
# project's google/rpc copies) into build/gen/python, replacing what was there.
# Generated code is never committed: test.sh runs this before every test run.
#
# Environment: BILATERAL_PROTO_DIR (default: the repository's proto/),
# BILATERAL_PYTHON_GEN_DIR (default: build/gen/python in the repository).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
proto_dir=${BILATERAL_PROTO_DIR:-$root/proto}
out=${BILATERAL_PYTHON_GEN_DIR:-$root/build/gen/python}
plugin=$(command -v grpc_python_plugin || true)
[[ -n "$plugin" ]] || { echo "generate: grpc_python_plugin not found; run client/python/setup.sh" >&2; exit 1; }

mapfile -t protos < <(cd "$proto_dir" && find bilateral google -name '*.proto' | sort)

rm -rf "$out"
mkdir -p "$out"
# protoc resolves google/protobuf/*.proto (Any, Timestamp, ...) from its own
# include directory; the Python runtime ships their modules.
(cd "$proto_dir" && protoc -I . \
  --python_out="$out" --pyi_out="$out" \
  --plugin=protoc-gen-grpc_python="$plugin" --grpc_python_out="$out" \
  "${protos[@]}")

# Regular packages, so that an installed googleapis-common-protos cannot
# shadow our google.rpc copies: this folder comes first on sys.path and
# `google` extends its path to the other `google` folders (google.protobuf).
printf '%s\n' '__path__ = __import__("pkgutil").extend_path(__path__, __name__)' >"$out/google/__init__.py"
while IFS= read -r dir; do
  [[ -e "$dir/__init__.py" ]] || : >"$dir/__init__.py"
done < <(find "$out" -mindepth 1 -type d)
