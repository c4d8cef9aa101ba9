#!/usr/bin/env bash
# Generates the gateway's code from proto/ and builds build/gateway/bilateral-gateway.
# Needs what setup.sh installs.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
out=${1:-$root/build/gateway/bilateral-gateway}
bash "$here/generate.sh"
mkdir -p "$(dirname "$out")"
(cd "$here" && CGO_ENABLED=0 go build -p 1 -trimpath -o "$out" .)
