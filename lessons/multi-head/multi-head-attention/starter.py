import math

import torch


def multi_head_attention(x, w_qkv, b_qkv, w_o, b_o, n_head, mask=None):
    """Multi-head self-attention.

    x: (B, T, C); w_qkv: (3C, C) stacking [W_q; W_k; W_v], b_qkv: (3C,);
    w_o: (C, C), b_o: (C,); mask: optional bool broadcastable to (B, H, T, T),
    True = may attend. Returns (B, T, C).
    """
    raise NotImplementedError("project to q, k, v; split heads; attend; merge; project out")
