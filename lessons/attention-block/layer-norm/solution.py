import torch


def layer_norm(x, weight, bias, eps=1e-5):
    """Layer normalisation (Ba et al. 2016) over the last dimension.

    x: (B, T, C); weight: (C,); bias: (C,) or None. Returns (B, T, C).
    """
    # 1) Each token's own statistics: one mean and one variance per (b, t).
    mean = x.mean(dim=-1, keepdim=True)                          # (B, T, 1)
    var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)           # (B, T, 1), biased: divide by C
    # 2) Normalise; eps under the root keeps a constant vector from dividing by zero.
    x_hat = (x - mean) / torch.sqrt(var + eps)                   # (B, T, C)
    # 3) Learned per-feature scale and shift, so the model can undo the normalisation.
    y = x_hat * weight                                           # (B, T, C)
    return y if bias is None else y + bias
