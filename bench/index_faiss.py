"""The FAISS side of bench/index, on the shared data, measured as Cordon is:

- faiss_hma: IndexBinaryMultiHash(256, 16, 16) with nflip = 31 // 16 = 1, as HMA's and
  python-threatexchange's PDQMultiHashIndex set it: exact at radius 31.
- faiss_fastest: the same index with FAISS's default nflip = 0: FAISS's fastest
  multi-index search, inexact (its recall is reported).
- faiss_flat: IndexBinaryFlat, the exact brute force.

Each is measured in a process of its own, so one's freed memory is not counted as the
next one's (resident memory only grows within a process).
"""
import argparse
import json
import subprocess
import sys
import time

import faiss
import numpy as np


def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 1048576


def ground_truth(path):
    truth = {}
    with open(path) as f:
        for line in f:
            qi, _, rest = line.rstrip("\n").partition("\t")
            truth[int(qi)] = {int(x.split(":")[0]) for x in rest.split()}
    return truth


def multi_hash(nflip):
    def make():
        index = faiss.IndexBinaryMultiHash(256, 16, 16)
        index.nflip = nflip
        return index
    return make


def measure(name, make, db, queries, truth, radius, nq):
    base = rss_mb()
    t0 = time.perf_counter()
    index = make()
    index.add(db)
    build = time.perf_counter() - t0
    mem = rss_mb() - base
    q = queries[:nq]
    faiss.omp_set_num_threads(1)
    t0 = time.perf_counter()
    lims, dists, ids = index.range_search(q, radius + 1)  # FAISS keeps distances < radius
    qps1 = nq / (time.perf_counter() - t0)
    latencies = []
    for i in range(min(nq, 200)):
        t = time.perf_counter()
        index.range_search(q[i:i + 1], radius + 1)
        latencies.append((time.perf_counter() - t) * 1000)
    latencies.sort()
    faiss.omp_set_num_threads(2)
    t0 = time.perf_counter()
    index.range_search(q, radius + 1)
    qps2 = nq / (time.perf_counter() - t0)
    expected = found = 0
    for qi in range(nq):
        if qi in truth:
            got = set(ids[lims[qi]:lims[qi + 1]].tolist())
            expected += len(truth[qi])
            found += len(truth[qi] & got)
    del index
    return {f"{name}_build_s": build, f"{name}_mem_mb": mem, f"{name}_qps_1t": qps1, f"{name}_qps_2t": qps2,
            f"{name}_p50_ms": latencies[len(latencies) // 2], f"{name}_p99_ms": latencies[len(latencies) * 99 // 100],
            f"{name}_recall": found / expected if expected else 1.0, f"{name}_queries": nq}


CONFIGURATIONS = {
    "faiss_hma": (lambda a: multi_hash(a.radius // 16), "hma_queries"),
    "faiss_fastest": (lambda a: multi_hash(0), "fastest_queries"),
    "faiss_flat": (lambda a: (lambda: faiss.IndexBinaryFlat(256)), "flat_queries"),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--queries", required=True)
    ap.add_argument("--ground-truth", required=True)
    ap.add_argument("--radius", type=int, default=31)
    ap.add_argument("--flat-queries", type=int, default=1000)
    ap.add_argument("--fastest-queries", type=int, default=2000)
    ap.add_argument("--hma-queries", type=int, default=1000)
    ap.add_argument("--only", choices=sorted(CONFIGURATIONS))
    a = ap.parse_args()
    if a.only is None:
        figures = {}
        for name in CONFIGURATIONS:
            out = subprocess.run([sys.executable, __file__, *sys.argv[1:], "--only", name],
                                 check=True, capture_output=True, text=True).stdout
            figures.update(json.loads(out.strip().splitlines()[-1]))
        print(json.dumps(figures))
        return
    db = np.fromfile(a.db, dtype=np.uint8).reshape(-1, 32)
    queries = np.fromfile(a.queries, dtype=np.uint8).reshape(-1, 32)
    truth = ground_truth(a.ground_truth)
    make, limit = CONFIGURATIONS[a.only]
    print(json.dumps(measure(a.only, make(a), db, queries, truth, a.radius, min(getattr(a, limit), len(queries)))))


if __name__ == "__main__":
    main()
