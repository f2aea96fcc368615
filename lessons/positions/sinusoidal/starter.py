import torch


def sinusoidal_encoding(T: int, d_model: int, base: float = 10000.0) -> torch.Tensor:
    """The (T, d_model) sinusoidal position table of Vaswani et al. 2017, §3.5.

    PE[p, 2i]   = sin(p / base^(2i / d_model))
    PE[p, 2i+1] = cos(p / base^(2i / d_model))
    """
    raise NotImplementedError("build the angle table p / base^(2i/d_model), then fill sin and cos columns")
