import torch


def adamw_update(param, grad, m, v, step, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    """One AdamW step on a single tensor.

    param, grad, m, v: (d_out, d_in) tensors; m and v are the running first and
    second moments from the previous step. `step` counts from 1.

    Return new tensors (param, m, v): decoupled weight decay, updated moments,
    bias-corrected step. Do not modify the inputs in place.
    """
    raise NotImplementedError("shrink the weights, update m and v, correct the bias, take the step")
