import torch


def split_heads(x, n_head):
    """(B, T, d_model) -> (B, H, T, d_head), d_head = d_model // n_head."""
    raise NotImplementedError("cut the channels into heads")


def merge_heads(x):
    """(B, H, T, d_head) -> (B, T, H * d_head)."""
    raise NotImplementedError("put the heads side by side again")
