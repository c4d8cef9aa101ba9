#!/usr/bin/env bash
# Guards the API contract in proto/.
#
#   scripts/contract.sh check     buf lint; buf breaking against the released
#                                 contract (proto/released-contract.binpb);
#                                 docs/api.md up to date
#   scripts/contract.sh release   records proto/ as it is now as the released
#                                 contract, after a deliberate, reviewed change
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
buf="$root/build/tools/node_modules/.bin/buf"
baseline="released-contract.binpb"
cd "$root/proto"
case "${1:-check}" in
  check)
    "$buf" lint
    "$buf" breaking --against "$baseline"
    "$root/scripts/api_docs.sh" --check
    ;;
  release)
    "$buf" build --exclude-source-info -o "$baseline"
    echo "recorded proto/ as the released contract in proto/$baseline"
    ;;
  *) echo "usage: scripts/contract.sh check|release" >&2; exit 2 ;;
esac
