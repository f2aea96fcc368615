import itertools
import math

import pytest
import torch

from engine.config import TransformerConfig
from engine.generate import (
    beam_search,
    beam_search_step,
    filter_logits,
    generate,
    greedy,
    sampling_probs,
    speculative_accept,
    speculative_generate,
    speculative_step,
)
from engine.models import GPT

INF = float("inf")


def kept(logits):
    return (logits > -INF).nonzero().flatten().tolist()


def test_temperature_divides_logits():
    logits = torch.tensor([1.0, -2.0, 0.5])
    torch.testing.assert_close(filter_logits(logits, temperature=2.0), logits / 2)
    assert torch.equal(filter_logits(logits), logits)


def test_top_k_keeps_the_k_largest_and_their_ties():
    logits = torch.tensor([1.0, 3.0, 0.0, 2.0, 3.0])
    assert kept(filter_logits(logits, top_k=3)) == [1, 3, 4]
    assert kept(filter_logits(logits, top_k=2)) == [1, 4]
    assert kept(filter_logits(logits, top_k=1)) == [1, 4]  # tie at the k-th value: both kept
    assert kept(filter_logits(logits, top_k=5)) == [0, 1, 2, 3, 4]
    assert kept(filter_logits(logits, top_k=50)) == [0, 1, 2, 3, 4]
    # Kept tokens keep their (temperature-scaled) logits.
    assert filter_logits(logits, temperature=0.5, top_k=2)[1] == 6.0


PROBS = torch.tensor([0.125, 0.5, 0.0625, 0.25, 0.0625])  # dyadic: cumulative sums are exact


@pytest.mark.parametrize(
    "top_p, expected",
    [
        (0.4, [1]),
        (0.5, [1]),  # reached exactly by the first token: it alone
        (0.51, [1, 3]),
        (0.75, [1, 3]),  # reached exactly at the boundary token: included, nothing more
        (0.8, [0, 1, 3]),
        (0.875, [0, 1, 3]),
        (0.9, [0, 1, 2, 3, 4]),  # 0.0625 is tied: both copies kept
        (1.0, [0, 1, 2, 3, 4]),
    ],
)
def test_top_p_keeps_smallest_set_reaching_p(top_p, expected):
    assert kept(filter_logits(PROBS.log(), top_p=top_p)) == expected


def test_top_p_applies_to_the_distribution_left_by_top_k():
    # After top_k=2 the distribution is (2/3, 1/3) over tokens 1 and 3.
    assert kept(filter_logits(PROBS.log(), top_k=2, top_p=0.6)) == [1]
    assert kept(filter_logits(PROBS.log(), top_k=2, top_p=0.7)) == [1, 3]


def test_temperature_zero_keeps_only_the_argmax():
    logits = torch.tensor([[0.3, 2.0, -1.0, 1.9], [5.0, 5.0, 0.0, 1.0]])
    filtered = filter_logits(logits, temperature=0, top_p=0.01)
    assert (filtered > -INF).tolist() == [[False, True, False, False], [True, True, False, False]]
    # ... which is the limit of ever lower temperatures.
    cold = sampling_probs(logits[0], temperature=1e-3)
    torch.testing.assert_close(cold, torch.tensor([0.0, 1.0, 0.0, 0.0]))


def test_filters_work_on_batched_logits():
    torch.manual_seed(0)
    logits = torch.randn(2, 3, 11)
    filtered = filter_logits(logits, top_k=4, top_p=0.9)
    assert filtered.shape == (2, 3, 11)
    n_kept = (filtered > -INF).sum(-1)
    assert ((n_kept >= 1) & (n_kept <= 4)).all()
    for row, out in zip(logits.view(-1, 11), filtered.view(-1, 11)):
        assert torch.equal(out, filter_logits(row, top_k=4, top_p=0.9))


