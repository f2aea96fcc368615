"""`aide lessons`: list the lessons, or `--validate` them (with `--json` for machines)."""

from __future__ import annotations

import json
import sys
from argparse import Namespace

from tutor.content import LoadError
from tutor.loader import load_curriculum
from tutor.validate import validate
from tutor.worker_client import WorkerClient, WorkerError


def run(args: Namespace) -> int:
    return validate_command(args) if args.validate else list_command(args)


def list_command(args: Namespace) -> int:
    curriculum = load_curriculum(args.path)
    rows = [{"id": lesson.id, "title": lesson.title, "node": lesson.node,
             "checks": len(lesson.checks), "challenges": list(lesson.challenges)}
            for lesson in curriculum.lessons.values()]
    if args.json:
        print(json.dumps({"lessons": rows, "errors": len(curriculum.errors)}, indent=2))
    else:
        width = max((len(r["id"]) for r in rows), default=0)
        for r in rows:
            print(f"{r['id']:<{width}}  {r['title']}  "
                  f"(checks: {r['checks']}, challenges: {len(r['challenges'])})")
        if curriculum.errors:
            print(f"{len(curriculum.errors)} problem(s) found: run `aide lessons --validate`.",
                  file=sys.stderr)
    return 0


def validate_command(args: Namespace) -> int:
    def announce(challenge_id: str) -> None:
        print(f"checking {challenge_id} ...", file=sys.stderr, flush=True)

    with WorkerClient() as client:
        try:
            client.wait_ready()
        except WorkerError as exc:  # one clear error rather than one per challenge
            report = validate(args.path)
            report.errors.append(LoadError("engine/worker.py", None,
                                           f"the worker could not start, so no challenge was "
                                           f"run: {exc}"))
        else:
            report = validate(args.path, client, on_challenge=None if args.json else announce)
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        for error in report.errors:
            print(error)
        verdict = "all valid" if report.ok else f"{len(report.errors)} error(s)"
        print(f"{report.lessons} lessons, {report.checks} checks, {report.challenges} challenges: "
              f"{verdict}")
    return 0 if report.ok else 1
