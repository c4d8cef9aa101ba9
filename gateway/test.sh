#!/usr/bin/env bash
# Tests bilateral-gateway: its Go tests (errors, API keys, deadlines, health,
# the served OpenAPI description against the protos' HTTP rules), the OpenAPI
# description against the specification, then end to end on loopback with a
# real bilateral-server (seed data, API keys, a throwaway database): the
# curl calls of the README (list, get, create with a field violation, update
# with an etag, delete), the change stream, and the dossier page in headless
# Chromium (browser_test.py), which saves screenshots under
# build/gateway/screenshots. Exits non-zero, saying what did not match.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
server=${BILATERAL_SERVER:-$root/build/release/service/bilateral-server}
[[ -x "$server" ]] || { echo "gateway/test.sh: build the release preset first ($server)" >&2; exit 1; }

bash "$here/setup.sh"
bash "$here/build.sh"
gateway="$root/build/gateway/bilateral-gateway"

passed=0
failed=0
fail() {
  echo "gateway: FAILED: $*" >&2
  failed=$((failed + 1))
}
pass() {
  echo "gateway: ok: $*"
  passed=$((passed + 1))
}

echo "== gateway: go vet, go test"
(cd "$here" && go vet ./... && go test -p 1 -count=1 .) && pass "go test" || fail "go test"

echo "== gateway: the OpenAPI description against the specification"
(cd "$here/check" && node validate_openapi.js "$here/gen/openapi/bilateral.swagger.json") &&
  pass "OpenAPI description is valid" || fail "OpenAPI validation"

work=$(mktemp -d /tmp/bilateral-gateway.XXXXXX)
server_pid=
gateway_pid=
cleanup() {
  [[ -n "$gateway_pid" ]] && kill "$gateway_pid" 2>/dev/null && wait "$gateway_pid" 2>/dev/null
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# wait_for_port FILE PID LOG: waits until the process wrote its port.
wait_for_port() {
  for _ in $(seq 1 300); do
    [[ -s "$1" ]] && return 0
    kill -0 "$2" 2>/dev/null || { cat "$3" >&2; return 1; }
    sleep 0.1
  done
  echo "gateway/test.sh: no port in $1" >&2
  return 1
}

writer=$("$server" keys create --keys_file="$work/keys" --id=gateway-writer --role=writer)
reader=$("$server" keys create --keys_file="$work/keys" --id=gateway-reader --role=reader)
"$server" --listen=127.0.0.1:0 --port_file="$work/server-port" --database="$work/gateway.db" \
  --keys_file="$work/keys" --log_level=warning 2>"$work/server.log" &
server_pid=$!
wait_for_port "$work/server-port" "$server_pid" "$work/server.log"
"$gateway" --listen=127.0.0.1:0 --port_file="$work/gateway-port" \
  --backends="127.0.0.1:$(cat "$work/server-port")" 2>"$work/gateway.log" &
gateway_pid=$!
wait_for_port "$work/gateway-port" "$gateway_pid" "$work/gateway.log"
base="http://127.0.0.1:$(cat "$work/gateway-port")"

# call NAME EXPECTED_HTTP_CODE CURL_ARGS...: runs curl, keeps the body in
# $body, and checks the HTTP code.
body=
call() {
  local name=$1 want=$2 code
  shift 2
  code=$(curl -sS -o "$work/body" -w '%{http_code}' "$@") || { fail "$name: curl failed"; body=; return 1; }
  body=$(cat "$work/body")
  if [[ "$code" != "$want" ]]; then
    fail "$name: HTTP $code, want $want: $body"
    return 1
  fi
}
# expect NAME TEXT: checks that $body contains TEXT.
expect() {
  if [[ "$body" == *"$2"* ]]; then pass "$1"; else fail "$1: the body lacks '$2': $body"; fi
}
# field PATH: prints a field of $body (a JSON object), e.g. field etag.
field() { python3 -c 'import json,sys; v=json.loads(sys.argv[1]); [v := v[k] for k in sys.argv[2].split(".")]; print(v)' "$body" "$1"; }

auth=(-H "Authorization: Bearer $writer")
json=(-H 'Content-Type: application/json')
echo "== gateway: curl through the gateway to $(cat "$work/server-port")"

call healthz 200 "$base/healthz" && expect "/healthz is SERVING" '"status":"SERVING"'

call "list visits" 200 "${auth[@]}" -G "$base/v1/visits" \
  --data-urlencode 'filter=host_country = "KZ"' --data-urlencode 'order_by=start_date' --data-urlencode 'page_size=2' &&
  expect "list visits: first page" '"name":"visits/xi-jinping-kz-2013"' &&
  expect "list visits: next page token" '"nextPageToken":'

call "get a visit" 200 -H "Authorization: Bearer $reader" "$base/v1/visits/xi-jinping-kz-2024" &&
  expect "get a visit (reader key)" '"hostCountry":"countries/KZ"'

call "without a key" 401 "$base/v1/visits/xi-jinping-kz-2024" &&
  expect "without a key: UNAUTHENTICATED as google.rpc.Status" '"code":16'
call "reader writes" 403 -H "Authorization: Bearer $reader" "${json[@]}" -X POST "$base/v1/visits" -d '{}' &&
  expect "a reader's create: PERMISSION_DENIED" '"code":7'

call "create with a field violation" 400 "${auth[@]}" "${json[@]}" -X POST "$base/v1/visits" \
  -d '{"visitor":{"name":"Test Visitor","country":"FR"},"startDate":{"year":2019}}' &&
  expect "create: BadRequest detail" '"@type":"type.googleapis.com/google.rpc.BadRequest"' &&
  expect "create: the violated field" '"field":"visit.host_country"' &&
  expect "create: ErrorInfo reason" '"reason":"FIELD_VIOLATION"'

visit='{"visitor":{"name":"Test Visitor","country":"FR"},"hostCountry":"KZ","startDate":{"year":2019},
  "citations":[{"source":"sources/xi-kazakhstan-sco-2024","quote":"In 2013, during his visit to Kazakhstan, Xi first proposed the Silk Road Economic Belt initiative."}]}'
