"""Scaled dot-product attention and multi-head attention (Vaswani et al. 2017, §3.2).

Every boolean mask here means True = may attend. The step-by-step functions are the
references the tutor's challenges are judged against; `fast_attention` computes the same through
torch's fused kernel.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from engine.positional import alibi_bias, apply_rope
from engine.shapes import ShapeError, check_shape

STEP_LABELS = {
    "scores": "QKᵀ",
    "scaled": "QKᵀ/√d_k",
    "masked": "masked scores",
    "weights": "softmax(QKᵀ/√d_k)",
    "output": "weights · V",
}


def softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """exp(x) / Σ exp(x) along `dim`, stable for large scores; an all -inf row gives zeros."""
    m = x.amax(dim, keepdim=True)
    # exp(x - max) never overflows; an all -inf row has max -inf, use 0 so exp() gives 0, not nan
    m = torch.where(torch.isfinite(m), m, torch.zeros_like(m))
    e = torch.exp(x - m)
    total = e.sum(dim, keepdim=True)
    return e / torch.where(total == 0, torch.ones_like(total), total)


def _broadcast(*shapes) -> tuple[int, ...] | None:
    """The shape the given shapes broadcast to, or None where they do not: aligned on the right,
    a size 1 stretches to any other. Plain Python, because torch.broadcast_shapes takes tens of
    µs and every attention call of every decoding step checks its shapes."""
    n = max(map(len, shapes))
    result = []
    for sizes in zip(*((1,) * (n - len(shape)) + tuple(shape) for shape in shapes)):
        stretched = {size for size in sizes if size != 1}
        if len(stretched) > 1:
            return None
        result.append(stretched.pop() if stretched else 1)
    return tuple(result)


def _check_qkv(q, k, v, mask):
    """Check q (…, T_q, d_k), k (…, T_k, d_k), v (…, T_k, d_v) and a mask broadcastable to the scores."""
    T_q, d_k = check_shape("q", q, "... T_q d_k").values()
    T_k = check_shape("k", k, "... T_k d_k", d_k=d_k)["T_k"]
    check_shape("v", v, "... T_k d_v", T_k=T_k)
    batch = _broadcast(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    if batch is None:
        raise ShapeError(f"expected q, k and v with the same leading dimensions, "
                         f"got {tuple(q.shape)}, {tuple(k.shape)}, {tuple(v.shape)}")
    if mask is not None:
        if mask.dtype != torch.bool:
            raise TypeError(f"mask must be a bool tensor (True = may attend), got {mask.dtype}")
        scores_shape = (*batch, T_q, T_k)
        if _broadcast(mask.shape, scores_shape) != scores_shape:  # it must fit the scores, not enlarge them
            raise ShapeError(f"expected mask broadcastable to (..., T_q, T_k) with T_q={T_q}, T_k={T_k}, "
                             f"got {tuple(mask.shape)}")


def scaled_dot_product_attention(q, k, v, mask=None, *, bias=None, softmax=softmax, explain=False):
    """softmax(QKᵀ/√d_k) V, written out step by step (Vaswani §3.2.1, equation 1).

    q (…, T_q, d_k), k (…, T_k, d_k), v (…, T_k, d_v); mask bool broadcastable to (…, T_q, T_k).
    A query that may attend to nothing gets an all-zero output row. With `explain=True` returns
    `(out, steps)`, every intermediate keyed as in STEP_LABELS. For the model's use: `bias`
    (broadcastable to the scores) is added to the scaled scores, as ALiBi does, and `softmax`
    is the normalisation to apply (a model's `Components` may replace it).
    """
    _check_qkv(q, k, v, mask)
    d_k = q.size(-1)
    scores = q @ k.transpose(-2, -1)  # (…, T_q, d_k) x (…, d_k, T_k) -> (…, T_q, T_k)
    # without the scale, dot products grow like √d_k and the softmax saturates (§3.2.1)
    scaled = scores / math.sqrt(d_k)
    if bias is not None:
        scaled = scaled + bias
    # -inf before the softmax: masked keys get exactly zero weight
    masked = scaled if mask is None else scaled.masked_fill(~mask, float("-inf"))
    weights = softmax(masked, dim=-1)  # (…, T_q, T_k), each row sums to 1 (or 0 if all masked)
    out = weights @ v  # (…, T_q, T_k) x (…, T_k, d_v) -> (…, T_q, d_v)
    if explain:
        return out, {"scores": scores, "scaled": scaled, "masked": masked, "weights": weights, "output": out}
    return out


def fast_attention(q, k, v, mask=None, *, bias=None):
    """The same result as `scaled_dot_product_attention`, through torch's fused kernel."""
    _check_qkv(q, k, v, mask)
    attn_mask = mask
    if bias is not None:
        attn_mask = bias if mask is None else bias.masked_fill(~mask, float("-inf"))
    return F.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask)


