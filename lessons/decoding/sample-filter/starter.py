import torch


def filter_logits(logits, temperature=1.0, top_k=None, top_p=None):
    """Set the logits of tokens that may not be sampled to -inf.

    logits: (B, V). In order: divide by temperature (0 = keep only the largest logit),
    keep the top_k largest, then keep the smallest set of most probable tokens whose
    probability reaches top_p (the token that crosses top_p included).
    Returns (B, V).
    """
    raise NotImplementedError("temperature first, then top-k, then top-p; removed tokens get -inf")
