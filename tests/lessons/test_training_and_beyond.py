"""The numeric answers of the training, engineering, beyond-text, frontiers and capstone lessons,
recomputed with the engine (or from first principles), so a lesson cannot teach a wrong number."""

import math
from pathlib import Path

import pytest
import torch
import yaml

from engine.attention import causal_mask, scaled_dot_product_attention, softmax, split_heads
from engine.capstone import capstone_config, lessons_text
from engine.components import Components
from engine.config import TransformerConfig
from engine.generate import speculative_accept
from engine.models import GPT
from engine.norm import layer_norm
from engine.quantize import dequantize_int8, quantize_int8
from engine.tokenizer import CharTokenizer
from engine.train import adamw_update, lr_at
from engine.vision import PatchEmbedding, patchify

LESSONS = Path(__file__).resolve().parents[2] / "lessons"


def answer(lesson, check_id):
    steps = yaml.safe_load((LESSONS / lesson / "lesson.yaml").read_text(encoding="utf-8"))["steps"]
    (check,) = [s["check"] for s in steps if "check" in s and s["check"]["id"] == check_id]
    return check["answer"], check.get("tolerance", 0)


def assert_answer(lesson, check_id, value):
    expected, tolerance = answer(lesson, check_id)
    if isinstance(expected, list):
        assert list(value) == expected
    else:
        assert abs(value - expected) <= tolerance, (check_id, value, expected)


def test_initial_loss_is_ln_vocab():
    V = 50257
    logits = torch.zeros(1, V, dtype=torch.float64)  # a uniform guess
    loss = torch.nn.functional.cross_entropy(logits, torch.tensor([123]))
    assert_answer("training", "initial-loss", loss.item())


def test_bias_corrected_first_moment():
    # adamw_update returns the raw moment m; the lesson asks for m̂ = m / (1 - β1^t) after two steps.
    zero = torch.zeros(1, dtype=torch.float64)
    param, m, v = zero, zero, zero
    for step, g in ((1, 2.0), (2, 1.0)):
        param, m, v = adamw_update(param, torch.tensor([g], dtype=torch.float64), m, v, step=step,
                                   lr=1.0, weight_decay=0.0)
    assert_answer("training", "bias-correction", (m / (1 - 0.9**2)).item())


def test_cosine_midpoint():
    assert_answer("training", "cosine-midpoint", lr_at(6000, 6e-4, 2000, 10000, 6e-5))


def test_chinchilla_tokens():
    assert_answer("training", "chinchilla-tokens", 20 * 1e9 / 1e9)


def test_kv_cache_size_of_gpt2_small():
    n_layer, d_model, bytes_per_number, T = 12, 768, 4, 1024
    assert_answer("engineering", "kv-cache-size", 2 * n_layer * d_model * bytes_per_number * T / 2**20)


def test_cached_scores_shape():
    B, H, d, T_past = 2, 4, 16, 10
    q = torch.randn(B, H, 1, d)
    k_cache = torch.randn(B, H, T_past + 1, d)
    assert_answer("engineering", "cached-scores-shape", (q @ k_cache.transpose(-2, -1)).shape)


def test_speculative_count():
    # Two tokens per position, the draft always picks token 0 with q = 0.5: p = 0.5·ratio.
    ratios = torch.tensor([0.8, 0.4, 1.0, 0.9], dtype=torch.float64)
    q = torch.full((4, 2), 0.5, dtype=torch.float64)
    p = torch.cat([torch.stack([0.5 * ratios, 1 - 0.5 * ratios], dim=1), torch.tensor([[0.5, 0.5]])])
    u = torch.tensor([0.30, 0.55, 0.99, 0.10], dtype=torch.float64)
    assert_answer("engineering", "speculative-count", int(speculative_accept(p, q, torch.zeros(4, dtype=torch.long), u)))


def test_worked_speculative_example_accepts_two():
    q = torch.tensor([[0.6, 0.4], [0.2, 0.8], [0.4, 0.6]], dtype=torch.float64)
    p = torch.tensor([[0.3, 0.7], [0.5, 0.5], [0.1, 0.9], [0.5, 0.5]], dtype=torch.float64)
    u = torch.tensor([0.42, 0.93, 0.70], dtype=torch.float64)
    assert int(speculative_accept(p, q, torch.zeros(3, dtype=torch.long), u)) == 2


def test_worked_int8_example():
    w = torch.tensor([[0.50, -1.27, 0.013]], dtype=torch.float64)
    q, scale = quantize_int8(w)
    assert q.tolist() == [[50, -127, 1]]
    assert scale.item() == pytest.approx(0.01)
    assert (dequantize_int8(q, scale) - w).abs().max().item() == pytest.approx(0.003)


def test_int8_size():
    assert_answer("engineering", "int8-size", 13e9 * 1 / 1e9)


def test_vit_patches_and_shape():
    assert_answer("beyond-text", "vit-patches", patchify(torch.randn(1, 3, 384, 384), 16).shape[1])
    embed = PatchEmbedding(image_size=224, patch=16, in_channels=3, d_model=768)
    assert_answer("beyond-text", "vit-input-shape", embed(torch.randn(8, 3, 224, 224)).shape)


def test_whisper_positions():
    frames = round(30 / 0.010)  # one log-Mel frame every 10 ms
    conv = torch.nn.Conv1d(80, 4, kernel_size=3, stride=2, padding=1)
    assert_answer("beyond-text", "whisper-positions", conv(torch.randn(1, 80, frames)).shape[-1])


def test_sink_weight():
    scores = torch.tensor([4.0] + [0.0] * 9, dtype=torch.float64)
    assert_answer("frontiers", "sink-weight", softmax(scores)[0].item())


def test_window_savings():
    T, w = 8192, 512
    assert_answer("frontiers", "window-savings", (T * T) / (T * w))


def test_mixtral_active_fraction():
    assert_answer("frontiers", "mixtral-active", 2 / 8)


def test_capstone_calls_per_forward():
    calls = {"layer_norm": 0, "attention": 0}

    def counting(name, fn):
        def wrapped(*args, **kwargs):
            calls[name] += 1
            return fn(*args, **kwargs)
        return wrapped

    torch.manual_seed(0)
    config = TransformerConfig.nano(vocab_size=11)
    components = Components(layer_norm=counting("layer_norm", layer_norm),
                            attention=counting("attention", scaled_dot_product_attention))
    GPT(config, components=components)(torch.zeros(1, 5, dtype=torch.long))
    assert_answer("capstone", "calls-per-forward", calls["layer_norm"])
    assert calls["attention"] == config.n_layer  # "runs 3 times", as the explanation says


def test_capstone_split_shape():
    config = TransformerConfig.nano()
    x = torch.randn(16, config.block_size, config.n_embd)
    assert_answer("capstone", "split-shape", split_heads(x, config.n_head).shape)


def test_capstone_first_loss():
    assert_answer("capstone", "first-capstone-loss", math.log(149))
    # "about 150" characters in the course text (it grows a little as lessons are edited)
    assert 120 <= CharTokenizer(lessons_text()).vocab_size <= 180


def test_capstone_model_is_as_described():
    config = capstone_config(vocab_size=150)  # about the course text's number of characters
    assert config.block_size == 64  # "64 characters of context"
    assert sum(p.numel() for p in GPT(config).parameters()) < 1e6  # "well under a million"


def test_causal_mask_for_one_new_query_is_all_true():
    # The kv-cache lesson: the newest token sees every cached position, so no mask is needed.
    assert causal_mask(1, 11).all()
