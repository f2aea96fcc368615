import pytest
import torch

from engine.moe import MoEFeedForward, top_k_gates
from engine.shapes import ShapeError

B, T, d_model, E, k = 2, 5, 12, 7, 3


def logits(seed=0, *shape):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*(shape or (B, T, E)), generator=g, dtype=torch.float64)


def mixtral_gates(router_logits, k):
    """Mixtral's formulation: softmax over all experts, keep the top k, renormalise."""
    probs = router_logits.softmax(-1)
    top = probs.topk(k, dim=-1)
    kept = torch.zeros_like(probs).scatter(-1, top.indices, top.values)
    return kept / kept.sum(-1, keepdim=True)


def loop_gates(router_logits, k):
    """One row at a time, in plain Python: sort, exponentiate the k best, normalise."""
    rows = router_logits.reshape(-1, router_logits.shape[-1]).tolist()
    out = torch.zeros(len(rows), len(rows[0]), dtype=torch.float64)
    for r, row in enumerate(rows):
        best = sorted(range(len(row)), key=lambda e: row[e], reverse=True)[:k]
        top = max(row[e] for e in best)
        total = sum(torch.tensor(row[e] - top).exp().item() for e in best)
        for e in best:
            out[r, e] = torch.tensor(row[e] - top).exp().item() / total
    return out.reshape(router_logits.shape)


def test_top_k_gates_match_mixtral_and_a_per_row_loop():
    x = logits()
    gates = top_k_gates(x, k)
    assert gates.shape == (B, T, E)
    torch.testing.assert_close(gates, mixtral_gates(x, k))
    torch.testing.assert_close(gates, loop_gates(x, k))


def test_top_k_gates_are_zero_outside_the_top_k_and_rows_sum_to_one():
    x = logits(1)
    gates = top_k_gates(x, k)
    chosen = torch.zeros_like(x, dtype=torch.bool).scatter(-1, x.topk(k, dim=-1).indices, True)
    assert torch.all(gates[~chosen] == 0)  # exactly, not approximately
    assert torch.all(gates[chosen] > 0)
    assert ((gates != 0).sum(-1) == k).all()
    torch.testing.assert_close(gates.sum(-1), torch.ones(B, T, dtype=torch.float64))


def test_top_k_gates_edge_values_of_k():
    x = logits(2)
    torch.testing.assert_close(top_k_gates(x, E), x.softmax(-1))
    one_hot = torch.nn.functional.one_hot(x.argmax(-1), E).to(x.dtype)
    assert torch.equal(top_k_gates(x, 1), one_hot)
    torch.testing.assert_close(top_k_gates(x[0, 0], k), mixtral_gates(x[0, 0], k))  # a single token (E,)


def test_top_k_gates_reject_bad_shapes_and_k():
    x = logits()
    with pytest.raises(ShapeError, match="router_logits"):
        top_k_gates(torch.tensor(1.0), 1)
    for bad_k in (0, -1, E + 1):
        with pytest.raises(ValueError, match=f"E={E}"):
            top_k_gates(x, bad_k)


def moe(seed=0):
    torch.manual_seed(seed)
    return MoEFeedForward(d_model, E, k, d_ff=11).double()


def test_moe_equals_every_expert_on_every_token_weighted_by_the_gates():
    layer = moe()
    x = torch.randn(B, T, d_model, generator=torch.Generator().manual_seed(3), dtype=torch.float64)
    gates = mixtral_gates(x @ layer.router.weight.T, k)  # (B, T, E)
    dense = sum(gates[..., e, None] * expert(x) for e, expert in enumerate(layer.experts))
    torch.testing.assert_close(layer(x), dense)


def test_moe_runs_each_expert_only_on_its_tokens():
    layer = moe(1)
    seen = []
    for expert in layer.experts:
        expert.register_forward_hook(lambda module, inputs, output: seen.append(inputs[0].shape[1]))
    layer(torch.randn(B, T, d_model, dtype=torch.float64))
    assert sum(seen) == B * T * k  # k expert evaluations per token, not E


def test_gradients_reach_the_router_and_the_chosen_experts_only():
    layer = moe(2)
    unused = E - 1
    with torch.no_grad():  # positive inputs and an all-negative router row: expert 6 always loses
        layer.router.weight[unused] = -1.0
    x = torch.rand(B, T, d_model, generator=torch.Generator().manual_seed(4), dtype=torch.float64) + 0.1
    with torch.no_grad():
        chosen = set((x @ layer.router.weight.T).topk(k, dim=-1).indices.unique().tolist())
    assert unused not in chosen and len(chosen) > 1
    out = layer(x)
    (out * torch.randn_like(out)).sum().backward()
    assert layer.router.weight.grad.abs().sum() > 0
    for e, expert in enumerate(layer.experts):
        grads = [p.grad for p in expert.parameters()]
        if e in chosen:
            assert all(g is not None and g.abs().sum() > 0 for g in grads), e
        else:
            assert all(g is None for g in grads), e


def test_moe_checks_its_input_and_k():
    layer = moe()
    assert layer(torch.randn(1, 1, d_model, dtype=torch.float64)).shape == (1, 1, d_model)
    with pytest.raises(ShapeError, match="C=12"):
        layer(torch.randn(B, T, d_model + 1, dtype=torch.float64))
    with pytest.raises(ValueError, match="n_experts=7"):
        MoEFeedForward(d_model, E, E + 1)
    assert MoEFeedForward(d_model, E, k).experts[0].c_fc.out_features == 4 * d_model
