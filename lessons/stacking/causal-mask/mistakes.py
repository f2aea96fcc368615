"""The classic wrong causal masks."""

import torch


def causal_off_by_one(T):
    return torch.ones(T, T, dtype=torch.bool).tril(diagonal=-1)


def mask_inverted(T):
    return torch.ones(T, T, dtype=torch.bool).triu(diagonal=1)
