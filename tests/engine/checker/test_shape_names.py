import pytest
import torch

from engine.checker.shape_names import DimNames, explain_op_failure
from engine.checker.trace import Forbidden, LearnerTrace, register_source

SIZES = {"B": 2, "H": 3, "T_q": 5, "d_k": 7, "T_k": 11}


def failing_op(code: str, **inputs):
    """Run `code` (which must fail in a torch op) traced; the failing op's record and error."""
    register_source("cell.py", code)
    tracer = LearnerTrace("cell.py", Forbidden(), keep_values=False)
    with pytest.raises(Exception) as raised, tracer:
        exec(compile(code, "cell.py", "exec"), {"torch": torch, **inputs})
    assert tracer.failure_error is raised.value
    return tracer.failure, raised.value


def test_shapes_are_written_with_their_dim_names():
    names = DimNames(SIZES)
    assert names.shape((2, 3, 5, 7)) == "(B=2, H=3, T_q=5, d_k=7)"
    assert names.shape((2, 1, 13)) == "(B=2, 1, 13)"  # sizes of no dim stay numbers
    assert names.dim(11) == "T_k"


def test_a_size_shared_by_two_dims_is_not_named():
    assert DimNames({"B": 2, "H": 2, "T": 5}).shape((2, 5)) == "(2, T=5)"


def test_matmul_with_untransposed_keys_names_the_inner_dims_and_suggests_the_fix():
    q, k = torch.randn(2, 3, 5, 7), torch.randn(2, 3, 11, 7)
    record, error = failing_op("x = 1\nscores = q @ k / 2\n", q=q, k=k)
    assert explain_op_failure(record, error, DimNames(SIZES)) == (
        "line 2, `q @ k`: (B=2, H=3, T_q=5, d_k=7) @ (B=2, H=3, T_k=11, d_k=7) — the inner dims "
        "d_k and T_k must match; did you mean `k.transpose(-2, -1)`?"
    )


def test_torch_matmul_call_is_explained_the_same_way():
    q, k = torch.randn(2, 3, 5, 7), torch.randn(2, 3, 11, 7)
    record, error = failing_op("s = torch.matmul(q, k)", q=q, k=k)
    message = explain_op_failure(record, error, DimNames(SIZES))
    assert message.startswith("line 1, `torch.matmul(q, k)`: (B=2, H=3, T_q=5, d_k=7) @ ")
    assert message.endswith("did you mean `k.transpose(-2, -1)`?")


def test_broadcast_failure_names_the_clashing_dims():
    scores, mask = torch.randn(2, 3, 5, 11), torch.ones(2, 1, 11, 5, dtype=torch.bool)
    record, error = failing_op("s = scores.masked_fill(~mask, 0.0)", scores=scores, mask=mask)
    message = explain_op_failure(record, error, DimNames(SIZES))
    assert "(B=2, H=3, T_q=5, T_k=11) and (B=2, 1, T_k=11, T_q=5) do not broadcast" in message
    assert "T_k vs T_q (dim -1)" in message


def test_view_of_a_transposed_tensor_suggests_reshape():
    x = torch.randn(2, 3, 5, 7).transpose(1, 2)
    record, error = failing_op("y = x.view(2, 5, 21)", x=x)
    assert "use `.reshape(...)`" in explain_op_failure(record, error, DimNames(SIZES))
