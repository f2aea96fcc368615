"""Sizes back to dim names, and failing ops explained in those names.

Messages are built from the traced input shapes, not by parsing torch's text: for 4-D inputs
torch speaks of its internal 3-D batched form, which the learner never wrote.
"""

from __future__ import annotations

import ast
import math

from engine.checker.trace import OpRecord, Shape

MATMUL_OPS = {"@", "matmul", "bmm", "mm"}
RESHAPE_OPS = {"view", "reshape"}
BROADCAST_OPS = {"+", "-", "*", "/", "masked_fill", "masked_fill_", "where", "add", "sub", "mul",
                 "div", "==", "<", ">", "<=", ">=", "&", "|"}
# torch reports `a @ b` as `matmul`, `a / b` as `div`, …: find them as operators in the source.
BINARY_AST = {"@": ast.MatMult, "matmul": ast.MatMult, "/": ast.Div, "div": ast.Div, "*": ast.Mult,
              "mul": ast.Mult, "+": ast.Add, "add": ast.Add, "-": ast.Sub, "sub": ast.Sub}


class DimNames:
    """Maps each size of a trial to its dim name. Sizes shared by two dims stay unnamed, and so
    does 1, which is as often a broadcast axis as a dim (B=1)."""

    def __init__(self, sizes: dict[str, int]):
        self.by_size: dict[int, str | None] = {1: None}
        for name, size in sizes.items():
            self.by_size[size] = None if size in self.by_size else name

    def dim(self, size: int) -> str:
        """`d_k` for a named size, else the number."""
        return self.by_size.get(size) or str(size)

    def shape(self, shape) -> str:
        """`(B=2, H=3, T_q=5, d_k=7)`; unnamed sizes as plain numbers."""
        parts = [f"{self.by_size[s]}={s}" if self.by_size.get(s) else str(s) for s in shape]
        return "(" + ", ".join(parts) + ")"

    def value(self, value) -> str:
        return self.shape(value) if isinstance(value, Shape) else repr(value)


def explain_op_failure(record: OpRecord, error: Exception, names: DimNames) -> str:
    """`line 7, `q @ k`: (B=2, …) @ (B=2, …) — the inner dims d_k and T_k must match; …`"""
    shapes = [value for value in record.inputs if isinstance(value, Shape)]
    expression = _expression(record.source, record.op)
    where = f"line {record.line}, `{expression}`"
    if record.op in MATMUL_OPS and len(shapes) == 2:
        return f"{where}: {_matmul_problem(shapes[0], shapes[1], expression, record.op, names)}"
    if record.op in RESHAPE_OPS and shapes:
        return f"{where}: {_reshape_problem(record, shapes[0], str(error), names)}"
    if record.op in BROADCAST_OPS and len(shapes) >= 2:
        problem = _broadcast_problem(shapes[0], shapes[1], names)
        if problem:
            return f"{where}: {problem}"
    described = ", ".join(names.shape(s) for s in shapes)
    message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return f"{where}: {record.op} on {described or 'its arguments'} failed: {message}"


def _matmul_problem(a: Shape, b: Shape, expression: str, op: str, names: DimNames) -> str:
    shown = f"{names.shape(a)} @ {names.shape(b)}"
    if len(a) >= 1 and len(b) >= 2 and a[-1] != b[-2]:
        advice = ""
        if a[-1] == b[-1]:
            right = _right_operand(expression, op) or "the second operand"
            advice = f"; did you mean `{right}.transpose(-2, -1)`?"
        return f"{shown} — the inner dims {names.dim(a[-1])} and {names.dim(b[-2])} must match{advice}"
    batch_a, batch_b = a[:-2], b[:-2]
    return f"{shown} — the batch dims {names.shape(batch_a)} and {names.shape(batch_b)} do not broadcast"


def _broadcast_problem(a: Shape, b: Shape, names: DimNames) -> str | None:
    for offset in range(1, min(len(a), len(b)) + 1):
        x, y = a[-offset], b[-offset]
        if x != y and x != 1 and y != 1:
            return (f"{names.shape(a)} and {names.shape(b)} do not broadcast: "
                    f"{names.dim(x)} vs {names.dim(y)} (dim {-offset})")
    return None


def _reshape_problem(record: OpRecord, shape: Shape, message: str, names: DimNames) -> str:
    if "view size is not compatible" in message:
        return (f"{names.shape(shape)} is not contiguous in memory (after a transpose?), so "
                f"`.view` cannot reshape it; use `.reshape(...)` or `.contiguous().view(...)`")
    target = [v for v in record.inputs[1:] if not isinstance(v, Shape)]
    if len(target) == 1 and isinstance(target[0], (tuple, list)):
        target = list(target[0])
    known = [t for t in target if isinstance(t, int) and t != -1]
    wanted = ", ".join(names.dim(t) if isinstance(t, int) and t > 0 else str(t) for t in target)
    return (f"cannot reshape {names.shape(shape)} ({math.prod(shape)} elements) into ({wanted}), "
            f"which needs a multiple of {math.prod(known)}")


def _expression(source: str, op: str) -> str:
    """The smallest piece of the learner's line that ran `op`, e.g. `q @ k` in
    `scores = q @ k / math.sqrt(d_k)`; the whole line when it cannot be found."""
    node = _find_node(source, op)
    return ast.unparse(node) if node is not None else source


def _right_operand(expression: str, op: str) -> str | None:
    node = _find_node(expression, op)
    if isinstance(node, ast.BinOp):
        return ast.unparse(node.right)
    if isinstance(node, ast.Call) and len(node.args) >= 2:
        return ast.unparse(node.args[1])
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
        return ast.unparse(node.args[0])  # `q.matmul(k)`
    return None


def _find_node(source: str, op: str) -> ast.AST | None:
    try:
        tree = ast.parse(source.strip())
    except SyntaxError:  # one line of a statement that spans several
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and BINARY_AST.get(op) is type(node.op):
            return node
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name == op:
                return node
    return None


def trace_table(records: list[OpRecord], names: DimNames, limit: int) -> list[dict]:
    """The trace as rows for the verdict, one per distinct (line, op, shapes): a loop over
    positions shows each of its ops once."""
    rows, seen = [], set()
    for record in records:
        shapes = [names.shape(v) for v in record.inputs if isinstance(v, Shape)]
        out = names.shape(record.output_shape) if record.output_shape is not None else ""
        key = (record.line, record.op, tuple(shapes), out)
        if key in seen:
            continue
        seen.add(key)
        rows.append({"line": record.line, "source": record.source, "op": record.op,
                     "shapes": shapes, "out": out})
        if len(rows) == limit:
            break
    return rows
