#!/usr/bin/env bash
# Runs the benchmark scenarios of docs/benchmarks.md on this machine, each
# side by side with its limit measured in the same run: a plain gRPC echo
# server on the same library, sqlite3's and PostgreSQL's own bulk loaders,
# pgbench. Builds nothing: point it at a release build. Writes every figure
# to bench/results/<date>.json, a Markdown table to bench/results/<date>.md
# and plots to bench/results/<date>-*.svg (bench/report.py).
#
#   bench/run.sh [--build DIR] [--duration 5s] [--warmup 1s]
#                [--scenarios 1,2,...] [--max-records N] [--import-records N]
#                [--feed-changes N] [--burst-calls N] [--burst-settle 10s]
#                [--log_level warning] [--out DIR]
#
# --max-records: the largest store of scenario 5 (default 1000000; 10000000
# as the scenario asks takes about an hour more to load). Scenarios 3, 4
# and 7 use the 1,000,000-record store, and scenario 12 a pair of 1,000,000
# records, so they need --max-records of at
# least that. --import-records: rows of scenario 6 (default 1000000).
# --feed-changes: the long history of scenario 10 (default 1000000).
# --burst-calls, --burst-settle: the calls started at once in scenario 13
# (default 3000), and how long its server's memory is watched after them
# (default 10s).
# --out: where the results go (default bench/results).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
build="$root/build/release"
duration=5s
warmup=1s
log_level=warning
scenarios=1,2,3,4,5,6,7,8,9,10,11,12,13
max_records=1000000
feed_changes=1000000
import_records=1000000
burst_calls=3000
burst_settle=10s
out_dir="$root/bench/results"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --scenarios) scenarios=$2; shift 2 ;;
    --max-records) max_records=$2; shift 2 ;;
    --import-records) import_records=$2; shift 2 ;;
    --feed-changes) feed_changes=$2; shift 2 ;;
    --burst-calls) burst_calls=$2; shift 2 ;;
    --burst-settle) burst_settle=$2; shift 2 ;;
    --log_level) log_level=$2; shift 2 ;;
    --out) out_dir=$2; shift 2 ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) echo "bench/run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

server_bin="$build/service/bilateral-server"
echo_bin="$build/bench/bilateral-echo"
loadgen_bin="$build/bench/bilateral-loadgen"
synth_bin="$build/bench/bilateral-synth"
feedbench_bin="$build/bench/bilateral-feedbench"
burst_bin="$build/bench/bilateral-burst"
for bin in "$server_bin" "$echo_bin" "$loadgen_bin" "$synth_bin" "$feedbench_bin" "$burst_bin"; do
  if [[ ! -x $bin ]]; then
    echo "bench/run.sh: $bin is missing; build the release preset first" >&2
    exit 1
  fi
done

selected() { [[ ",$scenarios," == *",$1,"* ]]; }

work=$(mktemp -d)
results="$work/results.jsonl"
: >"$results"
pids=()
stop_servers() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
trap 'stop_servers; rm -rf "$work"' EXIT

# start_server NAME ARGS...: a bilateral-server on the seeded embedded store
# NAME.db; sets server_port and server_pid. Per-call log lines are off
# (--log_level warning) so that the figures are the service's, not the log
# sink's.
start_server() {
  local name=$1; shift
  rm -f "$work/$name.port"
  "$server_bin" --listen=127.0.0.1:0 --database="$work/$name.db" --seed=true \
    --port_file="$work/$name.port" --log_level="$log_level" "$@" >"$work/$name.log" 2>&1 &
  server_pid=$!
  pids+=("$server_pid")
  server_port=$(wait_for_port "$work/$name.port" "$server_pid" "$work/$name.log")
}

# start_echo NAME ARGS...: a bilateral-echo; sets echo_port.
start_echo() {
  local name=$1; shift
  "$echo_bin" --listen=127.0.0.1:0 --port_file="$work/$name.port" "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
  echo_port=$(wait_for_port "$work/$name.port" "${pids[-1]}" "$work/$name.log")
}

