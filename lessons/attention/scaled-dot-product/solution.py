import math

import torch


def scaled_dot_product_attention(q, k, v, mask=None):
    """softmax(q kᵀ / √d_k) v.

    q (B, H, T_q, d_k), k (B, H, T_k, d_k), v (B, H, T_k, d_v);
    mask bool broadcastable to (B, H, T_q, T_k), True = may attend.
    Returns (B, H, T_q, d_v).
    """
    d_k = q.size(-1)
    # every query against every key: (B, H, T_q, d_k) @ (B, H, d_k, T_k) -> (B, H, T_q, T_k)
    scores = q @ k.transpose(-2, -1) / math.sqrt(d_k)
    if mask is not None:
        # -inf before the softmax: a masked key gets exactly zero weight
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)  # each query's weights over the keys sum to 1
    # a query with every key masked is 0/0 = NaN in the softmax: it attends to nothing
    weights = torch.nan_to_num(weights, nan=0.0)
    return weights @ v  # (B, H, T_q, T_k) @ (B, H, T_k, d_v) -> (B, H, T_q, d_v)
