"""The classic wrong ways to split and merge heads."""


def heads_split_wrong(x, n_head):
    B, T, C = x.shape
    return x.reshape(B, n_head, T, C // n_head)


def heads_merge_wrong(x):
    B, H, T, d_head = x.shape
    return x.reshape(B, T, H * d_head)