# load SCENARIO LABEL PORT LOADGEN-FLAGS...: one loadgen run, its JSON line
# tagged with the scenario and label.
load() {
  local scenario=$1 label=$2 port=$3; shift 3
  echo "scenario $scenario: $label ($duration after $warmup warm-up)" >&2
  "$loadgen_bin" --target="127.0.0.1:$port" --duration="$duration" --warmup="$warmup" \
    --label="$label" "$@" | python3 -c '
import json, sys
scenario = sys.argv[1]
for line in sys.stdin:
    run = json.loads(line)
    run["scenario"] = int(scenario)
    print(json.dumps(run))' "$scenario" >>"$results"
}

# note SCENARIO JSON: any other figure, as one line.
note() {
  python3 -c 'import json, sys; d = json.loads(sys.argv[2]); d["scenario"] = int(sys.argv[1]); print(json.dumps(d))' \
    "$1" "$2" >>"$results"
}

# ghz SCENARIO LABEL CONCURRENCY: GetVisit of the seed visit from ghz
# (bench/setup.sh installs it) against the server started last, a second
# opinion on what bilateral-loadgen measures.
ghz() {
  local scenario=$1 label=$2 concurrency=$3
  local ghz_bin="$root/build/tools/go-bin/ghz"
  if [[ ! -x $ghz_bin ]]; then
    echo "scenario $scenario: ghz is not installed (bench/setup.sh); no cross-check" >&2
    return 0
  fi
  echo "scenario $scenario: $label ($duration)" >&2
  "$ghz_bin" --insecure --call bilateral.v1.VisitService.GetVisit \
    -d '{"name": "visits/xi-jinping-kz-2024"}' --concurrency="$concurrency" \
    --connections="$((concurrency < 2 ? 1 : 2))" --duration="$duration" --format=json \
    "127.0.0.1:$server_port" >"$work/ghz.json"
  note "$scenario" "$(python3 - "$work/ghz.json" "$label" "$concurrency" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
latency = {f"p{d['percentage']}": round(d["latency"] / 1e3, 1)
           for d in run.get("latencyDistribution") or []}
print(json.dumps({"label": sys.argv[2], "tool": "ghz", "concurrency": int(sys.argv[3]),
                  "qps": round(run["rps"], 1), "count": run["count"],
                  "latency_us": {"p50": latency.get("p50"), "p99": latency.get("p99")},
                  "status_codes": run.get("statusCodeDistribution", {}),
                  "errors": run.get("errorDistribution", {})}))
PY
)"
}

# The last loadgen result of LABEL, one field (a dotted path).
field() {
  python3 - "$results" "$1" "$2" <<'PY'
import json, sys
path, label, field = sys.argv[1:]
value = None
for line in open(path):
    run = json.loads(line)
    if run.get("label") == label:
        value = run
for part in field.split("."):
    value = value[part]
print(value)
PY
}

# ----- Scenarios 1, 2: Get by name on the seeded store against the echo.
if selected 1 || selected 2; then
  start_server seeded
  start_echo echo
  if selected 1; then
    load 1 get-c64/server "$server_port" --method=get --concurrency=64
    load 1 get-c64/echo "$echo_port" --method=get --concurrency=64
    ghz 1 get-c64/ghz 64
  fi
  if selected 2; then
    load 2 get-c1/server "$server_port" --method=get --concurrency=1
    load 2 get-c1/echo "$echo_port" --method=get --concurrency=1
    ghz 2 get-c1/ghz 1
  fi
  stop_servers
fi

# ----- Scenario 11: writes. CreateVisit of new visits at 64 in flight and
# one at a time, beside the echo at 64 in flight (what shared commits buy);
# then CreateVisit one at a time at the end of one visitor's series of 10
# and of 10,000 visits (a write's cost must not grow with its series).
if selected 11; then
  start_server writes
  start_echo echo-writes
  load 11 create-c64/server "$server_port" --method=create --concurrency=64
  load 11 create-c1/server "$server_port" --method=create --concurrency=1
  load 11 create-c64/echo "$echo_port" --method=get --concurrency=64
  stop_servers
  start_server series
  # The series grows at its end: each run's visits are dated after the
  # previous run's (the measured runs make fewer than 50,000).
  day=0
  grown=0
  for size in 10 10000; do
    "$loadgen_bin" --target="127.0.0.1:$server_port" --method=create --concurrency=16 \
      --series_visitor="Synthetic Series Visitor" --series_start_day="$day" \
      --calls="$((size - grown))" --duration=600s --warmup=0s >/dev/null
    day=$((day + size - grown))
    grown=$size
    load 11 "create-series-$size/server" "$server_port" --method=create --concurrency=1 \
      --series_visitor="Synthetic Series Visitor" --series_start_day="$day"
    day=$((day + 50000))
  done
  stop_servers
