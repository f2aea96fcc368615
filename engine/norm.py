"""Normalisation over the channels of each position: LayerNorm (Ba et al. 2016) and RMSNorm
(Zhang & Sennrich 2019). Keeping activations at unit scale lets deep stacks train."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from engine.config import TransformerConfig
from engine.shapes import check_shape


def layer_norm(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, eps: float = 1e-5) -> torch.Tensor:
    """(x - mean) / √(var + eps) · weight + bias over the last dim, with the biased variance (÷C)."""
    C = x.size(-1)
    check_shape("weight", weight, "C", C=C)
    mean = x.mean(-1, keepdim=True)  # (…, 1)
    var = ((x - mean) ** 2).mean(-1, keepdim=True)  # (…, 1), biased: divides by C, not C - 1
    y = (x - mean) / torch.sqrt(var + eps) * weight
    return y if bias is None else y + bias


def rms_norm(x: torch.Tensor, weight: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """x / √(mean(x²) + eps) · weight: LayerNorm without re-centring, cheaper and as good in practice."""
    check_shape("weight", weight, "C", C=x.size(-1))
    return x * torch.rsqrt((x * x).mean(-1, keepdim=True) + eps) * weight


class LayerNorm(nn.Module):
    """LayerNorm with an optional bias (GPT-2 has one; many later models drop it).

    With the engine's own `layer_norm` it runs torch's fused kernel (the same numbers in one pass
    instead of seven); a replaced `components.layer_norm` is called as given.
    """

    def __init__(self, n_embd: int, eps: float = 1e-5, bias: bool = True, components=None):
        super().__init__()
        from engine.components import Components  # components.py imports layer_norm from here

        self.weight = nn.Parameter(torch.ones(n_embd))
        self.bias = nn.Parameter(torch.zeros(n_embd)) if bias else None
        self.eps = eps
        self.components = components or Components()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        C = check_shape("x", x, "... C", C=self.weight.numel())["C"]
        if self.components.layer_norm is layer_norm:
            return F.layer_norm(x, (C,), self.weight, self.bias, self.eps)
        return self.components.layer_norm(x, self.weight, self.bias, self.eps)


class RMSNorm(nn.Module):
    """RMSNorm: a learned gain, no bias, no mean; `rms_norm` computed by torch's fused kernel."""

    def __init__(self, n_embd: int, eps: float = 1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(n_embd))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        C = check_shape("x", x, "... C", C=self.weight.numel())["C"]
        return F.rms_norm(x, (C,), self.weight, self.eps)


def make_norm(config: TransformerConfig, components=None) -> nn.Module:
    """The norm a `TransformerConfig` asks for."""
    if config.norm == "rmsnorm":
        return RMSNorm(config.n_embd, config.norm_eps)
    return LayerNorm(config.n_embd, config.norm_eps, config.bias, components)