call "create" 200 "${auth[@]}" "${json[@]}" -X POST "$base/v1/visits?visit_id=gateway-test" -d "$visit" &&
  expect "create: the new visit" '"name":"visits/gateway-test"'
first_etag=$(field etag)

call "update with the etag" 200 "${auth[@]}" "${json[@]}" -X PATCH "$base/v1/visits/gateway-test" \
  -d "{\"outcomes\":[\"talks\"],\"etag\":\"$first_etag\"}" &&
  expect "update: the new value" '"outcomes":["talks"]' &&
  expect "update: the mask came from the body (other fields kept)" '"hostCountry":"countries/KZ"'
second_etag=$(field etag)
[[ "$second_etag" != "$first_etag" ]] && pass "update: a new etag" || fail "update: the etag did not change"

call "update with a stale etag" 409 "${auth[@]}" "${json[@]}" -X PATCH "$base/v1/visits/gateway-test" \
  -d "{\"outcomes\":[\"lost\"],\"etag\":\"$first_etag\"}" &&
  expect "update with a stale etag: ABORTED" '"reason":"ETAG_MISMATCH"'
call "delete with a stale etag" 409 "${auth[@]}" -X DELETE "$base/v1/visits/gateway-test?etag=$first_etag" &&
  expect "delete with a stale etag: ABORTED" '"code":10'
call "delete" 200 "${auth[@]}" -X DELETE "$base/v1/visits/gateway-test?etag=$second_etag" &&
  expect "delete: an empty object" '{}'
call "get after delete" 404 "${auth[@]}" "$base/v1/visits/gateway-test" &&
  expect "get after delete: NOT_FOUND" '"code":5'

call "relationship" 200 "${auth[@]}" "$base/v1/relationships/kaz-chn" &&
  expect "relationship: canonical name" '"name":"relationships/CN-KZ"'
call "timeline" 200 "${auth[@]}" -G "$base/v1/relationships/CN-KZ/timeline" --data-urlencode 'filter=kind = VISIT' &&
  expect "timeline: the 2024 state visit" '"record":"visits/xi-jinping-kz-2024"'
call "search" 200 "${auth[@]}" -G "$base/v1/search" --data-urlencode 'query=wind farm' &&
  expect "search: the Zhanatas wind farm" '"name":"infrastructureProjects/zhanatas-wind-farm"'
call "bad filter" 400 "${auth[@]}" -G "$base/v1/visits" --data-urlencode 'filter=host_country = ' &&
  expect "bad filter: INVALID_ARGUMENT" '"code":3'

# The change stream: newline-delimited JSON, one object per message; the
# oldest retained change is the seed's first record.
curl -sS -N --max-time 5 "${auth[@]}" "$base/v1/changes:watch?start=WATCH_START_OLDEST" >"$work/watch" 2>/dev/null || true
body=$(head -c 100000 "$work/watch")
if [[ "$(head -n 1 "$work/watch")" == '{"result":{"events":['* ]]; then
  pass "watch: newline-delimited JSON events"
else
  fail "watch: the stream does not start with an event: $(head -c 300 "$work/watch")"
fi

call "openapi.json" 200 "$base/openapi.json"
if cmp -s "$work/body" "$here/gen/openapi/bilateral.swagger.json"; then
  pass "/openapi.json is the description generated from proto/"
else
  fail "/openapi.json differs from the one generated from proto/"
fi

echo "== gateway: the dossier page in headless Chromium"
screenshots="$root/build/gateway/screenshots"
# Debian's Python, which python3-selenium is installed for.
if /usr/bin/python3 "$here/browser_test.py" --url "$base" --api-key "$reader" --screenshots "$screenshots"; then
  pass "browser: the dossier page (screenshots in build/gateway/screenshots)"
else
  fail "browser test"
fi

echo "gateway: $passed passed, $failed failed"
((failed == 0))
