import torch.nn.functional as F

ACTIVATIONS = {"gelu": F.gelu, "relu": F.relu}  # exact GELU (erf), as in BERT; ReLU as in 2017


def feed_forward(x, w1, b1, w2, b2, activation="gelu"):
    """Position-wise feed-forward network (Vaswani et al. 2017, §3.3).

    x: (B, T, C); w1: (d_ff, C), b1: (d_ff,); w2: (C, d_ff), b2: (C,).
    Returns (B, T, C). Every token goes through the same MLP, independently.
    """
    # 1) Widen: nn.Linear weights are (out, in), so a row vector is mapped by x @ wᵀ.
    h = x @ w1.T + b1                      # (B, T, d_ff)
    # 2) The non-linearity lives between the two layers.
    h = ACTIVATIONS[activation](h)         # (B, T, d_ff)
    # 3) Project back; left linear because it is added to the residual stream.
    return h @ w2.T + b2                   # (B, T, C)
