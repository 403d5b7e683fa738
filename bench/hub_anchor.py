"""The anchor for bench/hub: an HMA-style matcher. Flask + FAISS IndexBinaryMultiHash
(16 substrings of 16 bits, nflip=1, as HMA configures it) over the same hashes, served by
gunicorn. Answers POST /v1/match {"type": "pdq", "value": HEX} like Cordon (id, distance).
The index is built once before gunicorn forks its workers (--preload)."""
import os

import faiss
import numpy as np
from flask import Flask, jsonify, request

db = np.fromfile(os.environ["HUB_ANCHOR_DB"], dtype=np.uint8).reshape(-1, 32)
index = faiss.IndexBinaryMultiHash(256, 16, 16)
index.nflip = 1
index.add(db)

app = Flask(__name__)


@app.post("/v1/match")
def match():
    body = request.get_json()
    query = np.frombuffer(bytes.fromhex(body["value"]), dtype=np.uint8).reshape(1, 32)
    max_distance = int(body.get("maxDistance", 31))
    limits, distances, ids = index.range_search(query, max_distance + 1)
    matches = [{"id": int(i), "distance": int(d)} for i, d in zip(ids[limits[0]:limits[1]], distances[limits[0]:limits[1]])]
    return jsonify({"results": [{"type": "pdq", "value": body["value"], "matches": matches}]})


@app.get("/health")
def health():
    return "ok"
