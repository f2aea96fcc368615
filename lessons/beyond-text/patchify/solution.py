import torch


def patchify(images: torch.Tensor, patch: int) -> torch.Tensor:
    """(B, C, H, W) images -> (B, N, C·P·P) patches, N = (H/P)·(W/P)."""
    B, C, H, W = images.shape
    n_h, n_w = H // patch, W // patch
    # Image row h is pixel row h % P of grid row h // P: the grid index is the slower axis.
    x = images.reshape(B, C, n_h, patch, n_w, patch)  # (B, C, n_h, P, n_w, P)
    # The grid next to the batch, each patch's (C, P, P) kept together at the end.
    x = x.permute(0, 2, 4, 1, 3, 5)  # (B, n_h, n_w, C, P, P)
    return x.reshape(B, n_h * n_w, C * patch * patch)  # (B, N, C·P·P), row by row
