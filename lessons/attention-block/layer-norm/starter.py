import torch


def layer_norm(x, weight, bias, eps=1e-5):
    """Layer normalisation over the last dimension.

    x: (B, T, C); weight: (C,); bias: (C,) or None (no shift).
    Normalise each token's C features to mean 0 and (biased) variance 1,
    with eps inside the square root, then scale by weight and shift by bias.
    Returns (B, T, C).
    """
    raise NotImplementedError("mean and variance over the last dim, normalise, then weight and bias")
