"""Trial inputs: every named dim bound to its own size, then seeded random tensors.

Each base dim gets a distinct prime (B gets 2, the others 3, 5, 7, 11, …) and derived dims
(`d_model: H * d_head`) are products of them, so any size in an error names exactly one dim and
a transposed axis cannot pass by luck. Later trials shift the primes, so a size hard-coded in
the learner's code fails on at least one trial.
"""

from __future__ import annotations

import copy
import importlib
import re
from dataclasses import dataclass
from typing import Any

import torch

from engine.checker.spec import ChallengeSpec, FunctionSpec, evaluate_dim

PRIMES = [3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41]
BATCH_SIZE = 2
SEED_BASE = 1234
DTYPES = {"float64": torch.float64, "float32": torch.float32}


@dataclass
class Trial:
    index: int
    seed: int
    sizes: dict[str, int]
    spec: dict  # the trial as written in the challenge


@dataclass
class Call:
    """One function's inputs for one trial; `fresh()` copies them for each caller, since a
    learner may change its inputs in place."""

    args: list[Any]
    kwargs: dict[str, Any]

    def fresh(self) -> tuple[list[Any], dict[str, Any]]:
        return _copy(self.args), _copy(self.kwargs)


def _copy(value):
    if isinstance(value, torch.Tensor):
        return value.clone()
    if isinstance(value, torch.nn.Module):
        return copy.deepcopy(value)
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value


def dtype_of(spec: ChallengeSpec) -> torch.dtype:
    return DTYPES[spec.dtype]


def dim_names(spec: ChallengeSpec) -> list[str]:
    """Every base (non-derived) dim the challenge mentions, in order of first appearance."""
    names: list[str] = []

    def add(value):
        if isinstance(value, str) and value.isidentifier() and value not in names:
            names.append(value)

    def visit_input(input_spec: dict):
        for dim in input_spec.get("shape", []):
            add(dim)
        kind = input_spec.get("kind", "tensor")
        if kind == "long":
            add(input_spec.get("high"))
        if kind == "int":  # elsewhere a string `value` is a literal (e.g. activation="gelu")
            add(input_spec.get("value"))
        for arg in input_spec.get("args", []):
            add(arg)

    def visit_output(output):
        if isinstance(output, list):
            for dim in output:
                add(dim)
        elif isinstance(output, dict):
            for shape in output.get("tuple", []):
                visit_output(shape)

    for function in spec.functions:
        for input_spec in function.args.values():
            visit_input(input_spec)
        visit_output(function.output)
    for trial in spec.trials:
        for override in (trial.get("args") or {}).values():
            if isinstance(override, dict):
                visit_input(override)
    for expr in spec.dims.values():  # `d_model: H * d_head` needs a size for d_head too
        for name in re.findall(r"[A-Za-z_]\w*", str(expr)):
            add(name)
    return [name for name in names if name not in spec.dims]


def make_trials(spec: ChallengeSpec) -> list[Trial]:
    base = dim_names(spec)
    trials = []
    for index, trial in enumerate(spec.trials):
        primes = iter(PRIMES[index % 3:])  # shift the sizes from one trial to the next
        sizes = {name: BATCH_SIZE if name == "B" else next(primes) for name in base}
        sizes.update(trial.get("sizes") or {})
        for name, expr in spec.dims.items():
            sizes[name] = evaluate_dim(expr, sizes)
        trials.append(Trial(index, int(trial.get("seed", SEED_BASE + index)), sizes, trial))
    return trials


def make_call(function: FunctionSpec, trial: Trial, dtype: torch.dtype) -> Call:
    """The arguments for `function` in `trial`: positional up to the first omitted one, then by
    keyword, so an omitted optional argument falls back to the learner's default."""
    generator = torch.Generator().manual_seed(trial.seed)
    overrides = trial.spec.get("args") or {}
    args, kwargs = [], {}
    for name, input_spec in function.args.items():
        override = overrides.get(name, input_spec)
        if override == "omit":
            continue
        value = make_input(override, trial.sizes, generator, dtype) if isinstance(override, dict) else override
        if kwargs or len(args) < list(function.args).index(name):
            kwargs[name] = value
        else:
            args.append(value)
    return Call(args, kwargs)


def _size(value, sizes: dict[str, int]) -> int:
    return sizes[value] if isinstance(value, str) else int(value)


def make_input(input_spec: dict, sizes: dict[str, int], generator: torch.Generator, dtype: torch.dtype):
    kind = input_spec.get("kind", "tensor")
    shape = [_size(dim, sizes) for dim in input_spec.get("shape", [])]
    if kind == "tensor":
        if "value" in input_spec:
            return input_spec["value"]
        # `scale` reaches the large values where naive code overflows (e.g. logits of 1e3)
        return torch.randn(shape, generator=generator, dtype=dtype) * input_spec.get("scale", 1)
    if kind == "uniform":
        return torch.rand(shape, generator=generator, dtype=dtype)
    if kind == "mask":
        return random_mask(shape, generator, full_row=bool(input_spec.get("full_rows")))
    if kind == "causal":
        T_q, T_k = shape[-2], shape[-1]
        return torch.ones(T_q, T_k, dtype=torch.bool).tril(T_k - T_q).expand(shape).clone()
    if kind == "long":
        return torch.randint(0, _size(input_spec["high"], sizes), shape, generator=generator)
    if kind == "probs":
        return torch.randn(shape, generator=generator, dtype=dtype).softmax(-1)
    if kind == "positive":
        return torch.randn(shape, generator=generator, dtype=dtype).abs() + 0.1
    if kind == "int":
        return _size(input_spec["value"], sizes)
    if kind == "float":
        return float(input_spec["value"])
    if kind == "module":
        module_name, _, attr = input_spec["factory"].partition(":")
        factory = getattr(importlib.import_module(module_name), attr)
        torch.manual_seed(int(torch.randint(0, 2**31 - 1, (1,), generator=generator)))
        module = factory(*[_size(a, sizes) if isinstance(a, str) else a for a in input_spec.get("args", [])])
        return module.to(dtype)
    raise ValueError(f"unknown input kind: {kind!r}")


def random_mask(shape: list[int], generator: torch.Generator, *, full_row: bool) -> torch.Tensor:
    """A random bool mask (True = may attend) with at least one True per row; with `full_row`,
    the last row of the first batch element is all False."""
    mask = torch.rand(shape, generator=generator) < 0.6
    keep = torch.randint(0, shape[-1], shape[:-1], generator=generator)
    mask.scatter_(-1, keep.unsqueeze(-1), True)
    if full_row:
        mask.view(-1, shape[-2], shape[-1])[0, -1] = False
    return mask
