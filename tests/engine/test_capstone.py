import json
import math

import pytest
import torch

from engine import attention, norm
from engine.capstone import (
    component_entries,
    learner_components,
    lessons_text,
    load_corpus,
    run_capstone,
)
from engine.config import TransformerConfig
from engine.models import GPT
from lessons import LESSONS_DIR as LESSONS

ATTENTION = '''
import math
import torch

def scaled_dot_product_attention(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=-1) @ v
'''

UNSCALED_ATTENTION = ATTENTION.replace(" / math.sqrt(q.size(-1))", "")

HEADS = '''
def split_heads(x, n_head):
    B, T, C = x.shape
    return x.view(B, T, n_head, C // n_head).transpose(1, 2)

def merge_heads(x):
    B, H, T, d = x.shape
    return x.transpose(1, 2).reshape(B, T, H * d)
'''



def test_component_entries_from_challenge_files_and_defaults():
    assert component_entries("attention/scaled-dot-product") == [("scaled_dot_product_attention", "attention")]
    assert component_entries("multi-head/split-heads") == [
        ("split_heads", "split_heads"), ("merge_heads", "merge_heads")]
    assert component_entries("transformer-block/feed-forward") == [("feed_forward", "feed_forward")]
    assert component_entries("decoding/sample-filter") == []  # its reference is no model component
    assert component_entries("no-such/challenge") == []


def test_learner_components_replace_only_what_was_given():
    components, used = learner_components({
        "attention/scaled-dot-product": ATTENTION,
        "multi-head/split-heads": HEADS,
        "decoding/sample-filter": "this is not even Python, and it is not a component",
    })
    assert components.attention is not attention.scaled_dot_product_attention
    assert components.attention.__module__ == "capstone:attention/scaled-dot-product"
    assert components.split_heads.__name__ == "split_heads" and components.merge_heads.__name__ == "merge_heads"
    assert components.layer_norm is norm.layer_norm
    assert used["attention"] == "attention/scaled-dot-product"
    assert used["merge_heads"] == "multi-head/split-heads"
    assert used["layer_norm"] == used["causal_mask"] == "engine"


def test_a_softmax_the_learners_attention_never_calls_is_not_credited():
    softmax = "def softmax(x, dim=-1):\n    e = (x - x.amax(dim, keepdim=True)).exp()\n    return e / e.sum(dim, keepdim=True)\n"
    _, used = learner_components({"softmax-scaling/stable-softmax": softmax})
    assert used["softmax"] == "softmax-scaling/stable-softmax"  # inside the engine's attention
    _, used = learner_components({"softmax-scaling/stable-softmax": softmax,
                                  "attention/scaled-dot-product": ATTENTION})
    assert "softmax" not in used


def test_learner_code_runs_inside_the_model():
    config = TransformerConfig.nano(vocab_size=29, block_size=13, n_embd=30)
    idx = torch.randint(29, (2, 13), generator=torch.Generator().manual_seed(0))

    def logits(codes):
        torch.manual_seed(0)
        return GPT(config, components=learner_components(codes)[0])(idx)

    reference = logits({})
    torch.testing.assert_close(logits({"attention/scaled-dot-product": ATTENTION, "multi-head/split-heads": HEADS}),
                               reference, atol=1e-5, rtol=0)
    wrong = logits({"attention/scaled-dot-product": UNSCALED_ATTENTION})
    assert (wrong - reference).abs().max() > 1e-4


def test_the_learners_square_causal_mask_also_serves_cached_decoding():
    solution = (LESSONS / "stacking" / "causal-mask" / "solution.py").read_text()
    components, used = learner_components({"stacking/causal-mask": solution})
    assert used["causal_mask"] == "stacking/causal-mask"
    config = TransformerConfig.nano(vocab_size=29, block_size=13, n_embd=30)
    idx = torch.randint(29, (1, 11), generator=torch.Generator().manual_seed(0))
    torch.manual_seed(0)
    model = GPT(config, components=components).eval()
    full = model(idx)
    cache = model.new_cache(1)
    steps = [model(idx[:, :4], cache=cache)] + [model(idx[:, t: t + 1], cache=cache) for t in range(4, 11)]
    torch.testing.assert_close(torch.cat(steps, dim=1), full, atol=1e-5, rtol=0)


def test_missing_entry_function_is_named():
    with pytest.raises(ValueError, match=r"defines no function merge_heads\(\)"):
        learner_components({"multi-head/split-heads": HEADS.split("def merge_heads")[0]})


LESSON = """
id: demo
title: A title
xp: 10
steps:
  - aide: Hello there.
  - code: {challenge: demo/thing}
  - check:
      id: q1
      question: Why?
      options:
        - {text: Because., correct: true, why: It is.}
"""


def test_lessons_text_keeps_only_the_prose(tmp_path, monkeypatch):
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "lesson.yaml").write_text(LESSON, encoding="utf-8")
    monkeypatch.setattr("engine.capstone.LESSONS_DIR", tmp_path)
    assert lessons_text() == "A title\n\nHello there.\n\nWhy?\n\nBecause.\n\nIt is."


def test_corpora(tmp_path):
    prose = load_corpus("lessons")
    assert prose == lessons_text() and len(prose) > 10_000
    assert "def " in load_corpus("python")
    path = tmp_path / "mine.txt"
    path.write_text("my own text", encoding="utf-8")
    assert load_corpus(str(path)) == "my own text"
    assert load_corpus("just some words") == "just some words"


def test_run_capstone_trains_the_learners_model_and_writes():
    text = "the cat sat on the mat. the dog sat on the log. " * 40
    progress = []
    result = run_capstone({"attention/scaled-dot-product": ATTENTION}, corpus=text, steps=30, seed=1,
                          on_progress=progress.append, prompt="the ", max_new_tokens=40,
                          progress_every=10, sample_every=20, batch_size=8)
    assert json.loads(json.dumps(result)) == result
    assert result["steps"] == 30 and result["seconds"] > 0
    assert result["random_loss"] == pytest.approx(math.log(len(set(text))))
    assert result["loss"] < result["random_loss"] - 0.5
    assert result["held_out_loss"] < result["random_loss"] - 0.5
    assert result["components_used"]["attention"] == "attention/scaled-dot-product"
    assert result["sample"].startswith("the ") and len(result["sample"]) == 44
    assert [p["step"] for p in progress if "loss" in p] == [10, 20, 30]
    assert [p["step"] for p in progress if "sample" in p] == [20]
    assert set(progress[0]) == {"step", "loss", "lr", "elapsed_s"}


def test_run_capstone_stops_at_its_time_limit_and_still_writes():
    text = "the cat sat on the mat. the dog sat on the log. " * 40
    result = run_capstone(corpus=text, steps=10_000, seed=1, prompt="the ", max_new_tokens=12,
                          batch_size=8, time_limit_s=0)
    assert result["steps"] == 1  # the first update, then the budget is spent
    assert result["sample"].startswith("the ") and len(result["sample"]) == 16


def test_run_capstone_refuses_a_tiny_corpus():
    with pytest.raises(ValueError, match="too short"):
        run_capstone(corpus="abc", steps=1)
