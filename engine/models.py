"""The three transformers: GPT (decoder-only), Encoder, and EncoderDecoder (Vaswani et al. 2017, Figure 1).

Parameter names follow the published GPT-2 layout (`transformer.wte`, `transformer.h.N.attn.c_attn`,
`lm_head`, …) so that importing a checkpoint is a renaming, not a rewrite.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from engine.attention import KVCache
from engine.block import Block, DecoderBlock
from engine.config import TransformerConfig
from engine.embedding import TokenEmbedding, absolute_positions, embed
from engine.norm import make_norm
from engine.shapes import check_shape


def _stack(config: TransformerConfig, n_layer: int, make_block, components) -> nn.ModuleDict:
    """Embeddings, positions, dropout, the blocks and (pre-norm only) the final norm."""
    parts = {"wte": TokenEmbedding(config.vocab_size, config.n_embd, config.scale_embedding),
             "drop": nn.Dropout(config.dropout),
             "h": nn.ModuleList(make_block() for _ in range(n_layer))}
    if (wpe := absolute_positions(config)) is not None:
        parts["wpe"] = wpe
    # post-norm blocks end in a norm already; pre-norm leaves the residual stream unnormalised
    if config.norm_first:
        parts["ln_f"] = make_norm(config, components)
    return nn.ModuleDict(parts)


def _init_weights(model: nn.Module, n_layer: int) -> None:
    """GPT-2's initialisation: N(0, 0.02), zero biases, and the projections into the residual
    stream scaled by 1/√(2·n_layer) so its variance does not grow with depth."""
    for name, p in model.named_parameters():
        if name.endswith("c_proj.weight"):
            nn.init.normal_(p, std=0.02 / math.sqrt(2 * n_layer))
        elif p.dim() >= 2:
            nn.init.normal_(p, std=0.02)
        elif name.endswith("bias"):
            nn.init.zeros_(p)


def _padding_mask(mask: torch.Tensor | None, B: int, T: int) -> torch.Tensor | None:
    """(B, T) with True (or 1) on real tokens -> (B, 1, 1, T) bool for the keys."""
    if mask is None:
        return None
    check_shape("mask", mask, "B T", B=B, T=T)
    return mask.bool()[:, None, None, :]


class GPT(nn.Module):
    """A decoder-only language model: causal blocks over token and position embeddings, then the LM head."""

    def __init__(self, config: TransformerConfig, components=None):
        super().__init__()
        self.config = config
        self.transformer = _stack(config, config.n_layer, lambda: Block(config, True, components), components)
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        _init_weights(self, config.n_layer)
        if config.tie_weights:  # one matrix reads tokens in and scores them out (§3.4)
            self.lm_head.weight = self.transformer.wte.weight

    def new_cache(self, batch_size: int) -> KVCache:
        return KVCache(self.config.n_layer, batch_size)

    def forward(self, idx: torch.Tensor, cache: KVCache | None = None) -> torch.Tensor:
        """idx (B, T) long -> logits (B, T, vocab). With a cache, idx continues the cached
        sequence: positions start at len(cache) and the cache grows by T."""
        check_shape("idx", idx, "B T", **({} if cache is None else {"B": cache.batch_size}))
        start = 0 if cache is None else len(cache)
        t = self.transformer
        x = t.drop(embed(t.wte, getattr(t, "wpe", None), idx, start))  # (B, T, C)
        for i, block in enumerate(t.h):
            x = block(x, cache=None if cache is None else cache[i])
        if "ln_f" in t:
            x = t.ln_f(x)
        return self.lm_head(x)  # (B, T, vocab)


class Encoder(nn.Module):
    """A stack of bidirectional blocks: every position sees every other (§3.1, left of Figure 1)."""

    def __init__(self, config: TransformerConfig, components=None):
        super().__init__()
        self.config = config
        self.transformer = _stack(config, config.encoder_layers, lambda: Block(config, False, components), components)
        _init_weights(self, config.encoder_layers)

    def embed(self, idx: torch.Tensor) -> torch.Tensor:
        """Token plus absolute position vectors: idx (B, T) -> (B, T, C)."""
        return embed(self.transformer.wte, getattr(self.transformer, "wpe", None), idx)

    def encode(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        """The blocks over embedded input: x (B, T, C), mask (B, T) True on real tokens -> (B, T, C)."""
        B, T, _ = check_shape("x", x, "B T C", C=self.config.n_embd).values()
        key_mask = _padding_mask(mask, B, T)  # (B, 1, 1, T)
        t = self.transformer
        x = t.drop(x)
        for block in t.h:
            x = block(x, mask=key_mask)
        return t.ln_f(x) if "ln_f" in t else x

    def forward(self, idx: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        """idx (B, T) long, mask (B, T) True on real tokens -> hidden states (B, T, C)."""
        return self.encode(self.embed(idx), mask)


class EncoderDecoder(nn.Module):
    """The original transformer: an encoder reads the source, a decoder writes the target while
    attending to it (Figure 1). The decoder's blocks are `config.n_layer`, the encoder's
    `config.n_encoder_layer`; with `tie_weights` both embeddings and the LM head share one matrix."""

    def __init__(self, config: TransformerConfig, components=None):
        super().__init__()
        self.config = config
        self.encoder = Encoder(config, components)
        self.decoder = _stack(config, config.n_layer, lambda: DecoderBlock(config, components), components)
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        _init_weights(self.decoder, config.n_layer)
        nn.init.normal_(self.lm_head.weight, std=0.02)
        if config.tie_weights:
            self.decoder.wte.weight = self.encoder.transformer.wte.weight
            self.lm_head.weight = self.encoder.transformer.wte.weight

    def new_cache(self, batch_size: int) -> KVCache:
        """A cache for the decoder's self-attention, with room for each layer's cross-attention
        keys/values of the encoder output (the source is encoded once, outside it)."""
        return KVCache(self.config.n_layer, batch_size, cross=True)

    def decode(self, tgt, memory, src_mask=None, cache: KVCache | None = None) -> torch.Tensor:
        """tgt (B, T) long, memory (B, S, C) from the encoder, src_mask (B, S) -> logits (B, T, vocab)."""
        B = check_shape("tgt", tgt, "B T", **({} if cache is None else {"B": cache.batch_size}))["B"]
        S = check_shape("memory", memory, "B S C", B=B, C=self.config.n_embd)["S"]
        memory_mask = _padding_mask(src_mask, B, S)  # (B, 1, 1, S)
        start = 0 if cache is None else len(cache)
        d = self.decoder
        x = d.drop(embed(d.wte, getattr(d, "wpe", None), tgt, start))  # (B, T, C)
        for i, block in enumerate(d.h):
            x = block(x, memory, memory_mask, cache=None if cache is None else cache[i],
                      cross_cache=None if cache is None else cache.cross[i])
        if "ln_f" in d:
            x = d.ln_f(x)
        return self.lm_head(x)  # (B, T, vocab)

    def forward(self, src, tgt, src_mask=None, cache: KVCache | None = None) -> torch.Tensor:
        """src (B, S), tgt (B, T) long; src_mask (B, S) True on real tokens -> logits (B, T, vocab)."""
        return self.decode(tgt, self.encoder(src, src_mask), src_mask, cache)
