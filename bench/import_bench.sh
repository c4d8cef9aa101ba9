#!/usr/bin/env bash
# Measures how fast bilateral-server imports trade records against a plain
# bulk load of the same rows into the same database: N synthetic rows from
# bilateral-synth, imported (a) through the server (ImportTradeRecords) on a
# fresh SQLite store and (b) by the sqlite3 shell's .import into a fresh
# database file, into a table with the CSV's columns and again into one that
# also has the store's unique key; with --postgres also (c) through a server
# on PostgreSQL and by psql's \copy into a plain table of the same throwaway
# cluster. Builds nothing: point it at a release build. Prints one JSON line
# with rows per second of each and the server/baseline ratios; generating
# the CSV is timed apart and counted in neither.
#
#   bench/import_bench.sh [--records 1000000] [--build DIR] [--streams 4] [--seed 1] [--postgres]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
build="$root/build/release"
records=1000000
streams=4
seed=1
postgres=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --records) records=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --streams) streams=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --postgres) postgres=true; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "bench/import_bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

server_bin="$build/service/bilateral-server"
synth_bin="$build/bench/bilateral-synth"
for bin in "$server_bin" "$synth_bin"; do
  if [[ ! -x $bin ]]; then
    echo "bench/import_bench.sh: $bin is missing; build the release preset first" >&2
    exit 1
  fi
done
needed=(sqlite3 python3)
[[ $postgres == true ]] && needed+=(psql)
for tool in "${needed[@]}"; do
  if ! command -v "$tool" >/dev/null; then
    echo "bench/import_bench.sh: $tool is not installed" >&2
    exit 1
  fi
done

work=$(mktemp -d)
pg_dir=""
server_pid=""
stop_server() {
  if [[ -n $server_pid ]]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
cleanup() {
  stop_server
  if [[ -n $pg_dir ]]; then
    "$root/scripts/postgres.sh" kill "$pg_dir" 2>/dev/null || true
    rm -rf "$pg_dir"
  fi
  rm -rf "$work"
}
trap cleanup EXIT
# A signal ends the script through its EXIT trap.
trap 'exit 130' INT TERM

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# Starts bilateral-server on `database` (no seed data) and sets `port`;
# fails, with its log, if it exits before serving. Runs in this shell, not
# in $(...), so that `server_pid` is known to stop_server and the trap.
start_server() {
  local database=$1 name=$2
  "$server_bin" --listen=127.0.0.1:0 --database="$database" --seed=false \
    --port_file="$work/$name.port" --log_level=warning >"$work/$name.log" 2>&1 &
  server_pid=$!
  port=$(wait_for_port "$work/$name.port" "$server_pid" "$work/$name.log") || return 1
}

runs="$work/runs.jsonl"
# Appends one measurement: what ran, its seconds, and the bytes it stored.
record_run() {
  printf '{"run": "%s", "seconds": %s, "bytes": %s}\n' "$1" "$2" "$3" >>"$runs"
}
# Bytes of a SQLite database with its WAL, then removes it: a million rows
# take gigabytes.
sqlite_bytes() {
  local db=$1 bytes
  bytes=$(cat "$db" "$db-wal" 2>/dev/null | wc -c)
  rm -f "$db" "$db-wal" "$db-shm" "$db-journal"
  echo "$bytes"
}

# Imports the rows through a server on `database` and sets `seconds` to
# what bilateral-synth measured (from the first chunk sent to the last
# summary received).
import_through_server() {
  local database=$1 name=$2
  start_server "$database" "$name"
  echo "importing $records rows through bilateral-server on $name, $streams streams" >&2
  "$synth_bin" --records="$records" --seed="$seed" --streams="$streams" \
    --target="127.0.0.1:$port" >"$work/$name.json"
  stop_server
  seconds=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["seconds"])' \
    "$work/$name.json")
}

# Fails unless `count` is the number of rows generated.
check_count() {
  local what=$1 count=$2
  if [[ $count != "$records" ]]; then
    echo "bench/import_bench.sh: $what holds $count rows, not $records" >&2
    exit 1
  fi
}

