"""Classic wrong versions of apply_rope, one per mistake id."""

import torch


def _cos_sin(x, positions, base, exponent_step=2):
    T, d = x.shape[-2], x.shape[-1]
    if positions is None:
        positions = torch.arange(T)
    theta = base ** (-exponent_step * torch.arange(d // 2, dtype=x.dtype) / d)  # (d/2,)
    angle = positions.to(x.dtype)[:, None] * theta  # (T, d/2)
    return torch.cos(angle), torch.sin(angle)


def _rotate_pairs(x, cos, sin):
    x1, x2 = x[..., 0::2], x[..., 1::2]
    return torch.stack([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1).flatten(-2)


def rope_pairs_wrong(x, positions=None, base=10000.0):
    # Pairs dimension i with i + d/2 ("rotate half") instead of neighbours.
    cos, sin = _cos_sin(x, positions, base)
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)


def rotation_direction(x, positions=None, base=10000.0):
    cos, sin = _cos_sin(x, positions, base)
    return _rotate_pairs(x, cos, -sin)


def missing_factor_two(x, positions=None, base=10000.0):
    cos, sin = _cos_sin(x, positions, base, exponent_step=1)
    return _rotate_pairs(x, cos, sin)


def positions_ignored(x, positions=None, base=10000.0):
    cos, sin = _cos_sin(x, None, base)
    return _rotate_pairs(x, cos, sin)


def halves_not_interleaved(x, positions=None, base=10000.0):
    cos, sin = _cos_sin(x, positions, base)
    x1, x2 = x[..., 0::2], x[..., 1::2]
    return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)
