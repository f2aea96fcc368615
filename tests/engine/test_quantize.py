import pytest
import torch
import torch.nn as nn

from engine.config import TransformerConfig
from engine.models import GPT
from engine.quantize import QuantizedLinear, dequantize_int8, model_bytes, quantize_int8, quantize_model


def test_quantize_int8_is_symmetric_per_row():
    w = torch.tensor([[0.5, -1.27, 0.0], [0.0, 0.0, 0.0], [2.54, 1.0, -0.01]])
    q, scale = quantize_int8(w)
    assert q.dtype == torch.int8 and q.shape == (3, 3)
    torch.testing.assert_close(scale, torch.tensor([0.01, 1.0, 0.02]))  # zero row: scale 1
    assert q.tolist() == [[50, -127, 0], [0, 0, 0], [127, 50, 0]]  # -0.5 rounds to even: 0


def test_round_trip_error_is_at_most_half_a_step():
    torch.manual_seed(0)
    w = torch.randn(13, 7, dtype=torch.float64) * torch.logspace(-3, 1, 13, dtype=torch.float64)[:, None]
    q, scale = quantize_int8(w)
    error = (dequantize_int8(q, scale) - w).abs()  # (13, 7)
    assert (error <= scale[:, None] / 2 + 1e-15).all()
    assert q.abs().amax(dim=1).eq(127).all()  # every row uses the full range
    assert dequantize_int8(q, scale).dtype == torch.float64


def test_quantized_linear_matches_the_dequantized_weights():
    torch.manual_seed(0)
    linear = nn.Linear(11, 5)
    quantized = QuantizedLinear(linear)
    x = torch.randn(3, 11)
    expected = x @ dequantize_int8(*quantize_int8(linear.weight.detach())).T + linear.bias
    torch.testing.assert_close(quantized(x), expected)
    torch.testing.assert_close(quantized(x), linear(x), atol=0.02, rtol=0)


@pytest.fixture(scope="module")
def model_and_batch():
    torch.manual_seed(0)
    model = GPT(TransformerConfig.nano(vocab_size=31, block_size=17, n_embd=36)).eval()
    batch = torch.randint(31, (3, 17), generator=torch.Generator().manual_seed(1))
    return model, batch


def test_quantized_model_stays_within_the_reported_error(model_and_batch):
    model, batch = model_and_batch
    quantized, report = quantize_model(model, batch)
    with torch.no_grad():
        error = (quantized(batch) - model(batch)).abs()
        logit_spread = model(batch).std().item()
    assert error.max().item() <= report["max_logit_error"] + 1e-6
    assert error.mean().item() == pytest.approx(report["mean_logit_error"], rel=1e-4)
    # Rounding adds noise, small next to how much the logits differ from each other.
    assert 0 < report["mean_logit_error"] < 0.01 * logit_spread
    assert report["max_logit_error"] < 0.05 * logit_spread


def test_quantize_model_keeps_tied_head_and_reports_sizes(model_and_batch):
    model, batch = model_and_batch
    quantized, report = quantize_model(model, batch)
    assert report["float_layers"] == ["lm_head"]  # tied to the token embedding
    assert len(report["quantized_layers"]) == 4 * model.config.n_layer  # c_attn, c_proj, c_fc, c_proj
    assert isinstance(quantized.transformer.h[0].attn.c_attn, QuantizedLinear)
    assert isinstance(model.transformer.h[0].attn.c_attn, nn.Linear)
    # Linear weights shrink 4x; embeddings, norms and biases stay fp32.
    linears = [m for m in model.modules() if isinstance(m, nn.Linear) and m is not model.lm_head]
    linear_weights = sum(m.weight.numel() for m in linears)
    rows = sum(m.weight.size(0) for m in linears)
    saved = linear_weights * 4 - (linear_weights + rows * 4)  # int8 weights plus one fp32 scale per row
    assert report["fp32_bytes"] == model_bytes(model)
    assert report["int8_bytes"] == report["fp32_bytes"] - saved
    assert report["size_ratio"] == pytest.approx(report["fp32_bytes"] / report["int8_bytes"])
    assert report["size_ratio"] > 2
