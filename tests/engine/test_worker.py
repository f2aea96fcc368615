"""The worker process over its JSON-lines protocol: checks, every fault a learner cell can
commit, and the cell after each fault running normally. One worker serves the whole module."""

import json
import subprocess
import sys
import time

import pytest

from tests.engine.checker.conftest import challenge_spec

LIMIT_S = 1
SPEC = {**challenge_spec("attention/scaled-dot-product"), "timeout_s": LIMIT_S, "memory_mb": 512}
SOLUTION = (SPEC["dir"] + "/solution.py")


class Worker:
    def __init__(self):
        self.process = subprocess.Popen([sys.executable, "-m", "engine.worker"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)
        self.ready = json.loads(self.process.stdout.readline())
        self.next_id = 0

    def send_line(self, line: str) -> dict:
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def request(self, op: str, progress: list | None = None, **payload) -> dict:
        """The result reply; progress replies before it go to `progress`."""
        self.next_id += 1
        reply = self.send_line(json.dumps({"id": self.next_id, "op": op, **payload}))
        while reply["type"] == "progress":
            progress.append(reply["data"])
            reply = json.loads(self.process.stdout.readline())
        assert reply["id"] == self.next_id and reply["type"] == "result"
        return reply

    def check(self, code: str) -> dict:
        reply = self.request("check", challenge=SPEC, code=code, filename="cell.py")
        assert reply["ok"], reply
        return reply["data"]


@pytest.fixture(scope="module")
def worker():
    worker = Worker()
    yield worker
    worker.process.kill()
    worker.process.wait()


def solution_code() -> str:
    with open(SOLUTION, encoding="utf-8") as file:
        return file.read()


def test_ready_then_ping(worker):
    assert worker.ready["type"] == "ready" and worker.ready["torch"].startswith("2.")
    assert worker.ready["limits"] == {"demo": 300.0, "capstone": 900.0}  # what clients wait for
    assert worker.request("ping")["data"] == {"pid": worker.ready["pid"]}


def test_learner_prints_go_to_the_verdict_not_the_protocol(worker):
    verdict = worker.check('print("scores?")\n' + solution_code())
    assert verdict["status"] == "pass" and verdict["stdout"] == "scores?\n"
    assert set(verdict) == {"status", "summary", "mistake", "mistake_title", "hint", "shape_error",
                            "divergence", "stdout", "duration_ms", "line", "trace", "trials"}
    assert verdict["trials"] == 4 and verdict["trace"][0]["line"] == 16  # the solution's line 15


FAULTS = {
    "endless loop": ("x = 0\nwhile True:\n    x += 1\n", "timeout", "still running at the 1 s limit"),
    "sleep": ("import time\ntime.sleep(100)\n", "timeout", "line 2 (`time.sleep(100)`) was still running"),
    "memory bomb": ("import torch\nx = torch.empty(10**12)\n", "error", "out of memory"),
    "print flood": ("while True:\n    print('spam' * 50)\n", "error", "64 KiB"),
    "sys.exit": ("import sys\nsys.exit()\n", "error", "sys.exit()"),
    "os._exit": ("import os\nos._exit(0)\n", "crashed", "os._exit"),
    "segfault": ("import ctypes\nctypes.string_at(0)\n", "crashed", "SIGSEGV"),
    "syntax error": ("def attention(q, k, v:\n    return q\n", "error", "line 1: syntax error"),
    "import error": ("import numpy\nimport no_such_module\n", "error", "line 2: ModuleNotFoundError"),
}


@pytest.mark.parametrize("name", FAULTS)
def test_each_fault_gets_its_verdict_in_time_and_the_next_cell_runs(worker, name):
    code, status, words = FAULTS[name]
    started = time.perf_counter()
    verdict = worker.check(code)
    assert verdict["status"] == status, verdict["summary"]
    assert time.perf_counter() - started < LIMIT_S + 1.5
    if words:
        assert words in verdict["summary"]
    if status == "timeout":  # the line it was stuck on
        assert verdict["line"] in {2, 3}
    if name == "print flood":
        assert verdict["stdout"].endswith("[output truncated]")
    assert worker.check(solution_code())["status"] == "pass"


def test_bad_requests_get_an_error_reply_and_the_worker_goes_on(worker):
    assert worker.request("teleport") == {"id": worker.next_id, "type": "result", "ok": False,
                                          "error": "ValueError: unknown op 'teleport'"}
    broken = worker.send_line("{not json")
    assert broken["ok"] is False and broken["id"] is None
    assert worker.request("ping")["ok"]


def test_demos_run_in_the_worker(worker):
    data = worker.request("demo", name="softmax-temperature", params={"temperatures": [0.5, 2.0]})["data"]
    assert data["temperatures"] == [0.5, 2.0]
    unknown = worker.request("demo", name="no-such-demo", params={})
    assert unknown["ok"] is False and "unknown demo" in unknown["error"]


def test_the_capstone_streams_progress_and_uses_the_learners_component(worker):
    progress = []
    reply = worker.request("capstone", progress, components={"attention/scaled-dot-product": solution_code()},
                           corpus="the cat sat on the mat. " * 80, steps=2, seed=0, prompt="A",
                           max_new_tokens=4, progress_every=1)
    assert reply["ok"], reply.get("error")
    assert [p["step"] for p in progress if "loss" in p] == [1, 2]
    assert reply["data"]["steps"] == 2
    assert reply["data"]["components_used"]["attention"] == "attention/scaled-dot-product"
