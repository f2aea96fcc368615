"""The verdict on one code cell: what the tutor shows and `aide check --json` prints."""

from __future__ import annotations

import signal
from dataclasses import asdict, dataclass, field

from engine.sandbox import OUTPUT_CAP, SandboxResult

STATUSES = ("pass", "fail", "error", "timeout", "crashed")
MAX_TRACE_ROWS = 60


@dataclass
class Verdict:
    status: str  # one of STATUSES
    summary: str  # one line for humans
    mistake: str | None = None  # a catalogued mistake id, e.g. "missing-scale"
    mistake_title: str | None = None
    hint: str | None = None
    shape_error: str | None = None  # expected vs got, by dim name
    divergence: str | None = None  # the first reference step the learner's values left
    stdout: str = ""  # what the learner's code printed (capped)
    duration_ms: float = 0.0
    line: int | None = None  # the learner's line the verdict points at
    trace: list[dict] = field(default_factory=list)  # {line, source, op, shapes, out}
    trials: int = 0

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"unknown verdict status {self.status!r}")

    def to_dict(self) -> dict:
        return asdict(self)


def from_job(result: SandboxResult, timeout_s: float) -> dict:
    """The verdict for a check job, whatever way the child ended; learner output attached."""
    if result.status == "ok":
        verdict = dict(result.value)
    elif result.status == "timeout":
        line = (result.value or {}).get("line")
        where = f"line {line} (`{result.value['source']}`) was" if line else "Your code was"
        verdict = Verdict("timeout", f"{where} still running at the {timeout_s:g} s limit: "
                                     "is there a loop that never ends, or a sleep?", line=line).to_dict()
    elif result.status == "flood":
        verdict = Verdict("error", f"Your code printed more than {OUTPUT_CAP // 1024} KiB, "
                                   "so it was stopped: print less.").to_dict()
    elif result.status == "crashed" and result.signal is not None:
        name = signal.Signals(result.signal).name
        verdict = Verdict("crashed", f"The cell crashed ({name}) before returning a result.").to_dict()
    elif result.status == "crashed":
        verdict = Verdict("crashed", "Your code ended the process (os._exit?) before returning a "
                                     "result.").to_dict()
    else:  # the checker itself failed: say so plainly rather than blame the learner
        verdict = Verdict("error", f"The checker could not judge this cell: {result.error}").to_dict()
    verdict["stdout"] = result.output
    verdict["duration_ms"] = round(result.duration_ms, 1)
    return verdict
