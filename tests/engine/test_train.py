import math

import pytest
import torch
import torch.nn as nn

from engine.config import TransformerConfig
from engine.generate import greedy
from engine.models import GPT
from engine.train import adamw_update, get_batch, lr_at, next_token_loss, param_groups, train


@pytest.mark.parametrize("weight_decay", [0.0, 0.1])
def test_adamw_update_equals_torch_adamw_step_for_step(weight_decay):
    torch.manual_seed(0)
    reference = torch.randn(7, 5, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.AdamW(
        [reference], lr=0.03, betas=(0.8, 0.95), eps=1e-6, weight_decay=weight_decay
    )
    param = reference.detach().clone()
    m, v = torch.zeros_like(param), torch.zeros_like(param)
    for step in range(1, 8):
        grad = torch.randn(7, 5, dtype=torch.float64)
        reference.grad = grad.clone()
        optimizer.step()
        param, m, v = adamw_update(
            param, grad, m, v, step, 0.03, 0.8, 0.95, eps=1e-6, weight_decay=weight_decay
        )
        torch.testing.assert_close(param, reference.detach(), rtol=1e-12, atol=1e-12)


def test_adamw_update_returns_new_tensors():
    param, grad = torch.ones(3), torch.ones(3)
    m, v = torch.zeros(3), torch.zeros(3)
    new_param, new_m, new_v = adamw_update(param, grad, m, v, 1, 0.1)
    assert torch.equal(param, torch.ones(3)) and torch.equal(m, torch.zeros(3))
    # First step: m_hat = v_hat = g, so the step is lr * g / |g| = lr, plus the decay.
    torch.testing.assert_close(new_param, torch.full((3,), 1 - 0.1 * 0.01 - 0.1))


def test_schedule_values():
    kwargs = dict(max_lr=1.0, warmup_steps=10, total_steps=110, min_lr=0.1)
    assert lr_at(0, **kwargs) == 0.0
    assert lr_at(5, **kwargs) == pytest.approx(0.5)
    assert lr_at(10, **kwargs) == pytest.approx(1.0)  # end of warmup: the peak
    assert lr_at(60, **kwargs) == pytest.approx(0.55)  # cosine midpoint: halfway to min
    assert lr_at(35, **kwargs) == pytest.approx(0.1 + 0.45 * (1 + math.cos(math.pi / 4)))
    assert lr_at(110, **kwargs) == pytest.approx(0.1)
    assert lr_at(500, **kwargs) == pytest.approx(0.1)


def test_schedule_without_warmup_starts_at_peak():
    assert lr_at(0, 2.0, 0, 10) == 2.0
    assert lr_at(10, 2.0, 0, 10) == 0.0


class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = nn.Embedding(11, 5)
        self.ln = nn.LayerNorm(5)
        self.fc = nn.Linear(5, 7)
        self.head = nn.Linear(5, 11, bias=False)
        self.head.weight = self.wte.weight  # tied


def test_param_groups_decay_only_linear_matrices():
    model = Tiny()
    decay, no_decay = param_groups(model, 0.1)
    assert decay["weight_decay"] == 0.1 and no_decay["weight_decay"] == 0.0
    ids = lambda group: {id(p) for p in group["params"]}  # noqa: E731
    assert ids(decay) == {id(model.fc.weight)}
    assert ids(no_decay) == {id(model.wte.weight), id(model.ln.weight), id(model.ln.bias), id(model.fc.bias)}


def test_get_batch_targets_are_inputs_shifted():
    data = torch.arange(100)
    x, y = get_batch(data, 5, 7, torch.Generator().manual_seed(0))
    assert x.shape == y.shape == (5, 7)
    assert torch.equal(y, x + 1)
    assert int(y.max()) < 100


def test_next_token_loss_is_cross_entropy_per_position():
    torch.manual_seed(0)
    logits, targets = torch.randn(2, 3, 5), torch.randint(5, (2, 3))
    expected = -torch.log_softmax(logits, -1).gather(-1, targets[..., None]).mean()
    torch.testing.assert_close(next_token_loss(logits, targets), expected)



N_SYMBOLS, N_COPY = 10, 5
SEP = N_SYMBOLS  # the separator token


def copy_batches(seed, batch_size=32):
    """Sequences `a SEP a` of random symbols; only the copy after SEP is scored (-100 elsewhere)."""
    generator = torch.Generator().manual_seed(seed)
    while True:
        a = torch.randint(N_SYMBOLS, (batch_size, N_COPY), generator=generator)
        seq = torch.cat([a, torch.full((batch_size, 1), SEP), a], dim=1)  # (B, 2n + 1)
        x, y = seq[:, :-1], seq[:, 1:].clone()
        y[:, :N_COPY] = -100  # the symbols before SEP are random: nothing to learn there
        yield x, y


def copy_model(seed=0):
    torch.manual_seed(seed)
    config = TransformerConfig.nano(vocab_size=N_SYMBOLS + 1, block_size=2 * N_COPY + 1, n_layer=2,
                                    n_head=2, n_embd=32)
    return GPT(config)


def test_copy_task_converges():
    model = copy_model()
    steps = []
    losses = train(model, copy_batches(0), 150, max_lr=1e-2, weight_decay=0.0,
                   callback=lambda step, loss, lr: steps.append((step, loss, lr)))
    assert [s for s, _, _ in steps] == list(range(1, 151))
    assert [loss for _, loss, _ in steps] == losses
    assert steps[0][2] == pytest.approx(lr_at(1, 1e-2, 15, 150, 1e-3))
    assert losses[0] > 2.0 and max(losses[-10:]) < 0.05
    a = torch.randint(N_SYMBOLS, (64, N_COPY), generator=torch.Generator().manual_seed(123))
    out = greedy(model, torch.cat([a, torch.full((64, 1), SEP)], dim=1), N_COPY)
    assert (out[:, N_COPY + 1:] == a).float().mean() > 0.98


def test_same_seed_same_losses_on_a_token_stream():
    data = torch.randint(N_SYMBOLS, (500,), generator=torch.Generator().manual_seed(0))
    runs = [train(copy_model(), data, 12, batch_size=4, block_size=8, seed=s) for s in (3, 3, 4)]
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_train_stops_at_the_time_limit():
    losses = train(copy_model(), copy_batches(0), 1000, time_limit_s=0.0)
    assert len(losses) == 1


def test_param_groups_of_a_gpt_cover_every_parameter_once():
    model = copy_model()
    decay, no_decay = param_groups(model, 0.1)
    names = {id(p): name for name, p in model.named_parameters()}
    decayed = sorted(names[id(p)].rsplit(".", 2)[-2] for p in decay["params"])
    assert set(decayed) == {"c_attn", "c_proj", "c_fc"}  # the matrices of the linear layers
    assert "transformer.wte.weight" in {names[id(p)] for p in no_decay["params"]}  # tied head too
    assert len(decay["params"]) + len(no_decay["params"]) == len(names)
