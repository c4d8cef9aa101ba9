# Functions the benchmark scripts share; sourced by them, not run.

# wait_for_port FILE PID LOG: prints the port a server wrote to FILE, once it
# has; fails, showing the server's LOG, if it exits first or writes none
# within 60 s.
wait_for_port() {
  local file=$1 pid=$2 log=$3
  local who="bench/${0##*/}"
  for _ in $(seq 600); do
    if [[ -s $file ]]; then cat "$file"; return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$who: the server exited; its log:" >&2
      cat "$log" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "$who: no port from the server after 60 s" >&2
  return 1
}
