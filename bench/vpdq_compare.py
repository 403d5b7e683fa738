"""Times vPDQ hashing by Cordon and by the PyPI `vpdq` package on the same videos.

Each tool runs pinned to one core (`taskset -c 0`; Cordon's ffmpeg child inherits it). Every
frame of each sample video is hashed (frames per second of decoding plus hashing), and a
generated one-minute 1080p video is hashed at one frame a second (wall time against its
duration). Both outputs are compared frame by frame. Prints a table, then one JSON line.
"""
import argparse
import json
import os
import subprocess
import sys
import time

VPDQ_SNIPPET = r"""
import sys, time, json, vpdq
path, seconds = sys.argv[1], float(sys.argv[2])
start = time.perf_counter()
try:
    features = vpdq.computeHash(path, seconds_per_hash=seconds, thread_count=1)
except TypeError:
    features = vpdq.computeHash(path, seconds_per_hash=seconds)
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "frames": [[f.frame_number, f.quality, f.hex] for f in features]}))
"""


def hd_minute(folder):
    """A one-minute 1920x1080 30 fps H.264 test video (made once, then reused)."""
    path = os.path.join(folder, "hd-minute.mp4")
    if not os.path.exists(path):
        os.makedirs(folder, exist_ok=True)
        subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30",
                        "-t", "60", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "veryfast", path], check=True)
    return path


def cordon(binary, path, seconds):
    start = time.perf_counter()
    out = subprocess.run(["taskset", "-c", "0", binary, "hash", "--seconds-per-hash", str(seconds), path],
                         check=True, capture_output=True, text=True).stdout
    elapsed = time.perf_counter() - start
    frames = [[int(f[0]), int(f[1]), f[2]] for f in (line.split(",") for line in out.splitlines() if line and not line.startswith("#"))]
    return elapsed, frames


def reference(path, seconds):
    out = subprocess.run(["taskset", "-c", "0", sys.executable, "-c", VPDQ_SNIPPET, path, str(seconds)],
                         check=True, capture_output=True, text=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    return result["seconds"], result["frames"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cordon", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--shared", required=True)
    args = parser.parse_args()

    samples = sorted(os.path.join(args.shared, n) for n in os.listdir(args.shared) if n.endswith(".mp4")) if os.path.isdir(args.shared) else []
    if not samples:
        print(f"bench/vpdq: no sample videos in {args.shared}; timing the generated video only", file=sys.stderr)
    rows, cordon_time, vpdq_time, frame_total, identical = [], 0.0, 0.0, 0, 0
    print(f"{'video':40} {'frames':>7} {'cordon fps':>11} {'vpdq fps':>9} {'same':>5}")
    for path in samples:
        c_time, c_frames = cordon(args.cordon, path, 0)
        v_time, v_frames = reference(path, 0)
        same = c_frames == v_frames
        identical += same
        cordon_time += c_time
        vpdq_time += v_time
        frame_total += len(c_frames)
        rows.append({"video": os.path.basename(path), "frames": len(c_frames), "cordon_s": c_time, "vpdq_s": v_time, "identical": same})
        print(f"{os.path.basename(path):40} {len(c_frames):7d} {len(c_frames) / c_time:11.1f} {len(v_frames) / v_time:9.1f} {str(same):>5}")

    hd = hd_minute(args.data)
    hd_cordon, hd_c_frames = cordon(args.cordon, hd, 1)
    hd_vpdq, hd_v_frames = reference(hd, 1)
    print(f"{'hd-minute.mp4 (1 frame a second)':40} {len(hd_c_frames):7d} {hd_cordon:10.1f}s {hd_vpdq:8.1f}s {str(hd_c_frames == hd_v_frames):>5}")

    figures = {
        "videos": len(samples), "frames": frame_total,
        "cordon_fps": frame_total / cordon_time if cordon_time else 0,
        "vpdq_fps": frame_total / vpdq_time if vpdq_time else 0,
        "identical_videos": identical,
        "hd_minute_1fps_cordon_s": hd_cordon, "hd_minute_1fps_vpdq_s": hd_vpdq, "hd_minute_duration_s": 60,
        "hd_minute_identical": hd_c_frames == hd_v_frames,
        "per_video": rows,
    }
    figures["ratio"] = figures["cordon_fps"] / figures["vpdq_fps"] if figures["vpdq_fps"] else 0
    figures["hd_ratio"] = hd_vpdq / hd_cordon if hd_cordon else 0
    print(json.dumps(figures, sort_keys=True))


if __name__ == "__main__":
    main()
