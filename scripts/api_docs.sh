#!/usr/bin/env bash
# Regenerates docs/api.md from the proto comments; with --check, fails when
# the committed file is stale instead of writing it.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
image=$(mktemp /tmp/bilateral-image.XXXXXX.json)
workspace=$("$root/scripts/proto_deps.sh" workspace "$root/proto")
trap 'rm -rf "$image" "$image.md" "$workspace"' EXIT
(cd "$workspace" && "$root/build/tools/node_modules/.bin/buf" build proto -o "$image")
python3 "$root/scripts/api_docs.py" "$image" >"$image.md"
if [[ "${1:-}" == "--check" ]]; then
  if ! diff -q "$image.md" "$root/docs/api.md" >/dev/null; then
    echo "docs/api.md is stale: run scripts/api_docs.sh and commit the result" >&2
    diff -u "$root/docs/api.md" "$image.md" | head -40 >&2 || true
    exit 1
  fi
else
  cp "$image.md" "$root/docs/api.md"
fi
