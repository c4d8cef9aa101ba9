#!/usr/bin/env bash
# Tests the Go client and the standard gRPC tools against a live server:
# checks that the committed gen/ is what proto/ generates, vets the module,
# runs the Go tests and the example, builds and runs a consumer module
# outside the repository that requires this one, then checks grpcurl
# (through server reflection only) and grpc-health-probe.
# Needs BILATERAL_ENDPOINT (host:port, plaintext), BILATERAL_API_KEY (a
# writer's key) and optionally BILATERAL_READER_KEY, as scripts/clients_test.sh
# sets them. Exits non-zero, saying what did not match, on any failure.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
gobin="$root/build/tools/go-bin"
: "${BILATERAL_ENDPOINT:?set BILATERAL_ENDPOINT to host:port of a live server}"
: "${BILATERAL_API_KEY:?set BILATERAL_API_KEY to a writer key}"

fail() {
  echo "client/go: FAILED: $*" >&2
  exit 1
}

bash "$here/setup.sh"
cd "$here"
bash generate.sh --check
go vet ./...
go test -p 1 -count=1 -v .
go run ./example >/dev/null || fail "the example (go run ./example) failed"

# A module of its own, outside the repository, that requires this one at the
# release's version; `replace` points it here instead of a repository host.
module=$(sed -n 's/^module[[:space:]]*//p' go.mod)
consumer=$(mktemp -d /tmp/bilateral-go-consumer.XXXXXX)
trap 'rm -rf "$consumer"' EXIT
cp testdata/consumer/main.go "$consumer/"
cat >"$consumer/go.mod" <<MOD
module consumer

go 1.19

require $module v$(tr -d '[:space:]' <"$root/VERSION")

replace $module => $here
MOD
(cd "$consumer" && go mod tidy && go vet . && go run .) || fail "the consumer module outside the tree failed"

# run_tool NAME COMMAND...: runs a tool, keeping its output in $output; fails
# when it exits non-zero.
output=
run_tool() {
  local name=$1
  shift
  if ! output=$("$@" 2>&1); then
    fail "$name exited non-zero: $*"$'\n'"$output"
  fi
}
# expect WHAT TEXT: fails when $output does not contain TEXT.
expect() {
  [[ "$output" == *"$2"* ]] || fail "$1: the output lacks '$2':"$'\n'"$output"
}

grpcurl=("$gobin/grpcurl" -plaintext)
auth=(-H "authorization: Bearer $BILATERAL_API_KEY")

run_tool "grpcurl list" "${grpcurl[@]}" "$BILATERAL_ENDPOINT" list
expect "grpcurl list (server reflection)" "bilateral.v1.VisitService"
expect "grpcurl list (server reflection)" "grpc.health.v1.Health"

run_tool "grpcurl describe" "${grpcurl[@]}" "$BILATERAL_ENDPOINT" describe bilateral.v1.Visit
expect "grpcurl describe bilateral.v1.Visit" "message Visit {"
expect "grpcurl describe bilateral.v1.Visit" "string host_country = 3;"

visit_request='{"name":"visits/xi-jinping-kz-2024"}'
run_tool "grpcurl GetVisit" "${grpcurl[@]}" "${auth[@]}" -d "$visit_request" \
  "$BILATERAL_ENDPOINT" bilateral.v1.VisitService/GetVisit
expect "grpcurl GetVisit" '"name": "visits/xi-jinping-kz-2024"'
expect "grpcurl GetVisit" '"countries/KZ"'
expect "grpcurl GetVisit" '"name": "Xi Jinping"'

# Without the key the same call is refused.
if output=$("${grpcurl[@]}" -d "$visit_request" "$BILATERAL_ENDPOINT" \
  bilateral.v1.VisitService/GetVisit 2>&1); then
  fail "grpcurl GetVisit without a key succeeded:"$'\n'"$output"
fi
expect "grpcurl GetVisit without a key" "Code: Unauthenticated"

run_tool "grpc-health-probe" "$gobin/grpc-health-probe" -addr="$BILATERAL_ENDPOINT"
expect "grpc-health-probe" "SERVING"

echo "client/go: go test, the example, grpcurl and grpc-health-probe passed"
