#!/usr/bin/env bash
# Measures a Get of bilateral-server on PostgreSQL against PostgreSQL alone:
# the QPS of the server answering --method for --name (bilateral-loadgen,
# --concurrency calls in flight), and the QPS of pgbench running the SELECT
# the server runs for that Get (service/store/sql_store.cc, FindById), as a
# prepared statement with the id as its parameter, with as many clients, on
# the same throwaway cluster and data. The store is seeded and holds
# --records synthetic trade records besides (bilateral-synth). Builds
# nothing: point it at a release build. Prints one JSON line.
#
#   bench/pg_get_bench.sh [--build DIR] [--duration 5] [--concurrency 64] [--records 10000]
#                         [--method get] [--name visits/xi-jinping-kz-2024]
#
# --duration is in seconds. --name tradeRecords/auto asks for the first
# synthetic trade record stored, for a --method that gets trade records.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
build="$root/build/release"
duration=5
concurrency=64
records=10000
method=get
name=visits/xi-jinping-kz-2024
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --records) records=$2; shift 2 ;;
    --method) method=$2; shift 2 ;;
    --name) name=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "bench/pg_get_bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
if [[ ! $duration =~ ^[0-9]+$ || $duration -lt 1 ]]; then
  echo "bench/pg_get_bench.sh: --duration is whole seconds, at least 1" >&2
  exit 2
fi
if [[ ! $name =~ ^[a-zA-Z]+/[a-z0-9-]+$ ]]; then
  echo "bench/pg_get_bench.sh: --name must be COLLECTION/ID, e.g. visits/xi-jinping-kz-2024" >&2
  exit 2
fi

server_bin="$build/service/bilateral-server"
synth_bin="$build/bench/bilateral-synth"
loadgen_bin="$build/bench/bilateral-loadgen"
for bin in "$server_bin" "$synth_bin" "$loadgen_bin"; do
  if [[ ! -x $bin ]]; then
    echo "bench/pg_get_bench.sh: $bin is missing; build the release preset first" >&2
    exit 1
  fi
done
for tool in psql pgbench python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "bench/pg_get_bench.sh: $tool is not installed" >&2
    exit 1
  fi
done

work=$(mktemp -d)
# Apart from `work`: the cluster's directory is handed to the postgres user.
pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/bilateral-bench-pg.XXXXXX")
server_pid=""
cleanup() {
  if [[ -n $server_pid ]]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  "$root/scripts/postgres.sh" kill "$pg_dir" 2>/dev/null || true
  rm -rf "$pg_dir" "$work"
}
trap cleanup EXIT
# A signal ends the script through its EXIT trap.
trap 'exit 130' INT TERM

url=$("$root/scripts/postgres.sh" start "$pg_dir")
pg_port=$(cat "$pg_dir/port")

"$server_bin" --listen=127.0.0.1:0 --database="$url" --seed=true \
  --port_file="$work/server.port" --log_level=warning >"$work/server.log" 2>&1 &
server_pid=$!
server_port=$(wait_for_port "$work/server.port" "$server_pid" "$work/server.log") || exit 1
target="127.0.0.1:$server_port"

echo "loading $records synthetic trade records through the server" >&2
"$synth_bin" --records="$records" --target="$target" >"$work/synth.json"

collection=${name%%/*}
id=${name#*/}
# Tables are the collections' names in snake case (service/store/schema.cc).
table=$(sed -E 's/([A-Z])/_\L\1/g' <<<"$collection")
if [[ $collection == tradeRecords && $id == auto ]]; then
  id=$(psql "$url" -qAt -c "SELECT id FROM trade_records WHERE commodity_label LIKE 'synthetic%'
                            ORDER BY seq LIMIT 1")
  name="tradeRecords/$id"
fi
found=$(psql "$url" -qAt -v id="$id" <<<"SELECT count(*) FROM $table WHERE id = :'id'")
if [[ $found != 1 ]]; then
  echo "bench/pg_get_bench.sh: $name is not stored" >&2
  exit 1
fi

echo "running $method of $name against the server, $concurrency in flight, ${duration}s" >&2
"$loadgen_bin" --target="$target" --method="$method" --name="$name" \
  --concurrency="$concurrency" --duration="${duration}s" --label=server >"$work/loadgen.json"

# The statement the store runs for a Get (FindById with the fixed columns),
# prepared once per connection, with the id as its one parameter.
cat >"$work/get.sql" <<SQL
SELECT seq, id, payload, etag, create_us, update_us FROM $table WHERE id = :id;
SQL
threads=$((concurrency < 2 ? concurrency : 2))
echo "running the same SELECT with pgbench, $concurrency clients, ${duration}s" >&2
pgbench -n -h 127.0.0.1 -p "$pg_port" -U postgres -M prepared -c "$concurrency" -j "$threads" \
  -T "$duration" -D id="$id" -f "$work/get.sql" postgres >"$work/pgbench.txt" 2>&1 || {
  cat "$work/pgbench.txt" >&2
  exit 1
}

python3 - "$work/loadgen.json" "$work/pgbench.txt" "$method" "$name" "$table" "$concurrency" \
  "$duration" "$records" <<'PY'
import json, re, sys

loadgen_path, pgbench_path, method, name, table, concurrency, duration, records = sys.argv[1:]
server = json.load(open(loadgen_path))
text = open(pgbench_path).read()
tps = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", text)
failed = re.search(r"number of failed transactions: ([0-9]+)", text)
latency = re.search(r"latency average = ([0-9.]+) ms", text)
if not tps:
    sys.exit("bench/pg_get_bench.sh: no tps in pgbench's output:\n" + text)
pgbench_qps = float(tps.group(1))
if server["errors"]:
    print(f"bench/pg_get_bench.sh: failed server calls: {server['errors']}", file=sys.stderr)
print(json.dumps({
    "method": method,
    "name": name,
    "table": table,
    "concurrency": int(concurrency),
    "duration_s": int(duration),
    "synthetic_records": int(records),
    "server_qps": round(server["qps"]),
    "server_latency_us": server["latency_us"],
    "server_errors": server["errors"],
    "pgbench_qps": round(pgbench_qps),
    "pgbench_latency_avg_us": round(float(latency.group(1)) * 1000) if latency else None,
    "pgbench_failed": int(failed.group(1)) if failed else 0,
    "server_over_pgbench": round(server["qps"] / pgbench_qps, 4),
}))
PY
