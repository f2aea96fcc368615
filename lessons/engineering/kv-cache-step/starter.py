import math

import torch


def kv_cache_step(x_new, w_qkv, n_head, k_cache, v_cache):
    """One decoding step of causal self-attention with a KV cache.

    x_new: (B, 1, C) the newest token; w_qkv: (3C, C) in nn.Linear layout, rows [W_q; W_k; W_v]
    (so q, k, v = (x_new @ w_qkv.T).split(C, dim=-1)); no biases.
    k_cache, v_cache: (B, H, T_past, d) with d = C // n_head.

    Return (out, k_cache, v_cache):
      out     (B, 1, C): the new token's attention output, heads merged, before any output projection
      k_cache (B, H, T_past + 1, d) and v_cache (B, H, T_past + 1, d): the caches with the new token appended
    """
    raise NotImplementedError("project the new token, append to the caches, attend over all of them")
