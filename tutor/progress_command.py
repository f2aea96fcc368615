"""`aide progress [export|import FILE] [--json]` and `aide reset [LESSON] [--yes]`."""

from __future__ import annotations

import json
import sys
from argparse import Namespace
from datetime import date
from pathlib import Path

from tutor.loader import load_curriculum
from tutor.rules import LOCKED, MASTERED, NOT_STARTED, ProgressSummary, summarize
from tutor.store import ProgressStore

STATE_MARKS = {"mastered": "✓", "in_progress": "▶", "available": "○", "locked": "·"}


def open_store() -> ProgressStore:
    store = ProgressStore()
    if store.recovery_message:
        print(store.recovery_message, file=sys.stderr)
    return store


def run(args: Namespace) -> int:
    with open_store() as store:
        if args.action == "export":
            return export(store, args.file)
        if args.action == "import":
            return import_(store, args.file)
        summary = summarize(load_curriculum(), store.events(), date.today())
    if args.json:
        print(json.dumps(summary.to_json(), indent=2))
    else:
        print(describe(summary))
    return 0


def export(store: ProgressStore, file: str | None) -> int:
    text = json.dumps(store.export(), indent=2, ensure_ascii=False)
    if file in (None, "-"):
        print(text)
        return 0
    Path(file).write_text(text + "\n", encoding="utf-8")
    print(f"Exported {len(store.events())} events to {file}.")
    return 0


def import_(store: ProgressStore, file: str | None) -> int:
    if not file:
        print("aide progress import: name the JSON file to import", file=sys.stderr)
        return 2
    try:
        data = json.loads(Path(file).read_text(encoding="utf-8"))
        added = store.merge(data)
    except (OSError, ValueError) as exc:  # json.JSONDecodeError is a ValueError
        print(f"aide progress import: cannot import {file}: {exc}", file=sys.stderr)
        return 2
    print(f"Imported {added} new events from {file}.")
    return 0


def describe(summary: ProgressSummary) -> str:
    to_next = summary.next_level_xp - summary.xp
    lines = [f"Level {summary.level} · {summary.rank} — {summary.xp} XP "
             f"({to_next} XP to level {summary.level + 1})",
             f"Streak: {summary.streak} day(s) (longest {summary.longest_streak})"]
    if summary.next_step:
        lines.append(f"Next: {summary.next_step.reason}")
    lines.append("")
    for node_id, state in summary.node_states.items():
        lesson = summary.lessons.get(node_id)
        detail = ""
        if lesson and state not in (LOCKED, MASTERED) and lesson.status != NOT_STARTED:
            detail = (f"  {lesson.checks_done}/{lesson.checks_total} checks, "
                      f"{lesson.challenges_passed}/{lesson.challenges_total} challenges")
        lines.append(f"  {STATE_MARKS[state]} {node_id:<18} {state.replace('_', ' ')}{detail}")
    lines.append("")
    total = len(summary.earned) + len(summary.locked)
    names = ", ".join(a.name for a in summary.earned) or "none yet"
    lines.append(f"Achievements {len(summary.earned)}/{total}: {names}")
    return "\n".join(lines)


def reset(args: Namespace) -> int:
    if args.lesson and args.lesson not in load_curriculum().graph.lesson_ids:
        print(f"aide reset: unknown lesson `{args.lesson}`", file=sys.stderr)
        return 2
    what = f"your progress in `{args.lesson}`" if args.lesson else "all your progress"
    if not args.yes and not confirm(f"Forget {what}? This cannot be undone. [y/N] "):
        print("Nothing was changed.")
        return 1
    with open_store() as store:
        removed = store.reset(args.lesson)
    print(f"Forgot {what} ({removed} events).")
    return 0


def confirm(question: str) -> bool:
    try:
        return input(question).strip().lower() in ("y", "yes")
    except EOFError:  # no terminal to answer: the safe answer is no
        print()
        return False
