"""Images as token sequences: the Vision Transformer's front door (Dosovitskiy et al. 2021,
"An Image is Worth 16x16 Words").

An image is cut into P × P patches, each patch is flattened and projected to d_model like a
token embedding, a learned [CLS] vector is prepended and learned positions are added. From
there on it is the plain transformer encoder.
"""

from __future__ import annotations

import torch
from torch import nn

from engine.shapes import ShapeError, check_shape


def patchify(images: torch.Tensor, patch: int) -> torch.Tensor:
    """(B, C, H, W) images -> (B, N, C·P·P) flattened patches, N = (H/P)·(W/P).

    Patches are numbered row by row (left to right, then top to bottom), and each is flattened
    channel first, (C, P, P): the layout of a Conv2d weight, so a linear layer on these rows
    is the stride-P convolution ViT implementations use.
    """
    B, C, H, W = check_shape("images", images, "B C H W").values()
    for name, size in (("H", H), ("W", W)):
        if size % patch:
            raise ShapeError(f"images of shape (B, C, H, W) = {tuple(images.shape)}: {name}={size} "
                             f"is not a multiple of the patch size P={patch}")
    n_h, n_w = H // patch, W // patch
    x = images.reshape(B, C, n_h, patch, n_w, patch)  # (B, C, n_h, P, n_w, P)
    x = x.permute(0, 2, 4, 1, 3, 5)  # (B, n_h, n_w, C, P, P): the grid first, each patch intact
    return x.reshape(B, n_h * n_w, C * patch * patch)  # (B, N, C·P·P)


class PatchEmbedding(nn.Module):
    """Images (B, C, H, W) -> the encoder's input (B, 1 + N, d_model): [CLS] then one vector per
    patch, each with its learned position added."""

    def __init__(self, image_size: int, patch: int, in_channels: int, d_model: int):
        super().__init__()
        if image_size % patch:
            raise ValueError(f"image_size {image_size} is not a multiple of patch {patch}")
        self.patch = patch
        self.n_patches = (image_size // patch) ** 2
        self.proj = nn.Linear(in_channels * patch * patch, d_model)  # the patch's "token embedding"
        self.cls = nn.Parameter(torch.zeros(1, 1, d_model))  # its output feeds the classifier
        self.pos = nn.Parameter(torch.randn(1, 1 + self.n_patches, d_model) * 0.02)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        tokens = self.proj(patchify(images, self.patch))  # (B, N, d_model)
        if tokens.shape[1] != self.n_patches:
            raise ShapeError(f"expected {self.n_patches} patches of {self.patch}×{self.patch}, "
                             f"got {tokens.shape[1]} from images of shape {tuple(images.shape)}")
        cls = self.cls.expand(tokens.shape[0], -1, -1)  # (B, 1, d_model)
        return torch.cat([cls, tokens], dim=1) + self.pos  # (B, 1 + N, d_model)
