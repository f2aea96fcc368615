"""Classic AdamW slips, one function per catalogued mistake."""
import torch


def l2_in_gradient(param, grad, m, v, step, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    # Adam with an L2 penalty: the decay rides inside the gradient and gets rescaled by 1/sqrt(v).
    grad = grad + weight_decay * param
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**step)
    v_hat = v / (1 - beta2**step)
    param = param - lr * m_hat / (torch.sqrt(v_hat) + eps)
    return param, m, v


def no_bias_correction(param, grad, m, v, step, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    param = param * (1 - lr * weight_decay)
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    param = param - lr * m / (torch.sqrt(v) + eps)
    return param, m, v


def decay_after_step(param, grad, m, v, step, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    # Shrinks the already-updated weights instead of the old ones.
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**step)
    v_hat = v / (1 - beta2**step)
    param = param - lr * m_hat / (torch.sqrt(v_hat) + eps)
    param = param * (1 - lr * weight_decay)
    return param, m, v
