import sys

import pytest
import torch

from engine.checker.trace import Forbidden, ForbiddenOpError, LearnerTrace, register_source, where_running

CODE = """\
import torch
import torch.nn.functional as F
def f(q, k):
    scores = q @ k.mT
    return F.softmax(scores, dim=-1).sum(-1)
def g(q):
    return F.scaled_dot_product_attention(q, q, q)
"""


def traced(keep_values=False, forbid=()):
    register_source("cell.py", CODE)
    namespace = {}
    exec(compile(CODE, "cell.py", "exec"), namespace)
    return namespace, LearnerTrace("cell.py", Forbidden.resolve(list(forbid)), keep_values)


def test_ops_are_attributed_to_the_learners_lines_with_their_shapes():
    namespace, tracer = traced(keep_values=True)
    q, k = torch.randn(5, 7), torch.randn(3, 7)
    with tracer:
        namespace["f"](q, k)
    rows = [(r.line, r.op, r.output_shape) for r in tracer.records]
    assert rows == [(4, "mT", (7, 3)), (4, "matmul", (5, 3)), (5, "softmax", (5, 3)), (5, "sum", (5,))]
    assert tracer.records[1].source == "scores = q @ k.mT"
    assert torch.equal(tracer.records[1].value, q @ k.T)


def test_ops_outside_the_learners_code_are_not_recorded():
    _, tracer = traced()
    with tracer:
        torch.randn(3).sum()
    assert tracer.records == []


def test_a_forbidden_call_raises_and_is_remembered():
    namespace, tracer = traced(forbid=["torch.nn.functional.scaled_dot_product_attention"])
    with pytest.raises(ForbiddenOpError), tracer:
        namespace["g"](torch.randn(1, 3, 5))
    assert tracer.forbidden_use.line == 7
    assert tracer.forbidden_use.name == "torch.nn.functional.scaled_dot_product_attention"



def run_cell(filename: str, code: str) -> dict:
    register_source(filename, code)
    namespace = {}
    exec(compile(code, filename, "exec"), namespace)
    return namespace


def test_where_running_names_the_learners_line_from_a_frame_below_it():
    cell = run_cell("stuck.py", "import sys\ndef inner():\n    return sys._getframe()\nframe = inner()\n")
    assert where_running(cell["frame"], "stuck.py") == {"line": 3, "source": "return sys._getframe()"}
    assert where_running(sys._getframe(), "stuck.py") == {}  # a frame the cell never called


def test_where_running_shortens_a_long_line():
    cell = run_cell("long.py", "import sys\nframe = sys._getframe(); x = " + " + ".join(["1"] * 60) + "\n")
    where = where_running(cell["frame"], "long.py")
    assert where["line"] == 2 and len(where["source"]) == 80 and where["source"].endswith("…")
