import torch


def top_k_gates(router_logits: torch.Tensor, k: int) -> torch.Tensor:
    """Gates (B, T, E) from router logits (B, T, E): for each token, a softmax over its k
    largest logits, and exactly 0 for every other expert."""
    raise NotImplementedError("keep each token's k largest logits, softmax them, zeros elsewhere")
