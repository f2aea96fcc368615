"""Build engine models from checkpoints in the published GPT-2 and BERT layouts.

Sizes are read off the tensors; only the head count must be given (it leaves no trace in the
weights). The result computes what the original computes: tests compare with the transformers
library on the same weights.
"""

from __future__ import annotations

import re

import torch
from torch import nn

from engine.config import TransformerConfig
from engine.models import GPT, Encoder
from engine.norm import LayerNorm
from engine.shapes import check_shape


def _strip(state_dict: dict, prefix: str) -> dict:
    """Drop a leading `prefix` from every key that has it."""
    return {k.removeprefix(prefix): v for k, v in state_dict.items()}


def _n_layer(keys, pattern: str) -> int:
    return 1 + max(int(m.group(1)) for k in keys if (m := re.match(pattern, k)))


def load_gpt2(state_dict: dict, n_head: int) -> GPT:
    """A `GPT` with the weights of a GPT-2 checkpoint (`transformer.h.N.attn.c_attn.weight`, …).

    GPT-2 stores its linear layers as Conv1D, weight (in, out) computing x @ W + b, so those are
    transposed into nn.Linear's (out, in). GELU is the tanh approximation, eps 1e-5, and the LM
    head is the token embedding unless the checkpoint carries a different one.
    """
    sd = _strip(state_dict, "transformer.")
    # causal-mask buffers of older checkpoints are not weights
    sd = {k: v for k, v in sd.items() if not k.endswith((".attn.bias", ".attn.masked_bias"))}
    vocab_size, n_embd = sd["wte.weight"].shape
    lm_head = sd.pop("lm_head.weight", None)
    tied = lm_head is None or torch.equal(lm_head, sd["wte.weight"])
    config = TransformerConfig(
        vocab_size=vocab_size, block_size=sd["wpe.weight"].size(0), n_layer=_n_layer(sd, r"h\.(\d+)\."),
        n_head=n_head, n_embd=n_embd, d_ff=sd["h.0.mlp.c_fc.weight"].size(1), activation="gelu_tanh",
        norm_eps=1e-5, positional="learned", tie_weights=tied,
    )
    conv1d = (".attn.c_attn.weight", ".attn.c_proj.weight", ".mlp.c_fc.weight", ".mlp.c_proj.weight")
    ours = {"transformer." + k: (v.t() if k.endswith(conv1d) else v) for k, v in sd.items()}
    ours["lm_head.weight"] = sd["wte.weight"] if tied else lm_head
    model = GPT(config)
    model.load_state_dict(ours)
    return model


class BertEncoder(nn.Module):
    """BERT: an `Encoder` (post-norm, learned positions) whose input embedding also adds a
    segment ("token type") vector and normalises the sum (Devlin et al. 2019, §3 and Figure 2)."""

    def __init__(self, config: TransformerConfig, type_vocab_size: int):
        super().__init__()
        self.wtt = nn.Embedding(type_vocab_size, config.n_embd)
        self.ln_emb = LayerNorm(config.n_embd, config.norm_eps)
        self.encoder = Encoder(config)

    def forward(self, input_ids, attention_mask=None, token_type_ids=None) -> torch.Tensor:
        """input_ids (B, T) long; attention_mask (B, T) 1 on real tokens; token_type_ids (B, T)
        (default all 0) -> last hidden states (B, T, C)."""
        B, T = check_shape("input_ids", input_ids, "B T").values()
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(input_ids)
        check_shape("token_type_ids", token_type_ids, "B T", B=B, T=T)
        x = self.ln_emb(self.encoder.embed(input_ids) + self.wtt(token_type_ids))  # (B, T, C)
        return self.encoder.encode(x, attention_mask)


def load_bert(state_dict: dict, n_head: int) -> BertEncoder:
    """A `BertEncoder` with the weights of a BERT checkpoint (`encoder.layer.N.attention.self.query`, …),
    keys with or without the `bert.` prefix. Linear weights are already (out, in); GELU is erf,
    eps 1e-12. The pooler and any task heads are not part of the encoder and are ignored."""
    sd = _strip(state_dict, "bert.")
    vocab_size, n_embd = sd["embeddings.word_embeddings.weight"].shape
    n_layer = _n_layer(sd, r"encoder\.layer\.(\d+)\.")
    config = TransformerConfig(
        vocab_size=vocab_size, block_size=sd["embeddings.position_embeddings.weight"].size(0),
        n_layer=n_layer, n_head=n_head, n_embd=n_embd,
        d_ff=sd["encoder.layer.0.intermediate.dense.weight"].size(0), activation="gelu",
        norm_first=False, norm_eps=1e-12, positional="learned",
    )
    ours = {
        "wtt.weight": sd["embeddings.token_type_embeddings.weight"],
        "ln_emb.weight": sd["embeddings.LayerNorm.weight"],
        "ln_emb.bias": sd["embeddings.LayerNorm.bias"],
        "encoder.transformer.wte.weight": sd["embeddings.word_embeddings.weight"],
        "encoder.transformer.wpe.weight": sd["embeddings.position_embeddings.weight"],
    }
    for i in range(n_layer):
        theirs, mine = f"encoder.layer.{i}.", f"encoder.transformer.h.{i}."
        for kind in ("weight", "bias"):
            qkv = [sd[f"{theirs}attention.self.{p}.{kind}"] for p in ("query", "key", "value")]
            ours[f"{mine}attn.c_attn.{kind}"] = torch.cat(qkv)  # [W_q; W_k; W_v]
            ours[f"{mine}attn.c_proj.{kind}"] = sd[f"{theirs}attention.output.dense.{kind}"]
            ours[f"{mine}ln_1.{kind}"] = sd[f"{theirs}attention.output.LayerNorm.{kind}"]
            ours[f"{mine}mlp.c_fc.{kind}"] = sd[f"{theirs}intermediate.dense.{kind}"]
            ours[f"{mine}mlp.c_proj.{kind}"] = sd[f"{theirs}output.dense.{kind}"]
            ours[f"{mine}ln_2.{kind}"] = sd[f"{theirs}output.LayerNorm.{kind}"]
    model = BertEncoder(config, sd["embeddings.token_type_embeddings.weight"].size(0))
    model.load_state_dict(ours)
    return model
