import math

import torch


def scaled_dot_product_attention(q, k, v, mask=None):
    """softmax(q kᵀ / √d_k) v.

    q (B, H, T_q, d_k), k (B, H, T_k, d_k), v (B, H, T_k, d_v);
    mask bool broadcastable to (B, H, T_q, T_k), True = may attend.
    Returns (B, H, T_q, d_v).
    """
    raise NotImplementedError("compare queries with keys, softmax, then mix the values")
