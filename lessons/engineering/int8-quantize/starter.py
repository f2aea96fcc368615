import torch


def quantize_int8(w):
    """Symmetric per-row int8 quantization of a weight matrix.

    w: (d_out, d_in) float. Return (q, scale):
      scale (d_out,): max |w| of each row divided by 127 (a row of zeros gets scale 1)
      q (d_out, d_in) torch.int8: w / scale rounded to the nearest integer, in [-127, 127]
    so that w ≈ q * scale[:, None].
    """
    raise NotImplementedError("one scale per row, divide, round, clamp, cast")
