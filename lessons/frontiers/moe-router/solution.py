import torch


def top_k_gates(router_logits: torch.Tensor, k: int) -> torch.Tensor:
    """Gates (B, T, E) from router logits (B, T, E): for each token, a softmax over its k
    largest logits, and exactly 0 for every other expert (Mixtral, Jiang et al. 2024)."""
    # 1) Each token's k best experts: their logits and their indices among the E.
    values, indices = torch.topk(router_logits, k, dim=-1)  # (B, T, k) each
    # 2) Softmax over the chosen k only (the experts axis), so each token's weights sum to 1.
    weights = values.softmax(dim=-1)  # (B, T, k)
    # 3) Back to one gate per expert: the chosen get their weight, the rest exactly 0,
    #    which is what lets the layer skip them.
    return torch.zeros_like(router_logits).scatter(-1, indices, weights)  # (B, T, E)
