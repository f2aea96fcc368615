"""Every torch op the learner's lines run, attributed to the line that ran it.

A `TorchFunctionMode` sees each op (`@`, `/`, indexing, `softmax`, `einsum`, factories, module
internals). Ops the handler itself runs are not intercepted again, so a learner call into a
torch function is one record. Walking up the frames to the first one whose filename is the
learner's gives the line; `linecache` (fed by `register_source`) gives its text.
"""

from __future__ import annotations

import importlib
import inspect
import linecache
import sys
from dataclasses import dataclass, field

import torch
from torch.overrides import TorchFunctionMode

MAX_RECORDS = 5000  # an explicit loop over positions can run thousands of ops
MAX_FRAMES = 40

# Dunder methods shown as the operator the learner wrote.
OPERATOR_NAMES = {
    "__matmul__": "@", "__rmatmul__": "@", "__truediv__": "/", "__rtruediv__": "/",
    "__mul__": "*", "__rmul__": "*", "__add__": "+", "__radd__": "+", "__sub__": "-",
    "__rsub__": "-", "__pow__": "**", "__neg__": "-", "__invert__": "~", "__and__": "&",
    "__or__": "|", "__getitem__": "[]", "__setitem__": "[]=", "__eq__": "==", "__lt__": "<",
    "__le__": "<=", "__gt__": ">", "__ge__": ">=", "__ne__": "!=", "__itruediv__": "/=",
    "__imul__": "*=", "__iadd__": "+=", "__isub__": "-=",
}


def op_name(func) -> str:
    name = getattr(func, "__name__", None) or str(func)
    if name == "__get__":  # a property such as `.mT` or `.shape`: name it after the attribute
        name = getattr(getattr(func, "__self__", None), "__name__", name)
    return OPERATOR_NAMES.get(name, name)


def register_source(filename: str, code: str) -> None:
    """Let `linecache` (tracebacks, the trace table) read the learner's cell by its filename."""
    linecache.cache[filename] = (len(code), None, code.splitlines(keepends=True), filename)


class Shape(tuple):
    """A tensor argument, kept as its shape (a plain tuple would be a size argument)."""


def summarize(value):
    if isinstance(value, torch.Tensor):
        return Shape(value.shape)
    if type(value) in (list, tuple):  # not torch.Size: that one is a size argument as it is
        return type(value)(summarize(v) for v in value)
    return value


@dataclass
class OpRecord:
    line: int
    source: str  # the learner's line, stripped
    op: str
    inputs: list  # the op's arguments, positionally then by keyword; tensors as `Shape`s
    output_shape: tuple | None = None
    value: torch.Tensor | None = None  # a copy of a float output, for divergence


def where_running(frame, filename: str) -> dict:
    """The learner's line that `frame` (or a caller of it) is running: {"line", "source"}, or {}."""
    while frame is not None and frame.f_code.co_filename != filename:
        frame = frame.f_back
    if frame is None:
        return {}
    source = linecache.getline(filename, frame.f_lineno).strip()
    return {"line": frame.f_lineno, "source": source if len(source) <= 80 else source[:79] + "…"}


@dataclass
class ForbiddenUse:
    name: str
    line: int
    source: str


class ForbiddenOpError(Exception):
    def __init__(self, use: ForbiddenUse):
        super().__init__(f"`{use.name}` is not allowed in this challenge")
        self.use = use


@dataclass
class Forbidden:
    """Callables a challenge rules out: builtins by identity, Python code (a module's `forward`,
    a class's `__init__`) by the code objects on the stack."""

    functions: dict = field(default_factory=dict)  # id(callable) -> dotted name
    codes: dict = field(default_factory=dict)  # code object -> dotted name

    @classmethod
    def resolve(cls, names: list[str]) -> "Forbidden":
        forbidden = cls()
        for name in names:
            target = _import_dotted(name)
            forbidden.functions[id(target)] = name
            members = [target] if not inspect.isclass(target) else [
                getattr(target, attr, None) for attr in ("__init__", "forward", "__call__")
            ]
            for member in members:
                code = getattr(member, "__code__", None)
                if code is not None:
                    forbidden.codes[code] = name
        return forbidden


def _import_dotted(name: str):
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            target = getattr(target, attr)
        return target
    raise ImportError(f"cannot resolve {name!r}")


class LearnerTrace(TorchFunctionMode):
    """Records the ops run from `filename`'s lines; raises `ForbiddenOpError` on a ruled-out
    call. After a failing op, `failure` holds its record (for a named shape error)."""

    def __init__(self, filename: str, forbidden: Forbidden, keep_values: bool):
        super().__init__()
        self.filename = filename
        self.forbidden = forbidden
        self.keep_values = keep_values
        self.records: list[OpRecord] = []
        self.failure: OpRecord | None = None
        self.failure_error: BaseException | None = None
        self.forbidden_use: ForbiddenUse | None = None

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        frame, ruled_out = self._learner_frame(func)
        if frame is None:
            return func(*args, **kwargs)
        line = frame.f_lineno
        source = linecache.getline(self.filename, line).strip()
        if ruled_out is not None and self.forbidden_use is None:
            self.forbidden_use = ForbiddenUse(ruled_out, line, source)
            raise ForbiddenOpError(self.forbidden_use)
        record = OpRecord(line, source, op_name(func), [summarize(a) for a in (*args, *kwargs.values())])
        try:
            out = func(*args, **kwargs)
        except Exception as error:
            self.failure, self.failure_error = record, error
            raise
        if isinstance(out, torch.Tensor) and len(self.records) < MAX_RECORDS:
            record.output_shape = tuple(out.shape)
            if self.keep_values and out.is_floating_point():
                record.value = out.detach().clone()
            self.records.append(record)
        return out

    def _learner_frame(self, func):
        """The innermost learner frame above this op, and the forbidden name it passes through."""
        ruled_out = self.forbidden.functions.get(id(func))
        frame = sys._getframe(2)
        for _ in range(MAX_FRAMES):
            if frame is None:
                return None, None
            if frame.f_code.co_filename == self.filename:
                return frame, ruled_out
            ruled_out = ruled_out or self.forbidden.codes.get(frame.f_code)
            frame = frame.f_back
        return None, None
