import torch


def speculative_accept(p_target, q_draft, draft_tokens, uniforms):
    """How many draft tokens the target model accepts (Leviathan et al. 2023; Chen et al. 2023).

    p_target: (k+1, V) target probabilities at each drafted position (plus one extra row);
    q_draft: (k, V) draft probabilities; draft_tokens: (k,) long; uniforms: (k,) in [0, 1).
    Returns the number of leading draft tokens accepted, as an int tensor in 0..k.
    """
    k = draft_tokens.shape[0]
    positions = torch.arange(k)
    p = p_target[positions, draft_tokens]  # (k,) target's probability of each drafted token
    q = q_draft[positions, draft_tokens]  # (k,) draft's probability of the same token
    # Token i survives with probability min(1, p/q): always when the target likes it at least
    # as much as the draft did, less often when the draft was overconfident.
    accepted = uniforms < torch.clamp(p / q, max=1.0)  # (k,) bool
    # Tokens are accepted left to right; the first rejection discards everything after it.
    return torch.cumprod(accepted.long(), dim=0).sum()
