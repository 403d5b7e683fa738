"""Fetches a Cordon collection through python-threatexchange's own ThreatExchange
exchange (FBThreatExchangeSignalExchangeAPI), unmodified, with endpoint_override.

usage: pytx_te_fetch.py BASE TOKEN PRIVACY_GROUP STATE_FILE

Resumes from the checkpoint in STATE_FILE when it exists (as pytx's fetcher does),
applies every delta in order (None deletes), and prints the state as JSON: each
(type, indicator) with its opinions, the signals pytx converts them to, the checkpoint
and the number of deltas.
"""
import json
import os
import sys

from threatexchange.exchanges.clients.fb_threatexchange.api import ThreatExchangeAPI
from threatexchange.exchanges.impl.fb_threatexchange_api import (
    FBThreatExchangeCheckpoint,
    FBThreatExchangeCollabConfig,
    FBThreatExchangeSignalExchangeAPI,
)
from threatexchange.signal_type.md5 import VideoMD5Signal
from threatexchange.signal_type.pdq.signal import PdqSignal

base, token, group, state_file = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]

state, checkpoint = {}, None
if os.path.exists(state_file):
    saved = json.load(open(state_file))
    state = {tuple(k.split(" ", 1)): v for k, v in saved["state"].items()}
    checkpoint = FBThreatExchangeCheckpoint(saved["checkpoint"], saved["fetched_at"])

client = ThreatExchangeAPI(token, endpoint_override=base)
collab = FBThreatExchangeCollabConfig(name="CORDON", privacy_group=group)
api = FBThreatExchangeSignalExchangeAPI(client, collab)

deltas, last = 0, checkpoint
for delta in api.fetch_iter([PdqSignal, VideoMD5Signal], checkpoint):
    deltas += 1
    if last is not None:
        assert delta.checkpoint.get_progress_timestamp() >= last.get_progress_timestamp(), "checkpoint time rewound?"
    last = delta.checkpoint
    for key, record in delta.updates.items():
        if record is None:
            state.pop(key, None)
        else:
            state[key] = [
                {"owner": o.owner_app_id, "mine": o.is_mine, "category": o.category.name, "tags": sorted(o.tags)}
                for o in sorted(record.opinions, key=lambda o: (o.owner_app_id, o.category.value))
            ]

# What pytx makes of it: the signal types and values it would index.
from threatexchange.exchanges.impl.fb_threatexchange_api import FBThreatExchangeIndicatorRecord, FBThreatExchangeOpinion
from threatexchange.exchanges.signal_exchange_api import SignalExchangeAPIWithSimpleUpdates

def as_record(opinions):
    from threatexchange.exchanges.fetch_state import SignalOpinionCategory
    return FBThreatExchangeIndicatorRecord([
        FBThreatExchangeOpinion(o["mine"], SignalOpinionCategory[o["category"]], set(o["tags"]), o["owner"], 0)
        for o in opinions
    ])

converted = FBThreatExchangeSignalExchangeAPI.naive_convert_to_signal_type(
    [PdqSignal, VideoMD5Signal], collab, {k: as_record(v) for k, v in state.items()})
signals = sorted(f"{t.get_name()} {value}" for t, values in converted.items() for value in values)

result = {
    "state": {f"{k[0]} {k[1]}": v for k, v in sorted(state.items())},
    "signals": signals,
    "checkpoint": last.update_time if last else None,
    "fetched_at": last.last_fetch_time if last else None,
    "deltas": deltas,
}
json.dump(result, open(state_file, "w"))
print(json.dumps(result, sort_keys=True))
