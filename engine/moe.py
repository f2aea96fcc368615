"""A sparse mixture-of-experts feed-forward layer: a router scores E expert FFNs for every token,
each token goes to its k best experts only, and their outputs are mixed by the router's weights
(Shazeer et al. 2017; Mixtral, Jiang et al. 2024). Parameters grow with E; compute per token
grows with k."""

from __future__ import annotations

import torch
from torch import nn

from engine.feedforward import MLP
from engine.shapes import check_shape


def top_k_gates(router_logits: torch.Tensor, k: int) -> torch.Tensor:
    """Dense gates (..., E) from router logits (..., E): for each token, a softmax over its k
    largest logits and exactly 0 for every other expert, so each row sums to 1.

    This is Mixtral's rule: a softmax over all E experts renormalised over the top k gives the
    same weights, since the common denominator cancels.
    """
    E = check_shape("router_logits", router_logits, "... E")["E"]
    if not 1 <= k <= E:
        raise ValueError(f"k must be between 1 and the number of experts E={E}, got {k}")
    top_logits, top_experts = router_logits.topk(k, dim=-1)  # (..., k) each, largest first
    top_weights = top_logits.softmax(dim=-1)  # (..., k) over the chosen experts only
    # Every expert not chosen gets exactly 0, so it never has to run for this token.
    return torch.zeros_like(router_logits).scatter(-1, top_experts, top_weights)  # (..., E)


class MoEFeedForward(nn.Module):
    """A drop-in replacement for the block's MLP: `n_experts` MLPs and a linear router
    (Shazeer et al. 2017, *Outrageously Large Neural Networks*; Mixtral 8x7B, Jiang et al. 2024,
    uses 8 experts and k = 2). Each expert runs only on the tokens routed to it."""

    def __init__(self, d_model: int, n_experts: int, k: int, d_ff: int | None = None,
                 activation: str = "gelu"):
        super().__init__()
        if not 1 <= k <= n_experts:
            raise ValueError(f"k must be between 1 and n_experts={n_experts}, got {k}")
        self.router = nn.Linear(d_model, n_experts, bias=False)
        self.experts = nn.ModuleList(MLP(d_model, d_ff, activation) for _ in range(n_experts))
        self.k = k

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, C = check_shape("x", x, "B T C", C=self.router.in_features).values()
        tokens = x.reshape(B * T, C)  # (N, C): routing is per token, batch and time alike
        gates = top_k_gates(self.router(tokens), self.k)  # (N, E), k non-zeros per row
        out = torch.zeros_like(tokens)  # (N, C)
        for e, expert in enumerate(self.experts):
            rows = gates[:, e].nonzero().squeeze(-1)  # (n_e,) the tokens routed to expert e
            if rows.numel() == 0:
                continue  # no token chose it: it neither runs nor gets a gradient
            y = expert(tokens[rows].unsqueeze(0)).squeeze(0)  # (n_e, C) the MLP takes (B, T, C)
            out = out.index_add(0, rows, gates[rows, e, None] * y)  # weighted, back to each token
        return out.view(B, T, C)
