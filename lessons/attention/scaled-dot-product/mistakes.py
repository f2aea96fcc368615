"""The classic wrong versions of scaled dot-product attention, one per catalogued mistake."""

import math

import torch


def _masked(scores, mask):
    return scores if mask is None else scores.masked_fill(~mask, float("-inf"))


def _softmax(scores):
    return torch.nan_to_num(torch.softmax(scores, dim=-1), nan=0.0)


def missing_scale(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1)
    return _softmax(_masked(scores, mask)) @ v


def scale_by_d(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / q.size(-1)
    return _softmax(_masked(scores, mask)) @ v


def softmax_axis(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))
    weights = torch.nan_to_num(torch.softmax(_masked(scores, mask), dim=-2), nan=0.0)
    return weights @ v


def mask_after_softmax(q, k, v, mask=None):
    weights = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(q.size(-1)), dim=-1)
    if mask is not None:
        weights = weights.masked_fill(~mask, 0.0)
    return weights @ v


def mask_inverted(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))
    if mask is not None:
        scores = scores.masked_fill(mask, float("-inf"))
    return _softmax(scores) @ v


def mask_zero_fill(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))
    if mask is not None:
        scores = scores.masked_fill(~mask, 0.0)
    return torch.softmax(scores, dim=-1) @ v


def nan_from_full_mask(q, k, v, mask=None):
    scores = _masked(q @ k.transpose(-2, -1) / math.sqrt(q.size(-1)), mask)
    return torch.softmax(scores, dim=-1) @ v