fi

# ----- Scenario 9: 95% reads, 5% writes, concurrency ramped 1 -> 1000;
# the server's resident memory and threads sampled every 100 ms.
if selected 9; then
  start_server mixed
  for concurrency in 1 4 16 64 256 1000; do
    sampler="$work/samples-$concurrency"
    (
      while kill -0 "$server_pid" 2>/dev/null; do
        awk '/^VmRSS|^Threads/ {printf "%s ", $2} END {print ""}' "/proc/$server_pid/status"
        sleep 0.1
      done
    ) >"$sampler" 2>/dev/null &
    sampler_pid=$!
    load 9 "mixed-c$concurrency/server" "$server_port" --method=mixed --write_percent=5 \
      --concurrency="$concurrency"
    kill "$sampler_pid" 2>/dev/null || true
    wait "$sampler_pid" 2>/dev/null || true
    note 9 "$(awk -v c="$concurrency" 'NF == 2 { if ($1 > rss) rss = $1; if ($2 > th) th = $2 }
      END { printf "{\"label\": \"mixed-c%d/resources\", \"concurrency\": %d, \"max_rss_kib\": %d, \"max_threads\": %d}", c, c, rss, th }' \
      "$sampler")"
  done
  stop_servers
  # The limit: the echo under the same ramp (GetVisit only; it stores
  # nothing), so that what the ramp costs gRPC and the load generator on
  # this machine shows beside what it costs the server.
  start_echo echo-ramp
  for concurrency in 1 4 16 64 256 1000; do
    load 9 "ramp-c$concurrency/echo" "$echo_port" --method=get --concurrency="$concurrency"
  done
  stop_servers
fi

# ----- Scenarios 3, 4, 5, 7: embedded stores of 10k, 100k, 1M (and, with
# --max-records 10000000, 10M) synthetic trade records from bilateral-synth,
# each loaded fresh (the generator spreads a run's rows by its size, so a
# store is not grown from a smaller one), measured, then removed.
if selected 3 || selected 4 || selected 5 || selected 7; then
  for size in 10000 100000 1000000 10000000; do
    ((size <= max_records)) || break
    start_server "store-$size"
    echo "loading $size synthetic trade records" >&2
    "$synth_bin" --target="127.0.0.1:$server_port" --records="$size" --streams=2 \
      >"$work/load-$size.json"
    note 5 "$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(json.dumps({"label": "load-" + sys.argv[2], "store_records": int(sys.argv[2]), "load": d}))' \
      "$work/load-$size.json" "$size")"
    if selected 5; then
      # A record from the middle of the load; the store is read through the
      # server, the file only to pick the name.
      id=$(sqlite3 "file:$work/store-$size.db?mode=ro" \
        "SELECT id FROM trade_records ORDER BY seq LIMIT 1 OFFSET $((size / 2))")
      load 5 "get-trade-$size/server" "$server_port" --method=get_trade \
        --name="tradeRecords/$id" --concurrency=1
    fi
    if selected 7 && ((size == 10000 || size == 1000000)); then
      load 7 "dossier-$size/server" "$server_port" --method=relationship \
        --name=relationships/CN-KZ --concurrency=1
    fi
    if ((size == 1000000)); then
      if selected 4; then
        for depth in 1 10000; do
          load 4 "page-$depth/server" "$server_port" --method=list_trade --page_size=100 \
            --page_depth="$depth" --concurrency=1
        done
      fi
      if selected 3; then
        load 3 list-100-filter/server "$server_port" --method=list_trade --page_size=100 \
          --filter='flow = "EXPORT" AND period.year >= 2010' --concurrency=64
        bytes=$(field list-100-filter/server response_bytes)
        start_echo echo-list --list_response_bytes="$bytes"
        load 3 list-100-filter/echo "$echo_port" --method=list --page_size=100 --concurrency=64
      fi
    fi
    stop_servers
    rm -f "$work/store-$size".db*
  done
fi

