import math

import torch


def cross_attention(x, memory, w_q, w_k, w_v, w_o, n_head, memory_mask=None):
    """Multi-head cross-attention: queries from x, keys and values from memory.

    x: (B, T_q, C); memory: (B, T_k, C); w_q, w_k, w_v, w_o: (C, C), nn.Linear layout,
    no biases; memory_mask: optional bool (B, 1, 1, T_k), True = may attend.
    No causal mask. Returns (B, T_q, C).
    """
    raise NotImplementedError("queries from x, keys and values from memory, then attention per head")
