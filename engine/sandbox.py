"""Run one job in a forked child with hard limits, so learner code can never hurt the worker.

The worker imports torch once; each job forks a child that inherits it (~10 ms instead of the
~1.4 s of a fresh Python). The child sets its own limits, sends fd 1/2 to an output pipe and
writes JSON lines (progress, then one result) to a second pipe. The parent reads both with
`select`, enforces the wall time and the output cap, then SIGKILLs and reaps the child.

Limits and what they catch:
- wall time (parent, select timeout): `time.sleep`, blocking reads, anything slow;
- RLIMIT_CPU (kernel, SIGXCPU): busy loops, even ones that never give the parent a chance;
- RLIMIT_AS = the worker's virtual size + a budget: `torch.empty(10**12)` fails at allocation
  instead of succeeding through overcommit (RLIMIT_AS only limits new mappings);
- output cap: a print flood is stopped as soon as it passes the cap.
"""

from __future__ import annotations

import faulthandler
import json
import math
import os
import resource
import select
import signal
import sys
import time
import traceback
from dataclasses import dataclass
from types import FrameType
from typing import Any, Callable

OUTPUT_CAP = 64 * 1024
TRUNCATED_NOTE = "\n[output truncated]"
DEFAULT_MEMORY_BYTES = 1 << 30
INTERRUPT_GRACE_S = 0.5  # how long an interrupted child gets to say where it was (a busy host
# can hold a runnable process back for a tenth of a second)


@dataclass
class SandboxResult:
    """How a child ended. `status`: "ok" (value set), "raised" (the job raised; `error` set),
    "timeout", "crashed" (died without a result; `signal` or `exit_code` set) or "flood"."""

    status: str
    value: Any = None  # the job's value; for a timeout, what `on_interrupt` reported, if anything
    error: str | None = None
    output: str = ""
    duration_ms: float = 0.0
    signal: int | None = None
    exit_code: int | None = None


def virtual_size_bytes() -> int:
    """This process's current virtual memory size (VmSize)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("VmSize not found in /proc/self/status")


def run_job(
    job: Callable[[Callable[[dict], None]], Any],
    *,
    timeout_s: float,
    cpu_s: int | None = None,
    memory_bytes: int = DEFAULT_MEMORY_BYTES,
    on_progress: Callable[[dict], None] | None = None,
    on_interrupt: Callable[[FrameType | None], dict] | None = None,
) -> SandboxResult:
    """Run `job(report)` in a forked child; `report(dict)` streams progress to `on_progress`.

    The job's return value must be JSON-serialisable. `cpu_s` (default: the wall limit rounded
    up) backs the wall limit for busy loops. When a limit is reached, the child first runs
    `on_interrupt(frame)` on the frame it was executing (to say where it was stuck), then ends.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    address_limit = virtual_size_bytes() + memory_bytes
    out_r, out_w = os.pipe()
    res_r, res_w = os.pipe()
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # child: never returns
        os.close(out_r)
        os.close(res_r)
        _child(job, out_w, res_w, cpu_s or max(1, math.ceil(timeout_s)), address_limit, on_interrupt)
    os.close(out_w)
    os.close(res_w)
    try:
        result = _collect(pid, out_r, res_r, start, timeout_s, on_progress, on_interrupt is not None)
    finally:
        os.close(out_r)
        os.close(res_r)
    result.duration_ms = (time.perf_counter() - start) * 1000
    return result


