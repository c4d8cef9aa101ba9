#!/usr/bin/env bash
# Builds the bilateral-client wheel (and sdist) into DIST_DIR (default
# client/python/dist): generates the modules, then runs `python -m build`.
# The build gets setuptools from the package index into an isolated
# environment, as every PEP 517 build does.
#
# Usage: build.sh [DIST_DIR]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dist=${1:-$here/dist}
python=${BILATERAL_PYTHON:-/usr/bin/python3}

bash "$here/generate.sh"
# No bytecode or egg-info left in the source tree.
export PYTHONDONTWRITEBYTECODE=1
log=$(mktemp)
trap 'rm -f "$log"; rm -rf "$here"/src/*.egg-info "$here/build"' EXIT
"$python" -m build --outdir "$dist" "$here" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
ls "$dist"/bilateral_client-*.whl