# ----- Scenario 12: one pair grown from 100 to 1,000,000 trade records
# (every synthetic row is KZ's with CN, beside the seed's records of the
# pair): its dossier, the first page of its timeline, and a page 10,000
# pages deep. Each store is loaded fresh, measured, then removed.
if selected 12; then
  for size in 100 1000000; do
    ((size <= max_records)) || break
    start_server "pair-$size"
    echo "loading $size trade records of one pair" >&2
    "$synth_bin" --target="127.0.0.1:$server_port" --records="$size" --pair=KZ-CN \
      --pair_share="$size" --streams=2 >"$work/pair-load-$size.json"
    load 12 "pair-dossier-$size/server" "$server_port" --method=relationship \
      --name=relationships/CN-KZ --concurrency=1
    load 12 "pair-timeline-first-$size/server" "$server_port" --method=timeline \
      --name=relationships/CN-KZ --page_size=50 --concurrency=1
    if ((size >= 1000000)); then
      load 12 "pair-timeline-deep-$size/server" "$server_port" --method=timeline \
        --name=relationships/CN-KZ --page_size=50 --page_depth=10000 --concurrency=1
    fi
    stop_servers
    rm -f "$work/pair-$size".db*
  done
fi

# ----- Scenario 13: an overload that heals. --burst-calls (3,000) dossier,
# timeline and search calls at once against a seeded server with its default
# settings, each with a 20 s deadline; the server's health checked every
# 20 ms through the burst, a Get timed as soon as the last call has ended,
# then the server's resident memory sampled every 100 ms for --burst-settle.
if selected 13; then
  start_server burst
  echo "scenario 13: $burst_calls calls at once, then $burst_settle of recovery" >&2
  "$burst_bin" --target="127.0.0.1:$server_port" --server_pid="$server_pid" \
    --calls="$burst_calls" --deadline=20s --settle="$burst_settle" --label=burst/server \
    >"$work/burst.jsonl"
  while read -r line; do note 13 "$line"; done <"$work/burst.jsonl"
  stop_servers
fi

# ----- Scenario 10: the change feed. The server's CPU per write with 64
# streams reading every change, on a feed holding 1,000 changes and one
# holding --feed-changes (filled by importing that many trade records, each
# a change); and the write latency with 256 streams that never read against
# none.
if selected 10; then
  for retained in 1000 "$feed_changes"; do
    start_server "feed-$retained" --change_retention="$retained" --max_change_streams=512
    echo "filling the change feed with $retained changes" >&2
    "$synth_bin" --target="127.0.0.1:$server_port" --records="$retained" --streams=2 \
      >"$work/feed-load-$retained.json"
    feed() {
      "$feedbench_bin" --target="127.0.0.1:$server_port" --server_pid="$server_pid" "$@" |
        python3 -c 'import json, sys; d = json.loads(sys.stdin.read()); d["retained"] = int(sys.argv[1]); print(json.dumps(d))' "$retained"
    }
    echo "scenario 10: 64 watchers, $retained changes retained" >&2
    note 10 "$(feed --watchers=64 --writes=300 --label="feed-$retained")"
    if ((retained == 1000)); then
      echo "scenario 10: writes with no stream, then with 256 that never read" >&2
      note 10 "$(feed --watchers=0 --writes=300 --label=feed-no-streams | sed 's/"retained": [0-9]*/"idle": true/')"
      note 10 "$(feed --watchers=0 --idle_streams=256 --writes=300 --label=feed-idle-256 | sed 's/"retained": [0-9]*/"idle": true/')"
    fi
    stop_servers
    rm -f "$work/feed-$retained".db*
  done
fi

# ----- Scenario 6: bulk import against the databases' own bulk loaders.
if selected 6; then
  import_flags=(--build "$build" --records "$import_records")
  [[ -x /usr/lib/postgresql/15/bin/postgres ]] && import_flags+=(--postgres)
  note 6 "$(bash "$root/bench/import_bench.sh" "${import_flags[@]}" | tail -n 1)"
fi

# ----- Scenario 8: Get on PostgreSQL against pgbench's prepared SELECT.
if selected 8; then
  note 8 "$(bash "$root/bench/pg_get_bench.sh" --build "$build" --duration "${duration%s}" \
    --method get_trade --name tradeRecords/auto | tail -n 1)"
fi

mkdir -p "$out_dir"
out="$out_dir/$(date +%F)"
python3 "$root/bench/report.py" --results "$results" --out "$out" \
  --commit "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
  --log_level "$log_level" --scenarios "$scenarios"
