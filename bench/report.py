#!/usr/bin/env python3
"""Turns the figures bench/run.sh collected into a report.

Reads results.jsonl (one JSON object per line, each with "scenario" and
"label": bilateral-loadgen runs, and notes from the other measurements) and
writes, next to --out:
  <out>.json  every run, the machine, and each scenario's ratio and target;
  <out>.md    a Markdown table: scenario, measured, target, met, command;
  <out>-*.svg scaling plots (with gnuplot, when it is installed).
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys


def machine():
    """What the figures were measured on."""
    info = {"kernel": platform.release(), "cores": os.cpu_count()}
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                info["memory_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    try:
        for line in open("/etc/os-release"):
            if line.startswith("PRETTY_NAME="):
                info["os"] = line.split("=", 1)[1].strip().strip('"')
                break
    except OSError:
        pass
    return info


class Runs:
    """The runs of results.jsonl, found by label (the last run of a label wins)."""

    def __init__(self, path, merge_from=None, commit=None, scenarios=None):
        self.all = [json.loads(line) for line in open(path) if line.strip()]
        # Figures of scenarios not asked for (the store loads scenario 3
        # shares with scenario 5, say) do not stand for those scenarios.
        if scenarios is not None:
            self.all = [run for run in self.all if run["scenario"] in scenarios]
        for run in self.all:
            run.setdefault("commit", commit)
        # A run of some scenarios updates the day's report: the scenarios it
        # did not run keep their earlier runs.
        if merge_from and os.path.exists(merge_from):
            ran = scenarios if scenarios is not None else {run["scenario"] for run in self.all}
            earlier = [run for run in json.load(open(merge_from)).get("runs", [])
                       if run["scenario"] not in ran]
            self.all = sorted(earlier + self.all, key=lambda run: run["scenario"])
        self.by_label = {}
        self.by_scenario = {}
        for run in self.all:
            if "label" in run:
                self.by_label[run["label"]] = run
            self.by_scenario.setdefault(run["scenario"], []).append(run)

    def get(self, label):
        return self.by_label.get(label)

    def notes(self, scenario):
        return self.by_scenario.get(scenario, [])


def qps(run):
    return run["qps"] if run else None


def p(run, quantile):
    return run["latency_us"][quantile] if run else None


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def errors_of(*runs):
    """Failed calls of the runs, by status code name."""
    total = {}
    for run in runs:
        if run:
            for code, count in run.get("errors", {}).items():
                total[code] = total.get(code, 0) + count
    return total


def store_size(run):
    """The store size of a scenario 5 run, from its label get-trade-N/server."""
    return int(run["label"].split("-")[2].split("/")[0])


def trade_gets(runs):
    """Scenario 5's Gets, smallest store first."""
    return sorted((run for run in runs.notes(5) if run.get("method") == "get_trade"),
                  key=store_size)


def mixed_ramp(runs):
    """Scenario 9's mixed runs, by concurrency."""
    return sorted((run for run in runs.notes(9) if run.get("method") == "mixed"),
                  key=lambda run: run["concurrency"])


def mixed_resources(runs):
    """Scenario 9's peak RSS and threads, by concurrency."""
    return {run["concurrency"]: run for run in runs.notes(9) if "max_rss_kib" in run}


def echo_ramp(runs):
    """The echo's GetVisit runs of scenario 9's ramp, by concurrency."""
    return sorted((run for run in runs.notes(9) if run.get("label", "").startswith("ramp-")),
                  key=lambda run: run["concurrency"])


def echo_ramp_text(runs):
    ramp = echo_ramp(runs)
    if not ramp:
        return ""
    peak = max(run["qps"] for run in ramp)
    last = ramp[-1]
    return (f"; the echo under the same ramp: peak {peak:,.0f} QPS, at "
            f"{last['concurrency']:,}: {last['qps']:,.0f} QPS ({last['qps'] / peak:.2f}x)")


