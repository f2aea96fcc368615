import torch


def sinusoidal_encoding(T: int, d_model: int, base: float = 10000.0) -> torch.Tensor:
    """The (T, d_model) sinusoidal position table of Vaswani et al. 2017, §3.5."""
    pos = torch.arange(T)[:, None]  # (T, 1)
    # Pair i turns at 1 / base^(2i/d_model): fast for the first pairs, very slow for the last.
    inv_freq = base ** (-torch.arange(0, d_model, 2) / d_model)  # (d_model/2,)
    angles = pos * inv_freq  # (T, d_model/2)
    pe = torch.zeros(T, d_model)
    pe[:, 0::2] = torch.sin(angles)  # even columns
    pe[:, 1::2] = torch.cos(angles)  # odd columns
    return pe
