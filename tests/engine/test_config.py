import pytest

from engine.config import TransformerConfig


def test_nano_preset():
    c = TransformerConfig.nano()
    assert (c.n_layer, c.n_head, c.n_embd) == (3, 3, 48)
    assert c.ff_dim == 4 * 48 and c.head_dim == 16 and c.encoder_layers == 3
    assert TransformerConfig.nano(n_embd=60, d_ff=100).ff_dim == 100


@pytest.mark.parametrize("overrides, message", [
    ({"n_head": 5}, "divisible by n_head=5"),
    ({"norm": "batchnorm"}, "norm='batchnorm'"),
    ({"positional": "relative"}, "positional='relative'"),
    ({"activation": "swish"}, "activation='swish'"),
])
def test_invalid_configs_say_what_is_wrong(overrides, message):
    with pytest.raises(ValueError, match=message):
        TransformerConfig.nano(**overrides)
