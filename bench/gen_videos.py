#!/usr/bin/env python3
"""Synthetic vPDQ video dataset for bench/video-match (extends ../shared/bench/gen_hashes.py's
model from single hashes to videos of frame hashes).

Outputs in --out:
  videos_{N}.bin      every frame's PDQ hash, 32 raw bytes (hex order), videos one after another
  videos_{N}.quality  one byte per frame (0..100)
  videos_{N}.count    one little-endian uint32 per video: its number of frames
  queries_{N}.*       the same three files for the query videos
  queries_{N}_info.csv qi,kind,source (kind: near = an edited copy of video `source`; rand = unrelated)

Video model: a video is scenes of 1..8 frames (about 60 frames in all, one a second); a scene
starts from a uniform random hash and each next frame is the previous one with 0..6 bits
flipped (0 gives the identical hashes python-threatexchange de-duplicates); 3% of frames have
a quality under 50 (never matched).
Queries: half near-duplicates of a random stored video (each frame with 0..16 more bits
flipped, a tenth of frames dropped, one in twenty random frames inserted, start and end
trimmed by up to 10%), half unrelated videos made the same way as stored ones.
"""
import argparse, json, os
import numpy as np


def flip(rng, bits, counts):
    """bits: (M,256) bool; flips exactly counts[i] distinct bits of row i."""
    perm = rng.permuted(np.broadcast_to(np.arange(256, dtype=np.uint16), bits.shape).copy(), axis=1)
    return bits ^ (perm < counts[:, None].astype(np.uint16))


def make_videos(rng, count, mean_frames):
    """Frame bits (F,256), qualities (F,), frames per video (count,)."""
    lengths = rng.integers(mean_frames - 10, mean_frames + 11, size=count)
    total = int(lengths.sum())
    # Scenes of 1..8 frames (4.5 on average); every video starts one.
    starts = rng.random(total) < 1 / 4.5
    starts[np.cumsum(lengths) - lengths] = True
    scene = np.cumsum(starts) - 1
    fresh = np.packbits(rng.integers(0, 2, size=(int(starts.sum()), 256), dtype=np.uint8).astype(bool), axis=1)
    # Each frame drifts 0..6 bits from the one before; the drifts accumulate within a scene.
    flips = np.packbits(flip(rng, np.zeros((total, 256), dtype=bool), rng.integers(0, 7, size=total)), axis=1)
    flips[starts] = 0
    carried = np.bitwise_xor.accumulate(flips, axis=0)
    first = np.flatnonzero(starts)[scene]
    packed = fresh[scene] ^ carried ^ carried[first]
    quality = np.where(rng.random(total) < 0.03, rng.integers(10, 50, size=total), 100).astype(np.uint8)
    return np.unpackbits(packed, axis=1).astype(bool), quality, lengths.astype(np.uint32)


def write(out, name, bits, quality, lengths):
    np.packbits(bits, axis=1).tofile(os.path.join(out, f"{name}.bin"))
    quality.tofile(os.path.join(out, f"{name}.quality"))
    lengths.astype("<u4").tofile(os.path.join(out, f"{name}.count"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000, help="stored videos")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--frames", type=int, default=60, help="mean frames per video")
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--out", default="bench-data")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(args.seed)

    bits, quality, lengths = make_videos(rng, args.n, args.frames)
    write(args.out, f"videos_{args.n}", bits, quality, lengths)
    offsets = np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)])

    near = args.queries // 2
    rows = []
    q_bits, q_quality, q_lengths = [], [], []
    sources = rng.integers(0, args.n, size=near)
    for qi, source in enumerate(sources):
        frames = bits[offsets[source]:offsets[source + 1]]
        quals = quality[offsets[source]:offsets[source + 1]]
        frames = flip(rng, frames, rng.integers(0, 17, size=len(frames)))
        keep = rng.random(len(frames)) >= 0.1
        trim = len(frames) // 10
        keep[: rng.integers(0, trim + 1)] = False
        keep[len(frames) - rng.integers(0, trim + 1):] = False
        frames, quals = frames[keep], quals[keep]
        inserted = rng.random(len(frames)) < 0.05
        for at in sorted(np.flatnonzero(inserted), reverse=True):
            frames = np.insert(frames, at, rng.integers(0, 2, size=256, dtype=np.uint8).astype(bool), axis=0)
            quals = np.insert(quals, at, 100)
        q_bits.append(frames)
        q_quality.append(quals)
        q_lengths.append(len(frames))
        rows.append((qi, "near", int(source)))
    other_bits, other_quality, other_lengths = make_videos(rng, args.queries - near, args.frames)
    other_offsets = np.concatenate([[0], np.cumsum(other_lengths, dtype=np.int64)])
    for j in range(args.queries - near):
        q_bits.append(other_bits[other_offsets[j]:other_offsets[j + 1]])
        q_quality.append(other_quality[other_offsets[j]:other_offsets[j + 1]])
        q_lengths.append(int(other_lengths[j]))
        rows.append((near + j, "rand", -1))
    order = rng.permutation(args.queries)
    write(args.out, f"queries_{args.n}", np.concatenate([q_bits[i] for i in order]),
          np.concatenate([q_quality[i] for i in order]), np.array([q_lengths[i] for i in order], dtype=np.uint32))
    with open(os.path.join(args.out, f"queries_{args.n}_info.csv"), "w") as f:
        f.write("qi,kind,source\n")
        for new, old in enumerate(order):
            f.write(f"{new},{rows[old][1]},{rows[old][2]}\n")
    with open(os.path.join(args.out, f"videos_{args.n}_meta.json"), "w") as f:
        json.dump({"videos": args.n, "frames": int(lengths.sum()), "queries": args.queries, "seed": args.seed}, f)


if __name__ == "__main__":
    main()
