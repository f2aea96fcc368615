"""Classic slips when assembling multi-head self-attention, one function per catalogued mistake."""
import math

import torch


def _attention(q, k, v, mask, scale):
    scores = q @ k.transpose(-2, -1) / scale
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=-1) @ v


def _project(x, w, b):
    return x @ w.T if b is None else x @ w.T + b


def no_output_projection(x, w_qkv, b_qkv, w_o, b_o, n_head, mask=None):
    # Stops after merging the heads: they are concatenated but never mixed.
    B, T, C = x.shape
    q, k, v = (t.view(B, T, n_head, C // n_head).transpose(1, 2) for t in _project(x, w_qkv, b_qkv).split(C, dim=-1))
    return _attention(q, k, v, mask, math.sqrt(C // n_head)).transpose(1, 2).reshape(B, T, C)


def heads_without_transpose(x, w_qkv, b_qkv, w_o, b_o, n_head, mask=None):
    # view(B, H, T, d) straight from (B, T, C) slices the memory wrongly: "heads" mix tokens.
    B, T, C = x.shape
    q, k, v = (t.reshape(B, n_head, T, C // n_head) for t in _project(x, w_qkv, b_qkv).split(C, dim=-1))
    y = _attention(q, k, v, mask, math.sqrt(C // n_head)).reshape(B, T, C)
    return _project(y, w_o, b_o)


def mask_ignored(x, w_qkv, b_qkv, w_o, b_o, n_head, mask=None):
    # Every token sees the future: fine for an encoder, a leak for a language model.
    B, T, C = x.shape
    q, k, v = (t.view(B, T, n_head, C // n_head).transpose(1, 2) for t in _project(x, w_qkv, b_qkv).split(C, dim=-1))
    y = _attention(q, k, v, None, math.sqrt(C // n_head)).transpose(1, 2).reshape(B, T, C)
    return _project(y, w_o, b_o)


def scale_by_model_dim(x, w_qkv, b_qkv, w_o, b_o, n_head, mask=None):
    # Divides by √C instead of √(C / n_head): each head's dot products have only d terms.
    B, T, C = x.shape
    q, k, v = (t.view(B, T, n_head, C // n_head).transpose(1, 2) for t in _project(x, w_qkv, b_qkv).split(C, dim=-1))
    y = _attention(q, k, v, mask, math.sqrt(C)).transpose(1, 2).reshape(B, T, C)
    return _project(y, w_o, b_o)
