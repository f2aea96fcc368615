"""Classic cross-attention slips, one function per catalogued mistake."""
import math

import torch


def _attend(x, memory, w_q, w_k, w_v, w_o, n_head, mask, scale):
    B, T_q, C = x.shape
    T_k = memory.shape[1]
    d_head = C // n_head
    q = (x @ w_q.T).view(B, T_q, n_head, d_head).transpose(1, 2)
    k = (memory @ w_k.T).view(B, T_k, n_head, d_head).transpose(1, 2)
    v = (memory @ w_v.T).view(B, T_k, n_head, d_head).transpose(1, 2)
    scores = q @ k.transpose(-2, -1) * scale
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    out = torch.softmax(scores, dim=-1) @ v
    return out.transpose(1, 2).reshape(B, T_q, C) @ w_o.T


def kv_from_decoder(x, memory, w_q, w_k, w_v, w_o, n_head, memory_mask=None):
    # Self-attention by accident: the memory is never read.
    d_head = x.shape[-1] // n_head
    return _attend(x, x, w_q, w_k, w_v, w_o, n_head, None, 1 / math.sqrt(d_head))


def causal_on_cross(x, memory, w_q, w_k, w_v, w_o, n_head, memory_mask=None):
    T_q, T_k = x.shape[1], memory.shape[1]
    mask = torch.ones(T_q, T_k, dtype=torch.bool).tril()
    if memory_mask is not None:
        mask = mask & memory_mask
    d_head = x.shape[-1] // n_head
    return _attend(x, memory, w_q, w_k, w_v, w_o, n_head, mask, 1 / math.sqrt(d_head))


def missing_scale(x, memory, w_q, w_k, w_v, w_o, n_head, memory_mask=None):
    return _attend(x, memory, w_q, w_k, w_v, w_o, n_head, memory_mask, 1.0)


def scale_by_model_dim(x, memory, w_q, w_k, w_v, w_o, n_head, memory_mask=None):
    return _attend(x, memory, w_q, w_k, w_v, w_o, n_head, memory_mask, 1 / math.sqrt(x.shape[-1]))
