from collections import Counter

import torch

from engine import attention, feedforward, norm
from engine.components import Components
from engine.config import TransformerConfig
from engine.models import GPT


def test_defaults_are_the_engine_functions():
    c = Components()
    assert c.attention is attention.scaled_dot_product_attention
    assert c.softmax is attention.softmax
    assert c.causal_mask is attention.causal_mask
    assert c.split_heads is attention.split_heads and c.merge_heads is attention.merge_heads
    assert c.layer_norm is norm.layer_norm and c.feed_forward is feedforward.feed_forward


def counting(calls: Counter, name: str, fn):
    def wrapper(*args, **kwargs):
        calls[name] += 1
        return fn(*args, **kwargs)

    return wrapper


def test_replaced_components_run_inside_the_model():
    calls = Counter()
    c = Components()
    replaced = Components(**{name: counting(calls, name, getattr(c, name))
                             for name in ("attention", "causal_mask", "split_heads", "merge_heads", "layer_norm",
                                          "feed_forward")})
    cfg = TransformerConfig.nano(vocab_size=31, n_layer=2)
    torch.manual_seed(0)
    reference = GPT(cfg).eval()
    model = GPT(cfg, components=replaced).eval()
    model.load_state_dict(reference.state_dict())
    idx = torch.randint(0, 31, (2, 5))
    torch.testing.assert_close(model(idx), reference(idx), atol=1e-5, rtol=0)
    # per layer: one attention, one mask, three splits, one merge, two norms, one MLP; plus ln_f
    assert calls == Counter(attention=2, causal_mask=2, split_heads=6, merge_heads=2, layer_norm=5, feed_forward=2)


def test_a_replaced_softmax_is_used_by_the_engine_attention():
    calls = Counter()
    cfg = TransformerConfig.nano(vocab_size=31, n_layer=2)
    torch.manual_seed(0)
    reference = GPT(cfg).eval()
    model = GPT(cfg, components=Components(softmax=counting(calls, "softmax", torch.softmax))).eval()
    model.load_state_dict(reference.state_dict())
    idx = torch.randint(0, 31, (1, 6))
    torch.testing.assert_close(model(idx), reference(idx), atol=1e-5, rtol=0)
    assert calls["softmax"] == 2


def test_a_wrong_component_changes_the_output():
    def no_scale_attention(q, k, v, mask=None):
        return torch.softmax((q @ k.mT).masked_fill(~mask, float("-inf")), -1) @ v

    cfg = TransformerConfig.nano(vocab_size=31)
    torch.manual_seed(0)
    reference = GPT(cfg).eval()
    model = GPT(cfg, components=Components(attention=no_scale_attention)).eval()
    model.load_state_dict(reference.state_dict())
    idx = torch.randint(0, 31, (1, 6))
    assert not torch.allclose(model(idx), reference(idx), atol=1e-5)
