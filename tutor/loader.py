"""Load lessons/ into a `Curriculum`, collecting every problem as a `LoadError(file, line, ...)`.

Nothing here raises for bad content: a lesson with an error is left out and the others load.
YAML is parsed with `yaml.safe_load` semantics; the loader below only records line numbers.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from tutor.content import (
    AideStep, Challenge, CheckStep, CodeStep, ConceptStep, Curriculum, DemoStep, FaqEntry, Graph,
    Lesson, LexiconEntry, LoadError, Mistake, Option, Step,
)
from tutor.graph import build_graph, line_of
from tutor.paths import lessons_dir

DEMOS = frozenset({
    "attention-heatmap", "positional-waves", "softmax-temperature", "sampling", "training-loss",
    "kv-cache-speedup", "bpe-merges", "capstone",
})
STEP_TYPES = ("aide", "concept", "check", "code", "demo")
CHALLENGE_FILES = ("starter.py", "solution.py")


class LineDict(dict):
    """A YAML mapping that remembers its line and the line of each key (1-based)."""

    line: int | None = None
    key_lines: dict[str, int] = {}


class LineList(list):
    line: int | None = None


# libyaml's parser when installed (about 9x faster on the shipped lessons), else pure Python.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineLoader(SafeLoader):
    """A safe loader that returns LineDict/LineList: what safe_load builds, with line numbers,
    and a duplicate key is an error instead of silently replacing the first value."""


def _construct_mapping(loader: LineLoader, node: yaml.MappingNode):
    data = LineDict()
    data.line = node.start_mark.line + 1
    yield data
    data.update(loader.construct_mapping(node))
    data.key_lines = {}
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode):
            continue
        if key.value in data.key_lines:  # safe_load would silently keep the last one
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key `{key.value}`", key.start_mark)
        data.key_lines[key.value] = key.start_mark.line + 1


def _construct_sequence(loader: LineLoader, node: yaml.SequenceNode):
    data = LineList()
    data.line = node.start_mark.line + 1
    yield data
    data.extend(loader.construct_sequence(node))


LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


def plain(data: Any) -> Any:
    """Parsed YAML back to plain dicts and lists (what goes over the worker's JSON pipe)."""
    if isinstance(data, Mapping):
        return {k: plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [plain(v) for v in data]
    return data


class FileReader:
    """Reads one YAML file and records its problems against its name."""

    def __init__(self, path: Path, errors: list[LoadError]):
        self.path = path
        self.name = display_name(path)
        self.errors = errors
        self.failed = False

    def report(self, message: str, line: int | None = None) -> None:
        self.failed = True
        self.errors.append(LoadError(self.name, line, message))

    def parse(self) -> Any:
        try:
            text = self.path.read_text(encoding="utf-8")
        except OSError as exc:
            self.report(f"cannot read: {exc.strerror}")
            return None
        try:
            return yaml.load(text, Loader=LineLoader)  # a safe loader: see LineLoader
        except yaml.MarkedYAMLError as exc:
            # an unclosed quote or bracket is reported where it opened, not at the end of file
            mark = exc.context_mark or exc.problem_mark
            context = f" ({exc.context} that starts here)" if exc.context_mark else ""
            self.report(f"malformed YAML: {exc.problem}{context}", mark.line + 1 if mark else None)
        except yaml.YAMLError as exc:
            self.report(f"malformed YAML: {exc}")
        return None

    def parse_mapping(self) -> Mapping | None:
        """The file's top-level mapping, or None (with the problem reported)."""
        data = self.parse()
        if self.failed:
            return None
        if not isinstance(data, Mapping):
            self.report(f"{self.path.name} must be a mapping")
            return None
        return data

    def field(self, data: Mapping, key: str, kind: type | tuple = str, default: Any = ...,
              what: str = "") -> Any:
        """data[key] checked against `kind`; reports a missing or mistyped field."""
        where = f"{what}: " if what else ""
        if key not in data or data[key] is None:
            if default is ...:
                self.report(f"{where}missing field `{key}`", line_of(data))
            return None if default is ... else default
        value = data[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.report(f"{where}field `{key}` must be {_kind_name(kind)}", line_of(data, key))
            return None if default is ... else default
        return value


def _kind_name(kind: type | tuple) -> str:
    names = {str: "text", int: "an integer", bool: "true or false", list: "a list",
             Mapping: "a mapping", float: "a number"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def display_name(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# ---------------------------------------------------------------------------------------------
# Challenges


def load_challenge(folder: Path, challenge_id: str, errors: list[LoadError]) -> Challenge | None:
    reader = FileReader(folder / "challenge.yaml", errors)
    data = reader.parse_mapping()
    if data is None:
        return None
    title = reader.field(data, "title")
    prompt = reader.field(data, "prompt")
    xp = reader.field(data, "xp", int, default=50)
    functions = reader.field(data, "functions", list)
    for function in functions or ():
        _check_function(reader, function)
    hints = reader.field(data, "hints", list, default=[])
    if not all(isinstance(h, str) for h in hints):
        reader.report("every hint must be text", line_of(data, "hints"))
    entries = [f.get("entry") for f in functions or () if isinstance(f, Mapping)]
    mistakes = tuple(m for m in (_read_mistake(reader, m, entries) for m in
                                 reader.field(data, "mistakes", list, default=[])) if m)
    for name in CHALLENGE_FILES:
        if not (folder / name).is_file():
            reader.report(f"missing file {name} next to challenge.yaml", line_of(data))
    if data.get("mistakes"):
        _check_mutants(reader, folder / "mistakes.py", mistakes, data)
    if reader.failed:
        return None
    spec = plain(data) | {"id": challenge_id, "dir": str(folder.resolve())}
    return Challenge(id=challenge_id, title=title, prompt=prompt, xp=xp, dir=folder.resolve(),
                     hints=tuple(hints), mistakes=mistakes, spec=spec)


def _check_function(reader: FileReader, function: Any) -> None:
    if not isinstance(function, Mapping):
        reader.report("each entry of `functions` must be a mapping", line_of(function))
        return
    entry = reader.field(function, "entry", what="function")
    reference = reader.field(function, "reference", what=f"function `{entry}`")
    reader.field(function, "args", Mapping, what=f"function `{entry}`")
    if reference and (":" not in reference or reference.startswith(":")):
        reader.report(f"function `{entry}`: reference must be \"module:name\", got `{reference}`",
                      line_of(function, "reference"))


def _read_mistake(reader: FileReader, data: Any, entries: list[str]) -> Mistake | None:
    if not isinstance(data, Mapping):
        reader.report("each mistake must be a mapping", line_of(data))
        return None
    mistake_id = reader.field(data, "id", what="mistake")
    title = reader.field(data, "title", what=f"mistake `{mistake_id}`")
    hint = reader.field(data, "hint", what=f"mistake `{mistake_id}`")
    function = reader.field(data, "function", default=entries[0] if entries else None,
                            what=f"mistake `{mistake_id}`")
    if entries and function not in entries:
        reader.report(f"mistake `{mistake_id}`: `{function}` is not one of the challenge's "
                      "functions", line_of(data, "function"))
        return None
    if None in (mistake_id, title, hint):
        return None
    return Mistake(id=mistake_id, title=title, hint=hint, function=function)


def _check_mutants(reader: FileReader, path: Path, mistakes: tuple[Mistake, ...],
                   data: Mapping) -> None:
    """Every catalogued mistake needs its mutant function in mistakes.py."""
    if not path.is_file():
        reader.report("mistakes are listed but mistakes.py is missing", line_of(data, "mistakes"))
        return
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except SyntaxError as exc:
        reader.errors.append(LoadError(display_name(path), exc.lineno, f"syntax error: {exc.msg}"))
        reader.failed = True
        return
    defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    for item, mistake in zip(data["mistakes"], mistakes):
        if mistake.function_name not in defined:
            reader.report(f"mistake `{mistake.id}` has no function `{mistake.function_name}` "
                          "in mistakes.py", line_of(item))


def load_challenges(root: Path, errors: list[LoadError]) -> dict[str, Challenge | None]:
    """Every <lesson>/<name>/challenge.yaml by id; None for one that has errors."""
    return {f"{f.parent.parent.name}/{f.parent.name}":
            load_challenge(f.parent, f"{f.parent.parent.name}/{f.parent.name}", errors)
            for f in sorted(root.glob("*/*/challenge.yaml"))}


# ---------------------------------------------------------------------------------------------
# Lessons


class LessonReader(FileReader):
    def __init__(self, path: Path, errors: list[LoadError], graph: Graph,
                 challenges: dict[str, Challenge | None]):
        super().__init__(path, errors)
        self.graph = graph
        self.challenges = challenges
        self.check_ids: set[str] = set()

    def read(self) -> Lesson | None:
        data = self.parse_mapping()
        if data is None:
            return None
        lesson_id = self.field(data, "id")
        folder = self.path.parent.name
        if lesson_id and lesson_id != folder:
            self.report(f"lesson id `{lesson_id}` must equal its folder name `{folder}`",
                        line_of(data, "id"))
        title = self.field(data, "title")
        node = self.field(data, "node")
        if node and node not in self.graph:
            self.report(f"unknown node `{node}`", line_of(data, "node"))
        elif node and lesson_id not in self.graph.node(node).lessons:
            self.report(f"node `{node}` does not list lesson `{lesson_id}` in graph.yaml",
                        line_of(data, "node"))
        xp = self.field(data, "xp", int, default=100)
        summary = self.field(data, "summary", default="")
        raw_steps = self.field(data, "steps", list)
        if raw_steps is not None and not raw_steps:
            self.report("a lesson needs at least one step", line_of(data, "steps"))
        steps = tuple(s for s in (self.step(item) for item in raw_steps or ()) if s is not None)
        if self.failed:
            return None
        return Lesson(id=lesson_id, title=title, node=node, xp=xp, summary=summary, steps=steps,
                      file=self.path.resolve())

    def step(self, item: Any) -> Step | None:
        if not (isinstance(item, Mapping) and len(item) == 1):
            self.report("each step must be a mapping with exactly one key: "
                        + ", ".join(STEP_TYPES), line_of(item))
            return None
        (kind, body), = item.items()
        if kind not in STEP_TYPES:
            self.report(f"unknown step type `{kind}` (expected one of {', '.join(STEP_TYPES)})",
                        line_of(item))
            return None
        if kind == "aide":
            if not isinstance(body, str):
                self.report("an `aide` step is text", line_of(item))
                return None
            return AideStep(body)
        if not isinstance(body, Mapping):
            self.report(f"a `{kind}` step must be a mapping", line_of(item))
            return None
        return getattr(self, kind)(body)

    def concept(self, body: Mapping) -> ConceptStep | None:
        title = self.field(body, "title", what="concept")
        text = self.field(body, "body", what="concept")
        return ConceptStep(title, text) if title and text else None

    def code(self, body: Mapping) -> CodeStep | None:
        challenge_id = self.field(body, "challenge", what="code step")
        if challenge_id is None:
            return None
        if challenge_id not in self.challenges:
            self.report(f"code step names unknown challenge `{challenge_id}` "
                        "(no <lesson>/<name>/challenge.yaml)", line_of(body, "challenge"))
            return None
        if self.challenges[challenge_id] is None:
            self.report(f"challenge `{challenge_id}` has errors (see its challenge.yaml)",
                        line_of(body, "challenge"))
            return None
        return CodeStep(challenge_id)

    def demo(self, body: Mapping) -> DemoStep | None:
        name = self.field(body, "name", what="demo")
        params = self.field(body, "params", Mapping, default={}, what="demo")
        caption = self.field(body, "caption", default="", what="demo")
        if name and name not in DEMOS:
            self.report(f"unknown demo `{name}` (expected one of {', '.join(sorted(DEMOS))})",
                        line_of(body, "name"))
            return None
        return DemoStep(name, plain(params), caption) if name else None

    def check(self, body: Mapping) -> CheckStep | None:
        check_id = self.field(body, "id", what="check")
        what = f"check `{check_id}`"
        if check_id in self.check_ids:
            self.report(f"duplicate check id `{check_id}`", line_of(body, "id"))
        self.check_ids.add(check_id)
        question = self.field(body, "question", what=what)
        explanation = self.field(body, "explanation", default="", what=what)
        xp = self.field(body, "xp", int, default=10, what=what)
        if ("options" in body) == ("answer" in body):
            self.report(f"{what} needs either `options` or `answer`", line_of(body))
            return None
        if "options" in body:
            options = self.options(body, what)
            if options is None or question is None:
                return None
            return CheckStep(id=check_id, question=question, explanation=explanation, xp=xp,
                             options=options)
        answer = self.answer(body, what)
        why = self.field(body, "why", what=f"answer-{what}")
        tolerance = self.field(body, "tolerance", (int, float), default=0.0, what=what)
        if isinstance(answer, tuple) and "tolerance" in body:
            self.report(f"{what}: `tolerance` applies to numeric answers only",
                        line_of(body, "tolerance"))
        if None in (answer, why, question):
            return None
        return CheckStep(id=check_id, question=question, explanation=explanation, xp=xp,
                         answer=answer, tolerance=float(tolerance), why=why)

    def options(self, body: Mapping, what: str) -> tuple[Option, ...] | None:
        raw = self.field(body, "options", list, what=what)
        if not raw:
            self.report(f"{what} has no options", line_of(body, "options"))
            return None
        options = []
        for number, item in enumerate(raw, start=1):
            if not isinstance(item, Mapping):
                self.report(f"option {number} of {what} must be a mapping", line_of(item))
                return None
            text = self.field(item, "text", (str, int, float), what=f"option {number} of {what}")
            correct = self.field(item, "correct", bool, what=f"option {number} of {what}")
            why = self.field(item, "why", what=f"option {number} of {what}")
            if None in (text, correct, why):
                return None
            options.append(Option(str(text), correct, why))
        if not any(o.correct for o in options):
            self.report(f"{what} has no correct option", line_of(body, "options"))
            return None
        return tuple(options)

    def answer(self, body: Mapping, what: str) -> float | tuple[int, ...] | None:
        answer = body["answer"]
        if isinstance(answer, list) and answer and all(
                isinstance(d, int) and not isinstance(d, bool) for d in answer):
            return tuple(answer)
        if isinstance(answer, (int, float)) and not isinstance(answer, bool):
            return float(answer)
        self.report(f"{what}: `answer` must be a number or a shape (a list of integers)",
                    line_of(body, "answer"))
        return None


def load_lesson(path: Path, errors: list[LoadError], graph: Graph,
                challenges: dict[str, Challenge | None]) -> Lesson | None:
    return LessonReader(path, errors, graph, challenges).read()


# ---------------------------------------------------------------------------------------------
# Lexicon, FAQ, graph


def _entries(path: Path, errors: list[LoadError]) -> tuple[FileReader, list]:
    reader = FileReader(path, errors)
    if not path.is_file():
        return reader, []
    data = reader.parse()
    if reader.failed:
        return reader, []
    if not isinstance(data, list):
        reader.report(f"{path.name} must be a list of entries", line_of(data))
        return reader, []
    return reader, data


def load_lexicon(path: Path, errors: list[LoadError], lesson_ids: set[str]) -> tuple:
    reader, items = _entries(path, errors)
    entries, terms = [], set()
    for item in items:
        if not isinstance(item, Mapping):
            reader.report("each lexicon entry must be a mapping", line_of(item))
            continue
        values = [reader.field(item, key, what="lexicon entry")
                  for key in ("term", "definition", "engine", "lesson")]
        if None in values:
            continue
        term, definition, engine, lesson = values
        if term.lower() in terms:
            reader.report(f"duplicate lexicon term `{term}`", line_of(item, "term"))
        terms.add(term.lower())
        module, _, name = engine.partition(":")
        if not (module and name):
            reader.report(f"`{term}`: engine must be \"module:name\", got `{engine}`",
                          line_of(item, "engine"))
        if lesson not in lesson_ids:
            reader.report(f"`{term}`: unknown lesson `{lesson}`", line_of(item, "lesson"))
        entries.append(LexiconEntry(term, definition, engine, lesson, line_of(item)))
    return tuple(entries)


def load_faq(path: Path, errors: list[LoadError], lesson_ids: set[str]) -> tuple:
    reader, items = _entries(path, errors)
    entries = []
    for item in items:
        if not isinstance(item, Mapping):
            reader.report("each FAQ entry must be a mapping", line_of(item))
            continue
        question = reader.field(item, "question", what="FAQ entry")
        answer = reader.field(item, "answer", what="FAQ entry")
        lesson = reader.field(item, "lesson", default=None, what="FAQ entry")
        if lesson is not None and lesson not in lesson_ids:
            reader.report(f"unknown lesson `{lesson}`", line_of(item, "lesson"))
        if question and answer:
            entries.append(FaqEntry(question, answer, lesson))
    return tuple(entries)


def load_graph(path: Path, errors: list[LoadError]) -> Graph:
    reader = FileReader(path, errors)
    if not path.is_file():
        reader.report("graph.yaml is missing")
        return Graph(nodes=(), flow=())
    data = reader.parse()
    return Graph(nodes=(), flow=()) if reader.failed else build_graph(data, reader.report)


# ---------------------------------------------------------------------------------------------


def load_curriculum(path: str | Path | None = None) -> Curriculum:
    """Load a lessons folder (the installed one by default). Never raises for bad content."""
    root = Path(path) if path else lessons_dir()
    errors: list[LoadError] = []
    graph = load_graph(root / "graph.yaml", errors)
    challenges = load_challenges(root, errors)
    loaded = {}
    for lesson_file in sorted(root.glob("*/lesson.yaml")):
        lesson = load_lesson(lesson_file, errors, graph, challenges)
        if lesson:
            loaded[lesson.id] = lesson
    listed = {lesson_id: node for node in graph.nodes for lesson_id in node.lessons}
    for lesson_id, node in listed.items():
        if not (root / lesson_id / "lesson.yaml").is_file():
            errors.append(LoadError(display_name(root / "graph.yaml"), node.line,
                                    f"node `{node.id}` lists lesson `{lesson_id}`, "
                                    f"which has no {lesson_id}/lesson.yaml"))
    lessons = {i: loaded[i] for i in listed if i in loaded}  # graph order
    lesson_ids = set(listed) | set(loaded)
    return Curriculum(
        root=root.resolve(),
        graph=graph,
        lessons=lessons,
        challenges={i: c for i, c in challenges.items() if c is not None},
        lexicon=load_lexicon(root / "lexicon.yaml", errors, lesson_ids),
        faq=load_faq(root / "faq.yaml", errors, lesson_ids),
        errors=tuple(errors),
    )
