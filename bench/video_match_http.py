#!/usr/bin/env python3
"""bench/video-match's HTTP part: a `cordon serve` on loopback (SQLite, a temporary folder)
takes the stored videos through POST /v1/collections/{id}/signals, then answers the query
videos through POST /v1/match, one at a time on one connection; and, given --upload, an
uploaded video hashed and matched end to end. Each query's matched videos go to --matches.
The server is stopped when it ends; every loop is bounded. Last line: one JSON object."""
import argparse, http.client, json, os, shutil, sys, tempfile, time
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hub_bench  # noqa: E402  (its throwaway PostgreSQL and two replicas)

BATCH = 250


def log(message):
    print(f"bench/video-match: {message}", file=sys.stderr, flush=True)


def texts(prefix):
    """Each video as the reference's frameNumber,quality,hash,timestamp text."""
    hashes = np.fromfile(prefix + ".bin", dtype=np.uint8).reshape(-1, 32)
    quality = np.fromfile(prefix + ".quality", dtype=np.uint8)
    counts = np.fromfile(prefix + ".count", dtype="<u4")
    out, at = [], 0
    for n in counts:
        out.append("\n".join(f"{i},{int(quality[at + i])},{hashes[at + i].tobytes().hex()},{i}.000" for i in range(int(n))))
        at += int(n)
    return out


class Hub:
    def __init__(self, port, key):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        self.key = key

    def call(self, method, path, body=None, content_type="application/json", headers=None):
        data = body if isinstance(body, bytes) else (json.dumps(body).encode() if body is not None else None)
        self.connection.request(method, path, body=data, headers={
            "Content-Type": content_type, "Authorization": f"Bearer {self.key}", **(headers or {})})
        response = self.connection.getresponse()
        payload = response.read()
        if response.status >= 300:
            raise SystemExit(f"bench/video-match: {method} {path} answered {response.status}: {payload[:300]!r}")
        return json.loads(payload) if payload else None


def rss_mb(pid):
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1048576


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cordon", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--matches", required=True)
    parser.add_argument("--upload", help="a video to upload to POST /v1/match, end to end")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="cordon-video-bench-")
    figures = {}
    database = "sqlite:" + os.path.join(folder, "hub.sqlite")
    key = hub_bench.admin_key(args.cordon, database, "Bench")
    port = hub_bench.free_port()
    server = hub_bench.serve(args.cordon, database, port)
    try:
        hub_bench.wait_for_health(port, 120)
        hub = Hub(port, key)
        collection = hub.call("POST", "/v1/collections", {"name": "videos"})["id"]

        stored = texts(os.path.join(args.data, f"videos_{args.n}"))
        log(f"HTTP: sharing {len(stored)} videos in requests of {BATCH}…")
        ids = {}
        start = time.perf_counter()
        for first in range(0, len(stored), BATCH):
            chunk = stored[first:first + BATCH]
            answer = hub.call("POST", f"/v1/collections/{collection}/signals",
                              {"signals": [{"type": "vpdq", "value": text} for text in chunk]}, headers={"Prefer": "return=minimal"})
            for offset, item in enumerate(answer["results"]):
                ids[item["id"]] = first + offset
        ingest = time.perf_counter() - start
        del stored
        # A hub at rest: the index folds in what the burst left pending a second after the
        # last write (about 5 s for 6M frames); queries are timed after that.
        time.sleep(15)

        queries = texts(os.path.join(args.data, f"queries_{args.n}"))
        latencies, lines = [], []
        start = time.perf_counter()
        for qi, text in enumerate(queries):
            t0 = time.perf_counter()
            answer = hub.call("POST", "/v1/match", {"type": "vpdq", "value": text})
            latencies.append(time.perf_counter() - t0)
            found = sorted(ids[m["signal"]["id"]] for m in answer["results"][0]["matches"])
            lines.append(f"{qi}:" + ",".join(map(str, found)))
        elapsed = time.perf_counter() - start
        with open(args.matches, "w") as f:
            f.write("\n".join(lines) + "\n")
        latencies.sort()
        figures |= {"qps_1c": len(queries) / elapsed, "p50_ms": latencies[len(latencies) // 2] * 1000,
                   "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
                   "ingest_s": ingest, "ingest_videos_per_s": len(ids) / ingest, "server_rss_mb": rss_mb(server.pid)}
        if args.upload:
            with open(args.upload, "rb") as f:
                video = f.read()
            # Shared once (hashed on the hub), then matched by upload, timed.
            hub.call("POST", f"/v1/collections/{collection}/signals", video, content_type="video/mp4")
            times = []
            for _ in range(3):
                t0 = time.perf_counter()
                answer = hub.call("POST", "/v1/match", video, content_type="video/mp4")
                times.append(time.perf_counter() - t0)
            figures["upload_s"] = min(times)
            figures["upload_bytes"] = len(video)
            figures["upload_matched"] = len(answer["results"][0]["matches"]) == 1
    finally:
        hub_bench.stop(server)
        shutil.rmtree(folder, ignore_errors=True)
    log("replicas: 100 videos shared through one, timed until the other matches them…")
    delays = sorted(hub_bench.replica_delays(args.cordon, 100, random_video))
    figures["replica_p50_ms"] = delays[len(delays) // 2]
    figures["replica_p99_ms"] = delays[min(len(delays) - 1, int(len(delays) * 0.99))]
    print(json.dumps(figures))


def random_video():
    """A random 60-frame video to share, and the same frames as the query."""
    frames = [{"frameNumber": i, "quality": 100, "hash": os.urandom(32).hex(), "timestamp": float(i)} for i in range(60)]
    return {"type": "vpdq", "features": frames}, {"type": "vpdq", "features": frames}


if __name__ == "__main__":
    main()
