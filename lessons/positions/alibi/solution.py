import torch


def alibi_bias(n_head: int, T_q: int, T_k: int | None = None) -> torch.Tensor:
    """The (n_head, T_q, T_k) ALiBi bias: bias[h, i, j] = −slope_h · (i_abs − j)."""
    T_k = T_q if T_k is None else T_k
    h = torch.arange(1, n_head + 1)
    slopes = 2.0 ** (-8.0 * h / n_head)  # (H,) a geometric sequence: each head its own reach
    # Queries are the last T_q of the T_k positions (earlier keys may come from a cache).
    i_abs = torch.arange(T_q) + (T_k - T_q)  # (T_q,)
    distance = i_abs[:, None] - torch.arange(T_k)[None, :]  # (T_q, T_k) integer
    return -slopes[:, None, None] * distance  # (H, T_q, T_k)
