"""Classic wrong versions of sinusoidal_encoding, one per mistake id."""

import torch


def _angles(T, d_model, base, exponent_step=2, sign=-1):
    pos = torch.arange(T)[:, None]  # (T, 1)
    i = torch.arange(d_model // 2)  # (d_model/2,)
    return pos * base ** (sign * exponent_step * i / d_model)  # (T, d_model/2)


def _interleave(even, odd):
    pe = torch.empty(even.shape[0], 2 * even.shape[1])
    pe[:, 0::2], pe[:, 1::2] = even, odd
    return pe


def sin_cos_swapped(T, d_model, base=10000.0):
    angles = _angles(T, d_model, base)
    return _interleave(torch.cos(angles), torch.sin(angles))


def missing_factor_two(T, d_model, base=10000.0):
    angles = _angles(T, d_model, base, exponent_step=1)
    return _interleave(torch.sin(angles), torch.cos(angles))


def concatenated_halves(T, d_model, base=10000.0):
    angles = _angles(T, d_model, base)
    return torch.cat([torch.sin(angles), torch.cos(angles)], dim=-1)


def inverted_frequency(T, d_model, base=10000.0):
    angles = _angles(T, d_model, base, sign=1)
    return _interleave(torch.sin(angles), torch.cos(angles))
