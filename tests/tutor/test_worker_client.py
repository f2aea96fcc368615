"""WorkerClient against the real worker (one for the module) and against tiny scripted workers
that hang, die or stream progress on cue."""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from tutor import worker_client
from tutor.loader import load_curriculum
from tutor.worker_client import WorkerCancelled, WorkerClient, WorkerError, WorkerTimeout

# A stand-in worker speaking the protocol: `hang` never answers, `die` exits, `count` streams
# progress before its result, and so does `capstone`; `demo` hangs past its announced limit.
SCRIPTED_WORKER = r"""
import json, os, sys, time
print(json.dumps({"type": "ready", "pid": os.getpid(), "torch": "none",
                  "limits": {"demo": 0.2, "capstone": 5}}), flush=True)
for line in sys.stdin:
    request = json.loads(line)
    op, rid = request["op"], request["id"]
    if op == "die":
        os._exit(1)
    if op in ("hang", "check", "demo"):
        time.sleep(60)
    if op in ("count", "capstone"):
        for i in range(3):
            print(json.dumps({"id": rid, "type": "progress", "data": {"step": i}}), flush=True)
    print(json.dumps({"id": rid, "type": "result", "ok": True, "data": {"pid": os.getpid()}}), flush=True)
"""


@pytest.fixture
def scripted():
    client = WorkerClient([sys.executable, "-c", SCRIPTED_WORKER])
    client.start()
    yield client
    client.close()


@pytest.fixture(scope="module")
def real():
    client = WorkerClient()
    client.start()  # warms while the scripted tests run
    yield client
    client.close()


def test_the_tutor_side_never_imports_torch():
    code = "import sys, tutor.worker_client, tutor.check_command; print('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


def test_progress_is_passed_on_before_the_result(scripted):
    steps = []
    data = scripted.request("count", {}, timeout=5, on_progress=steps.append)
    assert steps == [{"step": 0}, {"step": 1}, {"step": 2}] and "pid" in data


def test_long_jobs_wait_as_long_as_the_worker_announced(scripted, monkeypatch):
    monkeypatch.setattr(worker_client, "TIMEOUT_MARGIN_S", 0.1)
    started = time.monotonic()
    with pytest.raises(WorkerTimeout, match="0.3 s"):
        scripted.demo("attention-heatmap")
    assert time.monotonic() - started < 2


def test_capstone_streams_progress_before_its_result(scripted):
    steps = []
    assert "pid" in scripted.capstone({"steps": 20}, on_progress=steps.append)
    assert steps == [{"step": 0}, {"step": 1}, {"step": 2}]


def test_a_wedged_worker_is_killed_and_replaced(scripted):
    first = scripted.request("ping", {}, timeout=5)["pid"]
    with pytest.raises(WorkerTimeout):
        scripted.request("hang", {}, timeout=0.3)
    assert scripted.request("ping", {}, timeout=5)["pid"] != first


def test_a_worker_that_dies_mid_request_is_an_error_then_replaced(scripted):
    with pytest.raises(WorkerError, match="stopped"):
        scripted.request("die", {}, timeout=5)
    assert scripted.request("ping", {}, timeout=5)["pid"]


def test_cancel_stops_the_running_request(scripted):
    threading.Timer(0.3, scripted.cancel).start()
    started = time.perf_counter()
    with pytest.raises(WorkerCancelled):
        scripted.request("hang", {}, timeout=10)
    assert time.perf_counter() - started < 5
    assert scripted.request("ping", {}, timeout=5)["pid"]


def test_a_check_the_worker_never_answers_is_a_timeout_verdict(scripted, monkeypatch):
    monkeypatch.setattr(worker_client, "TIMEOUT_MARGIN_S", 0.2)
    verdict = scripted.check({"timeout_s": 0.1}, "x = 1")
    assert verdict["status"] == "timeout" and verdict["trace"] == []


def test_check_returns_the_workers_verdict(real):
    real.wait_ready()
    assert real.ready
    spec = load_curriculum().challenges["stacking/causal-mask"].spec
    solution = open(os.path.join(spec["dir"], "solution.py"), encoding="utf-8").read()
    assert real.check(spec, solution)["status"] == "pass"
    verdict = real.check(spec, solution.replace(".tril()", ".tril(diagonal=-1)"))
    assert (verdict["status"], verdict["mistake"]) == ("fail", "causal-off-by-one")


def test_a_killed_worker_is_restarted_transparently(real):
    pid = real.request("ping", {}, timeout=30)["pid"]
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.1)
    assert real.request("ping", {}, timeout=30)["pid"] != pid
