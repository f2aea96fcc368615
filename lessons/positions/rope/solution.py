import torch


def apply_rope(x: torch.Tensor, positions: torch.Tensor | None = None, base: float = 10000.0) -> torch.Tensor:
    """Rotate each interleaved pair (x[2i], x[2i+1]) of x (…, T, d) by the angle p · base^(−2i/d)."""
    T, d = x.shape[-2], x.shape[-1]
    if positions is None:
        positions = torch.arange(T)
    theta = base ** (-torch.arange(0, d, 2, dtype=x.dtype) / d)  # (d/2,) one frequency per pair
    angle = positions.to(x.dtype)[:, None] * theta  # (T, d/2)
    cos, sin = torch.cos(angle), torch.sin(angle)
    x1, x2 = x[..., 0::2], x[..., 1::2]  # (…, T, d/2): first and second coordinate of each pair
    rotated = torch.stack([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)  # (…, T, d/2, 2)
    return rotated.flatten(-2)  # (…, T, d): each rotated pair back in its place
