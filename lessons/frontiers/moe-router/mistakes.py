"""Classic slips in a top-k router, one function per catalogued mistake."""

import torch


def _scatter(router_logits, indices, weights):
    return torch.zeros_like(router_logits).scatter(-1, indices, weights)


def no_renormalise(router_logits, k):
    probs = router_logits.softmax(dim=-1)  # over all E
    values, indices = torch.topk(probs, k, dim=-1)
    return _scatter(router_logits, indices, values)  # rows sum to less than 1


def softmax_over_tokens(router_logits, k):
    values, indices = torch.topk(router_logits, k, dim=-1)
    return _scatter(router_logits, indices, values.softmax(dim=1))


def bottom_k(router_logits, k):
    values, indices = torch.topk(router_logits, k, dim=-1, largest=False)
    return _scatter(router_logits, indices, values.softmax(dim=-1))


def hard_gates(router_logits, k):
    values, indices = torch.topk(router_logits, k, dim=-1)
    return _scatter(router_logits, indices, torch.full_like(values, 1 / k))  # each chosen: 1/k


def dense_softmax(router_logits, k):
    return router_logits.softmax(dim=-1)
