import torch


def softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """exp(x) / sum(exp(x)) along `dim`, stable for large values."""
    # softmax(x) = softmax(x - c): with c the max, the largest exponent is exp(0) = 1, so no overflow.
    e = torch.exp(x - x.amax(dim=dim, keepdim=True))
    # The sum is at least 1 (the max's own term), so the division is always safe.
    return e / e.sum(dim=dim, keepdim=True)
