"""Classic sampling-filter slips, one function per catalogued mistake."""
import torch


def _top_k(logits, top_k):
    kth = torch.topk(logits, top_k, dim=-1).values[..., -1:]
    return logits.masked_fill(logits < kth, float("-inf"))


def _top_p(logits, top_p):
    probs = torch.softmax(logits, dim=-1)
    sorted_probs, order = probs.sort(dim=-1, descending=True)
    remove_sorted = sorted_probs.cumsum(dim=-1) - sorted_probs >= top_p
    return logits.masked_fill(remove_sorted.scatter(-1, order, remove_sorted), float("-inf"))


def temperature_after_softmax(logits, temperature=1.0, top_k=None, top_p=None):
    # Filters the untempered distribution, then tempers what is left.
    if temperature == 0:
        return _top_k(logits, 1)
    if top_k is not None:
        logits = _top_k(logits, top_k)
    if top_p is not None:
        logits = _top_p(logits, top_p)
    return logits / temperature


def top_p_excludes_boundary(logits, temperature=1.0, top_k=None, top_p=None):
    if temperature == 0:
        return _top_k(logits, 1)
    logits = logits / temperature
    if top_k is not None:
        logits = _top_k(logits, top_k)
    if top_p is not None:
        probs = torch.softmax(logits, dim=-1)
        sorted_probs, order = probs.sort(dim=-1, descending=True)
        # Removes the crossing token too: the kept mass stays below p.
        remove_sorted = sorted_probs.cumsum(dim=-1) > top_p
        logits = logits.masked_fill(remove_sorted.scatter(-1, order, remove_sorted), float("-inf"))
    return logits


def top_k_off_by_one(logits, temperature=1.0, top_k=None, top_p=None):
    if temperature == 0:
        return _top_k(logits, 1)
    logits = logits / temperature
    if top_k is not None:
        # s[..., k] is the (k+1)-th largest value.
        kth = logits.sort(dim=-1, descending=True).values[..., top_k : top_k + 1]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    if top_p is not None:
        logits = _top_p(logits, top_p)
    return logits
