import torch

from engine.checker.compare import compare_output, describe_divergence, match_steps
from engine.checker.shape_names import DimNames
from engine.checker.trace import OpRecord

NAMES = DimNames({"B": 2, "T": 5, "d": 7})


def test_a_wrong_shape_is_reported_by_name():
    mismatch = compare_output(torch.zeros(2, 7, 5), torch.zeros(2, 5, 7), ["B", "T", "d"], NAMES)
    assert (mismatch.kind, mismatch.message) == ("shape", "output: expected (B=2, T=5, d=7), got (B=2, d=7, T=5)")


def test_values_within_tolerance_match_and_others_report_the_error():
    expected = torch.randn(2, 5, 7, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    assert compare_output(expected + 1e-12, expected, None, NAMES) is None
    mismatch = compare_output(expected + 0.25, expected, None, NAMES)
    assert mismatch.kind == "value" and abs(mismatch.max_error - 0.25) < 1e-12


def test_nan_where_the_reference_is_finite_is_flagged():
    expected = torch.zeros(2, 5, 7, dtype=torch.float64)
    got = expected.clone()
    got[0, 4] = float("nan")
    assert compare_output(got, expected, None, NAMES).kind == "nan"


def test_tuples_and_numbers():
    assert compare_output((1, 2.0), (1, 2.0), None, NAMES) is None
    assert "output[1]" in compare_output((1, 2.5), (1, 2.0), None, NAMES).message
    assert compare_output(3, (1, 2.0), None, NAMES).kind == "type"


def record(line, value):
    return OpRecord(line, "", "op", [], tuple(value.shape), value)


def test_divergence_names_the_first_step_after_the_last_one_reproduced():
    scores = torch.randn(5, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    steps = {"scores": scores, "scaled": scores / 2, "weights": (scores / 2).softmax(-1)}
    labels = {"scores": "QKᵀ", "scaled": "QKᵀ/√d_k", "weights": "softmax"}
    learner = [record(3, scores), record(4, scores / 2 + 0.125)]  # scaled, then shifted
    text, line = describe_divergence(match_steps(steps, learner), labels)
    assert text == ("your line 3 matches QKᵀ; nothing you compute matches QKᵀ/√d_k "
                    "(closest: line 4, max abs error 0.125)")
    assert line == 4


def test_a_skipped_step_is_no_divergence_when_a_later_one_matches():
    scores = torch.randn(5, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    steps = {"scores": scores, "scaled": scores / 2, "output": scores.exp()}
    learner = [record(2, scores / 2), record(3, scores.exp())]  # scaled q before the product
    assert describe_divergence(match_steps(steps, learner), {}) == (None, None)


def test_a_step_missed_only_by_its_infinities_says_so():
    scores = torch.randn(5, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
    masked = scores.masked_fill(torch.eye(5, dtype=torch.bool), float("-inf"))
    steps = {"scores": scores, "masked": masked}
    learner = [record(4, scores), record(6, scores.masked_fill(torch.eye(5, dtype=torch.bool), 0.0))]
    text, line = describe_divergence(match_steps(steps, learner), {"masked": "masked scores"})
    assert text.endswith("nothing you compute matches masked scores (closest: line 4, its NaN or ±inf "
                         "entries are not where the reference has them)")
