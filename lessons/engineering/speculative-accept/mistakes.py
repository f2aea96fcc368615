"""Classic slips in the speculative-decoding acceptance rule, one function per mistake."""
import torch


def inverted_ratio(p_target, q_draft, draft_tokens, uniforms):
    # q/p instead of p/q: favours the tokens the *draft* likes more than the target does.
    positions = torch.arange(draft_tokens.shape[0])
    p = p_target[positions, draft_tokens]
    q = q_draft[positions, draft_tokens]
    accepted = uniforms < torch.clamp(q / p, max=1.0)
    return torch.cumprod(accepted.long(), dim=0).sum()


def no_stop_at_rejection(p_target, q_draft, draft_tokens, uniforms):
    # Counts every accepted token, even those after a rejection (whose context is already wrong).
    positions = torch.arange(draft_tokens.shape[0])
    p = p_target[positions, draft_tokens]
    q = q_draft[positions, draft_tokens]
    accepted = uniforms < torch.clamp(p / q, max=1.0)
    return accepted.long().sum()
