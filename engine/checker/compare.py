"""The learner's values against the reference's: outputs (shape by name, then values) and
intermediates (which reference step the learner's tensors reproduce)."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from engine.checker.difference import describe_difference
from engine.checker.shape_names import DimNames
from engine.checker.trace import OpRecord

# (rtol, atol) by the dtype the reference computes in.
TOLERANCES = {torch.float64: (1e-6, 1e-8), torch.float32: (1e-4, 1e-5)}


@dataclass
class Mismatch:
    kind: str  # "shape" | "type" | "dtype" | "value" | "nan"
    message: str
    max_error: float | None = None


def tolerance(dtype: torch.dtype) -> tuple[float, float]:
    """(rtol, atol) for a reference computed in `dtype`."""
    return TOLERANCES.get(dtype, TOLERANCES[torch.float32])


def close(got: torch.Tensor, expected: torch.Tensor) -> bool:
    """Same shape and values within the dtype's tolerance; NaN matches NaN, inf matches inf."""
    if got.shape != expected.shape:
        return False
    if not expected.is_floating_point():
        return torch.equal(got.to(expected.dtype), expected)
    rtol, atol = tolerance(expected.dtype)
    return torch.allclose(got.to(expected.dtype), expected, rtol=rtol, atol=atol, equal_nan=True)


def max_error(got: torch.Tensor, expected: torch.Tensor) -> float:
    """Largest absolute difference over the entries finite in both."""
    got, expected = got.detach().to(expected.dtype), expected.detach()  # module outputs carry grads
    both = got.isfinite() & expected.isfinite()
    return float((got[both] - expected[both]).abs().max()) if both.any() else 0.0


def nonfinite_differ(got: torch.Tensor, expected: torch.Tensor) -> bool:
    """Whether NaN / ±inf entries are not where the reference has them."""
    return not torch.equal(got.detach().isfinite(), expected.detach().isfinite())


def same_value(got, expected) -> bool:
    """Any output against any expected value (tensors, tuples, numbers)."""
    if isinstance(expected, torch.Tensor):
        return isinstance(got, torch.Tensor) and close(got, expected)
    if isinstance(expected, (tuple, list)):
        return (isinstance(got, (tuple, list)) and len(got) == len(expected)
                and all(same_value(g, e) for g, e in zip(got, expected)))
    if isinstance(expected, float):
        return isinstance(got, (int, float)) and abs(got - expected) <= 1e-6 * max(1.0, abs(expected))
    return got == expected


def compare_output(got, expected, output_spec, names: DimNames, label: str = "output") -> Mismatch | None:
    """The first way `got` differs from `expected`, in the learner's terms, or None."""
    if isinstance(expected, torch.Tensor):
        return _compare_tensor(got, expected, names, label)
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return Mismatch("type", f"{label}: expected a tuple of {len(expected)} values, got {_kind(got)}")
        shapes = output_spec.get("tuple") if isinstance(output_spec, dict) else None
        for i, (g, e) in enumerate(zip(got, expected)):
            mismatch = compare_output(g, e, shapes[i] if shapes else None, names, f"{label}[{i}]")
            if mismatch:
                return mismatch
        return None
    if not same_value(got, expected):
        return Mismatch("value", f"{label}: expected {expected!r}, got {got!r}")
    return None


def _compare_tensor(got, expected: torch.Tensor, names: DimNames, label: str) -> Mismatch | None:
    if not isinstance(got, torch.Tensor):
        return Mismatch("type", f"{label}: expected a tensor {names.shape(expected.shape)}, got {_kind(got)}")
    if got.shape != expected.shape:
        return Mismatch("shape", f"{label}: expected {names.shape(expected.shape)}, got {names.shape(got.shape)}")
    if expected.dtype == torch.bool and got.dtype != torch.bool:
        return Mismatch("dtype", f"{label}: expected a bool tensor (True = may attend), got {got.dtype}")
    if got.is_floating_point() != expected.is_floating_point():
        return Mismatch("dtype", f"{label}: expected {expected.dtype}, got {got.dtype}")
    if close(got, expected):
        return None
    if expected.is_floating_point():
        new_nans = got.isnan() & expected.isfinite()
        if new_nans.any():
            return Mismatch("nan", f"{label}: {int(new_nans.sum())} NaN values where the reference is finite")
        if nonfinite_differ(got, expected):
            return Mismatch("value", f"{label}: its ±inf entries are not where the reference has them",
                            float("inf"))
        error = max_error(got, expected)
        phrase = describe_difference(got, expected, names, tolerance(expected.dtype))
        return Mismatch("value", f"{label}: values differ from the reference (max abs error {error:.3g})"
                                 + (f"; {phrase}" if phrase else ""), error)
    phrase = describe_difference(got, expected, names, tolerance(expected.dtype)) or f"all {expected.numel()} entries differ"
    return Mismatch("value", f"{label}: does not match the reference: {phrase}")


def _kind(value) -> str:
    return "None" if value is None else type(value).__name__


@dataclass
class StepMatch:
    step: str
    record: OpRecord | None  # the learner op that reproduced it, or the closest one
    matched: bool
    error: float | None = None  # max abs error of the closest one, over finite entries
    nonfinite: bool = False  # the closest one has NaN / ±inf where the reference does not


def match_steps(steps: dict[str, torch.Tensor], records: list[OpRecord]) -> list[StepMatch]:
    """For each reference step in order, the first learner tensor equal to it (or the closest
    tensor of the same shape, with its max abs error)."""
    matches = []
    for step, expected in steps.items():
        best: StepMatch = StepMatch(step, None, False)
        for record in records:
            if record.value is None or record.value.shape != expected.shape:
                continue
            if close(record.value, expected):
                best = StepMatch(step, record, True)
                break
            error = max_error(record.value, expected)
            if best.error is None or error < best.error:
                best = StepMatch(step, record, False, error, nonfinite_differ(record.value, expected))
        matches.append(best)
    return matches


def describe_divergence(matches: list[StepMatch], labels: dict[str, str]) -> tuple[str | None, int | None]:
    """The first reference step after the last one the learner reproduced, in words, and the
    line to look at. A step skipped on the way (scaling q before the product never produces
    QKᵀ) is not a divergence when a later step still matches."""
    last = max((i for i, m in enumerate(matches) if m.matched), default=-1)
    if last == len(matches) - 1:
        return None, None
    missed = matches[last + 1]
    label = labels.get(missed.step, missed.step)
    if last >= 0:
        done = matches[last]
        text = f"your line {done.record.line} matches {labels.get(done.step, done.step)}; "
    else:
        text = "none of your tensors matches any step of the reference; "
    if missed.record is None:
        return text + f"nothing you compute has the shape of {label}", None
    if missed.nonfinite:
        off = "its NaN or ±inf entries are not where the reference has them"
    else:
        off = f"max abs error {missed.error:.3g}"
    text += f"nothing you compute matches {label} (closest: line {missed.record.line}, {off})"
    return text, missed.record.line
