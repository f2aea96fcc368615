"""The tutor's side of the worker: a `python -m engine.worker` process kept warm in the
background, spoken to in JSON lines (see engine/worker.py for the protocol).

The tutor never imports torch; everything that runs learner code happens in that process, so
a cell that loops forever or crashes costs a worker, never the app. A dead worker is restarted
transparently; one that stops answering is killed and restarted.
"""

from __future__ import annotations

import collections
import json
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable

READY_TIMEOUT_S = 60.0  # importing torch on a busy machine can take several seconds
TIMEOUT_MARGIN_S = 3.0  # over the challenge's own limit: the worker answers a timeout itself
DEFAULT_CHECK_TIMEOUT_S = 5.0
STDERR_LINES = 20


class WorkerError(RuntimeError):
    """The worker could not answer: it failed the request, died, or stopped responding."""


class WorkerTimeout(WorkerError):
    pass


class WorkerCancelled(WorkerError):
    pass


class _Process:
    """One worker process and the thread that reads its replies into a queue."""

    def __init__(self, command: list[str]):
        self.popen = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, encoding="utf-8", bufsize=1,
        )
        self.ready = threading.Event()
        self.limits: dict[str, float] = {}  # op -> the worker's own wall-time limit, from "ready"
        self.replies: queue.Queue[dict | None] = queue.Queue()
        self.stderr_tail: collections.deque[str] = collections.deque(maxlen=STDERR_LINES)
        self.cancelled = False
        threading.Thread(target=self._read_replies, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read_replies(self) -> None:
        with self.popen.stdout:
            for line in self.popen.stdout:
                message = json.loads(line)
                if message.get("type") == "ready":
                    self.limits = message.get("limits", {})
                    self.ready.set()
                else:
                    self.replies.put(message)
        self.replies.put(None)  # end of stream: the process is gone

    def _read_stderr(self) -> None:
        with self.popen.stderr:
            for line in self.popen.stderr:
                self.stderr_tail.append(line.rstrip())

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None

    def send(self, message: dict) -> None:
        self.popen.stdin.write(json.dumps(message) + "\n")
        self.popen.stdin.flush()

    def kill(self) -> None:
        """Kill and reap; the reader threads then see end-of-stream and close their pipes."""
        if self.alive:
            self.popen.kill()
        self.popen.wait()
        try:
            self.popen.stdin.close()
        except OSError:  # unflushed bytes for a process that is gone
            pass

    def last_error(self) -> str:
        return self.stderr_tail[-1] if self.stderr_tail else f"exit code {self.popen.poll()}"


class WorkerClient:
    """A warm worker for the app and the CLI. Thread-safe: one request at a time."""

    def __init__(self, command: list[str] | None = None):
        self.command = command or [sys.executable, "-m", "engine.worker"]
        self._request_lock = threading.Lock()  # one request in flight
        self._process_lock = threading.Lock()  # guards `_process`
        self._process: _Process | None = None
        self._next_id = 0

    def start(self) -> None:
        """Start warming a worker in the background (no-op when one is alive)."""
        with self._process_lock:
            if self._process is None or not self._process.alive:
                self._process = _Process(self.command)

    @property
    def ready(self) -> bool:
        process = self._process
        return process is not None and process.alive and process.ready.is_set()

    def wait_ready(self, timeout: float = READY_TIMEOUT_S) -> None:
        self.start()
        process = self._process
        deadline = time.monotonic() + timeout
        while not process.ready.wait(0.05):
            if process.cancelled:
                raise WorkerCancelled("cancelled")
            if not process.alive:
                raise WorkerError(f"the worker stopped while starting: {process.last_error()}")
            if time.monotonic() > deadline:
                self._restart(process)
                raise WorkerTimeout(f"the worker was not ready after {timeout:g} s")

    def request(self, op: str, payload: dict, *, timeout: float | None = None,
                on_progress: Callable[[dict], None] | None = None) -> dict:
        """Send one request and return its `data`; raises WorkerError (or a subclass).
        Without `timeout`, wait as long as the worker's announced limit for `op` (plus a margin)."""
        with self._request_lock:
            self.wait_ready()
            process = self._process
            if timeout is None:
                timeout = process.limits[op] + TIMEOUT_MARGIN_S
            self._next_id += 1
            request_id = self._next_id
            try:
                process.send({"id": request_id, "op": op, **payload})
            except (BrokenPipeError, OSError, ValueError):  # it died since the last request
                self._restart(process)
                self.wait_ready()
                process = self._process
                process.send({"id": request_id, "op": op, **payload})
            return self._await_result(process, request_id, timeout, on_progress)

    def _await_result(self, process: _Process, request_id: int, timeout: float, on_progress) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            try:
                message = process.replies.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                self._restart(process)  # wedged: a fresh worker serves the next request
                raise WorkerTimeout(f"the worker did not answer within {timeout:g} s") from None
            if message is None:
                cancelled = process.cancelled
                self._restart(process)
                if cancelled:
                    raise WorkerCancelled("cancelled")
                raise WorkerError(f"the worker stopped: {process.last_error()}")
            if message.get("id") != request_id:
                continue  # a late reply to a request that already timed out
            if message["type"] == "progress":
                if on_progress is not None:
                    on_progress(message["data"])
            elif message["ok"]:
                return message["data"]
            else:
                raise WorkerError(message["error"])

    def check(self, challenge_spec: dict, code: str, filename: str = "cell.py") -> dict:
        """The verdict on `code`. A worker that dies or wedges gives a `crashed` or `timeout`
        verdict; `cancel()` raises WorkerCancelled."""
        limit = float(challenge_spec.get("timeout_s", DEFAULT_CHECK_TIMEOUT_S))
        payload = {"challenge": challenge_spec, "code": code, "filename": filename}
        try:
            return self.request("check", payload, timeout=limit + TIMEOUT_MARGIN_S)
        except WorkerCancelled:
            raise
        except WorkerTimeout:
            return _verdict("timeout", f"The check did not finish within {limit:g} s.")
        except WorkerError as error:
            return _verdict("crashed", f"The checker stopped unexpectedly ({error}).")

    def demo(self, name: str, params: dict | None = None,
             on_progress: Callable[[dict], None] | None = None) -> dict:
        return self.request("demo", {"name": name, "params": params or {}}, on_progress=on_progress)

    def capstone(self, payload: dict, on_progress: Callable[[dict], None] | None = None) -> dict:
        """Train a GPT built from the learner's components (`payload`: `run_capstone`'s
        arguments); progress streams to `on_progress`."""
        return self.request("capstone", payload, on_progress=on_progress)

    def cancel(self) -> None:
        """Stop the running request (it raises WorkerCancelled); a fresh worker starts warming."""
        with self._process_lock:
            process = self._process
        if process is not None:
            process.cancelled = True
            process.kill()
            self.start()

    def close(self) -> None:
        with self._process_lock:
            process, self._process = self._process, None
        if process is not None:
            process.kill()

    def _restart(self, process: _Process) -> None:
        process.kill()
        self.start()

    def __enter__(self) -> "WorkerClient":
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _verdict(status: str, summary: str) -> dict:
    """A verdict made on this side, when the worker could not give one."""
    return {"status": status, "summary": summary, "mistake": None, "mistake_title": None,
            "hint": None, "shape_error": None, "divergence": None, "stdout": "",
            "duration_ms": 0.0, "line": None, "trace": [], "trials": 0}
