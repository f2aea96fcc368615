"""Classic int8 quantization slips, one function per catalogued mistake."""
import torch


def per_tensor_scale(w):
    # One scale for the whole matrix: rows of small weights lose most of their 255 levels.
    absmax = w.abs().max().expand(w.shape[0])
    scale = torch.where(absmax > 0, absmax / 127, torch.ones_like(absmax))
    q = torch.round(w / scale[:, None]).clamp(-127, 127).to(torch.int8)
    return q, scale


def divide_by_128(w):
    # The row maximum maps to 128, outside the symmetric range, and is clamped back to 127.
    absmax = w.abs().amax(dim=1)
    scale = torch.where(absmax > 0, absmax / 128, torch.ones_like(absmax))
    q = torch.round(w / scale[:, None]).clamp(-127, 127).to(torch.int8)
    return q, scale


def no_rounding(w):
    # The cast truncates toward zero, so every weight shrinks by up to one step.
    absmax = w.abs().amax(dim=1)
    scale = torch.where(absmax > 0, absmax / 127, torch.ones_like(absmax))
    q = (w / scale[:, None]).clamp(-127, 127).to(torch.int8)
    return q, scale
