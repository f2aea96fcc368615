import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.attention import keep_attention_weights
from engine.config import TransformerConfig
from engine.models import GPT, Encoder, EncoderDecoder
from engine.shapes import ShapeError

POSITIONALS = ["learned", "sinusoidal", "rope", "alibi", "none"]
V, B, T = 37, 2, 9


def config(**overrides):
    # 3 heads of 10 dims: even for RoPE, distinct from every other size here
    return TransformerConfig(**{"vocab_size": V, "block_size": 13, "n_layer": 2, "n_head": 3, "n_embd": 30,
                                "d_ff": 23, **overrides})


def tokens(shape=(B, T), seed=0):
    return torch.randint(0, V, shape, generator=torch.Generator().manual_seed(seed))


def seeded(cls, cfg, **kwargs):
    torch.manual_seed(0)
    return cls(cfg, **kwargs).double().eval()


def test_gpt_logits_shape_and_gpt2_parameter_names():
    model = seeded(GPT, config())
    assert model(tokens()).shape == (B, T, V)
    names = set(dict(model.named_parameters()))
    assert {"transformer.wte.weight", "transformer.wpe.weight", "transformer.h.1.attn.c_attn.weight",
            "transformer.h.0.mlp.c_fc.bias", "transformer.ln_f.weight"} <= names
    assert "lm_head.weight" in model.state_dict()


@pytest.mark.parametrize("positional", POSITIONALS)
@pytest.mark.parametrize("norm_first", [True, False])
def test_kv_cache_gives_the_logits_of_full_recomputation(positional, norm_first):
    model = seeded(GPT, config(positional=positional, norm_first=norm_first))
    idx = tokens()
    cache = model.new_cache(B)
    steps = [model(idx[:, :4], cache=cache)] + [model(idx[:, t: t + 1], cache=cache) for t in range(4, T)]
    assert len(cache) == T
    torch.testing.assert_close(torch.cat(steps, dim=1), model(idx), atol=1e-10, rtol=1e-10)


def test_reordered_cache_follows_its_rows():
    # Rows 1, 1, 0 of the cache must continue rows 1, 1, 0 of the batch (as beams do).
    model = seeded(GPT, config(positional="rope"))
    idx = tokens()
    cache = model.new_cache(B)
    model(idx[:, :5], cache=cache)
    rows = torch.tensor([1, 1, 0])
    cache.reorder(rows)
    assert cache.batch_size == 3 and len(cache) == 5
    torch.testing.assert_close(model(idx[rows, 5:], cache=cache), model(idx[rows])[:, 5:], atol=1e-10, rtol=1e-10)


@pytest.mark.parametrize("positional", ["sinusoidal", "rope", "alibi", "none"])
def test_position_schemes_that_extrapolate_run_past_block_size(positional):
    model = seeded(GPT, config(positional=positional))
    long = tokens((1, 2 * 13 + 1))
    assert model(long).shape == (1, 27, V)
    encoder = seeded(Encoder, config(positional=positional))
    assert encoder(long).shape == (1, 27, 30)


def test_learned_positions_stop_at_block_size():
    with pytest.raises(ShapeError, match="block_size=13"):
        seeded(GPT, config())(tokens((1, 14)))


def test_without_positions_an_encoder_cannot_see_order():
    idx = tokens((1, 7))
    perm = [3, 0, 6, 1, 2, 5, 4]
    for positional in POSITIONALS:
        encoder = seeded(Encoder, config(positional=positional))
        equivariant = torch.allclose(encoder(idx[:, perm]), encoder(idx)[:, perm])
        assert equivariant == (positional == "none"), positional


def test_tied_and_untied_heads():
    tied = GPT(config())
    assert tied.lm_head.weight is tied.transformer.wte.weight
    untied = GPT(config(tie_weights=False))
    assert untied.lm_head.weight is not untied.transformer.wte.weight


def test_explain_path_equals_fast_path_and_keeps_weights():
    model = GPT(config(positional="alibi")).eval()
    idx = tokens()
    fast = model(idx)
    keep_attention_weights(model)
    torch.testing.assert_close(model(idx), fast, atol=1e-5, rtol=0)
    weights = model.transformer.h[1].attn.weights
    assert weights.shape == (B, 3, T, T)
    assert torch.triu(weights, diagonal=1).abs().max() == 0  # causal: nothing from the future


def test_gpt_input_checks_name_the_problem():
    model = GPT(config())
    with pytest.raises(ShapeError, match=r"expected idx of shape \(B, T\)"):
        model(tokens((T,)))
    with pytest.raises(ValueError, match="vocab_size=37"):
        model(torch.full((1, 3), V))
    with pytest.raises(ShapeError, match="B=2"):
        model(tokens((3, 1)), cache=model.new_cache(B))


