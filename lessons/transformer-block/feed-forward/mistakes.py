"""Classic feed-forward slips, one function per catalogued mistake."""
import torch.nn.functional as F

ACTIVATIONS = {"gelu": F.gelu, "relu": F.relu}


def activation_after_output(x, w1, b1, w2, b2, activation="gelu"):
    return ACTIVATIONS[activation]((x @ w1.T + b1) @ w2.T + b2)


def relu_not_gelu(x, w1, b1, w2, b2, activation="gelu"):
    return F.relu(x @ w1.T + b1) @ w2.T + b2


def weight_reshaped(x, w1, b1, w2, b2, activation="gelu"):
    # Fixes the shape error of `x @ w1` with a reshape instead of a transpose.
    C, d_ff = w2.shape
    return ACTIVATIONS[activation](x @ w1.reshape(C, d_ff) + b1) @ w2.reshape(d_ff, C) + b2


def tanh_gelu(x, w1, b1, w2, b2, activation="gelu"):
    h = x @ w1.T + b1
    h = F.gelu(h, approximate="tanh") if activation == "gelu" else F.relu(h)
    return h @ w2.T + b2
