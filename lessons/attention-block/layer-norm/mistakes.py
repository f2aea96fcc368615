"""Classic layer-norm slips, one function per catalogued mistake."""
import torch


def _scale_shift(x_hat, weight, bias):
    y = x_hat * weight
    return y if bias is None else y + bias


def unbiased_variance(x, weight, bias, eps=1e-5):
    # torch.var's default divides by C - 1.
    mean = x.mean(dim=-1, keepdim=True)
    var = x.var(dim=-1, keepdim=True)
    return _scale_shift((x - mean) / torch.sqrt(var + eps), weight, bias)


def norm_wrong_axis(x, weight, bias, eps=1e-5):
    # Statistics across positions (T) instead of across each token's features.
    mean = x.mean(dim=-2, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=-2, keepdim=True)
    return _scale_shift((x - mean) / torch.sqrt(var + eps), weight, bias)


def eps_outside_sqrt(x, weight, bias, eps=1e-5):
    mean = x.mean(dim=-1, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)
    return _scale_shift((x - mean) / (torch.sqrt(var) + eps), weight, bias)


def no_affine(x, weight, bias, eps=1e-5):
    mean = x.mean(dim=-1, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps)
