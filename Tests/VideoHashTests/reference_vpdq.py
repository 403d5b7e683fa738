"""Prints the PyPI vpdq package's frame hashes of each video, as `cordon hash` writes them:
a `# path` line, then frameNumber,quality,hash,timestamp. Usage: reference_vpdq.py SECONDS PATH..."""
import sys
import vpdq

for path in sys.argv[2:]:
    print("# " + path)
    for feature in vpdq.computeHash(path, seconds_per_hash=float(sys.argv[1])):
        print(f"{feature.frame_number},{feature.quality},{feature.hex},{feature.timestamp:.3f}")
