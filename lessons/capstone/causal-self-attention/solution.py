import math

import torch


def causal_self_attention(x, w_qkv, b_qkv, w_o, b_o, n_head, mask=None):
    """Multi-head self-attention, as one GPT block runs it (Vaswani et al. 2017, §3.2.2).

    x: (B, T, C); w_qkv: (3C, C) nn.Linear layout [W_q; W_k; W_v], b_qkv: (3C,) or None;
    w_o: (C, C), b_o: (C,) or None; mask: bool (T, T), True = may attend, or None.
    Returns (B, T, C).
    """
    B, T, C = x.shape
    d = C // n_head

    # 1) One matmul projects every token to its query, key and value.
    qkv = x @ w_qkv.T  # (B, T, 3C)
    if b_qkv is not None:
        qkv = qkv + b_qkv
    q, k, v = qkv.split(C, dim=-1)  # each (B, T, C)

    # 2) Split heads: each head gets its own d-wide slice of the channels.
    q, k, v = (t.view(B, T, n_head, d).transpose(1, 2) for t in (q, k, v))  # (B, H, T, d)

    # 3) Scaled dot-product attention, masked before the softmax.
    scores = q @ k.transpose(-2, -1) / math.sqrt(d)  # (B, H, T, T)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)  # (B, H, T, T), each row sums to 1
    y = weights @ v  # (B, H, T, d)

    # 4) Merge heads side by side again, then mix them with the output projection.
    y = y.transpose(1, 2).reshape(B, T, C)  # (B, T, C)
    y = y @ w_o.T
    if b_o is not None:
        y = y + b_o
    return y
