"""Training a language model: next-token loss, AdamW, warmup + cosine schedule, the loop.

AdamW is Loshchilov & Hutter 2019 (weight decay decoupled from the gradient step); the schedule
is the one GPT-style models are trained with (linear warmup, then cosine decay).
"""

import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def next_token_loss(logits, targets):
    """Cross-entropy of logits (B, T, V) against targets (B, T): the token that came next."""
    B, T, V = logits.shape
    return F.cross_entropy(logits.reshape(B * T, V), targets.reshape(B * T))


def get_batch(data, batch_size, block_size, generator=None):
    """Random windows of a token stream data (N,): inputs x (B, T) and targets y = x shifted by one."""
    starts = torch.randint(len(data) - block_size, (batch_size,), generator=generator)  # (B,)
    offsets = torch.arange(block_size)  # (T,)
    x = data[starts[:, None] + offsets]  # (B, T)
    y = data[starts[:, None] + offsets + 1]  # (B, T)
    return x, y


def param_groups(model, weight_decay):
    """Two AdamW groups: decay the matrices of linear layers; never biases, norms or embeddings.

    Decay pulls weights toward zero. For the matrices that mix features that regularises; for
    a bias, a norm's gain or an embedding row it only drags a meaningful value away.
    Weights shared between modules (a tied LM head) count once, as the embedding they are.
    """
    no_decay = set()
    for module in model.modules():
        for param in module.parameters(recurse=False):
            if param.dim() < 2 or isinstance(module, nn.Embedding):
                no_decay.add(param)
    params = list(model.parameters())  # each shared tensor once
    return [
        {"params": [p for p in params if p not in no_decay], "weight_decay": weight_decay},
        {"params": [p for p in params if p in no_decay], "weight_decay": 0.0},
    ]


def adamw_update(param, grad, m, v, step, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    """One AdamW step for one tensor, as new tensors (param, m, v); `step` counts from 1."""
    param = param * (1 - lr * weight_decay)  # decoupled decay: not part of the gradient
    m = beta1 * m + (1 - beta1) * grad  # running mean of gradients
    v = beta2 * v + (1 - beta2) * grad * grad  # running mean of squared gradients
    m_hat = m / (1 - beta1**step)  # undo the bias toward the zero start
    v_hat = v / (1 - beta2**step)
    param = param - lr * m_hat / (v_hat.sqrt() + eps)
    return param, m, v


def lr_at(step, max_lr, warmup_steps, total_steps, min_lr=0.0):
    """Learning rate at `step`: 0 -> max_lr linearly over warmup, cosine down to min_lr at the end."""
    if step < warmup_steps:
        return max_lr * step / warmup_steps
    if step >= total_steps:
        return min_lr
    progress = (step - warmup_steps) / (total_steps - warmup_steps)  # 0 -> 1
    return min_lr + 0.5 * (max_lr - min_lr) * (1 + math.cos(math.pi * progress))


def train(
    model,
    data,
    steps,
    *,
    batch_size=16,
    block_size=None,
    max_lr=3e-3,
    min_lr=None,
    warmup_steps=None,
    weight_decay=0.1,
    betas=(0.9, 0.95),
    grad_clip=1.0,
    seed=0,
    callback=None,
    time_limit_s=None,
):
    """Train `model` for `steps` AdamW updates and return the list of losses.

    `data` is a token stream (N,) long, from which random windows of `block_size` (default: the
    model's) are drawn, or an iterable of (x, y) batches. `callback(step, loss, lr)` is called
    after every update (step counts from 1). With the same model weights and seed the losses
    are the same. `time_limit_s` stops early once that much time has passed (the schedule still
    spans `steps`). The update is torch's AdamW, which `adamw_update` writes out for one tensor.
    The model is left in eval mode.
    """
    torch.manual_seed(seed)  # dropout
    generator = torch.Generator().manual_seed(seed)  # batch sampling
    if isinstance(data, torch.Tensor):
        block_size = block_size or model.config.block_size
        batches = (get_batch(data, batch_size, block_size, generator) for _ in range(steps))
    else:
        batches = iter(data)
    warmup_steps = max(1, steps // 10) if warmup_steps is None else warmup_steps
    min_lr = max_lr / 10 if min_lr is None else min_lr
    optimizer = torch.optim.AdamW(param_groups(model, weight_decay), lr=max_lr, betas=betas)
    model.train()
    losses = []
    start = time.perf_counter()
    for step, (x, y) in zip(range(1, steps + 1), batches):
        lr = lr_at(step, max_lr, warmup_steps, steps, min_lr)
        for group in optimizer.param_groups:
            group["lr"] = lr
        loss = next_token_loss(model(x), y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if grad_clip:
            torch.nn.utils.clip_grad_norm_(model.parameters(), grad_clip)
        optimizer.step()
        losses.append(loss.item())
        if callback is not None:
            callback(step, losses[-1], lr)
        if time_limit_s is not None and time.perf_counter() - start > time_limit_s:
            break
    model.eval()
    return losses
