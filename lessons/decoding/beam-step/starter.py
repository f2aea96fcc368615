import torch


def beam_search_step(log_probs, scores, beam_width):
    """Keep the beam_width best one-token continuations of the live beams.

    log_probs: (W, V) next-token log-probabilities per beam; scores: (W,) summed
    log-probability of each beam. Returns (new_scores, beam_idx, token_idx), each
    (beam_width,), best first; the indices are long tensors.
    """
    raise NotImplementedError("score every (beam, token) pair, keep the best beam_width")
