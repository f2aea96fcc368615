"""`aide lessons --validate`: load the curriculum, then prove every challenge through the worker.

For each challenge: the reference solution passes, the starter fails, and every catalogued mutant
is recognised by name. Every lexicon entry must point at an engine name that exists (found by
reading the engine's source, so this process never imports torch).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol

from tutor.content import Challenge, Curriculum, LoadError, Mistake
from tutor.loader import display_name, load_curriculum
from tutor.paths import engine_source

FUTURE_IMPORT = "from __future__ import"


class Checker(Protocol):
    def check(self, challenge_spec: dict, code: str, filename: str = "cell.py") -> dict: ...


@dataclass
class ValidationReport:
    lessons: int
    checks: int
    challenges: int
    errors: list[LoadError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> dict:
        return {"ok": self.ok, "lessons": self.lessons, "checks": self.checks,
                "challenges": self.challenges,
                "errors": [{"file": e.file, "line": e.line, "message": e.message}
                           for e in self.errors]}


def lexicon_errors(curriculum: Curriculum) -> list[LoadError]:
    lexicon_file = display_name(curriculum.root / "lexicon.yaml")
    return [LoadError(lexicon_file, entry.line,
                      f"`{entry.term}`: engine name `{entry.engine}` does not exist")
            for entry in curriculum.lexicon
            if ":" in entry.engine and engine_source(entry.engine) is None]


def mutant_submission(challenge: Challenge, mistake: Mistake) -> str:
    """The reference solution with one function replaced by the catalogued mutant."""
    mutants = "\n".join(line for line in (challenge.mistakes_path.read_text(encoding="utf-8")
                                          .splitlines()) if not line.startswith(FUTURE_IMPORT))
    return (f"{challenge.solution_code()}\n\n{mutants}\n\n"
            f"{mistake.function} = {mistake.function_name}\n")


def _def_line(path: Path, name: str) -> int | None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return next((n.lineno for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name),
                None)


def challenge_errors(challenge: Challenge, checker: Checker) -> list[LoadError]:
    errors = []
    solution = checker.check(challenge.spec, challenge.solution_code(), "solution.py")
    if solution["status"] != "pass":
        errors.append(LoadError(display_name(challenge.solution_path), solution.get("line"),
                                f"the reference solution does not pass: {solution['summary']}"))
    starter = checker.check(challenge.spec, challenge.starter_code(), "starter.py")
    if starter["status"] == "pass":
        errors.append(LoadError(display_name(challenge.starter_path), None,
                                "the starter passes; it must fail until the learner writes code"))
    for mistake in challenge.mistakes:
        verdict = checker.check(challenge.spec, mutant_submission(challenge, mistake), "cell.py")
        if verdict["status"] == "pass" or verdict.get("mistake") != mistake.id:
            errors.append(LoadError(
                display_name(challenge.mistakes_path),
                _def_line(challenge.mistakes_path, mistake.function_name),
                f"mutant `{mistake.function_name}` is not recognised as `{mistake.id}` "
                f"(verdict: {verdict['status']}, mistake: {verdict.get('mistake')})"))
    return errors


def validate(path: str | Path | None = None, checker: Checker | None = None,
             on_challenge: Callable[[str], None] | None = None) -> ValidationReport:
    """Validate a lessons folder. Without a checker only the static checks run."""
    curriculum = load_curriculum(path)
    report = ValidationReport(
        lessons=len(curriculum.lessons),
        checks=sum(len(lesson.checks) for lesson in curriculum.lessons.values()),
        challenges=len(curriculum.challenges),
        errors=list(curriculum.errors) + lexicon_errors(curriculum),
    )
    if checker is not None:
        for challenge in curriculum.challenges.values():
            if on_challenge:
                on_challenge(challenge.id)
            report.errors += challenge_errors(challenge, checker)
    return report
