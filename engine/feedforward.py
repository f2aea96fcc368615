"""The position-wise feed-forward network (Vaswani et al. 2017, §3.3): the same two-layer MLP
applied to every position on its own, widening to d_ff (4 × C by default) and back."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from engine.shapes import check_shape

ACTIVATIONS = {
    "gelu": F.gelu,  # exact: x · Φ(x) with the erf (BERT, the original GELU paper)
    "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),  # GPT-2's "gelu_new"
    "relu": F.relu,  # the original transformer
}


def feed_forward(x, w1, b1, w2, b2, activation: str = "gelu"):
    """activation(x W1ᵀ + b1) W2ᵀ + b2; x (B, T, C), w1 (d_ff, C), w2 (C, d_ff) in nn.Linear layout."""
    C = check_shape("x", x, "... C")["C"]
    d_ff = check_shape("w1", w1, "d_ff C", C=C)["d_ff"]
    check_shape("w2", w2, "C d_ff", C=C, d_ff=d_ff)
    h = ACTIVATIONS[activation](F.linear(x, w1, b1))  # (B, T, d_ff)
    return F.linear(h, w2, b2)  # (B, T, C)


class MLP(nn.Module):
    """The feed-forward sublayer with GPT-2's parameter names (`c_fc`, `c_proj`) and output dropout."""

    def __init__(self, n_embd: int, d_ff: int | None = None, activation: str = "gelu",
                 bias: bool = True, dropout: float = 0.0, components=None):
        super().__init__()
        from engine.components import Components  # components.py imports feed_forward from here

        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}; choose from {sorted(ACTIVATIONS)}")
        d_ff = 4 * n_embd if d_ff is None else d_ff
        self.c_fc = nn.Linear(n_embd, d_ff, bias=bias)
        self.c_proj = nn.Linear(d_ff, n_embd, bias=bias)
        self.dropout = nn.Dropout(dropout)
        self.activation = activation
        self.components = components or Components()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_shape("x", x, "B T C", C=self.c_fc.in_features)
        y = self.components.feed_forward(
            x, self.c_fc.weight, self.c_fc.bias, self.c_proj.weight, self.c_proj.bias, activation=self.activation
        )
        return self.dropout(y)  # (B, T, C)
