import torch


def speculative_accept(p_target, q_draft, draft_tokens, uniforms):
    """How many of the k drafted tokens the target model accepts.

    p_target: (k+1, V) target probabilities (row i is the target's distribution at draft position i;
              the extra last row is only needed after the loop, to sample a bonus token).
    q_draft:  (k, V) the draft model's probabilities at the same positions.
    draft_tokens: (k,) long, the tokens the draft sampled; uniforms: (k,) random numbers in [0, 1).

    Accept draft token i while uniforms[i] < min(1, p_target[i, x_i] / q_draft[i, x_i]),
    stopping at the first rejection. Return the count (0..k) as an int tensor.
    """
    raise NotImplementedError("compare each uniform with min(1, p/q), stop at the first rejection")
