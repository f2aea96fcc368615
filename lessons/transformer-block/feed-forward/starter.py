import torch


def feed_forward(x, w1, b1, w2, b2, activation="gelu"):
    """Position-wise feed-forward network: act(x W1ᵀ + b1) W2ᵀ + b2.

    x: (B, T, C); w1: (d_ff, C), b1: (d_ff,); w2: (C, d_ff), b2: (C,)
    (nn.Linear layout: out_features first). activation: "gelu" (exact, erf form)
    or "relu". Returns (B, T, C).
    """
    raise NotImplementedError("widen to d_ff, apply the activation, project back to C")
