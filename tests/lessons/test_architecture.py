"""Lessons multi-head to decoding and the FAQ: every typed answer recomputed, each challenge's solution against an independent torch implementation, and every
catalogued mistake recognised by the checker."""

import importlib.util
import math
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
import yaml

from engine.checker.run import check as run_check
from tutor.loader import load_curriculum

LESSONS_DIR = Path(__file__).resolve().parents[2] / "lessons"
LESSONS = ["multi-head", "attention-block", "transformer-block", "stacking", "cross-attention", "decoding"]
CHALLENGES = [
    "multi-head/multi-head-attention",
    "attention-block/layer-norm",
    "transformer-block/feed-forward",
    "transformer-block/pre-norm-block",
    "cross-attention/cross-attention",
    "decoding/sample-filter",
    "decoding/beam-step",
]

C_GPT2, V_GPT2 = 768, 50257
NUMERIC_ANSWERS = {
    ("multi-head", "mha-params"): 4 * 512**2 + 4 * 512,
    ("attention-block", "ln-number"): (1 - 3) / math.sqrt(((1 - 3) ** 2 + 1 + 0 + 3**2) / 4),
    ("attention-block", "block-params"): 3 * C_GPT2**2 + 3 * C_GPT2 + C_GPT2**2 + C_GPT2 + 2 * C_GPT2,
    ("transformer-block", "gelu-one"): 0.5 * (1 + math.erf(1 / math.sqrt(2))),
    ("transformer-block", "ffn-params"): 2 * C_GPT2 * 4 * C_GPT2 + 4 * C_GPT2 + C_GPT2,
    ("transformer-block", "ffn-share"): 8 / (4 + 8),
    ("stacking", "causal-count"): int(torch.ones(5, 5).tril().sum()),
    ("stacking", "teacher-forcing"): torch.ones(8, 513)[:, 1:].numel(),  # targets = inputs shifted
    ("cross-attention", "memory-kv-count"): 6,
    ("cross-attention", "cross-params"): 4 * 512**2,
    ("decoding", "temperature-number"): torch.tensor([2.0, 1.0, 0.0]).div(0.5).softmax(-1)[0].item(),
    ("decoding", "top-p-count"): 3,
    ("decoding", "beam-candidates"): 4 * V_GPT2,
    ("decoding", "beam-best"): torch.topk((torch.tensor([-1.0, -1.5])[:, None] + torch.tensor(
        [[-0.5, -1.2, -2.3], [-0.1, -3.0, -2.0]])).flatten(), 2).values[1].item(),
}
SHAPE_ANSWERS = {  # shapes produced by running the operation, not written by hand
    ("multi-head", "split-shape"): torch.zeros(2, 10, 48).view(2, 10, 3, 16).transpose(1, 2).shape,
    ("attention-block", "block-scores-shape"): (torch.zeros(2, 3, 10, 16) @ torch.zeros(2, 3, 16, 10)).shape,
    ("transformer-block", "ffn-hidden-shape"): F.linear(torch.zeros(2, 10, 48), torch.zeros(4 * 48, 48)).shape,
    ("cross-attention", "cross-scores-shape"): (torch.zeros(2, 4, 9, 8) @ torch.zeros(2, 4, 8, 7)).shape,
}


