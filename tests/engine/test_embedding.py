import math

import pytest
import torch

from engine.config import TransformerConfig
from engine.embedding import TokenEmbedding, absolute_positions, embed
from engine.positional import LearnedPositionalEmbedding, SinusoidalPositionalEncoding, sinusoidal_encoding
from engine.shapes import ShapeError


def test_token_embedding_looks_up_rows_and_scales_by_sqrt_d_model():
    plain, scaled = TokenEmbedding(11, 7), TokenEmbedding(11, 7, scale=True)
    scaled.load_state_dict(plain.state_dict())
    idx = torch.tensor([[3, 5, 3]])
    assert torch.equal(plain(idx)[0], plain.weight[[3, 5, 3]])
    torch.testing.assert_close(scaled(idx), plain(idx) * math.sqrt(7))


def test_token_embedding_checks_ids_and_shape():
    emb = TokenEmbedding(11, 7)
    with pytest.raises(ValueError, match="vocab_size=11"):
        emb(torch.tensor([[11]]))
    with pytest.raises(ShapeError, match=r"\(B, T\)"):
        emb(torch.tensor([1, 2]))


def test_absolute_positions_by_config():
    nano = TransformerConfig.nano
    assert isinstance(absolute_positions(nano(positional="learned")), LearnedPositionalEmbedding)
    assert isinstance(absolute_positions(nano(positional="sinusoidal")), SinusoidalPositionalEncoding)
    assert all(absolute_positions(nano(positional=p)) is None for p in ("rope", "alibi", "none"))


def test_embed_adds_positions_from_the_start_offset():
    wte = TokenEmbedding(11, 6)
    idx = torch.tensor([[1, 2, 3]])
    out = embed(wte, SinusoidalPositionalEncoding(6), idx, start=4)
    torch.testing.assert_close(out, wte(idx) + sinusoidal_encoding(7, 6)[4:])
    assert torch.equal(embed(wte, None, idx), wte(idx))
