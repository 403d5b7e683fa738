"""bench/load's driver (see bench/load). For each configuration — one hub on SQLite, two
replicas on one PostgreSQL — starts the hubs on loopback, runs `cordon bench load` against
them, and checks the figures against the goals. Prints a table and, last, one JSON line.
Every server it starts is stopped when it ends."""
import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile

from hub_bench import free_port, key_file, postgres_cluster, serve, stop, wait_for_health

# The goals of the earlier issues: a match answered well inside the upload path's budget,
# writes and reads of a busy desk, and a crisis push within a second to every member.
GOALS = {"match": 50, "submit": 250, "feed": 250, "refer": 250, "confirm-removal": 250}
LAG_GOAL_MS = 1000
RSS_GROWTH_GOAL_PCT = 10


def log(message):
    print(f"bench/load: {message}", file=sys.stderr, flush=True)


def operator_key(cordon, database):
    out = subprocess.run([cordon, "admin", "create-operator", "--database", database], check=True,
                         capture_output=True, text=True).stdout
    return re.search(r"operator key (cdn_[0-9a-f]{64})", out).group(1)


def run(cordon, database, replicas, args, folder):
    keys = key_file(cordon, folder)
    operator = operator_key(cordon, database)
    ports = [free_port() for _ in range(replicas)]
    servers = [serve(cordon, database, port, keys, ["--allow-loopback-outbound"]) for port in ports]
    try:
        for port in ports:
            wait_for_health(port, 120)
        command = [cordon, "bench", "load", "--operator-key", operator, "--seconds", str(args.seconds),
                   "--warmup", str(args.warmup), "--scale", str(args.scale), "--streams", str(args.streams),
                   "--preload", str(args.preload)]
        for port, server in zip(ports, servers):
            command += ["--hub", f"http://127.0.0.1:{port}", "--server-pid", str(server.pid)]
        driver = subprocess.run(command, capture_output=True, text=True, timeout=args.seconds + 900)
        if driver.returncode != 0:
            raise SystemExit(f"bench/load: the driver failed (exit {driver.returncode}): {driver.stderr.strip()[-2000:]}")
        figures = json.loads(driver.stdout.strip().splitlines()[-1])
        figures["crashed"] = [port for port, server in zip(ports, servers) if server.poll() is not None]
        return figures
    finally:
        for server in servers:
            stop(server)


def verdict(figures):
    """The goals each configuration missed, in words (empty when it met them all)."""
    missed = []
    if figures["errors"]:
        missed.append(f"{figures['errors']} errors")
    if figures["crashed"]:
        missed.append("a hub stopped")
    for kind, goal in GOALS.items():
        if figures.get(kind, {}).get("p99_ms", 0) > goal:
            missed.append(f"{kind} p99 {figures[kind]['p99_ms']:.1f} ms > {goal}")
    for channel in ["case-stream", "feed-stream", "webhook"]:
        seen = figures[channel]
        if seen["lag_p99_ms"] > LAG_GOAL_MS:
            missed.append(f"{channel} lag p99 {seen['lag_p99_ms']:.0f} ms > {LAG_GOAL_MS}")
        if seen["missing"]:
            missed.append(f"{channel}: {seen['missing']} never arrived")
    if figures.get("rss_growth_pct", 0) > RSS_GROWTH_GOAL_PCT:
        missed.append(f"memory grew {figures['rss_growth_pct']:.1f}% after warm-up")
    return missed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cordon", required=True)
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--warmup", type=int, default=60)
    parser.add_argument("--scale", type=float, default=10)
    parser.add_argument("--streams", type=int, default=200)
    # A large network's list is bigger (GIFCT's held 2.1 million hashes in 2022, ../shared/DOMAIN.md):
    # --preload 2100000 runs with one (see the README).
    parser.add_argument("--preload", type=int, default=100_000)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    results = {}
    for name in ["sqlite", "postgres"]:
        if args.only and args.only != name:
            continue
        folder = tempfile.mkdtemp(prefix="cordon-bench-load-")
        try:
            if name == "sqlite":
                log(f"one hub on SQLite, {args.seconds} s at {args.scale}x…")
                results[name] = run(args.cordon, f"sqlite:{folder}/hub.sqlite", 1, args, folder)
            else:
                log(f"two replicas on PostgreSQL, {args.seconds} s at {args.scale}x…")
                with postgres_cluster() as database:
                    results[name] = run(args.cordon, database, 2, args, folder)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    kinds = ["match", "submit", "feed", "refer", "confirm-removal"]
    print(f"{'':26}" + "".join(f"{name:>22}" for name in results), file=sys.stderr)
    for kind in kinds:
        cells = [f"{r[kind]['requests']:>8} p99 {r[kind]['p99_ms']:>6.1f} ms" for r in results.values()]
        print(f"{kind:26}" + "".join(f"{c:>22}" for c in cells), file=sys.stderr)
    for channel in ["case-stream", "feed-stream", "webhook"]:
        cells = [f"{r[channel]['events']:>8} lag {r[channel]['lag_p99_ms']:>6.0f} ms" for r in results.values()]
        print(f"{channel:26}" + "".join(f"{c:>22}" for c in cells), file=sys.stderr)
    routes = sorted({route for r in results.values() for route in r["server_time"]})
    for route in routes:
        cells = [f"{r['server_time'].get(route, {}).get('requests', 0):>8.0f} p99 ≤ {r['server_time'].get(route, {}).get('p99_ms_at_most', 0):>5.0f} ms"
                 for r in results.values()]
        print(f"{'hub: ' + route[:21]:26}" + "".join(f"{c:>22}" for c in cells), file=sys.stderr)
    print(f"{'RSS after warm-up → end':26}" + "".join(
        f"{r.get('rss_mb_after_warmup', 0):>10.0f} → {r.get('rss_mb_end', 0):>5.0f} MB" for r in results.values()), file=sys.stderr)
    print(f"{'RSS growth, second half':26}" + "".join(
        f"{r.get('rss_growth_second_half_pct', 0):>19.1f} %" for r in results.values()), file=sys.stderr)
    for name, r in results.items():
        print(f"RSS every 30 s, {name}: " + " ".join(f"{v:.0f}" for v in r.get("rss_mb_every_30s", [])) + " MB", file=sys.stderr)
    for name, figures in results.items():
        missed = verdict(figures)
        figures["goals_met"] = not missed
        figures["goals_missed"] = missed
        log(f"{name}: " + ("every goal met" if not missed else "; ".join(missed)))
        for error in figures["first_errors"][:5]:
            log(f"{name}: {error}")
    print(json.dumps({"seconds": args.seconds, "scale": args.scale, "streams": args.streams, **results}))


if __name__ == "__main__":
    main()
