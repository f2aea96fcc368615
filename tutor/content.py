"""The curriculum as validated, immutable objects: lessons and their steps, challenges, the graph.

`tutor.loader` builds these from the YAML under `lessons/`; the app only reads them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Iterable, Union


@dataclass(frozen=True)
class LoadError:
    """One problem found while loading the curriculum, pointing at the file and line to fix."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class AideStep:
    """AIDE speaks: a short paragraph of dialogue."""

    text: str


@dataclass(frozen=True)
class ConceptStep:
    """A concept card: a title and a Markdown body."""

    title: str
    body: str


@dataclass(frozen=True)
class Option:
    text: str
    correct: bool
    why: str


@dataclass(frozen=True)
class Grade:
    """The outcome of one answer: right or wrong, why, and the answer as understood."""

    correct: bool
    why: str
    chosen: Any  # tuple of option indices, a number, or a shape tuple; None if unreadable


NUMBER = re.compile(r"^\s*([-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?)(\s*/\s*(\d+))?\s*$")
SHAPE = re.compile(r"^[\s\[\](){},;x×*\d]*$")
THOUSANDS = re.compile(r"(?<=\d)[,_ ](?=\d{3}(\D|$))")  # 1,050,624 / 1_050_624 / 1 050 624


def parse_number(text: str) -> float | None:
    """A typed number: "0.125", "1e-3", "1/8" or "1,050,624"; anything else -> None."""
    match = NUMBER.match(THOUSANDS.sub("", text))
    if not match:
        return None
    value = Fraction(match.group(1))
    if match.group(6):
        if int(match.group(6)) == 0:
            return None
        value /= int(match.group(6))
    return float(value)


def parse_shape(text: str) -> tuple[int, ...] | None:
    """A typed shape: "(2, 4, 10, 10)", "2x4x10x10", "[2,4,10,10]" -> (2, 4, 10, 10)."""
    if not SHAPE.match(text):
        return None
    dims = tuple(int(d) for d in re.findall(r"\d+", text))
    return dims or None


@dataclass(frozen=True)
class CheckStep:
    """A logic check: options (one or several correct), or a typed answer (a number or a shape).

    `answer` is None for option checks, a float for numeric checks, a tuple of ints for shapes.
    """

    id: str
    question: str
    explanation: str
    xp: int = 10
    options: tuple[Option, ...] = ()
    answer: float | tuple[int, ...] | None = None
    tolerance: float = 0.0
    why: str = ""  # shown for any wrong typed answer

    @property
    def mode(self) -> str:
        """How the check is answered: "single", "multiple", "numeric" or "shape"."""
        if self.options:
            return "multiple" if len(self.correct_indices) > 1 else "single"
        return "shape" if isinstance(self.answer, tuple) else "numeric"

    @property
    def answer_text(self) -> str:
        """A typed check's answer as the learner would type it: "(8, 197, 768)", "0.25"."""
        if isinstance(self.answer, tuple):
            return "(" + ", ".join(map(str, self.answer)) + ")"
        return "" if self.answer is None else f"{self.answer:.10g}"

    @property
    def correct_indices(self) -> frozenset[int]:
        return frozenset(i for i, option in enumerate(self.options) if option.correct)

    def grade(self, answer: int | Iterable[int] | str | float) -> Grade:
        """Grade one answer.

        Option checks take a 0-based option index or an iterable of indices (multiple answers).
        Numeric checks take a number or its text ("0.125", "1/8"). Shape checks take a sequence
        of ints or text typed loosely: "(2, 4, 10, 10)", "2x4x10x10", "[2,4,10,10]".
        """
        if self.options:
            return self._grade_options(answer)
        if self.mode == "shape":
            return self._grade_shape(answer)
        return self._grade_number(answer)

    def _grade_options(self, answer: int | Iterable[int]) -> Grade:
        chosen = frozenset([answer] if isinstance(answer, int) else answer)
        unknown = [i for i in chosen if not 0 <= i < len(self.options)]
        if unknown or not chosen:
            return Grade(False, f"Choose among options 1 to {len(self.options)}.", None)
        indices = tuple(sorted(chosen))
        if chosen == self.correct_indices:
            return Grade(True, " ".join(self.options[i].why for i in indices), indices)
        if self.mode == "single":
            return Grade(False, self.options[indices[0]].why, indices)
        # several answers: explain each wrong pick, then each correct option left out
        wrong = [f"“{self.options[i].text}”: {self.options[i].why}"
                 for i in indices if not self.options[i].correct]
        missed = [f"You also needed “{self.options[i].text}”: {self.options[i].why}"
                  for i in sorted(self.correct_indices - chosen)]
        return Grade(False, "\n".join(wrong + missed), indices)

    def _grade_shape(self, answer: str | Iterable[int]) -> Grade:
        shape = parse_shape(answer) if isinstance(answer, str) else tuple(int(d) for d in answer)
        if shape is None:
            return Grade(False, "Type the shape as numbers, e.g. (2, 4, 10, 10).", None)
        return Grade(shape == self.answer, self.explanation if shape == self.answer else self.why,
                     shape)

    def _grade_number(self, answer: str | float) -> Grade:
        value = parse_number(answer) if isinstance(answer, str) else float(answer)
        if value is None:
            return Grade(False, "Type a number, e.g. 0.125 or 1/8.", None)
        correct = abs(value - self.answer) <= self.tolerance + 1e-9 * abs(self.answer)
        return Grade(correct, self.explanation if correct else self.why, value)


