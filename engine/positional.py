"""Positional information: attention alone is blind to order, so every position must be told where it is.

Four ways, selected by `TransformerConfig.positional`:
- "learned": a trained vector per position (GPT-2); cannot go past `block_size`.
- "sinusoidal": fixed waves added to the embeddings (Vaswani et al. 2017, §3.5).
- "rope": rotate queries and keys by a position-dependent angle (Su et al. 2021, RoFormer §3.4).
- "alibi": a distance penalty added to the attention scores (Press et al. 2022, §3).
The last three are functions of the position alone, so they extrapolate past the trained length.
"""

from __future__ import annotations

import torch
from torch import nn

from engine.shapes import ShapeError, check_shape


def sinusoidal_encoding(T: int, d_model: int, base: float = 10000.0) -> torch.Tensor:
    """(T, d_model): PE[p, 2i] = sin(p / base^(2i/d)), PE[p, 2i+1] = cos(p / base^(2i/d)).

    Each pair of channels is a wave of its own wavelength, from 2π up to base·2π, so nearby
    positions look alike and any offset is a linear function of the encoding (§3.5).
    """
    # float64 for the angles: positions in the thousands times small frequencies lose digits in fp32
    p = torch.arange(T, dtype=torch.float64)[:, None]  # (T, 1)
    two_i = torch.arange(0, d_model, 2, dtype=torch.float64)  # (ceil(d/2),)
    angle = p / base ** (two_i / d_model)  # (T, ceil(d/2))
    pe = torch.zeros(T, d_model, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle[:, : d_model // 2])
    return pe.to(torch.get_default_dtype())


def apply_rope(x: torch.Tensor, positions: torch.Tensor | None = None, base: float = 10000.0) -> torch.Tensor:
    """Rotate each pair (x[2i], x[2i+1]) by the angle pos · base^(-2i/d) (RoFormer, eq. 34).

    x (…, T, d) with d even; positions (T,) (default arange(T)). A rotation by mθ of the query
    and nθ of the key leaves their dot product depending on m - n only: relative position for free.
    """
    T, d = check_shape("x", x, "... T d").values()
    if d % 2:
        raise ShapeError(f"expected x of shape (..., T, d) with d even, got {tuple(x.shape)}")
    if positions is None:
        positions = torch.arange(T, device=x.device)
    theta = base ** (-torch.arange(0, d, 2, dtype=torch.float64, device=x.device) / d)  # (d/2,)
    angle = positions.to(torch.float64)[..., None] * theta  # (T, d/2)
    cos, sin = torch.cos(angle).to(x.dtype), torch.sin(angle).to(x.dtype)
    x1, x2 = x[..., 0::2], x[..., 1::2]  # (…, T, d/2) each: the two coordinates of every pair
    rotated = torch.stack([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)  # (…, T, d/2, 2)
    return rotated.flatten(-2)  # (…, T, d), pairs interleaved back in place


def alibi_slopes(n_head: int) -> torch.Tensor:
    """(H,): the geometric sequence 2^(-8h/H), h = 1..H; each head its own distance scale (§3)."""
    h = torch.arange(1, n_head + 1, dtype=torch.float64)
    return (2.0 ** (-8.0 * h / n_head)).to(torch.get_default_dtype())


def alibi_bias(n_head: int, T_q: int, T_k: int | None = None) -> torch.Tensor:
    """(H, T_q, T_k) = -slope_h · (i_abs - j), added to the attention scores.

    Queries are the last T_q of T_k positions (i_abs = i + T_k - T_q), as with a KV cache. Keys
    further in the past are penalised linearly; future keys get positive values, which the
    causal mask removes.
    """
    T_k = T_q if T_k is None else T_k
    i_abs = torch.arange(T_q) + (T_k - T_q)  # (T_q,)
    distance = i_abs[:, None] - torch.arange(T_k)[None, :]  # (T_q, T_k)
    return -alibi_slopes(n_head)[:, None, None] * distance  # (H, T_q, T_k)


class LearnedPositionalEmbedding(nn.Embedding):
    """One trained vector per position, as GPT-2's `wpe`; positions past `block_size` do not exist."""

    def forward(self, positions: torch.Tensor) -> torch.Tensor:
        check_shape("positions", positions, "T")
        if positions.numel() and int(positions.max()) >= self.num_embeddings:
            raise ShapeError(
                f"expected positions below block_size={self.num_embeddings} (learned positions "
                f"cannot extrapolate), got position {int(positions.max())}"
            )
        return super().forward(positions)  # (T, C)


class SinusoidalPositionalEncoding(nn.Module):
    """Fixed sinusoids (§3.5), computed for whatever positions come: no parameters, no length limit."""

    def __init__(self, d_model: int, base: float = 10000.0):
        super().__init__()
        self.d_model, self.base = d_model, base

    def forward(self, positions: torch.Tensor) -> torch.Tensor:
        check_shape("positions", positions, "T")
        T = int(positions.max()) + 1 if positions.numel() else 0
        pe = sinusoidal_encoding(T, self.d_model, self.base).to(positions.device)
        return pe[positions]  # (T, C)
