"""Classic schedule slips, one function per catalogued mistake."""
import math


def warmup_off_by_one(step, max_lr, warmup_steps, total_steps, min_lr=0.0):
    # Ramp shifted by one step: never starts at 0.
    if step < warmup_steps:
        return max_lr * (step + 1) / warmup_steps
    if step >= total_steps:
        return min_lr
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    return min_lr + 0.5 * (1 + math.cos(math.pi * progress)) * (max_lr - min_lr)


def cosine_misses_min_lr(step, max_lr, warmup_steps, total_steps, min_lr=0.0):
    # Progress measured over all steps, so the cosine is cut short before reaching min_lr.
    if step < warmup_steps:
        return max_lr * step / warmup_steps
    if step > total_steps:
        return min_lr
    progress = (step - warmup_steps) / total_steps
    return min_lr + 0.5 * (1 + math.cos(math.pi * progress)) * (max_lr - min_lr)


def decays_to_zero(step, max_lr, warmup_steps, total_steps, min_lr=0.0):
    # The floor is forgotten: the cosine heads to 0 and the schedule ends at 0.
    if step < warmup_steps:
        return max_lr * step / warmup_steps
    if step >= total_steps:
        return 0.0
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    return 0.5 * (1 + math.cos(math.pi * progress)) * max_lr


def cosine_from_step_zero(step, max_lr, warmup_steps, total_steps, min_lr=0.0):
    # Progress counted from step 0: the cosine has already started falling when the warmup
    # ends, so the rate never quite reaches max_lr and drops with a kink after the warmup.
    if step < warmup_steps:
        return max_lr * step / warmup_steps
    if step > total_steps:
        return min_lr
    progress = step / total_steps
    return min_lr + 0.5 * (1 + math.cos(math.pi * progress)) * (max_lr - min_lr)
