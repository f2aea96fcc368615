def pre_norm_block(x, ln_1, attn, ln_2, mlp):
    """A pre-norm transformer block, as in GPT-2 (Radford et al. 2019; Xiong et al. 2020).

    x: (B, T, C); ln_1, attn, ln_2, mlp: modules mapping (B, T, C) -> (B, T, C).
    Returns (B, T, C).
    """
    # Each sublayer reads a normalised copy and *adds* its result to the running sum, so the
    # path from input to output is a chain of additions that gradients cross unchanged.
    x = x + attn(ln_1(x))   # (B, T, C) tokens exchange information
    x = x + mlp(ln_2(x))    # (B, T, C) each token is processed on its own
    return x
