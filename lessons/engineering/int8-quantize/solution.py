import torch


def quantize_int8(w):
    """Symmetric per-row int8 quantization of a weight matrix (absmax, as in LLM.int8()).

    w: (d_out, d_in) float. Returns (q (d_out, d_in) int8, scale (d_out,) float) such that
    w ≈ q * scale[:, None].
    """
    # One scale per output row, so a row of large weights does not crush the resolution of the others.
    absmax = w.abs().amax(dim=1)  # (d_out,)
    # The largest magnitude maps to 127; an all-zero row gets scale 1 to avoid dividing by zero.
    scale = torch.where(absmax > 0, absmax / 127, torch.ones_like(absmax))  # (d_out,)
    # Round to the nearest integer (truncating would bias every weight toward zero).
    q = torch.round(w / scale[:, None]).clamp(-127, 127).to(torch.int8)  # (d_out, d_in)
    return q, scale
