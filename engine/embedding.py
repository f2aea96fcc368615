"""From token ids to vectors: the token embedding plus absolute positions (Vaswani et al. 2017, §3.4-3.5)."""

from __future__ import annotations

import math

import torch
from torch import nn

from engine.config import TransformerConfig
from engine.positional import LearnedPositionalEmbedding, SinusoidalPositionalEncoding
from engine.shapes import check_shape


class TokenEmbedding(nn.Embedding):
    """A learned vector per token id, optionally multiplied by √d_model (§3.4) so that it is not
    drowned by the unit-scale sinusoids added to it."""

    def __init__(self, vocab_size: int, n_embd: int, scale: bool = False):
        super().__init__(vocab_size, n_embd)
        self.scale = math.sqrt(n_embd) if scale else 1.0

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        check_shape("idx", idx, "B T")
        if idx.numel() and not 0 <= int(idx.min()) <= int(idx.max()) < self.num_embeddings:
            raise ValueError(f"expected token ids in [0, vocab_size={self.num_embeddings}), "
                             f"got values from {int(idx.min())} to {int(idx.max())}")
        return super().forward(idx) * self.scale  # (B, T, C)


def absolute_positions(config: TransformerConfig) -> nn.Module | None:
    """The module that adds positions to the embeddings; None when they act inside attention (RoPE, ALiBi)."""
    if config.positional == "learned":
        return LearnedPositionalEmbedding(config.block_size, config.n_embd)
    if config.positional == "sinusoidal":
        return SinusoidalPositionalEncoding(config.n_embd)
    return None


def embed(wte: TokenEmbedding, wpe: nn.Module | None, idx: torch.Tensor, start: int = 0) -> torch.Tensor:
    """Token vectors plus the positions start, start+1, …: idx (B, T) -> (B, T, C)."""
    x = wte(idx)  # (B, T, C)
    if wpe is not None:
        positions = torch.arange(start, start + idx.size(1), device=idx.device)  # (T,)
        x = x + wpe(positions)  # (T, C) broadcast over the batch
    return x