def ghz_text(run):
    """ghz's figures against the same server, the cross-check of scenario 1."""
    if not run:
        return ""
    return (f"; ghz against the server: {run['qps']:,.0f} QPS, p50 "
            f"{run['latency_us']['p50']} us, status codes {run['status_codes']}")


def times(value):
    return "n/a" if value is None else f"{value:.2f}x"


def fmt(value, digits=2):
    return "n/a" if value is None else f"{value:.{digits}f}"


def scenario_rows(runs):
    """One row per scenario: what was measured against what is asked."""
    rows = []

    def add(number, title, measured, target, met, detail, command_flags=""):
        rows.append({
            "scenario": number,
            "title": title,
            "measured": measured,
            "target": target,
            "met": met,
            "detail": detail,
            "command": f"bench/run.sh --scenarios {number}{command_flags}",
        })

    # 1. Get, 64 in flight.
    server, echo = runs.get("get-c64/server"), runs.get("get-c64/echo")
    r = ratio(qps(server), qps(echo))
    add(1, "Get by name, 64 in flight: QPS vs echo", times(r), ">= 0.6x",
        None if r is None else r >= 0.6,
        f"server {fmt(qps(server), 0)} QPS, echo {fmt(qps(echo), 0)} QPS; "
        f"errors {errors_of(server, echo) or 'none'}" + ghz_text(runs.get("get-c64/ghz"))
        if server and echo else "not run")

    # 2. Get, one call at a time.
    server, echo = runs.get("get-c1/server"), runs.get("get-c1/echo")
    if server and echo:
        d50 = p(server, "p50") - p(echo, "p50")
        r99 = ratio(p(server, "p99"), p(echo, "p99"))
        add(2, "Get, 1 in flight: p50 and p99 vs echo",
            f"p50 +{fmt(d50, 1)} us, p99 {times(r99)}", "p50 <= +30 us, p99 <= 1.5x",
            d50 <= 30 and r99 is not None and r99 <= 1.5,
            f"server p50 {p(server, 'p50')} us p99 {p(server, 'p99')} us; "
            f"echo p50 {p(echo, 'p50')} us p99 {p(echo, 'p99')} us" +
            ghz_text(runs.get("get-c1/ghz")))
    else:
        add(2, "Get, 1 in flight: p50 and p99 vs echo", "n/a", "p50 <= +30 us, p99 <= 1.5x",
            None, "not run")

    # 3. List 100 with a filter.
    server, echo = runs.get("list-100-filter/server"), runs.get("list-100-filter/echo")
    r = ratio(qps(server), qps(echo))
    add(3, "List 100 trade records with a filter, 64 in flight: QPS vs echo of the same bytes",
        times(r), ">= 0.4x", None if r is None else r >= 0.4,
        f"server {fmt(qps(server), 0)} QPS, echo {fmt(qps(echo), 0)} QPS, "
        f"{server['response_bytes']} bytes per response; filter {server.get('filter')!r}"
        if server and echo else "not run")

    # 4. Page 1 vs page 10,000.
    first, deep = runs.get("page-1/server"), runs.get("page-10000/server")
    r = ratio(p(deep, "p50"), p(first, "p50"))
    add(4, "Page 10,000 vs page 1 of 1,000,000 trade records: p50 ratio", times(r),
        "<= 1.2x", None if r is None else r <= 1.2,
        f"page 1 p50 {p(first, 'p50')} us, page 10,000 p50 {p(deep, 'p50')} us "
        f"(walk to it {deep.get('page_walk_s')} s)" if first and deep else "not run")

    # 5. Get p50 by store size.
    sizes = [store_size(run) for run in trade_gets(runs)]
    if sizes:
        smallest, largest = sizes[0], sizes[-1]
        r = ratio(p(runs.get(f"get-trade-{largest}/server"), "p50"),
                  p(runs.get(f"get-trade-{smallest}/server"), "p50"))
        detail = ", ".join(
            f"{size:,}: {p(runs.get(f'get-trade-{size}/server'), 'p50')} us" for size in sizes)
        add(5, f"Get p50 by store size, {smallest:,} to {largest:,} trade records",
            times(r), "<= 2x (10k to 10M)",
            None if r is None else r <= 2, detail + ("" if largest >= 10_000_000 else
                                                     "; 10M not loaded in this run"),
            " --max-records 10000000" if largest >= 10_000_000 else "")
    else:
        add(5, "Get p50 by store size", "n/a", "<= 2x (10k to 10M)", None, "not run")

    # 6. Import against the bulk loaders.
    notes = [run for run in runs.notes(6) if "records" in run]
    if notes:
        note = notes[-1]
        lite = note.get("server_sqlite_over_sqlite3_import")
        pg = note.get("server_postgres_over_psql_copy")
        met = None if lite is None else (lite >= 0.5 and (pg is None or pg >= 0.5))
        parts = []
        for key, what in (("server_sqlite", "server on SQLite"),
                          ("sqlite3_import", "sqlite3 .import"),
                          ("sqlite3_import_keyed", "sqlite3 .import, keyed table"),
                          ("server_postgres", "server on PostgreSQL"),
                          ("psql_copy", "psql \\copy")):
            if key in note:
                parts.append(f"{what} {note[key]['rows_per_second']:,} rows/s")
        add(6, f"Import {note['records']:,} trade records vs the database's bulk loader",
            f"SQLite {fmt(lite, 3)}x, PostgreSQL {fmt(pg, 3)}x", ">= 0.5x each", met,
            "; ".join(parts))
    else:
        add(6, "Import vs the database's bulk loader", "n/a", ">= 0.5x each", None, "not run")

    # 7. Dossier at 10k vs 1M.
    small, large = runs.get("dossier-10000/server"), runs.get("dossier-1000000/server")
    r = ratio(p(large, "p50"), p(small, "p50"))
    add(7, "Relationship dossier p50, 1M vs 10k trade records", times(r), "<= 3x",
        None if r is None else r <= 3,
        f"10k p50 {p(small, 'p50')} us, 1M p50 {p(large, 'p50')} us"
        if small and large else "not run")

    # 8. PostgreSQL Get against pgbench.
    notes = [run for run in runs.notes(8) if "server_over_pgbench" in run]
    if notes:
        note = notes[-1]
        r = note["server_over_pgbench"]
        add(8, "Get on PostgreSQL vs pgbench's prepared SELECT", times(r), ">= 0.5x",
            r >= 0.5,
            f"server {note['server_qps']:,} QPS, pgbench {note['pgbench_qps']:,} QPS, "
            f"{note['concurrency']} in flight, {note['method']} of a synthetic record")
    else:
        add(8, "Get on PostgreSQL vs pgbench", "n/a", ">= 0.5x", None, "not run")

    # 9. Mixed load ramped to 1,000 in flight.
    ramp = mixed_ramp(runs)
    resources = mixed_resources(runs)
    if ramp:
        peak = max(run["qps"] for run in ramp)
        last = ramp[-1]
        r = ratio(last["qps"], peak)
        errors = errors_of(*ramp)
        unintended = {code: n for code, n in errors.items() if code != "RESOURCE_EXHAUSTED"}
        rss = max((run["max_rss_kib"] for run in resources.values()), default=0)
        threads = max((run["max_threads"] for run in resources.values()), default=0)
        add(9, f"Mixed 95/5, 1 to {last['concurrency']:,} in flight: QPS at the top vs peak",
            f"{times(r)}; max RSS {rss / 1024:.0f} MiB, max {threads} threads",
            ">= 0.8x, only RESOURCE_EXHAUSTED, bounded",
            None if r is None else (r >= 0.8 and not unintended),
            f"peak {peak:,.0f} QPS, at {last['concurrency']:,}: {last['qps']:,.0f} QPS; "
            f"errors {errors or 'none'}" + echo_ramp_text(runs))
    else:
        add(9, "Mixed 95/5 ramped to 1,000 in flight", "n/a",
            ">= 0.8x, only RESOURCE_EXHAUSTED, bounded", None, "not run")

    # 10. Change feed: CPU per write with 64 watchers, long history vs short;
    # writes with 256 streams that never read vs none.
    feeds = sorted((run for run in runs.notes(10)
                    if run.get("label", "").startswith("feed-") and "retained" in run),
                   key=lambda run: run["retained"])
    idle, quiet = runs.get("feed-idle-256"), runs.get("feed-no-streams")
    if len(feeds) >= 2:
        short, long = feeds[0], feeds[-1]
        r = ratio(long["cpu_ms_per_write"], short["cpu_ms_per_write"])
        w = ratio(idle and idle["write_ms_p50"], quiet and quiet["write_ms_p50"])
        add(10, f"Change feed, 64 watchers: CPU per write at {long['retained']:,} vs "
            f"{short['retained']:,} retained changes; writes with 256 idle streams",
            f"{times(r)}; writes {times(w)}", "<= 1.5x; <= 1.2x",
            None if r is None or w is None else (r <= 1.5 and w <= 1.2),
            f"{short['retained']:,}: {short['cpu_ms_per_write']} ms CPU, lag p50 "
            f"{short['lag_ms_p50']} ms; {long['retained']:,}: {long['cpu_ms_per_write']} ms "
            f"CPU, lag p50 {long['lag_ms_p50']} ms; write p50 "
            f"{quiet and quiet['write_ms_p50']} ms with no stream, "
            f"{idle and idle['write_ms_p50']} ms with 256 idle",
            "" if long["retained"] >= 1_000_000 else f" --feed-changes {long['retained']}")
    else:
        add(10, "Change feed: CPU per write by retained history", "n/a", "<= 1.5x; <= 1.2x",
            None, "not run")

    # 11. Writes: creates at 64 in flight against the echo; a write's cost
    # at the end of a series of 10 and of 10,000.
    server, one, echo = (runs.get("create-c64/server"), runs.get("create-c1/server"),
                         runs.get("create-c64/echo"))
    small, large = runs.get("create-series-10/server"), runs.get("create-series-10000/server")
    r = ratio(qps(server), qps(echo))
    growth = ratio(p(large, "p50"), p(small, "p50")) if small and large else None
    add(11, "CreateVisit: QPS at 64 in flight vs echo; p50 at 10,000 vs 10 in its series",
        f"{times(r)}; {times(growth)}", ">= 0.2x; <= 1.3x",
        None if r is None or growth is None else (r >= 0.2 and growth <= 1.3),
        f"64 in flight {fmt(qps(server), 0)} QPS, 1 in flight {fmt(qps(one), 0)} QPS, "
        f"echo {fmt(qps(echo), 0)} QPS; series p50 {p(small, 'p50')} us at 10, "
        f"{p(large, 'p50')} us at 10,000; errors {errors_of(server, one, small, large) or 'none'}"
        if server and echo and small and large else "not run")

    # 12. One pair's dossier and timeline at 100 and 1,000,000 records; a
    # deep timeline page against the first.
    small, large = runs.get("pair-dossier-100/server"), runs.get("pair-dossier-1000000/server")
    first_small = runs.get("pair-timeline-first-100/server")
    first, deep = (runs.get("pair-timeline-first-1000000/server"),
                   runs.get("pair-timeline-deep-1000000/server"))
    dossier = ratio(p(large, "p50"), p(small, "p50"))
    page = ratio(p(first, "p50"), p(first_small, "p50"))
    depth = ratio(p(deep, "p50"), p(first, "p50"))
    add(12, "One pair at 1,000,000 vs 100 records: dossier p50, timeline page p50; "
        "deep page vs first",
        f"{times(dossier)}; {times(page)}; {times(depth)}", "<= 2x; <= 2x; <= 1.2x",
        None if None in (dossier, page, depth) else
        (dossier <= 2 and page <= 2 and depth <= 1.2),
        f"dossier p50 {p(small, 'p50')} us at 100, {p(large, 'p50')} us at 1,000,000; "
        f"timeline page of 50 p50 {p(first_small, 'p50')} us at 100, {p(first, 'p50')} us "
        f"at 1,000,000, page 10,000 {p(deep, 'p50')} us (walk to it "
        f"{deep.get('page_walk_s')} s); errors "
        f"{errors_of(small, large, first_small, first, deep) or 'none'}"
        if small and large and first_small and first and deep else "not run")

    # 13. An overload that heals: a burst of calls at once (each round of
    # bilateral-burst is a note; every round must meet the target).
    bursts = [run for run in runs.notes(13) if "codes" in run]
    target = ("every call OK or RESOURCE_EXHAUSTED before its deadline; health <= 100 ms "
              "throughout; a Get right after <= 1 s; RSS <= 1.5x idle within 10 s")
    if bursts:
        calls = bursts[-1]["calls"]
        unexpected = sum(run["unexpected"] for run in bursts)
        late = sum(run["late"] for run in bursts)
        health_failures = sum(run["health_failures"] for run in bursts)
        health_max = max(run["health_max_ms"] for run in bursts)
        get_after = max(run["get_after_burst_ms"] for run in bursts)
        get_failed = [run["get_after_burst_code"] for run in bursts
                      if run["get_after_burst_code"] != "OK"]
        backs = [run["rss_back_s"] for run in bursts]
        back = None if None in backs else max(backs)
        codes = {}
        for run in bursts:
            for method, by_code in run["codes"].items():
                for code, count in by_code.items():
                    codes.setdefault(method, {})
                    codes[method][code] = codes[method].get(code, 0) + count
        answers = ("all OK/RESOURCE_EXHAUSTED" if unexpected == 0 else
                   f"{unexpected:,} neither OK nor RESOURCE_EXHAUSTED")
        if late:
            answers += f", {late:,} past their deadline"
        measured = (f"{answers}; health max {health_max:,.0f} ms"
                    f"{f' ({health_failures} failed)' if health_failures else ''}; "
                    f"Get after {get_after:,.0f} ms"
                    f"{f' ({get_failed[0]})' if get_failed else ''}; " +
                    ("RSS not back in 10 s" if back is None or back > 10 else
                     f"RSS back in {back:.1f} s"))
        met = (unexpected == 0 and late == 0 and health_failures == 0 and health_max <= 100
               and not get_failed and get_after <= 1000 and back is not None and back <= 10)
        last = bursts[-1]
        add(13, f"Overload that heals: {calls:,} dossier, timeline and search calls at once",
            measured, target, met,
            f"codes {codes}; the calls took {last['issue_ms']:,.0f} ms to start and "
            f"{last['burst_s']:.2f} s to end; health p99 {last['health_p99_ms']} ms over "
            f"{last['health_checks']} checks; first Get answered {last['first_get_ok_s']} s "
            f"into the burst, Gets under 100 ms again {last['gets_fast_again_s']} s after it; "
            f"RSS idle {last['rss_idle_mib']} MiB, peak {last['rss_peak_mib']} MiB, "
            f"{last['rss_settled_mib']} MiB {last['settle_s']:.0f} s after"
            + (f" ({len(bursts)} rounds; figures of the last)" if len(bursts) > 1 else ""),
            "" if calls == 3000 else f" --burst-calls {calls}")
    else:
        add(13, "Overload that heals: 3,000 dossier, timeline and search calls at once", "n/a",
            target, None, "not run")
    return rows


