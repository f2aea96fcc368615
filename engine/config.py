"""One dataclass describes every model the engine builds: GPT, Encoder and EncoderDecoder."""

from __future__ import annotations

from dataclasses import dataclass

NORMS = ("layernorm", "rmsnorm")
ACTIVATIONS = ("gelu", "gelu_tanh", "relu")
POSITIONALS = ("learned", "sinusoidal", "rope", "alibi", "none")


@dataclass
class TransformerConfig:
    vocab_size: int = 50257  # GPT-2's BPE vocabulary
    block_size: int = 1024  # the longest sequence trained on (and the limit for learned positions)
    n_layer: int = 12  # blocks in the stack (the decoder's, for an EncoderDecoder)
    n_head: int = 12
    n_embd: int = 768  # C, the width of the residual stream; each head gets C // n_head
    d_ff: int | None = None  # feed-forward width; None means 4 · n_embd (§3.3)
    dropout: float = 0.0  # on the embeddings and on each sublayer's output
    bias: bool = True  # biases in the linear layers and LayerNorms
    norm: str = "layernorm"  # "layernorm" | "rmsnorm"
    norm_first: bool = True  # pre-norm (GPT-2) or post-norm (the original transformer, BERT)
    norm_eps: float = 1e-5
    activation: str = "gelu"  # "gelu" (erf) | "gelu_tanh" (GPT-2) | "relu" (the original)
    positional: str = "learned"  # "learned" | "sinusoidal" | "rope" | "alibi" | "none"
    tie_weights: bool = True  # the LM head reuses the token embedding matrix (§3.4)
    scale_embedding: bool = False  # multiply token embeddings by √n_embd (§3.4)
    n_encoder_layer: int | None = None  # encoder blocks of an EncoderDecoder; None means n_layer

    def __post_init__(self):
        if self.n_embd % self.n_head:
            raise ValueError(f"n_embd={self.n_embd} must be divisible by n_head={self.n_head}")
        for field, value, allowed in (("norm", self.norm, NORMS), ("activation", self.activation, ACTIVATIONS),
                                      ("positional", self.positional, POSITIONALS)):
            if value not in allowed:
                raise ValueError(f"{field}={value!r}; choose one of {', '.join(allowed)}")

    @property
    def head_dim(self) -> int:
        return self.n_embd // self.n_head

    @property
    def ff_dim(self) -> int:
        return 4 * self.n_embd if self.d_ff is None else self.d_ff

    @property
    def encoder_layers(self) -> int:
        return self.n_layer if self.n_encoder_layer is None else self.n_encoder_layer

    @classmethod
    def nano(cls, **overrides) -> TransformerConfig:
        """minGPT's gpt-nano: 3 layers, 3 heads, 48 dims; byte vocabulary, short context."""
        return cls(**{"vocab_size": 256, "block_size": 64, "n_layer": 3, "n_head": 3, "n_embd": 48, **overrides})