def test_rmsnorm_gelu_tanh_and_scaled_embedding_configs_run():
    cfg = config(norm="rmsnorm", activation="gelu_tanh", scale_embedding=True, bias=False, positional="rope")
    model = seeded(GPT, cfg)
    assert model(tokens()).shape == (B, T, V)
    assert not any(name.endswith("bias") for name, _ in model.named_parameters())


def test_encoder_ignores_padding():
    encoder = seeded(Encoder, config())
    idx = tokens()
    mask = torch.ones(B, T, dtype=torch.bool)
    mask[:, 6:] = False
    other_padding = idx.clone()
    other_padding[:, 6:] = (idx[:, 6:] + 1) % V
    torch.testing.assert_close(encoder(idx, mask)[:, :6], encoder(other_padding, mask)[:, :6])
    assert not torch.allclose(encoder(idx)[:, :6], encoder(other_padding)[:, :6])  # without the mask it sees them


def test_encoder_is_bidirectional():
    encoder = seeded(Encoder, config())
    idx = tokens()
    changed = idx.clone()
    changed[:, -1] = (idx[:, -1] + 1) % V
    assert not torch.allclose(encoder(idx)[:, 0], encoder(changed)[:, 0])  # the first token sees the last


@pytest.mark.parametrize("norm_first", [True, False])
def test_encoder_decoder_cache_and_source_padding(norm_first):
    model = seeded(EncoderDecoder, config(n_encoder_layer=3, norm_first=norm_first, positional="sinusoidal",
                                          scale_embedding=True))
    assert len(model.encoder.transformer.h) == 3 and len(model.decoder.h) == 2
    src, tgt = tokens((B, 11), seed=1), tokens((B, 6), seed=2)
    src_mask = torch.ones(B, 11, dtype=torch.bool)
    src_mask[1, 8:] = False
    full = model(src, tgt, src_mask)
    assert full.shape == (B, 6, V)
    memory = model.encoder(src, src_mask)
    cache = model.new_cache(B)
    steps = [model.decode(tgt[:, t: t + 1], memory, src_mask, cache=cache) for t in range(6)]
    torch.testing.assert_close(torch.cat(steps, dim=1), full, atol=1e-10, rtol=1e-10)
    assert all(layer.k.shape[2] == 11 for layer in cache.cross)  # the source, projected once
    padded_differently = src.clone()
    padded_differently[1, 8:] = 0
    torch.testing.assert_close(model(padded_differently, tgt, src_mask), full)


def test_cross_attention_projects_the_memory_once_per_cache():
    model = seeded(EncoderDecoder, config())
    cross_attn = model.decoder.h[0].cross_attn
    memory, x = torch.randn(B, 11, 30, dtype=torch.double), torch.randn(B, 4, 30, dtype=torch.double)
    cache = model.new_cache(B).cross[0]
    steps = [cross_attn(x[:, t: t + 1], memory, cache=cache) for t in range(4)]
    k_first = cache.k
    torch.testing.assert_close(torch.cat(steps, dim=1), cross_attn(x, memory), atol=1e-12, rtol=0)
    assert cache.k is k_first and cache.k.shape == (B, 3, 11, 10)  # (B, H, S, d), projected at the first step
    # a later memory is not even read: the cache holds the one being decoded against
    torch.testing.assert_close(cross_attn(x[:, :1], memory + 1, cache=cache), steps[0])


def test_encoder_decoder_shares_one_embedding_matrix():
    model = EncoderDecoder(config())
    shared = model.encoder.transformer.wte.weight
    assert model.decoder.wte.weight is shared and model.lm_head.weight is shared


def test_dropout_acts_in_training_only():
    model = GPT(config(dropout=0.5))
    idx = tokens()
    assert not torch.equal(model(idx), model(idx))
    model.eval()
    assert torch.equal(model(idx), model(idx))


@settings(max_examples=10, deadline=None)
@given(b=st.integers(1, 3), t=st.integers(2, 13), cut=st.integers(1, 12), positional=st.sampled_from(POSITIONALS),
       norm_first=st.booleans())
def test_property_logits_never_see_the_future(b, t, cut, positional, norm_first):
    cut = min(cut, t - 1)
    model = seeded(GPT, config(positional=positional, norm_first=norm_first, n_layer=1))
    idx = tokens((b, t))
    changed = idx.clone()
    changed[:, cut:] = (idx[:, cut:] + 1) % V
    logits, logits_changed = model(idx), model(changed)
    assert logits.shape == (b, t, V)
    torch.testing.assert_close(logits[:, :cut], logits_changed[:, :cut])
    assert not torch.allclose(logits[:, cut:], logits_changed[:, cut:])
