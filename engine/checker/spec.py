"""A challenge as the checker sees it: the challenge.yaml mapping, with defaults filled in."""

from __future__ import annotations

import ast
import operator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_TIMEOUT_S = 5.0
DEFAULT_MEMORY_MB = 1024


@dataclass(frozen=True)
class FunctionSpec:
    entry: str  # the function the learner defines
    reference: str  # "module:callable" in the engine
    args: dict[str, dict]  # name -> input spec, in call order
    output: Any  # list of dim names, {"tuple": [...]}, or {"kind": ...}
    explain: bool = False  # reference(..., explain=True) -> (out, steps)


@dataclass(frozen=True)
class Mistake:
    id: str
    title: str
    hint: str
    function: str  # the entry it belongs to

    @property
    def mutant_name(self) -> str:
        return self.id.replace("-", "_")


@dataclass(frozen=True)
class ChallengeSpec:
    id: str
    dir: Path | None
    functions: list[FunctionSpec]
    trials: list[dict]
    dims: dict[str, str]
    dtype: str
    timeout_s: float
    memory_mb: int
    forbid: list[str]
    mistakes: list[Mistake] = field(default_factory=list)


def parse_spec(raw: dict) -> ChallengeSpec:
    functions = [
        FunctionSpec(
            entry=f["entry"],
            reference=f["reference"],
            args=dict(f.get("args") or {}),
            output=f.get("output"),
            explain=bool(f.get("explain", False)),
        )
        for f in raw["functions"]
    ]
    first_entry = functions[0].entry
    mistakes = [
        Mistake(m["id"], m.get("title", m["id"]), m.get("hint", ""), m.get("function", first_entry))
        for m in raw.get("mistakes") or []
    ]
    return ChallengeSpec(
        id=raw.get("id", "challenge"),
        dir=Path(raw["dir"]) if raw.get("dir") else None,
        functions=functions,
        trials=list(raw.get("trials") or [{}]),
        dims={name: str(expr) for name, expr in (raw.get("dims") or {}).items()},
        dtype=raw.get("dtype", "float64"),
        timeout_s=float(raw.get("timeout_s", DEFAULT_TIMEOUT_S)),
        memory_mb=int(raw.get("memory_mb", DEFAULT_MEMORY_MB)),
        forbid=list(raw.get("forbid") or []),
        mistakes=mistakes,
    )


_OPERATORS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv,
}


def evaluate_dim(expr: str, sizes: dict[str, int]) -> int:
    """Evaluate a derived dim such as "H * d_head" over already-bound sizes (no `eval`)."""

    def walk(node: ast.AST) -> int:
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.Name):
            return sizes[node.id]
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        raise ValueError(f"unsupported dim expression: {expr!r}")

    return walk(ast.parse(expr, mode="eval").body)
