import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from engine.attention import (
    STEP_LABELS,
    causal_mask,
    cross_attention,
    fast_attention,
    kv_cache_step,
    merge_heads,
    multi_head_attention,
    scaled_dot_product_attention,
    softmax,
    split_heads,
)
from engine.shapes import ShapeError

B, H, T_q, T_k, d_k, d_v = 2, 3, 5, 7, 11, 13
C = H * d_k  # 33
C_ROPE = H * 10  # RoPE rotates pairs: an even head size


def qkv(dtype=torch.float64, seed=0):
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(B, H, T_q, d_k, generator=g, dtype=dtype)
    k = torch.randn(B, H, T_k, d_k, generator=g, dtype=dtype)
    v = torch.randn(B, H, T_k, d_v, generator=g, dtype=dtype)
    return q, k, v


def random_mask(shape, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(shape, generator=g) < 0.6


def test_softmax_matches_torch_and_survives_large_and_masked_rows():
    x = torch.randn(3, 5, 7, dtype=torch.float64) * 300  # exp(300·) overflows without the max shift
    torch.testing.assert_close(softmax(x, dim=1), torch.softmax(x, dim=1))
    rows = torch.tensor([[float("-inf")] * 3, [0.0, float("-inf"), 1.0]])
    out = softmax(rows)
    assert torch.equal(out[0], torch.zeros(3))
    torch.testing.assert_close(out[1], torch.tensor([1 / (1 + math.e), 0.0, math.e / (1 + math.e)]))


def test_attention_matches_torch_sdpa_with_and_without_mask():
    q, k, v = qkv()
    torch.testing.assert_close(scaled_dot_product_attention(q, k, v), F.scaled_dot_product_attention(q, k, v))
    mask = random_mask((B, 1, T_q, T_k))
    mask[..., 0] = True  # every query may attend somewhere: torch and we agree on those rows
    expected = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    torch.testing.assert_close(scaled_dot_product_attention(q, k, v, mask), expected)


def test_fully_masked_query_gives_zero_row():
    q, k, v = qkv()
    mask = torch.ones(T_q, T_k, dtype=torch.bool)
    mask[2] = False
    out = scaled_dot_product_attention(q, k, v, mask)
    assert torch.equal(out[:, :, 2], torch.zeros(B, H, d_v, dtype=out.dtype))
    assert not out.isnan().any()
    torch.testing.assert_close(fast_attention(q, k, v, mask), out)


def test_explain_returns_every_step_in_order():
    q, k, v = qkv()
    mask = causal_mask(T_q, T_k)
    out, steps = scaled_dot_product_attention(q, k, v, mask, explain=True)
    assert list(steps) == list(STEP_LABELS) == ["scores", "scaled", "masked", "weights", "output"]
    torch.testing.assert_close(steps["scores"], q @ k.mT)
    torch.testing.assert_close(steps["scaled"], q @ k.mT / math.sqrt(d_k))
    assert torch.isneginf(steps["masked"][..., ~mask]).all()
    torch.testing.assert_close(steps["weights"].sum(-1), torch.ones(B, H, T_q, dtype=q.dtype))
    assert steps["output"] is out
    assert STEP_LABELS["weights"] == "softmax(QKᵀ/√d_k)"


def test_fast_path_equals_explain_path_in_float32():
    q, k, v = qkv(torch.float32)
    mask = random_mask((B, H, T_q, T_k), seed=1)
    slow, _ = scaled_dot_product_attention(q, k, v, mask, explain=True)
    torch.testing.assert_close(fast_attention(q, k, v, mask), slow, atol=1e-5, rtol=0)


def test_bias_is_added_to_scaled_scores():
    q, k, v = qkv()
    bias = torch.randn(H, T_q, T_k, dtype=q.dtype)
    expected = torch.softmax(q @ k.mT / math.sqrt(d_k) + bias, -1) @ v
    torch.testing.assert_close(scaled_dot_product_attention(q, k, v, bias=bias), expected)
    torch.testing.assert_close(fast_attention(q, k, v, causal_mask(T_q, T_k), bias=bias),
                               scaled_dot_product_attention(q, k, v, causal_mask(T_q, T_k), bias=bias))


def test_accepts_other_leading_dims():
    q, k, v = qkv()
    torch.testing.assert_close(scaled_dot_product_attention(q[0, 0], k[0, 0], v[0, 0]),
                               F.scaled_dot_product_attention(q[0, 0], k[0, 0], v[0, 0]))


def test_shape_errors_name_the_dimension():
    q, k, v = qkv()
    with pytest.raises(ShapeError, match=r"expected k of shape \(\.\.\., T_k, d_k\) with d_k=11"):
        scaled_dot_product_attention(q, k[..., :-1], v)
    with pytest.raises(ShapeError, match="T_k=7"):
        scaled_dot_product_attention(q, k, v[:, :, :-1])
    with pytest.raises(ShapeError, match="mask"):
        scaled_dot_product_attention(q, k, v, torch.ones(T_k, T_q, dtype=torch.bool))
    with pytest.raises(TypeError):
        scaled_dot_product_attention(q, k, v, torch.ones(T_q, T_k))
    with pytest.raises(ShapeError, match="same leading dimensions"):
        scaled_dot_product_attention(q, k[:, :2], v[:, :2])


def test_causal_mask():
    assert torch.equal(causal_mask(3), torch.tensor([[1, 0, 0], [1, 1, 0], [1, 1, 1]], dtype=torch.bool))
    # queries are the last 2 of 4 positions
    assert torch.equal(causal_mask(2, 4), torch.tensor([[1, 1, 1, 0], [1, 1, 1, 1]], dtype=torch.bool))


def test_split_and_merge_heads_round_trip():
    x = torch.randn(B, T_q, C)
    heads = split_heads(x, H)
    assert heads.shape == (B, H, T_q, d_k)
    torch.testing.assert_close(heads[:, 1], x[..., d_k: 2 * d_k])  # head 1 owns channels d_k..2d_k
    assert torch.equal(merge_heads(heads), x)
    with pytest.raises(ShapeError, match="divisible by n_head=4"):
        split_heads(x, 4)


def reference_mha(embed_dim, n_head, bias=True):
    torch.manual_seed(0)
    mha = nn.MultiheadAttention(embed_dim, n_head, bias=bias, batch_first=True, dtype=torch.float64)
    return mha.eval()


def test_multi_head_attention_matches_torch():
    mha = reference_mha(C, H)
    x = torch.randn(B, T_q, C, dtype=torch.float64)
    mask = causal_mask(T_q)
    out = multi_head_attention(x, mha.in_proj_weight, mha.in_proj_bias, mha.out_proj.weight, mha.out_proj.bias, H, mask)
    expected, _ = mha(x, x, x, attn_mask=~mask, need_weights=False)  # torch: True = may NOT attend
    torch.testing.assert_close(out, expected)


def test_cross_attention_matches_torch_with_memory_mask():
    mha = reference_mha(C, H, bias=False)
    x = torch.randn(B, T_q, C, dtype=torch.float64)
    memory = torch.randn(B, T_k, C, dtype=torch.float64)
    keep = random_mask((B, T_k), seed=2)
    keep[:, 0] = True
    w_q, w_k, w_v = mha.in_proj_weight.chunk(3)
    out = cross_attention(x, memory, w_q, w_k, w_v, mha.out_proj.weight, H, keep[:, None, None, :])
    expected, _ = mha(x, memory, memory, key_padding_mask=~keep, need_weights=False)
    torch.testing.assert_close(out, expected)


def test_kv_cache_step_equals_attention_over_the_whole_sequence():
    torch.manual_seed(0)
    T = 6
    x = torch.randn(B, T, C, dtype=torch.float64)
    w_qkv = torch.randn(3 * C, C, dtype=torch.float64) / math.sqrt(C)
    eye = torch.eye(C, dtype=torch.float64)
    full = multi_head_attention(x, w_qkv, None, eye, None, H, causal_mask(T))
    k_cache = v_cache = torch.zeros(B, H, 0, d_k, dtype=torch.float64)
    outs = []
    for t in range(T):
        out, k_cache, v_cache = kv_cache_step(x[:, t: t + 1], w_qkv, H, k_cache, v_cache)
        outs.append(out)
    assert k_cache.shape == v_cache.shape == (B, H, T, d_k)
    torch.testing.assert_close(torch.cat(outs, dim=1), full)


@settings(max_examples=25, deadline=None)
@given(
    b=st.integers(1, 3), h=st.integers(1, 3), tq=st.integers(1, 6), tk=st.integers(1, 6),
    d=st.integers(1, 5), dv=st.integers(1, 5), seed=st.integers(0, 2**16),
)
def test_property_shapes_masks_and_fast_path(b, h, tq, tk, d, dv, seed):
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(b, h, tq, d, generator=g, dtype=torch.float64)
    k = torch.randn(b, h, tk, d, generator=g, dtype=torch.float64)
    v = torch.randn(b, h, tk, dv, generator=g, dtype=torch.float64)
    mask = torch.rand(b, 1, tq, tk, generator=g) < 0.5
    out, steps = scaled_dot_product_attention(q, k, v, mask, explain=True)
    assert out.shape == (b, h, tq, dv)
    w = steps["weights"]
    assert (w[~mask.expand_as(w)] == 0).all()  # masked keys get exactly zero weight
    row_sums = w.sum(-1)
    allowed = mask.expand_as(w).any(-1)
    torch.testing.assert_close(row_sums[allowed], torch.ones_like(row_sums[allowed]))
    assert (out[~allowed] == 0).all()  # queries with nothing to attend to output zeros
    torch.testing.assert_close(fast_attention(q, k, v, mask), out)


@settings(max_examples=20, deadline=None)
@given(tq=st.integers(1, 8), extra=st.integers(0, 8))
def test_property_causal_mask_offsets_to_the_last_positions(tq, extra):
    tk = tq + extra
    m = causal_mask(tq, tk)
    for i in range(tq):
        i_abs = i + extra
        assert m[i].tolist() == [j <= i_abs for j in range(tk)]


def module_like(mha_ref, **kwargs):
    from engine.attention import MultiHeadAttention

    ours = MultiHeadAttention(C, H, **kwargs).double().eval()
    ours.c_attn.weight.data.copy_(mha_ref.in_proj_weight)
    ours.c_attn.bias.data.copy_(mha_ref.in_proj_bias)
    ours.c_proj.weight.data.copy_(mha_ref.out_proj.weight)
    ours.c_proj.bias.data.copy_(mha_ref.out_proj.bias)
    return ours


def test_module_self_attention_matches_torch_with_causal_and_padding_masks():
    ref = reference_mha(C, H)
    ours = module_like(ref, causal=True)
    x = torch.randn(B, T_k, C, dtype=torch.float64)
    keep = torch.ones(B, T_k, dtype=torch.bool)
    keep[1, 4:] = False
    expected, _ = ref(x, x, x, attn_mask=~causal_mask(T_k), key_padding_mask=~keep, need_weights=False)
    torch.testing.assert_close(ours(x, mask=keep[:, None, None, :]), expected)


def test_module_cross_attention_matches_torch():
    ref = reference_mha(C, H)
    ours = module_like(ref)
    x = torch.randn(B, T_q, C, dtype=torch.float64)
    memory = torch.randn(B, T_k, C, dtype=torch.float64)
    expected, _ = ref(x, memory, memory, need_weights=False)
    torch.testing.assert_close(ours(x, memory), expected)
    with pytest.raises(ShapeError, match="expected memory of shape \\(B, S, C\\) with B=2, C=33"):
        ours(x, memory[:, :, :-1])


@pytest.mark.parametrize("positional", ["none", "rope", "alibi"])
def test_module_fast_path_equals_explain_path_and_keeps_weights(positional):
    from engine.attention import MultiHeadAttention

    torch.manual_seed(0)
    attn = MultiHeadAttention(C_ROPE, H, causal=True, positional=positional).eval()
    x = torch.randn(B, T_k, C_ROPE)
    fast = attn(x)
    assert attn.weights is None
    attn.keep_weights = True
    explained = attn(x)
    torch.testing.assert_close(explained, fast, atol=1e-5, rtol=0)
    w = attn.weights
    assert w.shape == (B, H, T_k, T_k)
    assert (w[..., ~causal_mask(T_k)] == 0).all()
    torch.testing.assert_close(w.sum(-1), torch.ones(B, H, T_k))


def test_module_cache_gives_the_same_output_as_the_full_sequence():
    from engine.attention import LayerKVCache, MultiHeadAttention

    torch.manual_seed(0)
    attn = MultiHeadAttention(C_ROPE, H, causal=True, positional="rope").double().eval()
    x = torch.randn(B, T_k, C_ROPE, dtype=torch.float64)
    cache = LayerKVCache()
    steps = [attn(x[:, :2], cache=cache)] + [attn(x[:, t: t + 1], cache=cache) for t in range(2, T_k)]
    assert len(cache) == T_k
    torch.testing.assert_close(torch.cat(steps, dim=1), attn(x))


def test_cropped_cache_continues_as_if_the_dropped_tokens_never_came():
    from engine.attention import KVCache, MultiHeadAttention

    torch.manual_seed(0)
    attn = MultiHeadAttention(C_ROPE, H, causal=True, positional="rope").double().eval()
    x = torch.randn(B, T_k, C_ROPE, dtype=torch.float64)
    cache = KVCache(n_layer=1, batch_size=B)
    attn(x[:, :3], cache=cache[0])
    attn(torch.randn(B, 2, C_ROPE, dtype=torch.float64), cache=cache[0])  # rejected drafts
    cache.crop(3)
    assert len(cache) == 3
    torch.testing.assert_close(attn(x[:, 3:], cache=cache[0]), attn(x)[:, 3:])


def test_module_checks_its_input():
    from engine.attention import MultiHeadAttention

    with pytest.raises(ShapeError, match="C=33"):
        MultiHeadAttention(C, H)(torch.randn(B, T_q, C - 1))
    with pytest.raises(ValueError, match="even"):
        MultiHeadAttention(C, H, positional="rope")


@settings(max_examples=20, deadline=None)
@given(b=st.integers(1, 3), t=st.integers(1, 5), h=st.integers(1, 4), d=st.integers(1, 4))
def test_property_split_then_merge_is_the_identity(b, t, h, d):
    x = torch.randn(b, t, h * d)
    heads = split_heads(x, h)
    assert heads.shape == (b, h, t, d)
    assert torch.equal(merge_heads(heads), x)
