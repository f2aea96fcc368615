import torch


def adamw_update(param, grad, m, v, step, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    """One AdamW step (Loshchilov & Hutter 2019, Algorithm 2) on a single tensor.

    param, grad, m, v: (d_out, d_in). `step` counts from 1.
    Returns new tensors (param, m, v); the inputs are left untouched.
    """
    # 1) Decoupled weight decay: shrink the weights directly, outside the gradient,
    #    so Adam's per-coordinate scaling never touches it.
    param = param * (1 - lr * weight_decay)
    # 2) Running averages of the gradient (1st moment) and its square (2nd moment).
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    # 3) Bias correction: m and v start at zero, so early averages are too small.
    m_hat = m / (1 - beta1**step)
    v_hat = v / (1 - beta2**step)
    # 4) The Adam step: roughly lr per coordinate, whatever the gradient's scale.
    param = param - lr * m_hat / (torch.sqrt(v_hat) + eps)
    return param, m, v
