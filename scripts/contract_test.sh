#!/usr/bin/env bash
# Shows that the contract guard catches breaking changes: on a copy of
# proto/, a renumbered field, a renamed field and a removed RPC must each
# make `buf breaking` fail against the released contract, and a changed HTTP
# route and a method without one must make scripts/http_rules.py fail.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
buf="$root/build/tools/node_modules/.bin/buf"
work=$(mktemp -d /tmp/bilateral-contract.XXXXXX)
mkdir "$work/proto"
workspace=$("$root/scripts/proto_deps.sh" workspace "$work/proto")
trap 'rm -rf "$work" "$workspace"' EXIT

# expect_breaking WHAT FILE FROM TO [http]: replaces FROM with TO in a fresh
# copy of FILE; buf breaking (or, with http, the HTTP route check) must fail.
expect_breaking() {
  local what=$1 file=$2 from=$3 to=$4 check=${5:-buf}
  rm -rf "$work/proto"
  cp -r "$root/proto" "$work/proto"
  grep -qF -- "$from" "$work/proto/$file" || { echo "contract_test: '$from' not in $file" >&2; exit 1; }
  python3 - "$work/proto/$file" "$from" "$to" <<'PY'
import sys
path, old, new = sys.argv[1:]
text = open(path).read()
open(path, "w").write(text.replace(old, new, 1))
PY
  if [[ $check == http ]]; then
    if (cd "$workspace" && "$buf" build proto -o current.json &&
      "$buf" build "$root/proto/released-contract.binpb" -o released.json &&
      python3 "$root/scripts/http_rules.py" current.json released.json) >/dev/null 2>&1; then
      echo "contract_test: $what was not caught" >&2
      exit 1
    fi
  elif (cd "$workspace" && "$buf" breaking proto --against "$root/proto/released-contract.binpb" >/dev/null 2>&1); then
    echo "contract_test: $what was not caught" >&2
    exit 1
  fi
  echo "contract_test: $what is caught"
}

expect_breaking "a renumbered field" bilateral/v1/visit.proto \
  "int32 reported_ordinal = 10;" "int32 reported_ordinal = 30;"
expect_breaking "a renamed field" bilateral/v1/trade.proto \
  "optional double reported_change_pct = 8;" "optional double stated_change_pct = 8;"
expect_breaking "a removed method" bilateral/v1/search.proto \
  "  rpc Search(SearchRequest) returns (SearchResponse) {
    option (google.api.http) = {get: \"/v1/search\"};
  }" ""
expect_breaking "a changed HTTP route" bilateral/v1/visit.proto \
  'get: "/v1/{name=visits/*}"' 'get: "/v1/{name=trips/*}"' http
expect_breaking "a method without an HTTP route" bilateral/v1/search.proto \
  'option (google.api.http) = {get: "/v1/search"};' "" http
expect_breaking "two methods on one route" bilateral/v1/finding.proto \
  'get: "/v1/findings"' 'get: "/v1/visits"' http