def test_beam_search_step_matches_brute_force():
    torch.manual_seed(0)
    log_probs = torch.log_softmax(torch.randn(3, 7), -1)
    scores = torch.tensor([-0.5, -1.0, -2.5])
    new_scores, beam_idx, token_idx = beam_search_step(log_probs, scores, 4)
    brute = sorted(
        ((scores[b] + log_probs[b, t]).item(), b, t) for b, t in itertools.product(range(3), range(7))
    )[::-1][:4]
    torch.testing.assert_close(new_scores, torch.tensor([s for s, _, _ in brute]))
    assert beam_idx.tolist() == [b for _, b, _ in brute]
    assert token_idx.tolist() == [t for _, _, t in brute]
    assert beam_idx.dtype == token_idx.dtype == torch.long


def test_speculative_accept_counts_the_accepted_prefix():
    p = torch.tensor([[0.5, 0.5], [0.2, 0.8], [0.9, 0.1], [0.5, 0.5]])  # (k+1, V)
    q = torch.tensor([[0.25, 0.75], [0.4, 0.6], [0.3, 0.7]])  # (k, V)
    tokens = torch.tensor([0, 0, 1])
    # ratios: 0.5/0.25 -> 1 (always), 0.2/0.4 = 0.5, 0.1/0.7
    assert speculative_accept(p, q, tokens, torch.tensor([0.99, 0.49, 0.0])).item() == 3
    assert speculative_accept(p, q, tokens, torch.tensor([0.99, 0.5, 0.0])).item() == 1
    assert speculative_accept(p, q, tokens, torch.tensor([0.99, 0.1, 0.2])).item() == 2
    assert speculative_accept(p, q, tokens, torch.tensor([0.99, 0.9, 0.0])).item() == 1


def test_speculative_step_keeps_the_target_distribution():
    # Context-free target and draft on a 4-token vocabulary: every emitted token must follow p,
    # however different q is.
    k, trials = 3, 6000
    p = torch.tensor([0.1, 0.2, 0.3, 0.4], dtype=torch.float64)
    q = torch.tensor([0.4, 0.3, 0.2, 0.1], dtype=torch.float64)
    generator = torch.Generator().manual_seed(0)
    first, accepted = torch.zeros(4), 0
    for _ in range(trials):
        draft = torch.multinomial(q, k, replacement=True, generator=generator)
        n, token = speculative_step(p.expand(k + 1, 4), q.expand(k, 4), draft, generator)
        emitted = [*draft[:n].tolist(), token.item()]
        first[emitted[0]] += 1
        accepted += n
    # Standard error of a frequency is at most 0.5/sqrt(6000) ≈ 0.0065: allow ~4 of them.
    torch.testing.assert_close(first / trials, p.float(), atol=0.025, rtol=0)
    # Expected acceptance per token: sum_x min(p, q) = 0.1 + 0.2 + 0.2 + 0.1 = 0.6.
    expected_accepted = sum(0.6**i for i in range(1, k + 1))
    assert math.isclose(accepted / trials, expected_accepted, abs_tol=0.05)


def test_speculative_step_with_one_hot_distributions_is_greedy():
    # Temperature 0 makes p and q one-hot: a draft that guesses the target's argmax is accepted,
    # a wrong guess is replaced by the target's argmax.
    p = torch.eye(5)[[2, 4, 1]]  # target argmaxes 2, 4 then 1
    q = torch.eye(5)[[2, 0]]  # the draft proposes 2 then 0
    n, token = speculative_step(p, q, torch.tensor([2, 0]))
    assert (n, token.item()) == (1, 4)


def tiny_gpt(seed, **overrides):
    torch.manual_seed(seed)
    config = TransformerConfig.nano(**{"vocab_size": 23, "block_size": 37, "n_embd": 30, **overrides})
    model = GPT(config).eval()
    with torch.no_grad():  # sharpen the random model so that its choices are not near-ties
        model.lm_head.weight.mul_(20)
    return model


@pytest.fixture(scope="module")
def target():
    return tiny_gpt(0)


@pytest.fixture(scope="module")
def draft():
    return tiny_gpt(1, n_layer=1, n_head=1, n_embd=14)


PROMPT = torch.tensor([[3, 1, 4, 1, 5], [9, 2, 6, 5, 3]])


