import pytest
import torch
import torch.nn.functional as F

from engine.feedforward import MLP, feed_forward
from engine.shapes import ShapeError

B, T, C, d_ff = 2, 5, 7, 11


def weights(seed=0):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(*s, generator=g, dtype=torch.float64) for s in ((d_ff, C), (d_ff,), (C, d_ff), (C,))]


def test_feed_forward_matches_a_hand_written_mlp():
    w1, b1, w2, b2 = weights()
    x = torch.randn(B, T, C, dtype=torch.float64)
    h = x @ w1.T + b1
    erf_gelu = 0.5 * h * (1 + torch.erf(h / 2**0.5))
    torch.testing.assert_close(feed_forward(x, w1, b1, w2, b2), erf_gelu @ w2.T + b2)
    torch.testing.assert_close(feed_forward(x, w1, b1, w2, b2, "relu"), h.clamp_min(0) @ w2.T + b2)
    tanh_gelu = 0.5 * h * (1 + torch.tanh((2 / torch.pi) ** 0.5 * (h + 0.044715 * h**3)))
    torch.testing.assert_close(feed_forward(x, w1, b1, w2, b2, "gelu_tanh"), tanh_gelu @ w2.T + b2)


def test_shape_errors_name_d_ff():
    w1, b1, w2, b2 = weights()
    with pytest.raises(ShapeError, match="d_ff=11"):
        feed_forward(torch.randn(B, T, C, dtype=torch.float64), w1, b1, w2[:, :-1], b2)


def test_mlp_module_defaults_to_four_times_wider():
    mlp = MLP(C)
    assert mlp.c_fc.out_features == 4 * C
    x = torch.randn(B, T, C)
    expected = F.linear(F.gelu(mlp.c_fc(x)), mlp.c_proj.weight, mlp.c_proj.bias)
    torch.testing.assert_close(mlp(x), expected)
    with pytest.raises(ShapeError, match="C=7"):
        mlp(torch.randn(B, T, C + 1))
    with pytest.raises(ValueError, match="swish"):
        MLP(C, activation="swish")
