"""Classic wrong versions of alibi_bias, one per mistake id."""

import torch


def _bias(n_head, T_q, T_k, first_head=1, offset=True, sign=-1, absolute=False):
    T_k = T_q if T_k is None else T_k
    h = torch.arange(first_head, first_head + n_head, dtype=torch.float64)
    slopes = 2.0 ** (-8.0 * h / n_head)  # (H,)
    i = torch.arange(T_q) + ((T_k - T_q) if offset else 0)  # (T_q,)
    distance = (i[:, None] - torch.arange(T_k)[None, :]).to(torch.float64)  # (T_q, T_k)
    if absolute:
        distance = distance.abs()
    return sign * slopes[:, None, None] * distance


def no_offset(n_head, T_q, T_k=None):
    return _bias(n_head, T_q, T_k, offset=False)


def positive_bias(n_head, T_q, T_k=None):
    return _bias(n_head, T_q, T_k, sign=1)


def slopes_off_by_one(n_head, T_q, T_k=None):
    return _bias(n_head, T_q, T_k, first_head=0)


def absolute_distance(n_head, T_q, T_k=None):
    return _bias(n_head, T_q, T_k, absolute=True)
