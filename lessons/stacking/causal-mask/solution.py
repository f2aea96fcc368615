import torch


def causal_mask(T):
    """(T, T) bool: True where query i may attend to key j, i.e. j <= i."""
    # the lower triangle, diagonal included: every position sees itself and the past
    return torch.ones(T, T, dtype=torch.bool).tril()
