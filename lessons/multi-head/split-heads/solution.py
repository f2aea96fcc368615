def split_heads(x, n_head):
    """(B, T, d_model) -> (B, H, T, d_head), d_head = d_model // n_head."""
    B, T, C = x.shape
    # cut the channels of each position into heads, then bring the head axis forward
    return x.view(B, T, n_head, C // n_head).transpose(1, 2)  # (B, H, T, d_head)


def merge_heads(x):
    """(B, H, T, d_head) -> (B, T, H * d_head)."""
    B, H, T, d_head = x.shape
    # the transpose makes x non-contiguous, so reshape (which copies) rather than view
    return x.transpose(1, 2).reshape(B, T, H * d_head)  # (B, T, d_model)
