import math

import torch


def cross_attention(x, memory, w_q, w_k, w_v, w_o, n_head, memory_mask=None):
    """Multi-head cross-attention (Vaswani et al. 2017, §3.2.3, "encoder-decoder attention").

    x: (B, T_q, C) decoder states; memory: (B, T_k, C) encoder output;
    weights (C, C) in nn.Linear layout; memory_mask bool (B, 1, 1, T_k), True = may attend.
    Returns (B, T_q, C).
    """
    B, T_q, C = x.shape
    T_k = memory.shape[1]
    d_head = C // n_head
    # 1) Queries ask from the decoder; keys and values answer from the memory.
    q = (x @ w_q.T).view(B, T_q, n_head, d_head).transpose(1, 2)       # (B, H, T_q, d_head)
    k = (memory @ w_k.T).view(B, T_k, n_head, d_head).transpose(1, 2)  # (B, H, T_k, d_head)
    v = (memory @ w_v.T).view(B, T_k, n_head, d_head).transpose(1, 2)  # (B, H, T_k, d_head)
    # 2) One score per (decoder position, memory position); the table is not square.
    scores = q @ k.transpose(-2, -1) / math.sqrt(d_head)               # (B, H, T_q, T_k)
    # 3) Only padding is masked: the whole memory is known, so no causal mask.
    if memory_mask is not None:
        scores = scores.masked_fill(~memory_mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)                            # (B, H, T_q, T_k)
    out = weights @ v                                                  # (B, H, T_q, d_head)
    # 4) Merge the heads and mix them with the output projection.
    out = out.transpose(1, 2).reshape(B, T_q, C)                       # (B, T_q, C)
    return out @ w_o.T                                                 # (B, T_q, C)
