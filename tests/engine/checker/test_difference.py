"""The phrase that says what a wrong output still shares with the right one."""

import torch

from engine.checker.compare import tolerance
from engine.checker.difference import describe_difference
from engine.checker.shape_names import DimNames

NAMES = DimNames({"B": 2, "H": 3, "T_q": 5, "T_k": 11, "d_k": 7})


def describe(got, expected, names=NAMES):
    return describe_difference(got, expected, names, tolerance(expected.dtype))


def reference(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def test_a_missing_scale_is_a_constant_factor_named_after_its_dim():
    out = reference(2, 3, 5, 7)
    assert describe(out / 7**0.5, out) == "every value is 0.378 × the reference's (1/√d_k, d_k=7)"
    assert describe(out * 2.5, out) == "every value is 2.5 × the reference's"
    assert describe(-out, out) == "every value has the opposite sign"


def test_a_constant_shift():
    out = reference(2, 5, 7)
    assert describe(out + 0.25, out) == "every value is off by +0.25"


def test_a_softmax_over_the_wrong_axis_names_both_axes():
    scores = reference(2, 3, 5, 11)
    phrase = describe(scores.softmax(-2), scores.softmax(-1))
    assert phrase == "yours sums to 1 along T_q; the reference's sums to 1 along T_k"


def test_weights_that_do_not_sum_to_one_say_what_they_sum_to():
    weights = reference(2, 5, 11).softmax(-1)
    phrase = describe(weights * torch.tensor([1.0, 0.5]).view(2, 1, 1).double(), weights)
    assert phrase == "the reference's sums to 1 along T_k; yours sums to 0.5 … 1 there"


def test_an_axis_moved_by_one_position_or_reversed():
    out = reference(2, 5, 7)
    later = torch.cat([reference(2, 1, 7, seed=1), out[:, :-1]], dim=1)
    assert describe(later, out) == "it is the reference moved one position later along T_q"
    assert describe(out.flip(2), out) == "it is the reference in reverse order along d_k"


def test_differences_confined_to_one_index_of_a_dim():
    out = reference(2, 5, 7)
    wrong = out.clone()
    wrong[:, 0] = reference(2, 7, seed=2)
    assert describe(wrong, out) == "14 of 70 entries differ, all at T_q = 0"


def test_a_mask_wrong_on_one_side_of_the_diagonal():
    causal = torch.ones(5, 5, dtype=torch.bool).tril()
    names = DimNames({"T": 5})
    assert describe(torch.ones(5, 5, dtype=torch.bool), causal, names) == \
        "10 of 25 entries differ, all above the diagonal (later keys) of the last two dims"
    assert describe(causal.tril(-1), causal, names) == \
        "5 of 25 entries differ, all on the diagonal of the last two dims"
    cached = torch.ones(2, 5, dtype=torch.bool).tril(3)  # 2 new queries after 3 cached keys
    assert describe(torch.ones(2, 5, dtype=torch.bool).tril(2), cached, names) == \
        "2 of 10 entries differ, all on the diagonal of the last two dims"


def test_unrelated_values_get_no_phrase():
    assert describe(reference(2, 5, 7, seed=3), reference(2, 5, 7)) is None
