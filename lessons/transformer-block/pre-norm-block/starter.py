def pre_norm_block(x, ln_1, attn, ln_2, mlp):
    """A pre-norm transformer block: norm before each sublayer, residual around it.

    x: (B, T, C); ln_1, attn, ln_2, mlp: modules mapping (B, T, C) -> (B, T, C).
    Returns (B, T, C).
    """
    raise NotImplementedError("x + attn(ln_1(x)), then the same with ln_2 and mlp")