def causal_mask(T_q: int, T_k: int | None = None) -> torch.Tensor:
    """(T_q, T_k) bool, True on and below the diagonal: position i may attend to j ≤ i.

    With T_k > T_q the queries are the last T_q positions (new tokens after a KV cache), so the
    diagonal shifts right by T_k - T_q.
    """
    T_k = T_q if T_k is None else T_k
    return torch.ones(T_q, T_k, dtype=torch.bool).tril(diagonal=T_k - T_q)


def split_heads(x: torch.Tensor, n_head: int) -> torch.Tensor:
    """(B, T, C) -> (B, H, T, C // H): each head sees its own slice of the channels."""
    B, T, C = check_shape("x", x, "B T C").values()
    if C % n_head:
        raise ShapeError(f"expected x of shape (B, T, C) with C divisible by n_head={n_head}, got {tuple(x.shape)}")
    return x.view(B, T, n_head, C // n_head).transpose(1, 2)  # (B, H, T, d)


def merge_heads(x: torch.Tensor) -> torch.Tensor:
    """(B, H, T, d) -> (B, T, H * d): the heads' outputs side by side again."""
    B, H, T, d = check_shape("x", x, "B H T d").values()
    return x.transpose(1, 2).reshape(B, T, H * d)


def multi_head_attention(x, w_qkv, b_qkv, w_o, b_o, n_head, mask=None):
    """Self-attention with `n_head` heads (Vaswani §3.2.2).

    x (B, T, C); w_qkv (3C, C) stacks [W_q; W_k; W_v] in nn.Linear layout, b_qkv (3C,) or None;
    w_o (C, C), b_o (C,) or None; mask bool broadcastable to (B, H, T, T). Returns (B, T, C).
    """
    C = check_shape("x", x, "B T C")["C"]
    check_shape("w_qkv", w_qkv, "3C C", **{"3C": 3 * C, "C": C})
    check_shape("w_o", w_o, "C C", C=C)
    q, k, v = F.linear(x, w_qkv, b_qkv).split(C, dim=-1)  # 3 x (B, T, C)
    y = scaled_dot_product_attention(split_heads(q, n_head), split_heads(k, n_head), split_heads(v, n_head), mask)
    return F.linear(merge_heads(y), w_o, b_o)  # (B, T, C)


def cross_attention(x, memory, w_q, w_k, w_v, w_o, n_head, memory_mask=None):
    """Queries from the decoder, keys and values from the encoder's output (Vaswani §3.2.3).

    x (B, T_q, C), memory (B, T_k, C); weights (C, C) in nn.Linear layout, no biases;
    memory_mask bool broadcastable to (B, H, T_q, T_k). No causal mask: every query may see the
    whole source. Returns (B, T_q, C).
    """
    B, _, C = check_shape("x", x, "B T_q C").values()
    check_shape("memory", memory, "B T_k C", B=B, C=C)
    for name, w in (("w_q", w_q), ("w_k", w_k), ("w_v", w_v), ("w_o", w_o)):
        check_shape(name, w, "C C", C=C)
    q = split_heads(x @ w_q.T, n_head)  # (B, H, T_q, d)
    k = split_heads(memory @ w_k.T, n_head)  # (B, H, T_k, d)
    v = split_heads(memory @ w_v.T, n_head)  # (B, H, T_k, d)
    return merge_heads(scaled_dot_product_attention(q, k, v, memory_mask)) @ w_o.T


def kv_cache_step(x_new, w_qkv, n_head, k_cache, v_cache):
    """Attend from the newest token(s) to every position so far, reusing the cached keys/values.

    x_new (B, 1, C); w_qkv (3C, C) stacked [W_q; W_k; W_v], no bias; caches (B, H, T_past, d).
    Only the new token's q, k, v are computed: that is the whole saving of a KV cache. Returns
    (out (B, 1, C) heads merged, before the output projection, k_cache (B, H, T_past+1, d), v_cache).
    """
    B, T_new, C = check_shape("x_new", x_new, "B T_new C").values()
    check_shape("w_qkv", w_qkv, "3C C", **{"3C": 3 * C, "C": C})
    sizes = check_shape("k_cache", k_cache, "B H T_past d", B=B, H=n_head, d=C // n_head)
    check_shape("v_cache", v_cache, "B H T_past d", **sizes)
    q, k, v = (split_heads(t, n_head) for t in (x_new @ w_qkv.T).split(C, dim=-1))  # (B, H, T_new, d)
    k_cache = torch.cat([k_cache, k], dim=2)  # (B, H, T_past + T_new, d)
    v_cache = torch.cat([v_cache, v], dim=2)
    # the new tokens are the last positions: each sees the past and itself, never a later new one
    mask = causal_mask(T_new, k_cache.size(2)).to(x_new.device)
    out = scaled_dot_product_attention(q, k_cache, v_cache, mask)  # (B, H, T_new, d)
    return merge_heads(out), k_cache, v_cache


class LayerKVCache:
    """One layer's keys and values for every position seen so far, each (B, H, T_past, d)."""

    def __init__(self):
        self.k = self.v = None

    def __len__(self) -> int:
        return 0 if self.k is None else self.k.size(2)

    def append(self, k: torch.Tensor, v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Add the new positions' k, v (B, H, T_new, d); return all of them (B, H, T_past + T_new, d)."""
        self.k = k if self.k is None else torch.cat([self.k, k], dim=2)
        self.v = v if self.v is None else torch.cat([self.v, v], dim=2)
        return self.k, self.v


class KVCache:
    """The keys and values of every layer, so that decoding one more token computes one row of
    attention instead of the whole prefix again."""

    def __init__(self, n_layer: int, batch_size: int, cross: bool = False):
        self.batch_size = batch_size
        self.layers = [LayerKVCache() for _ in range(n_layer)]
        # a decoder's cross-attention keys/values: the encoder output's, projected once per layer
        self.cross = [LayerKVCache() for _ in range(n_layer)] if cross else []

    def __len__(self) -> int:
        """How many positions are cached: where the next token's position starts."""
        return len(self.layers[0])

    def __getitem__(self, layer: int) -> LayerKVCache:
        return self.layers[layer]

    def crop(self, length: int) -> None:
        """Forget every cached position from `length` on (e.g. drafted tokens a verifier rejected)."""
        for layer in self.layers:
            if layer.k is not None:
                layer.k, layer.v = layer.k[:, :, :length], layer.v[:, :, :length]  # (B, H, length, d)

    def reorder(self, batch_idx: torch.Tensor) -> None:
        """Keep the cached rows batch_idx (B_new,) long, in that order (e.g. the beams that
        survived a beam-search step: a beam copied twice gets two copies of its past)."""
        for layer in self.layers + self.cross:
            if layer.k is not None:
                layer.k, layer.v = layer.k[batch_idx], layer.v[batch_idx]  # (B_new, H, T_past, d)
        self.batch_size = batch_idx.size(0)


class MultiHeadAttention(nn.Module):
    """Multi-head self- or cross-attention (§3.2.2) with GPT-2's parameter names.

    `c_attn` stacks [W_q; W_k; W_v] (as torch's `in_proj_weight`); for cross-attention the queries
    come from x and the keys and values from `memory`. `positional` "rope" or "alibi" inject
    positions here, from the cache length on. With `keep_weights` the step-by-step path runs
    and `weights` keeps the last (B, H, T_q, T_k) attention weights for plotting; otherwise the
    fused kernel computes the same numbers.
    """

    def __init__(self, n_embd: int, n_head: int, *, causal: bool = False, bias: bool = True,
                 dropout: float = 0.0, positional: str = "none", components=None):
        super().__init__()
        from engine.components import Components  # components.py imports this module's functions

        if n_embd % n_head:
            raise ValueError(f"n_embd={n_embd} must be divisible by n_head={n_head}")
        if positional == "rope" and (n_embd // n_head) % 2:
            raise ValueError(f"RoPE rotates pairs of channels: head size {n_embd // n_head} must be even")
        self.c_attn = nn.Linear(n_embd, 3 * n_embd, bias=bias)
        self.c_proj = nn.Linear(n_embd, n_embd, bias=bias)
        self.resid_dropout = nn.Dropout(dropout)
        self.n_embd, self.n_head, self.causal, self.positional = n_embd, n_head, causal, positional
        self.components = components or Components()
        self.keep_weights = False
        self.weights: torch.Tensor | None = None

    def forward(self, x, memory=None, mask=None, cache: LayerKVCache | None = None):
        """x (B, T, C); memory (B, S, C) or None for self-attention; mask bool broadcastable to
        (B, H, T, T_k), e.g. (B, 1, 1, T_k) for padding; cache extends keys/values in place (for
        cross-attention it keeps the memory's)."""
        B, T, C = check_shape("x", x, "B T C", C=self.n_embd).values()
        c = self.components
        if memory is None:
            q, k, v = self.c_attn(x).split(C, dim=2)  # 3 x (B, T, C)
            q, k, v = (c.split_heads(t, self.n_head) for t in (q, k, v))  # (B, H, T, d)
        else:
            q, k, v = self._cross_qkv(x, memory, cache)  # (B, H, T, d), (B, H, S, d)
        past = 0 if cache is None or memory is not None else len(cache)
        if self.positional == "rope":
            # rotate by absolute position; cached keys were rotated when they were new
            positions = torch.arange(past, past + T, device=x.device)
            q, k = apply_rope(q, positions), apply_rope(k, positions)
        if cache is not None and memory is None:
            k, v = cache.append(k, v)  # (B, H, past + T, d)
        bias = alibi_bias(self.n_head, T, k.size(2)).to(x) if self.positional == "alibi" else None
        y = self._attend(q, k, v, mask, bias)  # (B, H, T, d)
        return self.resid_dropout(self.c_proj(c.merge_heads(y)))  # (B, T, C)

    def _cross_qkv(self, x, memory, cache):
        """Queries from x (B, T, C), keys and values from memory (B, S, C), heads split.

        The memory does not change while the decoder writes, so with a cache its keys and values
        are projected at the first step only and read back from the cache after.
        """
        B, _, C = x.shape
        check_shape("memory", memory, "B S C", B=B, C=C)
        w_q, w_kv = self.c_attn.weight.split([C, 2 * C])
        b_q, b_kv = (None, None) if self.c_attn.bias is None else self.c_attn.bias.split([C, 2 * C])
        q = self.components.split_heads(F.linear(x, w_q, b_q), self.n_head)  # (B, H, T, d)
        if cache is not None and len(cache):
            return q, cache.k, cache.v  # (B, H, S, d) each
        kv = F.linear(memory, w_kv, b_kv).split(C, dim=2)  # 2 x (B, S, C)
        k, v = (self.components.split_heads(t, self.n_head) for t in kv)  # (B, H, S, d)
        if cache is not None:
            cache.append(k, v)
        return q, k, v

    def _attend(self, q, k, v, mask, bias):
        """q (B, H, T, d), k and v (B, H, T_k, d) -> (B, H, T, d): through a replaced attention,
        the step-by-step one (to keep the weights, or with a replaced softmax), or the fused kernel."""
        c = self.components
        T, T_k = q.size(2), k.size(2)
        fused = not self.keep_weights and c.attention is scaled_dot_product_attention and c.softmax is softmax
        if fused and self.causal and mask is None and bias is None and T == T_k and c.causal_mask is causal_mask:
            # the kernel's own causal flag skips the masked half instead of reading a mask
            return F.scaled_dot_product_attention(q, k, v, is_causal=True)
        if self.causal:
            causal = c.causal_mask(T, T_k).to(q.device)  # (T, T_k), offset by the cached positions
            mask = causal if mask is None else mask & causal
        if c.attention is not scaled_dot_product_attention:  # someone else's attention, as given
            if bias is not None:
                raise ValueError("ALiBi adds a bias to the scores, which a replaced attention cannot take")
            return c.attention(q, k, v, mask)
        if not fused:
            y, steps = scaled_dot_product_attention(q, k, v, mask, bias=bias, softmax=c.softmax, explain=True)
            self.weights = steps["weights"].detach() if self.keep_weights else None
            return y
        return fast_attention(q, k, v, mask, bias=bias)


def keep_attention_weights(model: nn.Module, keep: bool = True) -> None:
    """Make every attention layer of `model` keep its weights (in `.weights`) for plotting."""
    for module in model.modules():
        if isinstance(module, MultiHeadAttention):
            module.keep_weights = keep
            module.weights = None
