"""The functions the model's modules call, gathered in one place so they can be swapped.

Every module reaches attention, the causal mask, head splitting, layer norm and the
feed-forward network through its `components`, so a `GPT(config, components=Components(
attention=my_attention))` runs someone else's implementation inside the real model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from engine.attention import causal_mask, merge_heads, scaled_dot_product_attention, softmax, split_heads
from engine.feedforward import feed_forward
from engine.norm import layer_norm


@dataclass(frozen=True)
class Components:
    """Each field has the signature of the engine function it defaults to."""

    softmax: Callable = softmax  # used by the engine's attention when `attention` is not replaced
    attention: Callable = scaled_dot_product_attention
    causal_mask: Callable = causal_mask
    split_heads: Callable = split_heads
    merge_heads: Callable = merge_heads
    layer_norm: Callable = layer_norm
    feed_forward: Callable = feed_forward
