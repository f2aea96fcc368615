import pytest
import torch
import torch.nn.functional as F
from torch import nn

from engine.config import TransformerConfig
from engine.models import Encoder
from engine.shapes import ShapeError
from engine.vision import PatchEmbedding, patchify

B, C, P, d_model = 2, 3, 5, 7
H, W = 3 * P, 2 * P  # a 3 × 2 grid of patches, rows and columns told apart


def images(seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(B, C, H, W, generator=g, dtype=torch.float64)


def test_patchify_matches_torch_unfold():
    x = images()
    torch.testing.assert_close(patchify(x, P), F.unfold(x, kernel_size=P, stride=P).transpose(1, 2))


def test_patches_are_numbered_row_by_row_and_each_is_intact():
    x = images()
    patches = patchify(x, P)  # (B, 6, C·P·P)
    assert patches.shape == (B, 6, C * P * P)
    row, col = 1, 0  # the fourth patch: second row, first column
    torch.testing.assert_close(patches[:, 2 * row + col], x[:, :, P:2 * P, :P].reshape(B, -1))


def test_patch_projection_is_the_stride_p_convolution():
    torch.manual_seed(0)
    embed = PatchEmbedding(image_size=3 * P, patch=P, in_channels=C, d_model=d_model).double()
    conv = nn.Conv2d(C, d_model, kernel_size=P, stride=P).double()
    with torch.no_grad():
        conv.weight.copy_(embed.proj.weight.view(d_model, C, P, P))
        conv.bias.copy_(embed.proj.bias)
    x = torch.randn(B, C, 3 * P, 3 * P, dtype=torch.float64)
    expected = conv(x).flatten(2).transpose(1, 2)  # (B, N, d_model)
    torch.testing.assert_close(embed.proj(patchify(x, P)), expected)


def test_patch_embedding_prepends_cls_and_adds_positions():
    torch.manual_seed(0)
    embed = PatchEmbedding(image_size=3 * P, patch=P, in_channels=C, d_model=d_model).double()
    x = torch.randn(B, C, 3 * P, 3 * P, dtype=torch.float64)
    out = embed(x)
    assert out.shape == (B, 1 + 9, d_model)
    torch.testing.assert_close(out[:, 0], (embed.cls[0, 0] + embed.pos[0, 0]).expand(B, -1))
    torch.testing.assert_close(out[:, 1:], embed.proj(patchify(x, P)) + embed.pos[:, 1:])


def test_vit_base_input_shape():
    embed = PatchEmbedding(image_size=224, patch=16, in_channels=3, d_model=768)
    assert embed(torch.randn(1, 3, 224, 224)).shape == (1, 197, 768)


def test_patches_feed_the_plain_encoder():
    torch.manual_seed(0)
    embed = PatchEmbedding(image_size=3 * P, patch=P, in_channels=C, d_model=12)
    # The positions come with the patches, so the encoder adds none of its own.
    encoder = Encoder(TransformerConfig(vocab_size=1, n_layer=1, n_head=3, n_embd=12, block_size=10,
                                        positional="none"))
    out = encoder.encode(embed(torch.randn(B, C, 3 * P, 3 * P)))
    assert out.shape == (B, 10, 12)


def test_sizes_that_do_not_divide_name_the_dimension():
    with pytest.raises(ShapeError, match="W=11 is not a multiple of the patch size P=5"):
        patchify(torch.randn(1, 3, 10, 11), 5)
    with pytest.raises(ShapeError, match=r"expected 9 patches of 5×5, got 4"):
        PatchEmbedding(image_size=15, patch=5, in_channels=3, d_model=4)(torch.randn(1, 3, 10, 10))
    with pytest.raises(ShapeError, match=r"images of shape \(B, C, H, W\)"):
        patchify(torch.randn(3, 10, 10), 5)
