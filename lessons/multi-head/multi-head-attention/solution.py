import math

import torch


def multi_head_attention(x, w_qkv, b_qkv, w_o, b_o, n_head, mask=None):
    """Multi-head self-attention (Vaswani et al. 2017, §3.2.2).

    x: (B, T, C); w_qkv: (3C, C) stacking [W_q; W_k; W_v], b_qkv: (3C,);
    w_o: (C, C), b_o: (C,); mask: bool broadcastable to (B, H, T, T), True = may attend.
    Returns (B, T, C).
    """
    B, T, C = x.shape
    d_head = C // n_head
    # 1) One matrix product for all three projections, then cut it in three.
    q, k, v = (x @ w_qkv.T + b_qkv).split(C, dim=-1)              # (B, T, C) each
    # 2) Each head gets its own d_head-wide slice of every token's features.
    q, k, v = (t.view(B, T, n_head, d_head).transpose(1, 2) for t in (q, k, v))  # (B, H, T, d_head)
    # 3) Scaled dot-product attention, all heads at once; scale by the head size.
    scores = q @ k.transpose(-2, -1) / math.sqrt(d_head)          # (B, H, T, T)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)                       # (B, H, T, T)
    out = weights @ v                                             # (B, H, T, d_head)
    # 4) Heads side by side again, then W_o mixes them.
    out = out.transpose(1, 2).reshape(B, T, C)                    # (B, T, C)
    return out @ w_o.T + b_o                                      # (B, T, C)
