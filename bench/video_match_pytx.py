#!/usr/bin/env python3
"""python-threatexchange's VPDQIndex (its vpdq extension: FAISS IndexBinaryFlat) on the
bench/video-match data, one thread: build time, memory, queries per second, p50/p99, and
each query's matched videos (written to --matches for the agreement check).
Last line: one JSON object."""
import argparse, json, os, resource, time
import numpy as np


def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1048576


def videos(prefix):
    hashes = np.fromfile(prefix + ".bin", dtype=np.uint8).reshape(-1, 32)
    quality = np.fromfile(prefix + ".quality", dtype=np.uint8)
    counts = np.fromfile(prefix + ".count", dtype="<u4")
    hexes = [h.tobytes().hex() for h in hashes]
    out, at = [], 0
    for n in counts:
        out.append(json.dumps([f"{hexes[at + i]},{int(quality[at + i])},{float(i):.3}" for i in range(int(n))]))
        at += int(n)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--queries", type=int, default=1000, help="how many of the queries to run")
    parser.add_argument("--matches", required=True)
    args = parser.parse_args()
    import faiss
    faiss.omp_set_num_threads(1)
    from threatexchange.extensions.vpdq.vpdq_index import VPDQIndex

    stored = videos(os.path.join(args.data, f"videos_{args.n}"))
    queries = videos(os.path.join(args.data, f"queries_{args.n}"))[: args.queries]
    before = rss_mb()
    start = time.perf_counter()
    index = VPDQIndex.build((signal, i) for i, signal in enumerate(stored))
    build = time.perf_counter() - start
    memory = rss_mb() - before
    del stored

    latencies, lines = [], []
    start = time.perf_counter()
    for qi, query in enumerate(queries):
        t0 = time.perf_counter()
        found = index.query(query)
        latencies.append(time.perf_counter() - t0)
        lines.append(f"{qi}:" + ",".join(str(i) for i in sorted(m.metadata for m in found)))
    elapsed = time.perf_counter() - start
    with open(args.matches, "w") as f:
        f.write("\n".join(lines) + "\n")
    latencies.sort()
    print(json.dumps({
        "queries": len(queries), "qps_1t": len(queries) / elapsed,
        "p50_ms": latencies[len(latencies) // 2] * 1000, "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "build_s": build, "mem_mb": memory, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()