def markdown(rows, info, commits, log_level):
    met_text = {True: "yes", False: "**no**", None: "not run"}
    lines = [
        f"Measured {info['date']} (commits: {commits}) on {info.get('cpu', 'unknown CPU')}, "
        f"{info.get('cores')} cores, {info.get('memory_gib')} GiB, {info.get('os', '')} "
        f"(kernel {info.get('kernel')}); server log level {log_level}.",
        "",
        "| # | scenario | measured | target | met | figures | reproduce |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['scenario']} | {row['title']} | {row['measured']} | {row['target']} | "
            f"{met_text[row['met']]} | {row['detail']} | `{row['command']}` |")
    return "\n".join(lines) + "\n"


def gnuplot(script, data):
    """Runs a gnuplot script, then removes the data file it plotted."""
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
    os.remove(data)


def plot(runs, out):
    """SVG plots of the scaling curves, with gnuplot; the list of files written."""
    if not shutil.which("gnuplot"):
        print("bench/report.py: gnuplot is not installed; no plots (bench/setup.sh installs it)",
              file=sys.stderr)
        return []
    written = []
    gets = trade_gets(runs)
    if gets:
        data = f"{out}-store-size.dat"
        with open(data, "w") as f:
            for run in gets:
                f.write(f"{store_size(run)} {run['latency_us']['p50']} "
                        f"{run['latency_us']['p99']}\n")
        svg = f"{out}-store-size.svg"
        script = f"""
set terminal svg size 640,400 dynamic
set output '{svg}'
set title 'Get of one trade record, one call at a time, by store size'
set logscale x
set xlabel 'trade records stored'
set ylabel 'latency (us)'
set yrange [0:*]
set key top left
plot '{data}' using 1:2 with linespoints title 'p50', '' using 1:3 with linespoints title 'p99'
"""
        gnuplot(script, data)
        written.append(svg)

    ramp = mixed_ramp(runs)
    resources = mixed_resources(runs)
    if ramp:
        data = f"{out}-mixed.dat"
        echo = {run["concurrency"]: run["qps"] for run in echo_ramp(runs)}
        with open(data, "w") as f:
            for run in ramp:
                res = resources.get(run["concurrency"], {})
                f.write(f"{run['concurrency']} {run['qps']} {res.get('max_rss_kib', 0) / 1024:.1f} "
                        f"{res.get('max_threads', 0)} {echo.get(run['concurrency'], 'NaN')}\n")
        svg = f"{out}-mixed.svg"
        script = f"""
set terminal svg size 640,400 dynamic
set output '{svg}'
set title 'Mixed 95% reads / 5% writes: throughput and resources by concurrency'
set logscale x
set xlabel 'calls in flight'
set ylabel 'calls per second'
set y2label 'MiB resident / threads'
set yrange [0:*]
set y2range [0:*]
set ytics nomirror
set y2tics
set key bottom right
plot '{data}' using 1:2 with linespoints title 'server QPS (95/5)' axes x1y1, \\
     '' using 1:5 with linespoints title 'echo QPS (GetVisit)' axes x1y1, \\
     '' using 1:3 with linespoints title 'max RSS (MiB)' axes x1y2, \\
     '' using 1:4 with linespoints title 'max threads' axes x1y2
"""
        gnuplot(script, data)
        written.append(svg)
    return written


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", required=True, help="results.jsonl from bench/run.sh")
    parser.add_argument("--out", required=True, help="path prefix of the files to write")
    parser.add_argument("--commit", default="unknown")
    parser.add_argument("--log_level", default="warning")
    parser.add_argument("--scenarios", default="",
                        help="the scenarios run, e.g. 1,2 (default: those in --results)")
    args = parser.parse_args()

    scenarios = {int(n) for n in args.scenarios.split(",")} if args.scenarios else None
    runs = Runs(args.results, merge_from=f"{args.out}.json", commit=args.commit,
                scenarios=scenarios)
    info = machine()
    info["date"] = datetime.date.today().isoformat()
    rows = scenario_rows(runs)
    plots = plot(runs, args.out)
    with open(f"{args.out}.json", "w") as f:
        json.dump({"machine": info, "commit": args.commit, "log_level": args.log_level,
                   "scenarios": rows, "runs": runs.all,
                   "plots": [os.path.basename(path) for path in plots]}, f, indent=1)
        f.write("\n")
    commits = ", ".join(sorted({str(run.get("commit")) for run in runs.all}))
    table = markdown(rows, info, commits, args.log_level)
    with open(f"{args.out}.md", "w") as f:
        f.write(table)
    print(table)
    for path in [f"{args.out}.json", f"{args.out}.md", *plots]:
        print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
