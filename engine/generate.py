"""Decoding: turning next-token logits into text.

Sampling filters (temperature, top-k, nucleus/top-p: Holtzman et al. 2020), greedy and sampled
generation with or without the KV cache, beam search, and speculative decoding
(Leviathan et al. 2023; Chen et al. 2023).
"""

import torch
import torch.nn.functional as F


def filter_logits(logits, temperature=1.0, top_k=None, top_p=None):
    """Logits (..., V) with every token that may not be sampled set to -inf.

    Order: temperature divides the logits, top-k keeps the k largest (all tokens tied with the
    k-th are kept), top-p keeps the smallest set of most probable tokens whose probability
    reaches p (the token that reaches it included, and any token tied with it). Temperature 0
    is the limit T -> 0: only the largest logit (and its ties) survives.
    """
    if temperature == 0:
        top_k, top_p = 1, None
    else:
        logits = logits / temperature
    if top_k is not None and top_k < logits.size(-1):
        kth = torch.topk(logits, top_k, dim=-1).values[..., -1:]  # (..., 1)
        logits = logits.masked_fill(logits < kth, float("-inf"))
    if top_p is not None:
        probs = F.softmax(logits, dim=-1)  # (..., V), renormalised after top-k
        sorted_probs = probs.sort(dim=-1, descending=True).values
        before = sorted_probs.cumsum(dim=-1) - sorted_probs  # mass of the more probable tokens
        # Keep a token while the mass before it is still short of p; the last one kept is the
        # smallest probability allowed, which also keeps every token tied with it.
        n_kept = (before < top_p).sum(dim=-1, keepdim=True).clamp(min=1)  # (..., 1)
        threshold = sorted_probs.gather(-1, n_kept - 1)  # (..., 1)
        logits = logits.masked_fill(probs < threshold, float("-inf"))
    return logits


def sampling_probs(logits, temperature=1.0, top_k=None, top_p=None):
    """The distribution generation samples from: softmax of the filtered logits."""
    return F.softmax(filter_logits(logits, temperature, top_k, top_p), dim=-1)


def beam_search_step(log_probs, scores, beam_width):
    """One step of beam search: keep the `beam_width` best (beam, token) continuations.

    log_probs (W, V) next-token log-probabilities of each live beam, scores (W,) their summed
    log-probabilities. Returns new_scores (beam_width,), beam_idx and token_idx (beam_width,),
    best first.
    """
    W, V = log_probs.shape
    candidates = (scores[:, None] + log_probs).view(-1)  # (W*V,) score of every continuation
    new_scores, flat_idx = torch.topk(candidates, beam_width)
    return new_scores, flat_idx // V, flat_idx % V


def speculative_accept(p_target, q_draft, draft_tokens, uniforms):
    """How many drafted tokens the target accepts.

    p_target (k+1, V) the target's distributions at the k drafted positions and the one after;
    q_draft (k, V) the draft's; draft_tokens (k,); uniforms (k,) in [0, 1). Token i is accepted
    while u_i < min(1, p_i(x_i) / q_i(x_i)); the first rejection ends the run.
    """
    k = draft_tokens.size(0)
    rows = torch.arange(k)
    ratio = p_target[rows, draft_tokens] / q_draft[rows, draft_tokens]  # (k,)
    accepted = uniforms < ratio.clamp(max=1.0)  # (k,) bool
    return accepted.long().cumprod(dim=0).sum()  # length of the accepted prefix


def speculative_step(p_target, q_draft, draft_tokens, generator=None):
    """One verification round: (number of drafted tokens accepted, the token the target adds).

    After n acceptances the target adds one token of its own: on a rejection it is drawn from
    the residual max(0, p_n - q_n) renormalised, which corrects exactly for the draft's bias;
    if all k were accepted it is drawn from p_k. Every emitted token then follows the target's
    distribution, whatever the draft proposed.
    """
    k = draft_tokens.size(0)
    uniforms = torch.rand(k, generator=generator, dtype=p_target.dtype)  # (k,)
    n = int(speculative_accept(p_target, q_draft, draft_tokens, uniforms))
    if n < k:
        residual = (p_target[n] - q_draft[n]).clamp(min=0)  # (V,)
        dist = residual if residual.sum() > 0 else p_target[n]
    else:
        dist = p_target[k]
    return n, torch.multinomial(dist, 1, generator=generator)  # multinomial renormalises


def _next_token(logits, temperature, top_k, top_p, generator):
    """logits (B, V) -> next token ids (B, 1): the argmax at temperature 0, else a sample."""
    if temperature == 0:
        return logits.argmax(dim=-1, keepdim=True)
    probs = sampling_probs(logits, temperature, top_k, top_p)  # (B, V)
    return torch.multinomial(probs, 1, generator=generator)


