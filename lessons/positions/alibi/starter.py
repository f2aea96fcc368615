import torch


def alibi_bias(n_head: int, T_q: int, T_k: int | None = None) -> torch.Tensor:
    """The (n_head, T_q, T_k) ALiBi bias: bias[h, i, j] = −slope_h · (i_abs − j).

    slope_h = 2^(−8h / n_head) for h = 1 … n_head; i_abs = i + T_k − T_q; T_k defaults to T_q.
    """
    raise NotImplementedError("multiply (H,) slopes by a (T_q, T_k) table of distances")
