import math


def lr_at(step, max_lr, warmup_steps, total_steps, min_lr=0.0):
    """Learning rate at `step` (a plain float).

    - Warmup: rises linearly from 0 at step 0 to max_lr at step == warmup_steps.
    - Decay: follows half a cosine from max_lr (at warmup_steps) to min_lr (at total_steps).
    - After total_steps: stays at min_lr.
    """
    raise NotImplementedError("three regimes: warmup ramp, cosine decay, floor")
