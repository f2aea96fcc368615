import torch


def filter_logits(logits, temperature=1.0, top_k=None, top_p=None):
    """Temperature, top-k (Fan et al. 2018) and top-p (Holtzman et al. 2020) on logits (B, V).

    Tokens that may not be sampled get -inf, so softmax gives them probability 0.
    """
    if temperature == 0:
        # The limit T -> 0: all the probability goes to the largest logit (greedy).
        top_k, top_p = 1, None
    else:
        logits = logits / temperature                                 # (B, V)
    if top_k is not None:
        kth = torch.topk(logits, top_k, dim=-1).values[..., -1:]      # (B, 1) the k-th largest
        logits = logits.masked_fill(logits < kth, float("-inf"))
    if top_p is not None:
        probs = torch.softmax(logits, dim=-1)                         # (B, V) after top-k
        sorted_probs, order = probs.sort(dim=-1, descending=True)     # (B, V) each
        # Mass of the strictly more probable tokens: the token that crosses top_p
        # still has less than top_p before it, so it is kept.
        mass_before = sorted_probs.cumsum(dim=-1) - sorted_probs      # (B, V)
        remove_sorted = mass_before >= top_p
        remove = remove_sorted.scatter(-1, order, remove_sorted)      # back to vocabulary order
        logits = logits.masked_fill(remove, float("-inf"))
    return logits
