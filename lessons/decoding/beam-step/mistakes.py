"""Classic beam-search slips, one function per catalogued mistake."""
import torch


def beam_score_ignored(log_probs, scores, beam_width):
    V = log_probs.shape[1]
    new_scores, flat = torch.topk(log_probs.reshape(-1), beam_width)
    return new_scores, flat // V, flat % V


def log_probs_multiplied(log_probs, scores, beam_width):
    V = log_probs.shape[1]
    new_scores, flat = torch.topk((scores[:, None] * log_probs).reshape(-1), beam_width)
    return new_scores, flat // V, flat % V


def divmod_by_beams(log_probs, scores, beam_width):
    W = log_probs.shape[0]
    new_scores, flat = torch.topk((scores[:, None] + log_probs).reshape(-1), beam_width)
    return new_scores, flat // W, flat % W