def _child(job, out_w: int, res_w: int, cpu_s: int, address_limit: int, on_interrupt) -> None:
    code = 0
    try:
        faulthandler.disable()  # a crash is reported by its signal, not a dump to the worker's stderr
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))
        resource.setrlimit(resource.RLIMIT_AS, (address_limit, address_limit))
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)  # learner `input()` must not eat the protocol stream
        os.dup2(out_w, 1)
        os.dup2(out_w, 2)
        # New Python streams on those fds (whatever sys.stdout was before, e.g. a capture), line
        # buffered so that output printed before a crash still arrives.
        sys.stdin = open(0, closefd=False)
        sys.stdout = open(1, "w", buffering=1, encoding="utf-8", errors="replace", closefd=False)
        sys.stderr = open(2, "w", buffering=1, encoding="utf-8", errors="replace", closefd=False)
        results = os.fdopen(res_w, "w", buffering=1)

        def report(data: dict) -> None:
            results.write(json.dumps({"progress": data}) + "\n")

        def interrupted(signum, frame) -> None:
            # The wall and the CPU limit often fire within a millisecond of each other: the
            # first answers and the other is ignored, since a nested call could interrupt this
            # one mid-write and lose the answer. os.write, not `results`, for the same reason.
            signal.signal(signal.SIGUSR1, signal.SIG_IGN)
            signal.signal(signal.SIGXCPU, signal.SIG_IGN)  # RLIMIT_CPU's hard limit still kills
            try:
                where = on_interrupt(frame)
            except BaseException:  # saying where is a courtesy; the answer must still go out
                where = {}
            os.write(res_w, (json.dumps({"interrupted": where}) + "\n").encode())
            os._exit(0)

        if on_interrupt is not None:  # SIGUSR1 from the wall limit, SIGXCPU from the CPU limit
            signal.signal(signal.SIGUSR1, interrupted)
            signal.signal(signal.SIGXCPU, interrupted)

        try:
            line = json.dumps({"value": job(report)})
        except BaseException as exc:  # the job failed; tell the parent what happened
            line = json.dumps({"error": "".join(traceback.format_exception_only(exc)).strip()})
        sys.stdout.flush()
        sys.stderr.flush()
        results.write(line + "\n")
        results.flush()
    except BaseException:
        code = 70
    finally:
        os._exit(code)  # skip atexit handlers and buffers inherited from the worker


def _collect(pid, out_r, res_r, start, timeout_s, on_progress, can_interrupt) -> SandboxResult:
    output = bytearray()
    pending = b""
    outcome: dict | None = None
    status: str | None = None
    open_fds = {out_r, res_r}
    deadline = start + timeout_s
    while open_fds:
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            interrupting = can_interrupt and status is None
            status = "timeout"
            if not interrupting:
                break
            os.kill(pid, signal.SIGUSR1)  # ask where it is stuck, then wait a moment for the answer
            deadline = time.perf_counter() + INTERRUPT_GRACE_S
            continue
        ready, _, _ = select.select(list(open_fds), [], [], remaining)
        for fd in ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                open_fds.discard(fd)
            elif fd == out_r:
                output += chunk
            else:
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    message = json.loads(line)
                    if "progress" in message:
                        if on_progress is not None:
                            on_progress(message["progress"])
                    else:
                        outcome = message
        if len(output) > OUTPUT_CAP:
            status = "flood"
            break
    # The child may still run (timeout, flood) or linger after writing: end it either way.
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    _, wait_status = os.waitpid(pid, 0)
    text = _decode_output(output)
    if outcome is not None and "interrupted" in outcome:  # the wall or the CPU limit
        return SandboxResult("timeout", value=outcome["interrupted"], output=text)
    if status is not None:
        return SandboxResult(status, output=text)
    if outcome is not None and "value" in outcome:
        return SandboxResult("ok", value=outcome["value"], output=text)
    if outcome is not None:
        return SandboxResult("raised", error=outcome["error"], output=text)
    if os.WIFSIGNALED(wait_status) and os.WTERMSIG(wait_status) == signal.SIGXCPU:
        return SandboxResult("timeout", output=text, signal=signal.SIGXCPU)
    return SandboxResult(
        "crashed",
        output=text,
        signal=os.WTERMSIG(wait_status) if os.WIFSIGNALED(wait_status) else None,
        exit_code=os.WEXITSTATUS(wait_status) if os.WIFEXITED(wait_status) else None,
    )


def _decode_output(output: bytearray) -> str:
    if len(output) > OUTPUT_CAP:
        return output[:OUTPUT_CAP].decode("utf-8", "replace") + TRUNCATED_NOTE
    return output.decode("utf-8", "replace")
