import torch


def apply_rope(x: torch.Tensor, positions: torch.Tensor | None = None, base: float = 10000.0) -> torch.Tensor:
    """Rotate each interleaved pair (x[2i], x[2i+1]) of x (…, T, d) by the angle p · base^(−2i/d).

    positions: (T,) integer positions of the tokens; None means 0, 1, …, T−1.
    Returns a tensor with the same shape as x.
    """
    raise NotImplementedError("compute a (T, d/2) angle table, then rotate x[..., 0::2] and x[..., 1::2]")
