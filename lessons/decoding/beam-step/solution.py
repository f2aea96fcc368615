import torch


def beam_search_step(log_probs, scores, beam_width):
    """One step of beam search over W live beams and a vocabulary of V tokens.

    log_probs: (W, V); scores: (W,). Returns new_scores, beam_idx, token_idx, each
    (beam_width,), best first.
    """
    W, V = log_probs.shape
    # Log-probabilities add along a sequence: score of "beam b, then token t".
    candidates = scores[:, None] + log_probs                       # (W, V)
    # One ranking over all W*V continuations; topk returns them best first.
    new_scores, flat = torch.topk(candidates.reshape(-1), beam_width)  # (beam_width,) each
    # Row-major flattening: every beam owns V consecutive entries.
    return new_scores, flat // V, flat % V