# The CSV's columns, typed as the store types them.
csv_columns="reporter TEXT NOT NULL, partner TEXT NOT NULL, year INTEGER NOT NULL,
  quarter INTEGER NOT NULL, month INTEGER NOT NULL, flow TEXT NOT NULL, hs_code TEXT NOT NULL,
  commodity TEXT NOT NULL, currency TEXT NOT NULL, units BIGINT NOT NULL, nanos INTEGER NOT NULL,
  source TEXT NOT NULL, quote TEXT NOT NULL"
# The store's unique key of a trade record (service/store/schema.cc).
unique_key="(reporter, partner, year, quarter, month, flow, hs_code, commodity)"

echo "generating $records rows (seed $seed)" >&2
csv="$work/rows.csv"
"$synth_bin" --records="$records" --seed="$seed" --csv="$csv" >"$work/csv.json"

import_through_server "$work/server.db" server_sqlite
record_run server_sqlite "$seconds" "$(sqlite_bytes "$work/server.db")"

# .import wraps the whole file in one transaction.
sqlite_import() {
  local name=$1 index=$2 db="$work/$1.db" start end
  echo "importing the CSV with sqlite3 .import ($name)" >&2
  sqlite3 "$db" "CREATE TABLE trade ($csv_columns); $index"
  start=$(now)
  sqlite3 "$db" ".import --csv --skip 1 '$csv' trade"
  end=$(now)
  check_count "the sqlite3 table" "$(sqlite3 "$db" "SELECT count(*) FROM trade")"
  record_run "$name" "$(elapsed "$start" "$end")" "$(sqlite_bytes "$db")"
}
sqlite_import sqlite3_import ""
sqlite_import sqlite3_import_keyed "CREATE UNIQUE INDEX trade_key ON trade $unique_key;"

if [[ $postgres == true ]]; then
  # Apart from `work`: the cluster's directory is handed to the postgres user.
  pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/bilateral-bench-pg.XXXXXX")
  url=$("$root/scripts/postgres.sh" start "$pg_dir")
  # The server's store and the baseline table in databases of their own.
  psql "$url" -qAt -c "CREATE DATABASE store" -c "CREATE DATABASE baseline" >/dev/null
  database_bytes() { psql "$url" -qAt -c "SELECT pg_database_size('$1')"; }

  import_through_server "${url%/*}/store" server_postgres
  record_run server_postgres "$seconds" "$(database_bytes store)"

  baseline="${url%/*}/baseline"
  psql "$baseline" -qAt -c "CREATE TABLE trade ($csv_columns)" >/dev/null
  echo "importing the CSV with psql \\copy" >&2
  start=$(now)
  # One COPY statement: one transaction, as .import.
  psql "$baseline" -qAt -c "\\copy trade from '$csv' with (format csv, header true)" >/dev/null
  end=$(now)
  check_count "the PostgreSQL table" "$(psql "$baseline" -qAt -c "SELECT count(*) FROM trade")"
  record_run psql_copy "$(elapsed "$start" "$end")" "$(database_bytes baseline)"
fi

python3 - "$records" "$streams" "$work/csv.json" "$runs" <<'PY'
import json, sys

records, streams, csv_path, runs_path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
result = {
    "records": records,
    "streams": streams,
    "csv_seconds": json.load(open(csv_path))["seconds"],
}
for line in open(runs_path):
    run = json.loads(line)
    seconds = run["seconds"]
    result[run["run"]] = {
        "seconds": round(seconds, 3),
        "rows_per_second": round(records / seconds) if seconds > 0 else None,
        "bytes": run["bytes"],
    }

def ratio(server, baseline):
    if server in result and baseline in result:
        result[f"{server}_over_{baseline}"] = round(
            result[server]["rows_per_second"] / result[baseline]["rows_per_second"], 4)

ratio("server_sqlite", "sqlite3_import")
ratio("server_sqlite", "sqlite3_import_keyed")
ratio("server_postgres", "psql_copy")
print(json.dumps(result))
PY