def _last_logits(model, idx, cache, use_cache):
    """The next-token logits (B, V) of idx (B, T), and the cache to pass next time.

    While the cache has room only the newest token is run: one row of attention instead of the
    whole sequence. Past `block_size` the context is cropped to the last `block_size` tokens and
    recomputed into a fresh cache, exactly as without one.
    """
    if cache is not None and len(cache) < model.config.block_size:
        return model(idx[:, -1:], cache=cache)[:, -1], cache  # (B, V): the newest token only
    cache = model.new_cache(idx.size(0)) if use_cache else None
    return model(idx[:, -model.config.block_size:], cache=cache)[:, -1], cache


@torch.no_grad()
def generate(model, idx, max_new_tokens, temperature=1.0, top_k=None, top_p=None, use_cache=True,
             generator=None):
    """Append `max_new_tokens` tokens to idx (B, T), one at a time; returns (B, T + max_new_tokens)."""
    cache = None
    for _ in range(max_new_tokens):
        logits, cache = _last_logits(model, idx, cache, use_cache)  # (B, V)
        idx = torch.cat([idx, _next_token(logits, temperature, top_k, top_p, generator)], dim=1)
    return idx


def greedy(model, idx, max_new_tokens, use_cache=True):
    """The most probable token at every step."""
    return generate(model, idx, max_new_tokens, temperature=0, use_cache=use_cache)


@torch.no_grad()
def beam_search(model, idx, max_new_tokens, beam_width, use_cache=True):
    """Keep the `beam_width` most probable continuations of one prompt idx (1, T).

    Returns sequences (beam_width, T + max_new_tokens) and their summed log-probabilities
    (beam_width,), best first. All beams have the same length, so no length normalisation is
    needed to compare them. With the cache each beam runs only its newest token; the cache's
    rows follow the beams they belong to.
    """
    sequences, scores, cache = idx, torch.zeros(1), None
    for _ in range(max_new_tokens):
        logits, cache = _last_logits(model, sequences, cache, use_cache)  # (W, V)
        log_probs = F.log_softmax(logits.float(), dim=-1)
        width = min(beam_width, log_probs.numel())
        scores, beam_idx, token_idx = beam_search_step(log_probs, scores, width)
        sequences = torch.cat([sequences[beam_idx], token_idx[:, None]], dim=1)  # (width, T + 1)
        if cache is not None:
            cache.reorder(beam_idx)  # each new beam continues the past of the beam it came from
    return sequences, scores


@torch.no_grad()
def speculative_generate(target, draft, idx, max_new_tokens, k=4, temperature=1.0, top_k=None,
                         top_p=None, generator=None):
    """Speculative decoding of one prompt idx (1, T): the draft proposes k tokens, the target
    checks them all in one forward pass and keeps the accepted prefix plus one token of its own.

    The output follows the target's distribution exactly (at temperature 0: the target's greedy
    tokens), in fewer target passes when the draft guesses well. Both models keep a KV cache, so
    the whole sequence plus k must fit in their block size. Returns (idx (1, T + max_new_tokens),
    stats) with the number of rounds (target passes), drafted and accepted tokens.
    """
    T = idx.size(1)
    if T + max_new_tokens + k > min(target.config.block_size, draft.config.block_size):
        # the last round may draft up to k tokens past the end before trimming
        raise ValueError(f"prompt + new tokens + k ({T + max_new_tokens + k}) exceed a model's block size")
    target_cache, draft_cache = target.new_cache(1), draft.new_cache(1)
    rounds = accepted = 0
    while idx.size(1) < T + max_new_tokens:
        # 1) the draft proposes k tokens, feeding first whatever its cache has not seen yet
        fresh, drafted, q = idx[:, len(draft_cache):], [], []
        for _ in range(k):
            probs = sampling_probs(draft(fresh, cache=draft_cache)[0, -1], temperature, top_k, top_p)  # (V,)
            fresh = torch.multinomial(probs, 1, generator=generator)[None]  # (1, 1)
            drafted.append(fresh[0])
            q.append(probs)
        drafted, q = torch.cat(drafted), torch.stack(q)  # (k,), (k, V)
        # 2) one target pass scores every drafted position and the one after them
        logits = target(torch.cat([idx[:, len(target_cache):], drafted[None]], dim=1), cache=target_cache)
        p = sampling_probs(logits[0, -(k + 1):], temperature, top_k, top_p)  # (k + 1, V)
        # 3) keep the accepted prefix and the target's own next token
        n, token = speculative_step(p, q, drafted, generator)
        idx = torch.cat([idx, drafted[None, :n], token[None]], dim=1)
        for cache in (target_cache, draft_cache):  # the newest token is fed next round
            cache.crop(idx.size(1) - 1)
        rounds, accepted = rounds + 1, accepted + n
    stats = {"rounds": rounds, "drafted": rounds * k, "accepted": accepted,
             "acceptance_rate": accepted / (rounds * k)}
    return idx[:, : T + max_new_tokens], stats
