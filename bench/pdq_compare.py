"""Times PDQ hashing by Cordon and by the reference C++ (PyPI `pdqhash`) on the same images.

Generates a fixed image set (seeded) the first time, then, one image at a time on one core,
decodes and hashes each with both. Prints a table and, last, one JSON line of figures.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
import pdqhash
from PIL import Image

SIZES = [(1280, 800), (1920, 1080), (2560, 1920), (3264, 2448), (4032, 3024)]


def picture(width, height, seed):
    """A photo-like RGB picture: smooth gradients, soft blobs, edges and fine noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    x /= width
    y /= height
    img = np.zeros((height, width, 3), np.float32)
    for c in range(3):
        img[..., c] = 90 + 60 * np.sin(2 * np.pi * (rng.uniform(0.5, 3) * x + rng.uniform(0.5, 3) * y) + rng.uniform(0, 6))
    for _ in range(12):
        cx, cy, r = rng.uniform(0, 1), rng.uniform(0, 1), rng.uniform(0.03, 0.25)
        mask = ((x - cx) ** 2 + ((y - cy) * height / width) ** 2) < r * r
        img[mask] += rng.uniform(-80, 80, 3)
    img += rng.normal(0, 6, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def make_images(folder):
    os.makedirs(folder, exist_ok=True)
    paths = []
    for i, (w, h) in enumerate(SIZES):
        mp = w * h / 1e6
        jpeg, png = os.path.join(folder, f"img-{mp:.1f}mp.jpg"), os.path.join(folder, f"img-{mp:.1f}mp.png")
        if not (os.path.exists(jpeg) and os.path.exists(png)):
            pixels = Image.fromarray(picture(w, h, 1000 + i))
            pixels.save(jpeg, quality=90)
            pixels.save(png)  # Pillow's default zlib level, as most PNGs in the wild
        paths += [jpeg, png]
    return paths


def reference_hex(bits):
    text = "".join(str(int(b)) for b in bits)
    return "".join(f"{int(text[i:i + 8], 2):02x}" for i in range(0, 256, 8))


def reference(paths, repeat):
    out = {}
    for path in paths:
        best_decode = best_hash = float("inf")
        for _ in range(repeat):
            t0 = time.perf_counter()
            with Image.open(path) as im:
                pixels = np.asarray(im.convert("RGB"))
            t1 = time.perf_counter()
            bits, quality = pdqhash.compute(pixels)
            t2 = time.perf_counter()
            best_decode, best_hash = min(best_decode, (t1 - t0) * 1000), min(best_hash, (t2 - t1) * 1000)
        out[path] = {"decode_ms": best_decode, "hash_ms": best_hash, "pdq": reference_hex(bits), "quality": int(quality)}
    return out


def cordon(binary, paths, repeat, fast=False):
    command = [binary, "bench", "pdq", "--repeat", str(repeat)] + (["--fast"] if fast else []) + paths
    lines = subprocess.run(command, check=True, capture_output=True, text=True).stdout.splitlines()
    return {o["path"]: o for o in map(json.loads, lines)}


def distance(a, b):
    return bin(int(a, 16) ^ int(b, 16)).count("1")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cordon", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    paths = make_images(args.data)
    # One core each, as the goal is per-core throughput.
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    ref = reference(paths, args.repeat)
    ours = cordon(args.cordon, paths, args.repeat)
    fast = cordon(args.cordon, paths, args.repeat, fast=True)

    print(f"{'image':<22}{'ref decode':>11}{'ref hash':>10}{'cordon dec':>11}{'cordon hash':>12}{'fast':>8}{'dist':>6}{'fast dist':>10}", file=sys.stderr)
    png_mismatches = jpeg_mismatches = jpeg_max = 0
    fast_distances = []
    for p in paths:
        r, c, f = ref[p], ours[p], fast[p]
        d = distance(r["pdq"], c["pdq"])
        fd = distance(c["pdq"], f["pdq"]) if p.endswith(".jpg") else 0
        if p.endswith(".png"):
            png_mismatches += d != 0 or r["quality"] != c["quality"]
        else:
            jpeg_mismatches += d != 0
            jpeg_max = max(jpeg_max, d)
            fast_distances.append(fd)
        print(f"{os.path.basename(p):<22}{r['decode_ms']:>9.1f}ms{r['hash_ms']:>8.1f}ms{c['decode_ms']:>9.1f}ms{c['hash_ms']:>10.1f}ms"
              f"{f['decode_ms'] + f['hash_ms']:>6.1f}ms{d:>6}{fd:>10}", file=sys.stderr)

    def rate(results):
        return len(paths) / (sum(o["decode_ms"] + o["hash_ms"] for o in results.values()) / 1000)

    def rate_of(results, subset):
        return len(subset) / (sum(results[p]["decode_ms"] + results[p]["hash_ms"] for p in subset) / 1000)

    jpegs = [p for p in paths if p.endswith(".jpg")]
    pngs = [p for p in paths if p.endswith(".png")]
    fast_jpeg_rate = len(jpegs) / (sum(fast[p]["decode_ms"] + fast[p]["hash_ms"] for p in jpegs) / 1000)
    exact_jpeg_rate = len(jpegs) / (sum(ours[p]["decode_ms"] + ours[p]["hash_ms"] for p in jpegs) / 1000)
    figures = {
        "images": len(paths),
        "cordon_images_per_s": round(rate(ours), 3),
        "reference_images_per_s": round(rate(ref), 3),
        "ratio": round(rate(ours) / rate(ref), 3),
        "png_mismatches": png_mismatches,
        "jpeg_mismatches": jpeg_mismatches,
        "jpeg_max_distance": jpeg_max,
        "cordon_decode_ms": round(sum(o["decode_ms"] for o in ours.values()), 1),
        "cordon_hash_ms": round(sum(o["hash_ms"] for o in ours.values()), 1),
        "reference_decode_ms": round(sum(o["decode_ms"] for o in ref.values()), 1),
        "reference_hash_ms": round(sum(o["hash_ms"] for o in ref.values()), 1),
        "jpeg_ratio": round(rate_of(ours, jpegs) / rate_of(ref, jpegs), 3),
        "png_ratio": round(rate_of(ours, pngs) / rate_of(ref, pngs), 3),
        "hash_only_ratio": round(sum(o["hash_ms"] for o in ref.values()) / sum(o["hash_ms"] for o in ours.values()), 3),
        "fast_jpeg_speedup": round(fast_jpeg_rate / exact_jpeg_rate, 3),
        "fast_max_distance": max(fast_distances),
        "fast_mean_distance": round(sum(fast_distances) / len(fast_distances), 2),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
