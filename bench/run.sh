#!/usr/bin/env bash
# Measures bilateral-server's GetVisit against bilateral-echo, a plain gRPC
# server answering a visit of the same size, on this machine. Builds nothing:
# point it at a release build. Prints a Markdown table and writes
# bench/results/<date>.json.
#
#   bench/run.sh [--build DIR] [--duration 5s] [--warmup 1s] [--log_level warning]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$root/build/release"
duration=5s
warmup=1s
log_level=warning
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --log_level) log_level=$2; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "bench/run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

server_bin="$build/service/bilateral-server"
echo_bin="$build/bench/bilateral-echo"
loadgen_bin="$build/bench/bilateral-loadgen"
for bin in "$server_bin" "$echo_bin" "$loadgen_bin"; do
  if [[ ! -x $bin ]]; then
    echo "bench/run.sh: $bin is missing; build the release preset first" >&2
    exit 1
  fi
done

work=$(mktemp -d)
pids=()
stop_servers() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap stop_servers EXIT

# Waits for a server to write its port file; fails if it exits first.
wait_for_port() {
  local file=$1 pid=$2 log=$3
  for _ in $(seq 300); do
    if [[ -s $file ]]; then cat "$file"; return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "bench/run.sh: server exited; its log:" >&2
      cat "$log" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "bench/run.sh: no port from the server after 30 s" >&2
  return 1
}

# Per-call log lines are off by default (--log_level warning) so the figures
# are the service's, not the log sink's; pass --log_level info to include them.
"$server_bin" --listen=127.0.0.1:0 --database="$work/bench.db" --seed=true \
  --port_file="$work/server.port" --log_level="$log_level" >"$work/server.log" 2>&1 &
pids+=($!)
server_port=$(wait_for_port "$work/server.port" "${pids[-1]}" "$work/server.log")

"$echo_bin" --listen=127.0.0.1:0 --port_file="$work/echo.port" >"$work/echo.log" 2>&1 &
pids+=($!)
echo_port=$(wait_for_port "$work/echo.port" "${pids[-1]}" "$work/echo.log")

# name:concurrency of each scenario; all are GetVisit of the seed visit.
scenarios=("get-c64:64" "get-c1:1")
results="$work/results.jsonl"
for scenario in "${scenarios[@]}"; do
  name=${scenario%%:*}
  concurrency=${scenario##*:}
  for side in server echo; do
    port=$server_port
    [[ $side == echo ]] && port=$echo_port
    echo "running $name against $side ($duration after $warmup warm-up)" >&2
    "$loadgen_bin" --target="127.0.0.1:$port" --method=get --concurrency="$concurrency" \
      --duration="$duration" --warmup="$warmup" --label="$name/$side" >>"$results"
  done
done

mkdir -p "$root/bench/results"
out="$root/bench/results/$(date +%F).json"
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
python3 - "$results" "$out" "$commit" "$(nproc)" "$log_level" "$(sed -n 's/.*visit of \([0-9]*\) bytes.*/\1/p' "$work/echo.log")" <<'PY'
import datetime, json, sys

results_path, out_path, commit, cores, log_level, echo_bytes = sys.argv[1:]
runs = [json.loads(line) for line in open(results_path)]
scenarios = {}
for run in runs:
    name, side = run["label"].split("/")
    scenarios.setdefault(name, {})[side] = run

def ratio(a, b):
    return a / b if b else float("nan")

rows = []
print("| scenario | target | QPS | p50 µs | p90 µs | p99 µs | p99.9 µs | errors |")
print("|---|---|---:|---:|---:|---:|---:|---|")
for name, sides in scenarios.items():
    for side in ("server", "echo"):
        run = sides[side]
        lat = run["latency_us"]
        errors = ", ".join(f"{k} {v}" for k, v in run["errors"].items()) or "-"
        print(f"| {name} | {side} | {run['qps']:.0f} | {lat['p50']:.0f} | {lat['p90']:.0f} "
              f"| {lat['p99']:.0f} | {lat['p99_9']:.0f} | {errors} |")
    server, echo = sides["server"], sides["echo"]
    row = {
        "scenario": name,
        "server": server,
        "echo": echo,
        "server_over_echo": {
            "qps": ratio(server["qps"], echo["qps"]),
            **{k: ratio(server["latency_us"][k], echo["latency_us"][k])
               for k in ("p50", "p90", "p99", "p99_9")},
        },
    }
    rows.append(row)
    r = row["server_over_echo"]
    print(f"| {name} | server/echo | {r['qps']:.2f} | {r['p50']:.2f} | {r['p90']:.2f} "
          f"| {r['p99']:.2f} | {r['p99_9']:.2f} | |")

with open(out_path, "w") as out:
    json.dump({
        "time": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "commit": commit,
        "cores": int(cores),
        "server_log_level": log_level,
        "echo_payload_bytes": int(echo_bytes) if echo_bytes else None,
        "scenarios": rows,
    }, out, indent=2)
    out.write("\n")
print(f"\nwritten to {out_path}", file=sys.stderr)
PY
