#!/usr/bin/env bash
# Shows that the contract guard catches breaking changes: on a copy of
# proto/, a renumbered field, a renamed field and a removed RPC must each
# make `buf breaking` fail against the released contract.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
buf="$root/build/tools/node_modules/.bin/buf"
work=$(mktemp -d /tmp/bilateral-contract.XXXXXX)
trap 'rm -rf "$work"' EXIT

expect_breaking() {
  local what=$1 file=$2 from=$3 to=$4
  rm -rf "$work/proto"
  cp -r "$root/proto" "$work/proto"
  grep -qF -- "$from" "$work/proto/$file" || { echo "contract_test: '$from' not in $file" >&2; exit 1; }
  python3 - "$work/proto/$file" "$from" "$to" <<'PY'
import sys
path, old, new = sys.argv[1:]
text = open(path).read()
open(path, "w").write(text.replace(old, new, 1))
PY
  if (cd "$work/proto" && "$buf" breaking --against "$root/proto/released-contract.binpb" >/dev/null 2>&1); then
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
  "  rpc Search(SearchRequest) returns (SearchResponse);" ""
