"""Residual connections and norms around the sublayers: the transformer block.

Post-norm (Vaswani et al. 2017, §3.1 "Add & Norm"): x = norm(x + sublayer(x)).
Pre-norm (GPT-2, Xiong et al. 2020): x = x + sublayer(norm(x)), which keeps an untouched
residual path from input to output and trains deep stacks without warm-up tricks.
"""

from __future__ import annotations

import torch
from torch import nn

from engine.attention import LayerKVCache, MultiHeadAttention
from engine.config import TransformerConfig
from engine.feedforward import MLP
from engine.norm import make_norm
from engine.shapes import check_shape


def residual(x: torch.Tensor, norm, sublayer, norm_first: bool = True) -> torch.Tensor:
    """One sublayer with its residual connection and its norm, in either order."""
    return x + sublayer(norm(x)) if norm_first else norm(x + sublayer(x))


def pre_norm_block(x: torch.Tensor, ln_1, attn, ln_2, mlp) -> torch.Tensor:
    """x + attn(ln_1(x)), then + mlp(ln_2(·)); x (B, T, C) -> (B, T, C)."""
    check_shape("x", x, "B T C")
    x = residual(x, ln_1, attn, norm_first=True)
    return residual(x, ln_2, mlp, norm_first=True)


def post_norm_block(x: torch.Tensor, ln_1, attn, ln_2, mlp) -> torch.Tensor:
    """ln_1(x + attn(x)), then ln_2(· + mlp(·)); x (B, T, C) -> (B, T, C)."""
    check_shape("x", x, "B T C")
    x = residual(x, ln_1, attn, norm_first=False)
    return residual(x, ln_2, mlp, norm_first=False)


def _self_attention(config: TransformerConfig, causal: bool, components) -> MultiHeadAttention:
    inside = config.positional if config.positional in ("rope", "alibi") else "none"
    return MultiHeadAttention(config.n_embd, config.n_head, causal=causal, bias=config.bias,
                              dropout=config.dropout, positional=inside, components=components)


def _mlp(config: TransformerConfig, components) -> MLP:
    return MLP(config.n_embd, config.ff_dim, config.activation, config.bias, config.dropout, components)


class Block(nn.Module):
    """Self-attention then the MLP, each inside a residual connection with its norm.

    Causal, it is a GPT layer; bidirectional, an encoder layer (§3.1, left of Figure 1).
    """

    def __init__(self, config: TransformerConfig, causal: bool, components=None):
        super().__init__()
        self.ln_1 = make_norm(config, components)
        self.attn = _self_attention(config, causal, components)
        self.ln_2 = make_norm(config, components)
        self.mlp = _mlp(config, components)
        self.norm_first = config.norm_first

    def forward(self, x: torch.Tensor, mask=None, cache: LayerKVCache | None = None) -> torch.Tensor:
        """x (B, T, C); mask bool broadcastable to (B, H, T, T_k) -> (B, T, C)."""
        check_shape("x", x, "B T C", C=self.attn.n_embd)
        block = pre_norm_block if self.norm_first else post_norm_block
        return block(x, self.ln_1, lambda h: self.attn(h, mask=mask, cache=cache), self.ln_2, self.mlp)


class DecoderBlock(nn.Module):
    """A layer of the original decoder (§3.1, right of Figure 1): causal self-attention,
    cross-attention to the encoder's output, then the MLP."""

    def __init__(self, config: TransformerConfig, components=None):
        super().__init__()
        self.ln_1 = make_norm(config, components)
        self.attn = _self_attention(config, True, components)
        self.ln_2 = make_norm(config, components)
        self.cross_attn = MultiHeadAttention(config.n_embd, config.n_head, bias=config.bias,
                                             dropout=config.dropout, components=components)
        self.ln_3 = make_norm(config, components)
        self.mlp = _mlp(config, components)
        self.norm_first = config.norm_first

    def forward(self, x, memory, memory_mask=None, cache: LayerKVCache | None = None,
                cross_cache: LayerKVCache | None = None) -> torch.Tensor:
        """x (B, T, C), memory (B, S, C); memory_mask bool broadcastable to (B, H, T, S) -> (B, T, C).
        `cache` holds the self-attention's past; `cross_cache` the memory's keys/values, which are
        projected once per sequence instead of at every decoding step."""
        check_shape("x", x, "B T C", C=self.attn.n_embd)
        x = residual(x, self.ln_1, lambda h: self.attn(h, cache=cache), self.norm_first)
        x = residual(x, self.ln_2, lambda h: self.cross_attn(h, memory, mask=memory_mask, cache=cross_cache),
                     self.norm_first)
        return residual(x, self.ln_3, self.mlp, self.norm_first)
