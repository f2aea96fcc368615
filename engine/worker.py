"""`python -m engine.worker`: the only process that runs learner code.

Speaks JSON lines: requests `{"id", "op", ...}` on stdin; on stdout `{"type": "ready"}` once
warm, then for each request zero or more `{"id", "type": "progress", "data"}` and one
`{"id", "type": "result", "ok", "data" | "error"}`. Ops: `ping`, `check`, `demo`, `capstone`.

Torch and the engine are imported once; every job runs in a forked child (engine.sandbox), so a
learner's endless loop, memory bomb or segfault ends a child, never the worker. The protocol
writes to a private copy of fd 1 and fd 1 itself points at stderr, so nothing printed in this
process (a library warning, a stray print) can corrupt the stream.
"""

from __future__ import annotations

import json
import os
import sys

import torch

from engine import attention, demos
from engine.capstone import run_capstone
from engine.checker import run as checker
from engine.checker.spec import parse_spec
from engine.checker.trace import where_running
from engine.checker.verdict import from_job
from engine.sandbox import run_job

# Wall-time limits of the long jobs, announced in the ready message so the client waits for
# exactly these (the training demo trains a small model for up to a minute; the capstone trains
# within its own five-minute budget, then evaluates and writes).
JOB_LIMITS_S = {"demo": 300.0, "capstone": 900.0}
CAPSTONE_MEMORY_BYTES = 3 << 30

# A passing check run once at start-up, so the first learner cell finds every lazy
# initialisation (imports, torch dispatch caches, the trace mode) already done.
WARM_UP_SPEC = {
    "id": "warm-up",
    "functions": [{
        "entry": "scaled_dot_product_attention",
        "reference": "engine.attention:scaled_dot_product_attention",
        "explain": True,
        "args": {"q": {"shape": ["B", "H", "T_q", "d_k"]}, "k": {"shape": ["B", "H", "T_k", "d_k"]},
                 "v": {"shape": ["B", "H", "T_k", "d_v"]},
                 "mask": {"kind": "mask", "shape": ["B", 1, "T_q", "T_k"]}},
        "output": ["B", "H", "T_q", "d_v"],
    }],
}
WARM_UP_CODE = """
import math, torch
def scaled_dot_product_attention(q, k, v, mask=None):
    scores = (q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))).masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=-1) @ v
"""


class Protocol:
    """The JSON-lines output stream, on its own copy of fd 1."""

    def __init__(self):
        self.stream = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
        os.dup2(2, 1)

    def send(self, message: dict) -> None:
        self.stream.write(json.dumps(message) + "\n")
        self.stream.flush()


def warm_up() -> None:
    # A worker that ran a multi-threaded op before forking hangs children that use threads
    # (MKL + GNU OpenMP): stay on one thread before any op.
    torch.set_num_threads(1)
    checker.check(WARM_UP_SPEC, WARM_UP_CODE, "<warm-up>")
    attention.scaled_dot_product_attention(*torch.randn(3, 1, 2, 3, 5).unbind(0))
    torch.set_default_dtype(torch.float32)


def handle(request: dict, protocol: Protocol) -> dict:
    """The `data` of the reply to `request`; raises for a bad request."""

    def progress(data: dict) -> None:
        protocol.send({"id": request["id"], "type": "progress", "data": data})

    op = request.get("op")
    if op == "ping":
        return {"pid": os.getpid()}
    if op == "check":
        spec = parse_spec(request["challenge"])
        code, filename = request["code"], request.get("filename", "cell.py")
        result = run_job(lambda report: checker.check(request["challenge"], code, filename),
                         timeout_s=spec.timeout_s, memory_bytes=spec.memory_mb << 20,
                         on_interrupt=lambda frame: where_running(frame, filename))
        return from_job(result, spec.timeout_s)
    if op == "demo":
        name, params = request["name"], request.get("params") or {}
        return _job_value(run_job(lambda report: _demo(name, params, report), timeout_s=JOB_LIMITS_S["demo"],
                                  on_progress=progress))
    if op == "capstone":
        payload = {k: v for k, v in request.items() if k not in ("id", "op")}
        return _job_value(run_job(lambda report: _capstone(payload, report), timeout_s=JOB_LIMITS_S["capstone"],
                                  memory_bytes=CAPSTONE_MEMORY_BYTES, on_progress=progress))
    raise ValueError(f"unknown op {op!r}")


# Demos and the capstone train small models: their child may use more threads again, but one
# core stays free for the app (an oversubscribed OpenMP pool on a busy machine runs ~10x slower).
TRAINING_THREADS = max(1, (os.cpu_count() or 1) - 1)


def _demo(name: str, params: dict, report):
    torch.set_num_threads(TRAINING_THREADS)
    return demos.run(name, params, on_progress=report)


def _capstone(payload: dict, report):
    torch.set_num_threads(TRAINING_THREADS)
    return run_capstone(**payload, on_progress=report)


def _job_value(result):
    if result.status == "ok":
        return result.value
    if result.status == "raised":
        raise RuntimeError(result.error)
    raise RuntimeError(f"the job ended without a result ({result.status})")


def main() -> None:
    protocol = Protocol()
    warm_up()
    protocol.send({"type": "ready", "pid": os.getpid(), "torch": torch.__version__.split("+")[0],
                   "limits": JOB_LIMITS_S})
    for line in sys.stdin:
        if not line.strip():
            continue
        request_id = None
        try:
            request = json.loads(line)
            request_id = request.get("id")
            reply = {"id": request_id, "type": "result", "ok": True, "data": handle(request, protocol)}
        except Exception as error:  # one bad request must not end the worker
            message = " ".join(f"{type(error).__name__}: {error}".split())
            reply = {"id": request_id, "type": "result", "ok": False, "error": message}
        protocol.send(reply)


if __name__ == "__main__":
    main()
