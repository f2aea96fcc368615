"""Classic multi-head slips, one function per catalogued mistake."""
import math

import torch


def _split(t, n_head):
    B, T, C = t.shape
    return t.view(B, T, n_head, C // n_head).transpose(1, 2)


def _merge(t):
    B, H, T, d = t.shape
    return t.transpose(1, 2).reshape(B, T, H * d)


def _attend(q, k, v, mask, scale, blocked=None):
    scores = q @ k.transpose(-2, -1) * scale
    if mask is not None:
        scores = scores.masked_fill(~mask if blocked is None else blocked, float("-inf"))
    return torch.softmax(scores, dim=-1) @ v


def heads_split_wrong(x, w_qkv, b_qkv, w_o, b_o, n_head, mask=None):
    B, T, C = x.shape
    q, k, v = (t.reshape(B, n_head, T, C // n_head) for t in (x @ w_qkv.T + b_qkv).split(C, dim=-1))
    out = _attend(q, k, v, mask, 1 / math.sqrt(C // n_head))
    return out.reshape(B, T, C) @ w_o.T + b_o


def scale_by_model_dim(x, w_qkv, b_qkv, w_o, b_o, n_head, mask=None):
    C = x.shape[-1]
    q, k, v = (_split(t, n_head) for t in (x @ w_qkv.T + b_qkv).split(C, dim=-1))
    return _merge(_attend(q, k, v, mask, 1 / math.sqrt(C))) @ w_o.T + b_o


def no_output_projection(x, w_qkv, b_qkv, w_o, b_o, n_head, mask=None):
    C = x.shape[-1]
    q, k, v = (_split(t, n_head) for t in (x @ w_qkv.T + b_qkv).split(C, dim=-1))
    return _merge(_attend(q, k, v, mask, 1 / math.sqrt(C // n_head)))


def mask_inverted(x, w_qkv, b_qkv, w_o, b_o, n_head, mask=None):
    C = x.shape[-1]
    q, k, v = (_split(t, n_head) for t in (x @ w_qkv.T + b_qkv).split(C, dim=-1))
    out = _attend(q, k, v, mask, 1 / math.sqrt(C // n_head), blocked=mask)
    return _merge(out) @ w_o.T + b_o


def mask_ignored(x, w_qkv, b_qkv, w_o, b_o, n_head, mask=None):
    C = x.shape[-1]
    q, k, v = (_split(t, n_head) for t in (x @ w_qkv.T + b_qkv).split(C, dim=-1))
    return _merge(_attend(q, k, v, None, 1 / math.sqrt(C // n_head))) @ w_o.T + b_o