@pytest.mark.parametrize("positional", ["learned", "rope"])
def test_kv_cache_gives_the_same_tokens_as_recomputation(positional):
    model = tiny_gpt(2, positional=positional)
    # 41 tokens in all: past the block size of 37, where the context starts sliding.
    with_cache = greedy(model, PROMPT, 36)
    assert with_cache.shape == (2, 41)
    assert torch.equal(with_cache, greedy(model, PROMPT, 36, use_cache=False))
    sampled = [
        generate(model, PROMPT, 10, temperature=0.8, top_k=5, use_cache=use_cache,
                 generator=torch.Generator().manual_seed(0))
        for use_cache in (True, False)
    ]
    assert torch.equal(*sampled)


def test_greedy_takes_the_argmax_of_the_full_forward(target):
    out = greedy(target, PROMPT, 6)
    for t in range(5, 11):
        assert torch.equal(out[:, t], target(out[:, :t])[:, -1].argmax(-1))


def test_sampling_is_seeded_and_respects_top_k(target):
    run = lambda seed: generate(target, PROMPT, 8, top_k=1, generator=torch.Generator().manual_seed(seed))  # noqa: E731
    assert torch.equal(run(0), run(1))  # top_k=1 leaves no choice
    assert torch.equal(run(0), greedy(target, PROMPT, 8))
    free = [generate(target, PROMPT, 8, temperature=3.0, generator=torch.Generator().manual_seed(s)) for s in (0, 0, 1)]
    assert torch.equal(free[0], free[1]) and not torch.equal(free[0], free[2])


def test_beam_width_one_is_greedy(target):
    sequences, scores = beam_search(target, PROMPT[:1], 8, beam_width=1)
    assert torch.equal(sequences, greedy(target, PROMPT[:1], 8))
    assert scores.shape == (1,)


def test_beam_search_returns_sequences_sorted_by_their_log_probability(target):
    sequences, scores = beam_search(target, PROMPT[:1], 5, beam_width=4)
    assert sequences.shape == (4, 10)
    assert scores.tolist() == sorted(scores.tolist(), reverse=True)
    # Each score is the summed log-probability of the sequence's new tokens under the model.
    log_probs = torch.log_softmax(target(sequences[:, :-1]), -1)  # (W, T - 1, V)
    new = log_probs[:, 4:].gather(-1, sequences[:, 5:, None])[..., 0].sum(-1)  # (W,)
    torch.testing.assert_close(scores, new, atol=1e-4, rtol=0)
    assert len({tuple(s) for s in sequences.tolist()}) == 4
    # Wider beams find a sequence at least as probable as the greedy one.
    assert scores[0] >= beam_search(target, PROMPT[:1], 5, beam_width=1)[1][0] - 1e-5


@pytest.mark.parametrize("n_new", [12, 36])  # 36: past the block size, where the context slides
def test_cached_beam_search_returns_what_recomputation_returns(target, n_new):
    cached = beam_search(target, PROMPT[:1], n_new, beam_width=3)
    recomputed = beam_search(target, PROMPT[:1], n_new, beam_width=3, use_cache=False)
    assert torch.equal(cached[0], recomputed[0])
    torch.testing.assert_close(cached[1], recomputed[1], atol=1e-4, rtol=0)


def test_speculative_decoding_under_greedy_equals_target_greedy(target, draft):
    expected = greedy(target, PROMPT[:1], 25)
    for k in (1, 3, 5):
        out, stats = speculative_generate(target, draft, PROMPT[:1], 25, k=k, temperature=0)
        assert torch.equal(out, expected)
        assert stats["rounds"] < 25 or stats["accepted"] == 0
    out, stats = speculative_generate(target, target, PROMPT[:1], 25, k=4, temperature=0)
    assert torch.equal(out, expected) and stats["acceptance_rate"] == 1.0
    assert stats["rounds"] == 5  # 5 tokens per target pass: 4 drafted + 1 of its own


def test_speculative_sampling_is_seeded(target, draft):
    runs = [
        speculative_generate(target, draft, PROMPT[:1], 12, k=3, generator=torch.Generator().manual_seed(7))[0]
        for _ in range(2)
    ]
    assert torch.equal(*runs) and runs[0].shape == (1, 17)


def test_speculative_refuses_sequences_past_the_block_size(target, draft):
    with pytest.raises(ValueError, match="block size"):
        speculative_generate(target, draft, PROMPT[:1], 30, k=4)