@pytest.fixture(scope="module")
def curriculum():
    return load_curriculum()


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(f"{path.parent.name}_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _solution(challenge_id):
    return _load(LESSONS_DIR / challenge_id / "solution.py")


def _check(curriculum, lesson_id, check_id):
    return next(c for c in curriculum.lesson(lesson_id).checks if c.id == check_id)


@pytest.mark.parametrize(("key", "value"), NUMERIC_ANSWERS.items(), ids=str)
def test_numeric_answers_match_their_formula(curriculum, key, value):
    check = _check(curriculum, *key)
    assert check.grade(value).correct, f"{key}: {value} is not accepted (answer {check.answer})"


@pytest.mark.parametrize(("key", "shape"), SHAPE_ANSWERS.items(), ids=str)
def test_shape_answers_match(curriculum, key, shape):
    check = _check(curriculum, *key)
    assert check.grade(tuple(shape)).correct
    assert not check.grade(tuple(shape)[::-1]).correct


def test_every_typed_answer_is_recomputed_here(curriculum):
    typed = {(lesson_id, c.id) for lesson_id in LESSONS
             for c in curriculum.lesson(lesson_id).checks if not c.options}
    assert typed == NUMERIC_ANSWERS.keys() | SHAPE_ANSWERS.keys()


def test_faq_has_the_expected_questions(curriculum):
    questions = " ".join(e.question.lower() for e in curriculum.faq)
    for topic in ("several heads", "encoder and a decoder", "data-hungry", "√d_k", "kv cache",
                  "4×", "pre-norm", "temperature", "decoder-only", "context", "o(n²)", "token",
                  "positional", "rlhf", "flashattention"):
        assert topic in questions, topic


# --- solutions against independent implementations (float64, odd prime sizes) ----------------

def test_multi_head_attention_matches_torch_multihead_attention():
    torch.manual_seed(0)
    B, T, C, H = 2, 5, 15, 3
    mha = torch.nn.MultiheadAttention(C, H, batch_first=True).double()
    x = torch.randn(B, T, C, dtype=torch.float64)
    causal = torch.ones(T, T, dtype=torch.bool).tril()
    expected = mha(x, x, x, attn_mask=~causal, need_weights=False)[0]  # torch: True = blocked
    multi_head_attention = _solution("multi-head/multi-head-attention").multi_head_attention
    got = multi_head_attention(x, mha.in_proj_weight, mha.in_proj_bias, mha.out_proj.weight,
                               mha.out_proj.bias, H, causal)
    torch.testing.assert_close(got, expected)


def test_layer_norm_matches_torch():
    g = torch.Generator().manual_seed(0)
    x, w, b = (torch.randn(s, generator=g, dtype=torch.float64) for s in ((2, 5, 7), (7,), (7,)))
    layer_norm = _solution("attention-block/layer-norm").layer_norm
    torch.testing.assert_close(layer_norm(x, w, b, 0.5), F.layer_norm(x, (7,), w, b, 0.5))
    torch.testing.assert_close(layer_norm(x, w, None), F.layer_norm(x, (7,), w, None, 1e-5))


def test_feed_forward_matches_torch_modules():
    torch.manual_seed(0)
    fc, proj = torch.nn.Linear(7, 11).double(), torch.nn.Linear(11, 7).double()
    x = torch.randn(2, 5, 7, dtype=torch.float64)
    feed_forward = _solution("transformer-block/feed-forward").feed_forward
    args = (x, fc.weight, fc.bias, proj.weight, proj.bias)
    torch.testing.assert_close(feed_forward(*args), proj(torch.nn.GELU()(fc(x))))
    torch.testing.assert_close(feed_forward(*args, activation="relu"), proj(torch.relu(fc(x))))


def test_pre_norm_block_matches_torch_encoder_layer():
    torch.manual_seed(0)
    layer = torch.nn.TransformerEncoderLayer(15, 3, dim_feedforward=7, dropout=0.0, norm_first=True,
                                             batch_first=True).double().eval()
    x = torch.randn(2, 5, 15, dtype=torch.float64)

    def attn(h):
        return layer.self_attn(h, h, h, need_weights=False)[0]

    def mlp(h):
        return layer.linear2(torch.relu(layer.linear1(h)))

    block = _solution("transformer-block/pre-norm-block").pre_norm_block
    torch.testing.assert_close(block(x, layer.norm1, attn, layer.norm2, mlp), layer(x))


def test_cross_attention_matches_torch_multihead_attention():
    torch.manual_seed(0)
    B, T_q, T_k, C, H = 2, 3, 5, 15, 3
    mha = torch.nn.MultiheadAttention(C, H, bias=False, batch_first=True).double()
    x, memory = torch.randn(B, T_q, C, dtype=torch.float64), torch.randn(B, T_k, C, dtype=torch.float64)
    keep = torch.rand(B, T_k) < 0.6
    keep[:, 0] = True  # every sequence keeps at least one memory position
    w_q, w_k, w_v = mha.in_proj_weight.split(C)
    expected = mha(x, memory, memory, key_padding_mask=~keep, need_weights=False)[0]
    cross_attention = _solution("cross-attention/cross-attention").cross_attention
    got = cross_attention(x, memory, w_q, w_k, w_v, mha.out_proj.weight, H, keep[:, None, None, :])
    torch.testing.assert_close(got, expected)


def _kept_by_definition(logits, temperature, top_k, top_p):
    """The kept token set of one row, by walking the tokens from the most probable down."""
    order = sorted(range(len(logits)), key=lambda i: -logits[i])
    kept = order[:top_k] if top_k else order
    probs = torch.tensor([logits[i] / temperature for i in kept]).softmax(0).tolist()
    if top_p is not None:
        mass = 0.0
        for n, p in enumerate(probs, start=1):
            mass += p
            if mass >= top_p:
                kept = kept[:n]
                break
    return set(kept)


@pytest.mark.parametrize(("temperature", "top_k", "top_p"),
                         [(0.7, 4, None), (1.3, None, 0.6), (0.6, 5, 0.8), (0.5, None, 0.95)])
def test_filter_logits_keeps_exactly_the_defined_tokens(temperature, top_k, top_p):
    logits = torch.randn(3, 17, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    out = _solution("decoding/sample-filter").filter_logits(logits, temperature, top_k, top_p)
    for row, out_row in zip(logits.tolist(), out):
        kept = _kept_by_definition(row, temperature, top_k, top_p)
        assert set(torch.isfinite(out_row).nonzero().flatten().tolist()) == kept
        assert all(out_row[i].item() == pytest.approx(row[i] / temperature) for i in kept)


def test_filter_logits_at_temperature_zero_is_greedy():
    logits = torch.tensor([[0.3, 2.0, -1.0, 1.9]], dtype=torch.float64)
    out = _solution("decoding/sample-filter").filter_logits(logits, 0.0, None, 0.9)
    assert out.tolist() == [[-math.inf, 2.0, -math.inf, -math.inf]]


def test_beam_search_step_matches_brute_force():
    g = torch.Generator().manual_seed(2)
    log_probs = torch.randn(3, 11, generator=g, dtype=torch.float64).log_softmax(-1)
    scores = torch.randn(3, generator=g, dtype=torch.float64)
    ranked = sorted(((scores[b] + log_probs[b, t]).item(), b, t) for b in range(3) for t in range(11))[::-1][:5]
    new_scores, beam_idx, token_idx = _solution("decoding/beam-step").beam_search_step(log_probs, scores, 5)
    assert list(zip(new_scores.tolist(), beam_idx.tolist(), token_idx.tolist())) == ranked


# --- the checker: solution passes, each catalogued mistake is named -----------------------------

@pytest.fixture
def restore_default_dtype():
    dtype = torch.get_default_dtype()
    yield
    torch.set_default_dtype(dtype)  # the checker sets the challenge's dtype as the default


def _verdict(challenge_id, code):
    folder = LESSONS_DIR / challenge_id
    spec = yaml.safe_load((folder / "challenge.yaml").read_text(encoding="utf-8"))
    return run_check({**spec, "id": challenge_id, "dir": str(folder)}, code, "cell.py")


@pytest.mark.parametrize("challenge_id", CHALLENGES)
def test_checker_passes_the_solution_and_names_every_mistake(challenge_id, restore_default_dtype):
    folder = LESSONS_DIR / challenge_id
    assert _verdict(challenge_id, (folder / "solution.py").read_text())["status"] == "pass"
    spec = yaml.safe_load((folder / "challenge.yaml").read_text())
    entry = spec["functions"][0]["entry"]
    mistakes_code = (folder / "mistakes.py").read_text()
    for mistake in spec["mistakes"]:
        code = f"{mistakes_code}\n\n{entry} = {mistake['id'].replace('-', '_')}\n"
        verdict = _verdict(challenge_id, code)
        assert (verdict["status"], verdict["mistake"]) == ("fail", mistake["id"]), verdict["summary"]
