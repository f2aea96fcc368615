"""Classic KV-cache slips, one function per catalogued mistake."""
import math

import torch


def _project(x_new, w_qkv, n_head):
    B, _, C = x_new.shape
    q, k, v = (x_new @ w_qkv.T).split(C, dim=-1)
    return (t.view(B, 1, n_head, C // n_head).transpose(1, 2) for t in (q, k, v))


def _attend(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    out = torch.softmax(scores, dim=-1) @ v
    B, H, _, d = out.shape
    return out.transpose(1, 2).reshape(B, 1, H * d)


def cache_not_appended(x_new, w_qkv, n_head, k_cache, v_cache):
    # Attends over the old cache only and hands it back unchanged: the new token is never stored.
    q, _, _ = _project(x_new, w_qkv, n_head)
    return _attend(q, k_cache, v_cache), k_cache, v_cache


def attends_before_append(x_new, w_qkv, n_head, k_cache, v_cache):
    # Stores the new key and value, but only after attending: the new token never sees itself.
    q, k, v = _project(x_new, w_qkv, n_head)
    return _attend(q, k_cache, v_cache), torch.cat([k_cache, k], dim=2), torch.cat([v_cache, v], dim=2)


def new_token_only(x_new, w_qkv, n_head, k_cache, v_cache):
    # Appends correctly but attends to the new token's own key and value alone.
    q, k, v = _project(x_new, w_qkv, n_head)
    return _attend(q, k, v), torch.cat([k_cache, k], dim=2), torch.cat([v_cache, v], dim=2)


def causal_mask_not_offset(x_new, w_qkv, n_head, k_cache, v_cache):
    # tril of a (1, T) matrix keeps column 0 only: the new query sees the first token and nothing else.
    q, k, v = _project(x_new, w_qkv, n_head)
    k_cache, v_cache = torch.cat([k_cache, k], dim=2), torch.cat([v_cache, v], dim=2)
    mask = torch.tril(torch.ones(1, k_cache.shape[2], dtype=torch.bool))
    return _attend(q, k_cache, v_cache, mask), k_cache, v_cache
