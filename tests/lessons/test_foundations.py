"""The opening lessons (why-transformers to softmax-scaling) and the lexicon: every typed answer
recomputed from its formula, and the lexicon's core terms."""

import math

import pytest

from tutor.content import CheckStep
from tutor.loader import load_curriculum

LESSONS = ["why-transformers", "big-picture", "tokens", "positions", "attention", "softmax-scaling"]

# (lesson, check id) -> the answer worked out from first principles, not copied from the YAML.
NUMERIC_ANSWERS = {
    ("why-transformers", "gradient-decay"): 0.9**50,
    ("why-transformers", "path-length"): 1,
    ("why-transformers", "pairs-count"): 10 * 10,
    ("big-picture", "block-params"): (4 + 2 * 4) * 768**2,  # Q, K, V, O + two C×4C matrices
    ("tokens", "embedding-params"): 50257 * 768,
    ("positions", "pe-value"): math.sin(2 / 10000 ** (0 / 16)),
    ("positions", "rope-norm"): math.hypot(3, 4),
    ("positions", "alibi-penalty"): -(2 ** (-8 * 1 / 8)) * (7 - 3),
    ("attention", "two-keys"): math.exp(2) / (math.exp(2) + math.exp(0)),
    ("softmax-scaling", "dot-variance"): 64,
    ("softmax-scaling", "scaled-std"): math.sqrt(256) / math.sqrt(256),
    ("softmax-scaling", "stable-value"): 1 / (1 + math.exp(-1)),
    ("softmax-scaling", "rows-sum"): 2 * 4 * 10,
}
SHAPE_ANSWERS = {
    ("big-picture", "logits-shape"): (2, 8, 50257),
    ("tokens", "embedding-shape"): (4, 16, 64),
    ("positions", "pe-shape"): (50, 16),
    ("attention", "scores-shape"): (2, 4, 10, 10),
    ("attention", "output-shape"): (2, 4, 3, 32),
}


@pytest.fixture(scope="module")
def curriculum():
    return load_curriculum()


def _check(curriculum, lesson_id, check_id) -> CheckStep:
    return next(c for c in curriculum.lesson(lesson_id).checks if c.id == check_id)


@pytest.mark.parametrize(("key", "value"), NUMERIC_ANSWERS.items(), ids=lambda k: str(k))
def test_numeric_answers_match_their_formula(curriculum, key, value):
    check = _check(curriculum, *key)
    assert check.mode == "numeric"
    assert check.grade(value).correct, f"{key}: {value} is not accepted (answer {check.answer})"


@pytest.mark.parametrize(("key", "shape"), SHAPE_ANSWERS.items(), ids=lambda k: str(k))
def test_shape_answers_match(curriculum, key, shape):
    check = _check(curriculum, *key)
    assert check.grade(shape).correct
    assert not check.grade(shape[::-1]).correct


def test_every_typed_answer_is_recomputed_here(curriculum):
    typed = {(lesson_id, c.id) for lesson_id in LESSONS
             for c in curriculum.lesson(lesson_id).checks if not c.options}
    assert typed == NUMERIC_ANSWERS.keys() | SHAPE_ANSWERS.keys()


def test_lexicon_covers_the_course(curriculum):
    terms = {e.term for e in curriculum.lexicon}
    for required in ("Self-attention", "Multi-head attention", "Positional encoding", "Encoder",
                     "Feed-forward network (FFN)", "Softmax", "KV cache", "Causal mask"):
        assert required in terms
