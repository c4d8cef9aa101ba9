#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback, for tests.
#
#   scripts/postgres.sh start DIR   creates a cluster in DIR (once), starts it
#                                   on a free port, prints its URL
#   scripts/postgres.sh stop DIR    stops it (fast shutdown)
#   scripts/postgres.sh kill DIR    stops it at once, as a crash would
#
# Run as root, the server runs as the `postgres` user, which refuses to run
# as root.
set -euo pipefail

command=${1:?start, stop or kill}
dir=${2:?a directory for the cluster}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[[ -x "$bin/pg_ctl" ]] || { echo "postgres.sh: PostgreSQL server binaries not found" >&2; exit 1; }

as_owner() {
  if ((EUID == 0)); then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$command" in
  start)
    mkdir -p "$dir"
    ((EUID == 0)) && chown postgres: "$dir"
    if [[ ! -f "$dir/data/PG_VERSION" ]]; then
      as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync >/dev/null
    fi
    # Already running: the same URL again.
    if [[ -f "$dir/port" ]] && as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      echo "postgresql://postgres@127.0.0.1:$(cat "$dir/port")/postgres"
      exit 0
    fi
    # A port below the kernel's range for outgoing connections, so that no
    # connection takes it while the server is stopped: a restarted cluster
    # comes back at the same URL. A taken port is tried again a little later
    # when the cluster had one, and another port is tried when it had none.
    read -r ephemeral_low _ </proc/sys/net/ipv4/ip_local_port_range
    span=$((ephemeral_low > 12000 ? ephemeral_low - 10000 : 2000))
    for attempt in 1 2 3 4 5 6 7 8 9 10; do
      port=$((10000 + RANDOM % span))
      if [[ -f "$dir/port" ]]; then port=$(cat "$dir/port"); fi
      # Durability is not under test here: trade it for speed.
      if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 30 start -o \
        "-p $port -c listen_addresses=127.0.0.1 -k $dir -c max_connections=300 -c fsync=off \
         -c synchronous_commit=off -c full_page_writes=off" >/dev/null 2>&1; then
        echo "$port" >"$dir/port"
        echo "postgresql://postgres@127.0.0.1:$port/postgres"
        exit 0
      fi
      if [[ -f "$dir/port" ]] && ((attempt < 10)); then sleep 0.5; fi
    done
    echo "postgres.sh: could not start PostgreSQL; see $dir/log" >&2
    exit 1
    ;;
  stop) as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null ;;
  kill) as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null ;;
  *) echo "postgres.sh: unknown command $command" >&2; exit 2 ;;
esac
