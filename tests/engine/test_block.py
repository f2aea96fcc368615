import pytest
import torch
import torch.nn.functional as F
from torch import nn

from engine.block import post_norm_block, pre_norm_block
from engine.shapes import ShapeError

B, T, C, H, d_ff = 2, 5, 21, 3, 13


def torch_layer(norm_first):
    torch.manual_seed(0)
    layer = nn.TransformerEncoderLayer(C, H, d_ff, dropout=0.0, batch_first=True, norm_first=norm_first,
                                       dtype=torch.float64)
    return layer.eval()


def sublayers(layer):
    def attn(h):
        return layer.self_attn(h, h, h, need_weights=False)[0]

    def mlp(h):
        return layer.linear2(F.relu(layer.linear1(h)))

    return layer.norm1, attn, layer.norm2, mlp


@pytest.mark.parametrize("norm_first, block", [(True, pre_norm_block), (False, post_norm_block)])
def test_functional_blocks_match_torch_encoder_layer(norm_first, block):
    layer = torch_layer(norm_first)
    x = torch.randn(B, T, C, dtype=torch.float64)
    torch.testing.assert_close(block(x, *sublayers(layer)), layer(x))


def test_pre_and_post_norm_differ():
    layer = torch_layer(True)
    x = torch.randn(B, T, C, dtype=torch.float64)
    assert not torch.allclose(pre_norm_block(x, *sublayers(layer)), post_norm_block(x, *sublayers(layer)))


def test_block_checks_rank():
    with pytest.raises(ShapeError, match=r"\(B, T, C\)"):
        pre_norm_block(torch.randn(T, C), *sublayers(torch_layer(True)))


def engine_config(norm_first):
    from engine.config import TransformerConfig

    return TransformerConfig(vocab_size=7, block_size=T, n_layer=1, n_head=H, n_embd=C, d_ff=d_ff, activation="relu",
                             positional="none", norm_first=norm_first)


def copy_attention(ours, theirs):
    ours.c_attn.weight.data.copy_(theirs.in_proj_weight)
    ours.c_attn.bias.data.copy_(theirs.in_proj_bias)
    ours.c_proj.weight.data.copy_(theirs.out_proj.weight)
    ours.c_proj.bias.data.copy_(theirs.out_proj.bias)


def copy_common(ours, theirs, norms):
    copy_attention(ours.attn, theirs.self_attn)
    for mine, ref in (("c_fc", "linear1"), ("c_proj", "linear2")):
        getattr(ours.mlp, mine).load_state_dict(getattr(theirs, ref).state_dict())
    for mine, ref in norms:
        getattr(ours, mine).load_state_dict(getattr(theirs, ref).state_dict())


@pytest.mark.parametrize("norm_first", [True, False])
def test_encoder_block_matches_torch_with_padding(norm_first):
    from engine.block import Block

    layer = torch_layer(norm_first)
    ours = Block(engine_config(norm_first), causal=False).double().eval()
    copy_common(ours, layer, [("ln_1", "norm1"), ("ln_2", "norm2")])
    x = torch.randn(B, T, C, dtype=torch.float64)
    keep = torch.ones(B, T, dtype=torch.bool)
    keep[0, 3:] = False
    expected = layer(x, src_key_padding_mask=~keep)
    torch.testing.assert_close(ours(x, mask=keep[:, None, None, :]), expected)


@pytest.mark.parametrize("norm_first", [True, False])
def test_decoder_block_matches_torch(norm_first):
    from engine.block import DecoderBlock

    torch.manual_seed(1)
    layer = nn.TransformerDecoderLayer(C, H, d_ff, dropout=0.0, batch_first=True, norm_first=norm_first,
                                       dtype=torch.float64).eval()
    ours = DecoderBlock(engine_config(norm_first)).double().eval()
    copy_common(ours, layer, [("ln_1", "norm1"), ("ln_2", "norm2"), ("ln_3", "norm3")])
    copy_attention(ours.cross_attn, layer.multihead_attn)
    S = 7
    x = torch.randn(B, T, C, dtype=torch.float64)
    memory = torch.randn(B, S, C, dtype=torch.float64)
    keep = torch.ones(B, S, dtype=torch.bool)
    keep[1, 5:] = False
    causal = nn.Transformer.generate_square_subsequent_mask(T, dtype=torch.float64)
    expected = layer(x, memory, tgt_mask=causal, tgt_is_causal=True, memory_key_padding_mask=~keep)
    torch.testing.assert_close(ours(x, memory, keep[:, None, None, :]), expected)
