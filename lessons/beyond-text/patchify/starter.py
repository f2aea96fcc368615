import torch


def patchify(images: torch.Tensor, patch: int) -> torch.Tensor:
    """(B, C, H, W) images -> (B, N, C·P·P) patches, N = (H/P)·(W/P).

    Patches numbered row by row; each flattened channel first, (C, P, P).
    """
    raise NotImplementedError("split H and W into (grid, pixel) axes, move the grid forward, flatten")
