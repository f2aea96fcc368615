import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.positional import (
    LearnedPositionalEmbedding,
    SinusoidalPositionalEncoding,
    alibi_bias,
    alibi_slopes,
    apply_rope,
    sinusoidal_encoding,
)
from engine.shapes import ShapeError


def test_sinusoidal_matches_the_formula_by_hand():
    T, d = 7, 11  # odd d: the last sine has no cosine partner
    pe = sinusoidal_encoding(T, d)
    assert pe.shape == (T, d)
    for p in range(T):
        for c in range(d):
            angle = p / 10000 ** ((c - c % 2) / d)
            expected = math.sin(angle) if c % 2 == 0 else math.cos(angle)
            assert abs(pe[p, c].item() - expected) < 1e-6


def test_sinusoidal_module_extrapolates():
    enc = SinusoidalPositionalEncoding(6)
    positions = torch.tensor([40, 41])
    torch.testing.assert_close(enc(positions), sinusoidal_encoding(42, 6)[40:])


def test_rope_rotates_interleaved_pairs():
    x = torch.randn(5, 4, dtype=torch.float64)
    out = apply_rope(x, base=100.0)
    for p in range(5):
        for i in range(2):
            a = p * 100.0 ** (-2 * i / 4)
            x0, x1 = x[p, 2 * i], x[p, 2 * i + 1]
            torch.testing.assert_close(out[p, 2 * i], x0 * math.cos(a) - x1 * math.sin(a))
            torch.testing.assert_close(out[p, 2 * i + 1], x0 * math.sin(a) + x1 * math.cos(a))
    torch.testing.assert_close(out.norm(dim=-1), x.norm(dim=-1))  # rotations keep lengths


def test_rope_dot_product_depends_only_on_relative_position():
    g = torch.Generator().manual_seed(0)
    q = torch.randn(1, 8, generator=g, dtype=torch.float64)
    k = torch.randn(1, 8, generator=g, dtype=torch.float64)

    def score(m, n):
        return (apply_rope(q, torch.tensor([m])) @ apply_rope(k, torch.tensor([n])).T).item()

    assert score(3, 1) == pytest.approx(score(10, 8), abs=1e-12)
    assert score(1000, 997) == pytest.approx(score(5, 2), abs=1e-9)
    assert score(3, 1) != pytest.approx(score(3, 2), abs=1e-3)


def test_rope_positions_default_and_shape_checks():
    x = torch.randn(2, 3, 5, 6)
    torch.testing.assert_close(apply_rope(x), apply_rope(x, torch.arange(5)))
    torch.testing.assert_close(apply_rope(x, torch.zeros(5, dtype=torch.long)), x)  # angle 0
    with pytest.raises(ShapeError, match="d even"):
        apply_rope(torch.randn(2, 5, 7))


def test_alibi_slopes_and_bias():
    torch.testing.assert_close(alibi_slopes(8), torch.tensor([2.0 ** -h for h in range(1, 9)]))
    torch.testing.assert_close(alibi_slopes(4), torch.tensor([2.0 ** (-2 * h) for h in range(1, 5)]))
    bias = alibi_bias(4, 3, 5)
    assert bias.shape == (4, 3, 5)
    slopes = alibi_slopes(4)
    for h in range(4):
        for i in range(3):
            for j in range(5):
                assert bias[h, i, j].item() == pytest.approx(-slopes[h].item() * (i + 2 - j))
    torch.testing.assert_close(alibi_bias(3, 4), alibi_bias(3, 4, 4))


@settings(max_examples=20, deadline=None)
@given(tq=st.integers(1, 6), extra=st.integers(0, 6), h=st.integers(1, 5))
def test_property_alibi_is_zero_on_the_diagonal_and_negative_in_the_past(tq, extra, h):
    bias = alibi_bias(h, tq, tq + extra)
    for i in range(tq):
        assert (bias[:, i, i + extra] == 0).all()
        assert (bias[:, i, : i + extra] < 0).all()


def test_learned_positions_refuse_to_extrapolate():
    wpe = LearnedPositionalEmbedding(4, 3)
    assert wpe(torch.arange(4)).shape == (4, 3)
    with pytest.raises(ShapeError, match="block_size=4"):
        wpe(torch.arange(5))
