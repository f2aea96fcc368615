import math

import torch


def causal_self_attention(x, w_qkv, b_qkv, w_o, b_o, n_head, mask=None):
    """Multi-head self-attention, exactly as one block of your GPT runs it.

    x: (B, T, C); w_qkv: (3C, C) in nn.Linear layout with rows [W_q; W_k; W_v], b_qkv: (3C,) or None;
    w_o: (C, C), b_o: (C,) or None; mask: bool (T, T) with True = may attend (the causal mask), or None.

    1) project x to q, k, v   2) split into n_head heads of size C // n_head
    3) scaled dot-product attention with the mask   4) merge heads, output projection.
    Return (B, T, C).
    """
    raise NotImplementedError("project, split heads, attend with the mask, merge, project")
