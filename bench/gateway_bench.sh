#!/usr/bin/env bash
# The cost of HTTP/JSON: Get and List of visits made directly over gRPC and
# through bilateral-gateway, with the same number of calls in flight from the
# same Go client (gateway/cmd/gateway-bench), against one server with the seed
# data on a throwaway store. Prints a Markdown table with the gateway's
# throughput as a ratio of gRPC's, and the latencies.
#
#   bench/gateway_bench.sh [--build DIR] [--duration 5s] [--warmup 1s] [--in-flight 16]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
build="$root/build/release"
duration=5s
warmup=1s
in_flight=16
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --in-flight) in_flight=$2; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "bench/gateway_bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
server_bin="$build/service/bilateral-server"
[[ -x $server_bin ]] || { echo "bench/gateway_bench.sh: $server_bin is missing; build the release preset" >&2; exit 1; }

bash "$root/gateway/setup.sh" --build-only
bash "$root/gateway/build.sh"
work=$(mktemp -d)
(cd "$root/gateway" && go build -o "$work/gateway-bench" ./cmd/gateway-bench)

server_pid=
gateway_pid=
cleanup() {
  [[ -n $gateway_pid ]] && kill "$gateway_pid" 2>/dev/null && wait "$gateway_pid" 2>/dev/null
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

"$server_bin" --listen=127.0.0.1:0 --port_file="$work/server-port" --database="$work/bench.db" \
  --log_level=warning 2>"$work/server.log" &
server_pid=$!
server_port=$(wait_for_port "$work/server-port" "$server_pid" "$work/server.log")
"$root/build/gateway/bilateral-gateway" --listen=127.0.0.1:0 --port_file="$work/gateway-port" \
  --backends="127.0.0.1:$server_port" 2>"$work/gateway.log" &
gateway_pid=$!
gateway_port=$(wait_for_port "$work/gateway-port" "$gateway_pid" "$work/gateway.log")

echo "| call | in flight | gRPC QPS | gateway QPS | gateway / gRPC | gRPC p50 / p99 (us) | gateway p50 / p99 (us) | failed |"
echo "|---|---|---|---|---|---|---|---|"
for method in get list; do
  "$work/gateway-bench" --grpc="127.0.0.1:$server_port" --http="http://127.0.0.1:$gateway_port" \
    --method="$method" --in_flight="$in_flight" --warmup="$warmup" --duration="$duration" >"$work/$method.jsonl"
  python3 - "$work/$method.jsonl" <<'PY'
import json, sys
lines = [json.loads(line) for line in open(sys.argv[1])]
grpc, gateway, ratio = lines
label = {"get": "GetVisit", "list": "ListVisits (50 a page)"}[grpc["method"]]
print(f"| {label} | {grpc['in_flight']} | {grpc['qps']:,.0f} | {gateway['qps']:,.0f} | "
      f"{ratio['gateway_to_grpc_qps']:.2f}x | {grpc['p50_us']:.0f} / {grpc['p99_us']:.0f} | "
      f"{gateway['p50_us']:.0f} / {gateway['p99_us']:.0f} | {grpc['failed'] + gateway['failed']} |")
PY
done
