#!/usr/bin/env bash
# Keeps the benchmark harness working: runs bench/run.sh briefly (scenarios
# 1, 2, 5, 6 and 9 on small data, a fraction of a second each, and 13 with a
# burst of 50 calls and a second of recovery) into a
# temporary folder and checks that every one of them produced its figures
# and that no call failed. Measures nothing worth reading; the test suite
# runs it (ctest: bench.smoke).
#   bench/smoke.sh BUILD_DIR
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:?build folder}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

bash "$root/bench/run.sh" --build "$build" --scenarios 1,2,5,6,9,13 --duration 0.3s \
  --warmup 0.1s --max-records 10000 --import-records 2000 --burst-calls 50 --burst-settle 1s \
  --out "$out" >"$out/table.txt"

python3 - "$out/$(date +%F).json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
rows = {row["scenario"]: row for row in report["scenarios"]}
problems = []
for scenario in (1, 2, 5, 6, 9, 13):
    if rows[scenario]["met"] is None:
        problems.append(f"scenario {scenario}: no figures ({rows[scenario]['detail']})")
for run in report["runs"]:
    if run.get("tool") == "ghz":
        continue  # counts the calls it cuts off at the end as errors
    # Past the server's queues a call is refused at once with
    # RESOURCE_EXHAUSTED, as scenario 9 allows; any other error is a problem.
    errors = {code: n for code, n in (run.get("errors") or {}).items()
              if code != "RESOURCE_EXHAUSTED"}
    if "qps" in run and (run["qps"] <= 0 or errors):
        problems.append(f"{run['label']}: qps {run['qps']}, errors {run.get('errors')}")
# Every call of the burst answers OK or RESOURCE_EXHAUSTED before its
# deadline; whether health and memory met their targets on a busy test
# machine is not checked here.
for run in report["runs"]:
    if run["scenario"] == 13 and (run["unexpected"] or run["late"]):
        problems.append(f"{run['label']}: codes {run['codes']}, {run['late']} late")
imports = [run for run in report["runs"] if run["scenario"] == 6 and "records" in run]
if not imports or imports[-1]["server_sqlite"]["rows_per_second"] is None:
    problems.append("scenario 6: no import figures")
if problems:
    sys.exit("bench smoke: " + "; ".join(problems))
print(f"bench smoke: {len(report['runs'])} runs, scenarios 1, 2, 5, 6, 9, 13 reported")
PY
