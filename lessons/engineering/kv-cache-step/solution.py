import math

import torch


def kv_cache_step(x_new, w_qkv, n_head, k_cache, v_cache):
    """One decoding step of causal self-attention with a KV cache.

    x_new: (B, 1, C) the newest token; w_qkv: (3C, C) nn.Linear layout [W_q; W_k; W_v];
    k_cache, v_cache: (B, H, T_past, d) keys and values of every earlier token.
    Returns (out (B, 1, C) merged heads, before the output projection,
             k_cache (B, H, T_past + 1, d), v_cache (B, H, T_past + 1, d)).
    """
    B, _, C = x_new.shape
    d = C // n_head
    # 1) Project only the new token: one row of Q, K and V instead of T of them.
    q, k, v = (x_new @ w_qkv.T).split(C, dim=-1)  # each (B, 1, C)
    q, k, v = (t.view(B, 1, n_head, d).transpose(1, 2) for t in (q, k, v))  # (B, H, 1, d)
    # 2) Append the new key and value: the cache now covers every position so far.
    k_cache = torch.cat([k_cache, k], dim=2)  # (B, H, T_past + 1, d)
    v_cache = torch.cat([v_cache, v], dim=2)  # (B, H, T_past + 1, d)
    # 3) The newest token may look at every cached position, itself included, so no mask:
    #    the future does not exist yet.
    scores = q @ k_cache.transpose(-2, -1) / math.sqrt(d)  # (B, H, 1, T_past + 1)
    weights = torch.softmax(scores, dim=-1)
    out = weights @ v_cache  # (B, H, 1, d)
    out = out.transpose(1, 2).reshape(B, 1, C)  # merge heads: (B, 1, C)
    return out, k_cache, v_cache
