"""bench/hub's driver (see bench/hub). Starts Cordon and the anchor on loopback, loads the
same hashes into both, drives both with wrk on the same queries, and prints one JSON line.
Every server it starts is stopped when it ends; every request loop is bounded."""
import argparse
import contextlib
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

WRK_SECONDS = 10
WRK_CONNECTIONS = 16
PG_BIN = "/usr/lib/postgresql/15/bin"


def log(message):
    print(f"bench/hub: {message}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, method, path, key=None, body=None, timeout=120):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, (json.loads(data) if data and data[:1] in b"{[" else data)


def wait_for_health(port, limit=600):
    """Seconds until GET /health answers (bounded)."""
    start = time.monotonic()
    while time.monotonic() - start < limit:
        try:
            if request(port, "GET", "/health", timeout=2)[0] == 200:
                return time.monotonic() - start
        except OSError:
            pass
        time.sleep(0.02)
    raise SystemExit(f"bench/hub: nothing answered on port {port} within {limit} s")


def serve(cordon, database, port, key_file=None, extra=()):
    keys = ["--key-file", key_file] if key_file else []
    return subprocess.Popen([cordon, "serve", "--database", database, "--port", str(port), *keys, *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def key_file(cordon, folder):
    """A new file of hub keys, which every replica on one PostgreSQL database must share."""
    path = os.path.join(folder, "hub-keys.json")
    subprocess.run([cordon, "keys", "init", "--key-file", path], check=True, capture_output=True)
    return path


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def admin_key(cordon, database, name):
    out = subprocess.run([cordon, "admin", "create-organisation", "--database", database, "--name", name,
                          "--kind", "platform"], check=True, capture_output=True, text=True).stdout
    return re.search(r"cdn_[0-9a-f]{64}", out).group(0)


def wrk(port, key, queries_file):
    """Requests/s, p50 and p99 (ms) of POST /v1/match with the queries, round robin."""
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "match.lua")
    out = subprocess.run(["wrk", "-t1", f"-c{WRK_CONNECTIONS}", f"-d{WRK_SECONDS}s", "--latency", "-s", script,
                          f"http://127.0.0.1:{port}"], check=True, capture_output=True, text=True,
                         env={**os.environ, "QUERIES": queries_file, "KEY": key or "none"}).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)

    def latency(p):
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    return rps, latency(50), latency(99), int(errors.group(1)) if errors else 0


def agreement(cordon_port, key, anchor_port, queries, sample=200):
    """Share of sampled queries where both servers find the same number of matches."""
    same = 0
    for value in queries[:sample]:
        ours = request(cordon_port, "POST", "/v1/match", key, {"type": "pdq", "value": value})[1]
        theirs = request(anchor_port, "POST", "/v1/match", None, {"type": "pdq", "value": value})[1]
        same += len(ours["results"][0]["matches"]) == len(theirs["results"][0]["matches"])
    return same / sample


def random_pdq():
    """A signal to share and the query that finds it: one random PDQ hash."""
    body = {"type": "pdq", "value": os.urandom(32).hex()}
    return body, body


@contextlib.contextmanager
def postgres_cluster():
    """A throwaway PostgreSQL on a free loopback port, as its user (the bench runs as root);
    yields the database URL, and removes the cluster afterwards."""
    root = tempfile.mkdtemp(prefix="cordon-bench-pg-")
    shutil.chown(root, "postgres", "postgres")
    port = free_port()
    as_postgres = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--reset-env"]
    subprocess.run(as_postgres + [f"{PG_BIN}/initdb", "-D", f"{root}/data", "-U", "postgres", "--auth=trust",
                                  "-E", "UTF8", "--no-locale"], check=True, capture_output=True)
    server = subprocess.Popen(as_postgres + [f"{PG_BIN}/postgres", "-D", f"{root}/data", "-p", str(port), "-c",
                                             "listen_addresses=127.0.0.1", "-k", root],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(port)]).returncode == 0:
                break
            time.sleep(0.1)
        yield f"postgres://postgres@127.0.0.1:{port}/postgres?sslmode=disable"
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(root, ignore_errors=True)


def replica_delays(cordon, trials=100, signal=random_pdq):
    """Milliseconds from a submission through replica A until replica B matches it;
    `signal()` gives each trial's submission and match query."""
    replicas = []
    folder = tempfile.mkdtemp(prefix="cordon-bench-keys-")
    with postgres_cluster() as database:
        try:
            key = admin_key(cordon, database, "Replica bench")
            ports = [free_port(), free_port()]
            keys = key_file(cordon, folder)
            replicas = [serve(cordon, database, p, keys) for p in ports]
            for p in ports:
                wait_for_health(p, 60)
            collection = request(ports[0], "POST", "/v1/collections", key, {"name": "replica-bench"})[1]["id"]
            time.sleep(1.5)  # the membership reaches the second replica
            delays = []
            for trial in range(trials):
                submission, query = signal()
                start = time.monotonic()
                status, _ = request(ports[0], "POST", f"/v1/collections/{collection}/signals", key, submission)
                assert status == 201, status
                while time.monotonic() - start < 5:
                    reply = request(ports[1], "POST", "/v1/match", key, query)[1]
                    if reply["results"][0]["matches"]:
                        break
                    time.sleep(0.002)
                delays.append((time.monotonic() - start) * 1000)
            return delays
        finally:
            for replica in replicas:
                stop(replica)
            shutil.rmtree(folder, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--cordon", required=True)
    parser.add_argument("--anchor", required=True)
    args = parser.parse_args()
    n = args.n
    raw = open(os.path.join(args.data, f"db_{n}.bin"), "rb").read()
    hashes = [raw[i:i + 32].hex() for i in range(0, len(raw), 32)]
    qraw = open(os.path.join(args.data, f"queries_{n}.bin"), "rb").read()
    queries = [qraw[i:i + 32].hex() for i in range(0, len(qraw), 32)]
    queries_file = os.path.join(args.data, "queries.txt")
    with open(queries_file, "w") as f:
        f.write("\n".join(queries) + "\n")
    figures = {"n": n, "wrk_seconds": WRK_SECONDS, "wrk_connections": WRK_CONNECTIONS}

    work = tempfile.mkdtemp(prefix="cordon-bench-hub-")
    database = f"sqlite:{work}/hub.sqlite"
    key = admin_key(args.cordon, database, "Bench Platform")
    port = free_port()
    server = serve(args.cordon, database, port)
    anchor = None
    try:
        wait_for_health(port, 60)
        collection = request(port, "POST", "/v1/collections", key, {"name": "bench"})[1]["id"]

        log(f"bulk ingest of {n} hashes, 10,000 per request…")
        bodies = [json.dumps({"signals": [{"type": "pdq", "value": h} for h in hashes[i:i + 10000]]})
                  for i in range(0, n, 10000)]
        start = time.monotonic()
        for body in bodies:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            connection.request("POST", f"/v1/collections/{collection}/signals", body=body,
                               headers={"Content-Type": "application/json", "Authorization": f"Bearer {key}",
                                        "Prefer": "return=minimal"})
            response = connection.getresponse()
            response.read()
            assert response.status == 201, response.status
            connection.close()
        figures["ingest_s"] = round(time.monotonic() - start, 2)
        figures["ingest_per_s"] = round(n / figures["ingest_s"])

        log("restarting Cordon to time start-up with the hashes loaded…")
        stop(server)
        server = serve(args.cordon, database, port)
        figures["cordon_startup_s"] = round(wait_for_health(port), 2)
        figures["cordon_rss_mb"] = round(int(re.search(r"VmRSS:\s+(\d+)", open(f"/proc/{server.pid}/status").read()).group(1)) / 1024, 1)

        log("starting the anchor (FAISS MIH under gunicorn, 2 workers)…")
        anchor_port = free_port()
        start = time.monotonic()
        anchor = subprocess.Popen(
            [os.path.join(os.path.dirname(sys.executable), "gunicorn"), "-w", "2", "--preload", "-b",
             f"127.0.0.1:{anchor_port}", "--chdir", os.path.dirname(args.anchor), "hub_anchor:app"],
            env={**os.environ, "HUB_ANCHOR_DB": os.path.join(args.data, f"db_{n}.bin")},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        figures["anchor_startup_s"] = round(wait_for_health(anchor_port), 2)
        figures["agreement"] = agreement(port, key, anchor_port, queries)

        log(f"wrk: Cordon, {WRK_SECONDS} s…")
        rps, p50, p99, errors = wrk(port, key, queries_file)
        figures.update(cordon_rps=round(rps, 1), cordon_p50_ms=p50, cordon_p99_ms=p99, cordon_errors=errors)
        log(f"wrk: anchor, {WRK_SECONDS} s…")
        rps, p50, p99, errors = wrk(anchor_port, None, queries_file)
        figures.update(anchor_rps=round(rps, 1), anchor_p50_ms=p50, anchor_p99_ms=p99, anchor_errors=errors)
    finally:
        stop(server)
        if anchor:
            stop(anchor)
        shutil.rmtree(work, ignore_errors=True)

    log("replicas: 100 submissions through one, matched on the other (PostgreSQL)…")
    delays = sorted(replica_delays(args.cordon))
    figures["replica_p50_ms"] = round(statistics.median(delays), 1)
    figures["replica_p99_ms"] = round(delays[int(len(delays) * 0.99) - 1], 1)
    figures["replica_max_ms"] = round(delays[-1], 1)
    figures["ratio_rps"] = round(figures["cordon_rps"] / figures["anchor_rps"], 2)
    figures["p99_ratio"] = round(figures["cordon_p99_ms"] / figures["anchor_p99_ms"], 3)
    print(f"Cordon {figures['cordon_rps']} req/s (p50 {figures['cordon_p50_ms']} ms, p99 {figures['cordon_p99_ms']} ms); "
          f"anchor {figures['anchor_rps']} req/s (p50 {figures['anchor_p50_ms']} ms, p99 {figures['anchor_p99_ms']} ms); "
          f"ratio {figures['ratio_rps']}x")
    print(f"ingest {figures['ingest_per_s']} hashes/s; start-up with {n} hashes {figures['cordon_startup_s']} s; "
          f"replica p99 {figures['replica_p99_ms']} ms")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