@dataclass(frozen=True)
class CodeStep:
    """A code cell: the id of the challenge the learner solves here."""

    challenge: str


@dataclass(frozen=True)
class DemoStep:
    name: str
    params: dict[str, Any] = field(default_factory=dict, hash=False)
    caption: str = ""


Step = Union[AideStep, ConceptStep, CheckStep, CodeStep, DemoStep]


@dataclass(frozen=True)
class Mistake:
    """A catalogued classic mistake; its mutant lives in mistakes.py as `id` with - -> _."""

    id: str
    title: str
    hint: str
    function: str  # the entry function this mistake is a wrong version of

    @property
    def function_name(self) -> str:
        return self.id.replace("-", "_")


@dataclass(frozen=True)
class Challenge:
    """A code challenge folder: challenge.yaml, starter.py, solution.py, mistakes.py."""

    id: str  # "<lesson-id>/<challenge-name>"
    title: str
    prompt: str
    xp: int
    dir: Path
    hints: tuple[str, ...]
    mistakes: tuple[Mistake, ...]
    spec: dict[str, Any] = field(hash=False)  # what the worker's `check` op receives

    @property
    def lesson(self) -> str:
        return self.id.split("/", 1)[0]

    @property
    def starter_path(self) -> Path:
        return self.dir / "starter.py"

    @property
    def solution_path(self) -> Path:
        return self.dir / "solution.py"

    @property
    def mistakes_path(self) -> Path:
        return self.dir / "mistakes.py"

    def starter_code(self) -> str:
        return self.starter_path.read_text(encoding="utf-8")

    def solution_code(self) -> str:
        return self.solution_path.read_text(encoding="utf-8")


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    node: str
    xp: int
    summary: str
    steps: tuple[Step, ...]
    file: Path

    @property
    def checks(self) -> tuple[CheckStep, ...]:
        return tuple(s for s in self.steps if isinstance(s, CheckStep))

    @property
    def challenges(self) -> tuple[str, ...]:
        """The ids of the challenges of this lesson's code steps, in order."""
        return tuple(s.challenge for s in self.steps if isinstance(s, CodeStep))


@dataclass(frozen=True)
class Node:
    """One box of the architecture map."""

    id: str
    label: str
    lessons: tuple[str, ...]
    position: tuple[int, int]  # (col, row) on the drawing grid
    requires: tuple[str, ...]  # prerequisite node ids
    summary: str = ""
    kind: str = "model"  # "intro", "model" (a part of the network) or "topic"
    line: int | None = field(default=None, compare=False)  # in graph.yaml, for errors


@dataclass(frozen=True)
class Graph:
    """The architecture map: nodes, data-flow edges (for drawing) and prerequisites (unlocking)."""

    nodes: tuple[Node, ...]
    flow: tuple[tuple[str, str], ...]  # (from, to): how data moves through the model

    def node(self, node_id: str) -> Node:
        return self._by_id[node_id]

    def __contains__(self, node_id: str) -> bool:
        return node_id in self._by_id

    @property
    def _by_id(self) -> dict[str, Node]:
        return {n.id: n for n in self.nodes}

    @property
    def prerequisites(self) -> tuple[tuple[str, str], ...]:
        """(prerequisite, node) pairs."""
        return tuple((req, n.id) for n in self.nodes for req in n.requires)

    @property
    def lesson_ids(self) -> tuple[str, ...]:
        """Every lesson the map names, in map order."""
        return tuple(lesson_id for n in self.nodes for lesson_id in n.lessons)

    def node_of_lesson(self, lesson_id: str) -> Node | None:
        return next((n for n in self.nodes if lesson_id in n.lessons), None)


@dataclass(frozen=True)
class LexiconEntry:
    term: str
    definition: str
    engine: str  # "module:name" of the engine code that implements it
    lesson: str
    line: int | None = field(default=None, compare=False)  # in lexicon.yaml, for errors


@dataclass(frozen=True)
class FaqEntry:
    question: str
    answer: str
    lesson: str | None = None


@dataclass(frozen=True)
class Curriculum:
    """Everything that loaded, in graph order, plus every problem found on the way."""

    root: Path
    graph: Graph
    lessons: dict[str, Lesson] = field(hash=False)
    challenges: dict[str, Challenge] = field(hash=False)
    lexicon: tuple[LexiconEntry, ...] = ()
    faq: tuple[FaqEntry, ...] = ()
    errors: tuple[LoadError, ...] = ()

    def lesson(self, lesson_id: str) -> Lesson:
        return self.lessons[lesson_id]

    def challenge(self, challenge_id: str) -> Challenge:
        return self.challenges[challenge_id]

    def lessons_of(self, node_id: str) -> tuple[Lesson, ...]:
        return tuple(self.lessons[i] for i in self.graph.node(node_id).lessons if i in self.lessons)
