#!/usr/bin/env bash
# Guards the API contract in proto/.
#
#   scripts/contract.sh check     buf lint; buf breaking against the released
#                                 contract (proto/released-contract.binpb);
#                                 every method has an HTTP route and no
#                                 released route changed (scripts/http_rules.py);
#                                 docs/api.md up to date
#   scripts/contract.sh release   records proto/ as it is now as the released
#                                 contract, after a deliberate, reviewed change
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
buf="$root/build/tools/node_modules/.bin/buf"
baseline="$root/proto/released-contract.binpb"
# proto/ imports google/api/*.proto from a Debian package: buf reads both
# through a workspace (scripts/proto_deps.sh).
workspace=$("$root/scripts/proto_deps.sh" workspace "$root/proto")
trap 'rm -rf "$workspace"' EXIT
cd "$workspace"
case "${1:-check}" in
  check)
    "$buf" lint proto
    "$buf" breaking proto --against "$baseline"
    # The HTTP routes (google.api.http), which buf breaking does not compare.
    "$buf" build proto -o current.json
    "$buf" build "$baseline" -o released.json
    python3 "$root/scripts/http_rules.py" current.json released.json
    "$root/scripts/api_docs.sh" --check
    ;;
  release)
    "$buf" build proto --exclude-source-info -o "$baseline"
    echo "recorded proto/ as the released contract in proto/$(basename "$baseline")"
    ;;
  *) echo "usage: scripts/contract.sh check|release" >&2; exit 2 ;;
esac
