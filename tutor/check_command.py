"""`aide check CHALLENGE FILE [--json]` and `aide check --list`.

Exit codes: 0 pass; 1 fail, error, timeout or crashed; 2 bad usage (unknown challenge, missing
file).
"""

from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tutor.loader import load_curriculum
from tutor.worker_client import WorkerClient, WorkerError

STATUS_STYLES = {
    "pass": ("✔ PASS", "bold green"),
    "fail": ("✘ FAIL", "bold red"),
    "error": ("✘ ERROR", "bold red"),
    "timeout": ("⏱ TIMEOUT", "bold yellow"),
    "crashed": ("✘ CRASHED", "bold magenta"),
}
TRACE_ROWS = 12


def run(args) -> int:
    challenges = load_curriculum().challenges
    if args.list:
        for challenge_id in sorted(challenges):
            print(challenge_id)
        return 0
    if not args.challenge or not args.file:
        _complain("usage: aide check CHALLENGE FILE [--json]   (aide check --list for the ids)")
        return 2
    challenge = challenges.get(args.challenge)
    if challenge is None:
        close = difflib.get_close_matches(args.challenge, list(challenges), n=3, cutoff=0.5)
        suggestion = f" Did you mean {', '.join(close)}?" if close else " See `aide check --list`."
        _complain(f"unknown challenge {args.challenge!r}.{suggestion}")
        return 2
    path = Path(args.file)
    if not path.is_file():
        _complain(f"no such file: {path}")
        return 2

    try:
        with WorkerClient() as client:
            verdict = client.check(challenge.spec, path.read_text(encoding="utf-8"), filename=str(path))
    except WorkerError as error:
        _complain(f"the checker could not run: {error}")
        return 1
    if args.json:
        print(json.dumps(verdict, ensure_ascii=False, indent=2))
    else:
        print_verdict(Console(highlight=False), challenge.id, verdict, path)
    return 0 if verdict["status"] == "pass" else 1


def _complain(message: str) -> None:
    print(message, file=sys.stderr)


def print_verdict(console: Console, challenge_id: str, verdict: dict, path: Path) -> None:
    label, style = STATUS_STYLES[verdict["status"]]
    head = Text.assemble((label, style), f"  {challenge_id}  ", (f"{verdict['duration_ms']:.0f} ms", "dim"))
    console.print(head)
    console.print(verdict["summary"])
    if verdict["mistake"]:
        console.print(Text.assemble(("Mistake: ", "bold"), f"{verdict['mistake_title']} ({verdict['mistake']})"))
    for key, title in (("hint", "Hint"), ("shape_error", "Shapes"), ("divergence", "Where it went wrong")):
        if verdict[key] and verdict[key] != verdict["summary"]:
            console.print(Text.assemble((f"{title}: ", "bold"), verdict[key]))
    line = verdict["line"]
    if line and verdict["status"] != "pass":
        lines = path.read_text(encoding="utf-8").splitlines()
        if 0 < line <= len(lines):
            console.print(Text.assemble((f"{path.name}:{line}  ", "dim"), lines[line - 1].strip()))
    if verdict["trace"] and verdict["status"] != "pass":
        console.print(trace_table(verdict["trace"][:TRACE_ROWS]))
    if verdict["stdout"]:
        console.print(Text("Your output:", style="bold"))
        console.print(Text(verdict["stdout"].rstrip(), style="dim"))


def trace_table(rows: list[dict]) -> Table:
    table = Table(title="What your code computed", title_justify="left", box=None,
                  header_style="bold", pad_edge=False)
    for column in ("line", "op", "inputs", "→ out"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(str(row["line"]), row["op"], "  ".join(row["shapes"]), row["out"])
    return table
