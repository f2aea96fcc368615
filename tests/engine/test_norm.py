import pytest
import torch
from torch import nn

from engine.norm import LayerNorm, RMSNorm, layer_norm, rms_norm
from engine.shapes import ShapeError


def test_layer_norm_matches_torch():
    torch.manual_seed(0)
    x = torch.randn(2, 5, 7, dtype=torch.float64) * 3 + 1
    ref = nn.LayerNorm(7, eps=1e-5, dtype=torch.float64)
    nn.init.normal_(ref.weight)
    nn.init.normal_(ref.bias)
    torch.testing.assert_close(layer_norm(x, ref.weight, ref.bias), ref(x))
    torch.testing.assert_close(layer_norm(x, ref.weight, None), ref(x) - ref.bias)


def test_layer_norm_uses_the_biased_variance():
    x = torch.tensor([[1.0, 2.0, 3.0, 6.0]], dtype=torch.float64)
    y = layer_norm(x, torch.ones(4, dtype=torch.float64), None, eps=0.0)
    torch.testing.assert_close(y.pow(2).mean(), torch.tensor(1.0, dtype=torch.float64))  # ÷C, not C-1


def test_rms_norm_formula():
    x = torch.randn(3, 5, dtype=torch.float64)
    w = torch.randn(5, dtype=torch.float64)
    expected = x / torch.sqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * w
    torch.testing.assert_close(rms_norm(x, w), expected)
    if hasattr(nn, "RMSNorm"):
        ref = nn.RMSNorm(5, eps=1e-6, dtype=torch.float64)
        ref.weight.data.copy_(w)
        torch.testing.assert_close(rms_norm(x, w), ref(x))


def test_fused_modules_equal_the_written_out_functions():
    torch.manual_seed(0)
    x = torch.randn(2, 3, 7) * 2 + 1
    ln, rms = LayerNorm(7), RMSNorm(7)
    for p in (*ln.parameters(), *rms.parameters()):
        nn.init.normal_(p)
    torch.testing.assert_close(ln(x), layer_norm(x, ln.weight, ln.bias), atol=1e-6, rtol=1e-6)
    torch.testing.assert_close(rms(x), rms_norm(x, rms.weight), atol=1e-6, rtol=1e-6)


def test_modules_and_shape_errors():
    ln = LayerNorm(7)
    x = torch.randn(2, 3, 7)
    torch.testing.assert_close(ln(x), nn.LayerNorm(7)(x))
    assert LayerNorm(7, bias=False).bias is None
    assert RMSNorm(7)(x).shape == x.shape
    with pytest.raises(ShapeError, match="C=7"):
        ln(torch.randn(2, 3, 5))
    with pytest.raises(ShapeError, match="C=7"):
        RMSNorm(7)(torch.randn(2, 3, 5))
