import math


def lr_at(step, max_lr, warmup_steps, total_steps, min_lr=0.0):
    """Learning rate at `step`: linear warmup, then cosine decay, then a floor.

    0 -> max_lr linearly over the first `warmup_steps` steps, a half cosine from
    max_lr down to min_lr between `warmup_steps` and `total_steps`, min_lr after.
    """
    if step < warmup_steps:
        # Linear ramp: 0 at step 0, max_lr exactly at step == warmup_steps.
        return max_lr * step / warmup_steps
    if step >= total_steps:
        return min_lr
    # Fraction of the decay phase already done: 0 at the end of warmup, 1 at total_steps.
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    # Half a cosine wave, rescaled from [1, -1] to [max_lr, min_lr].
    return min_lr + 0.5 * (1 + math.cos(math.pi * progress)) * (max_lr - min_lr)
