"""Classic wrong versions of softmax, one per mistake id."""

import torch


def no_max_subtraction(x, dim=-1):
    e = torch.exp(x)  # inf for large x, then inf / inf = NaN
    return e / e.sum(dim=dim, keepdim=True)


def ignores_dim(x, dim=-1):
    e = torch.exp(x - x.amax(dim=-1, keepdim=True))
    return e / e.sum(dim=-1, keepdim=True)


def sum_over_everything(x, dim=-1):
    e = torch.exp(x - x.amax(dim=dim, keepdim=True))
    return e / e.sum()


def not_normalised(x, dim=-1):
    return torch.exp(x - x.amax(dim=dim, keepdim=True))


def global_max(x, dim=-1):
    e = torch.exp(x - x.max())
    return e / e.sum(dim=dim, keepdim=True)
