"""Int8 weight quantization of linear layers (symmetric, one scale per output row).

Each weight row is stored as 8-bit integers times one float scale: a quarter of the fp32 size.
The matmul still runs in float (weights are dequantized on the fly); what is saved is memory
and bandwidth, and what is paid is a rounding error of at most scale/2 per weight.
"""

import copy

import torch
import torch.nn as nn
import torch.nn.functional as F


def quantize_int8(w):
    """w (out, in) float -> q (out, in) int8, scale (out,) with w ≈ q * scale[:, None]."""
    scale = w.abs().amax(dim=1) / 127  # (out,) the largest |w| of each row maps to ±127
    scale = torch.where(scale == 0, torch.ones_like(scale), scale)  # all-zero rows: any scale
    q = torch.round(w / scale[:, None]).clamp(-127, 127).to(torch.int8)  # (out, in)
    return q, scale


def dequantize_int8(q, scale):
    """q (out, in) int8, scale (out,) -> float weights (out, in)."""
    return q.to(scale.dtype) * scale[:, None]


class QuantizedLinear(nn.Module):
    """A drop-in for nn.Linear that stores its weight as int8 plus per-row scales."""

    def __init__(self, linear: nn.Linear):
        super().__init__()
        self.in_features, self.out_features = linear.in_features, linear.out_features
        q, scale = quantize_int8(linear.weight.detach())
        self.register_buffer("qweight", q)  # (out, in) int8
        self.register_buffer("scale", scale)  # (out,)
        self.bias = None if linear.bias is None else nn.Parameter(linear.bias.detach().clone())

    @property
    def weight(self):
        """The float weight (out, in) the int8 one stands for; modules that read `.weight`
        (the feed-forward passes its weights to a function) see the quantized values."""
        return dequantize_int8(self.qweight, self.scale)

    def forward(self, x):
        return F.linear(x, self.weight, self.bias)


def model_bytes(model):
    """Bytes held by a model's parameters and buffers (shared tensors counted once)."""
    tensors = {id(t): t for t in [*model.parameters(), *model.buffers()]}
    return sum(t.numel() * t.element_size() for t in tensors.values())


@torch.no_grad()
def quantize_model(model, batch):
    """A copy of `model` with every nn.Linear quantized, and a report measured on `batch`.

    A linear layer whose weight is shared with another module (an LM head tied to the token
    embedding) stays in float: quantizing it would store the tensor twice.
    The report: sizes in bytes (fp32 and int8 model), their ratio, the layers quantized and
    kept, and the max and mean absolute difference of the logits on `batch` (B, T) long.
    """
    quantized = copy.deepcopy(model).eval()
    owners = {}
    for module in quantized.modules():
        for param in module.parameters(recurse=False):
            owners[id(param)] = owners.get(id(param), 0) + 1
    quantized_names, kept_names = [], []
    for name, module in list(quantized.named_modules()):
        if not isinstance(module, nn.Linear):
            continue
        if owners[id(module.weight)] > 1:
            kept_names.append(name)
            continue
        parent_name, _, attr = name.rpartition(".")
        setattr(quantized.get_submodule(parent_name), attr, QuantizedLinear(module))
        quantized_names.append(name)
    was_training = model.training
    model.eval()
    error = (quantized(batch) - model(batch)).abs()  # (B, T, V)
    model.train(was_training)
    fp32_bytes, int8_bytes = model_bytes(model), model_bytes(quantized)
    report = {
        "fp32_bytes": fp32_bytes,
        "int8_bytes": int8_bytes,
        "size_ratio": fp32_bytes / int8_bytes,
        "quantized_layers": quantized_names,
        "float_layers": kept_names,
        "max_logit_error": error.max().item(),
        "mean_logit_error": error.mean().item(),
    }
    return quantized, report
