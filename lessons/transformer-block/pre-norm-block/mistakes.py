"""Classic block-wiring slips, one function per catalogued mistake."""


def no_residual(x, ln_1, attn, ln_2, mlp):
    x = attn(ln_1(x))
    return mlp(ln_2(x))


def post_norm(x, ln_1, attn, ln_2, mlp):
    # The 2017 layout: normalise after the residual sum.
    x = ln_1(x + attn(x))
    return ln_2(x + mlp(x))


def residual_around_norm(x, ln_1, attn, ln_2, mlp):
    h = ln_1(x)
    x = h + attn(h)
    h = ln_2(x)
    return h + mlp(h)


def one_norm_twice(x, ln_1, attn, ln_2, mlp):
    x = x + attn(ln_1(x))
    return x + mlp(ln_1(x))
