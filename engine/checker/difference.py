"""What a wrong output still has in common with the right one, in one phrase.

When no catalogued mistake matches, "values differ (max abs error 0.56)" leaves the learner
guessing. Most slips leave a trace in the numbers: a missing scale multiplies everything by
one constant, a softmax over the wrong axis sums to 1 along another dim, an off-by-one moves a
whole axis by a position, a wrong mask differs only above the diagonal. Each test below looks
for one such trace; the first that fits is said, in the trial's dim names.
"""

from __future__ import annotations

import math

import torch

from engine.checker.shape_names import DimNames

def describe_difference(got: torch.Tensor, expected: torch.Tensor, names: DimNames,
                        tolerance: tuple[float, float]) -> str | None:
    """A phrase such as "every value is 0.378 × the reference's (1/√d_k, d_k=7)", or None.
    `got` and `expected` have the same shape and differ; `tolerance` is the (rtol, atol) the
    checker judges `expected`'s dtype by, so "equal" means the same here as in the verdict."""
    got, expected = got.detach().to(expected.dtype), expected.detach()
    rtol, atol = tolerance

    def close(a: torch.Tensor, b: torch.Tensor) -> bool:
        return torch.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True)

    if not expected.is_floating_point():
        return _where(got != expected, names)
    for test in (_factor, _shift, _sums_to_one, _moved_axis):
        phrase = test(got, expected, names, close)
        if phrase:
            return phrase
    return _where(~torch.isclose(got, expected, rtol=rtol, atol=atol, equal_nan=True), names)


def _axis(names: DimNames, shape, axis: int) -> str:
    name = names.by_size.get(shape[axis])
    return name if name else f"axis {axis}"


def _factor(got, expected, names, close) -> str | None:
    finite = expected.isfinite() & got.isfinite()
    e, g = expected[finite], got[finite]
    norm = float((e * e).sum())
    if norm == 0:
        return None
    c = float((g * e).sum()) / norm  # the least-squares constant
    if abs(c - 1) < 1e-4 or not close(got, c * expected):
        return None
    if abs(c + 1) < 1e-4:
        return "every value has the opposite sign"
    return f"every value is {c:.4g} × the reference's" + _named_factor(c, names)


def _named_factor(c: float, names: DimNames) -> str:
    """" (1/√d_k, d_k=7)" when the factor is a power of one dim's size."""
    for size, name in names.by_size.items():
        if not name or size < 2:
            continue
        for label, value in ((name, size), (f"1/{name}", 1 / size), (f"√{name}", math.sqrt(size)),
                             (f"1/√{name}", 1 / math.sqrt(size))):
            if math.isclose(c, value, rel_tol=1e-4):
                return f" ({label}, {name}={size})"
    return ""


def _shift(got, expected, names, close) -> str | None:
    finite = expected.isfinite() & got.isfinite()
    if not finite.any():
        return None
    d = float((got[finite] - expected[finite]).mean())
    if abs(d) < 1e-6 or not close(got, expected + d):
        return None
    return f"every value is off by {d:+.4g}"


def _sums_to_one(got, expected, names, close) -> str | None:
    """Distributions (softmax, probabilities) normalised along the wrong dim, or along none."""
    if expected.numel() == 0 or not expected.isfinite().all() or expected.min() < 0:
        return None
    shape = expected.shape

    def axes_summing_to_one(t):
        sums = {a: t.sum(a) for a in range(t.dim()) if shape[a] > 1}
        return [a for a, s in sums.items() if close(s, torch.ones_like(s))]

    right = axes_summing_to_one(expected)
    if not right or not got.isfinite().all():
        return None
    yours = axes_summing_to_one(got)
    if set(right) & set(yours):
        return None
    wanted = " and ".join(_axis(names, shape, a) for a in right)
    if yours:
        return f"yours sums to 1 along {_axis(names, shape, yours[0])}; the reference's sums to 1 along {wanted}"
    sums = got.sum(right[0])
    return (f"the reference's sums to 1 along {wanted}; yours sums to "
            f"{float(sums.min()):.3g} … {float(sums.max()):.3g} there")


def _moved_axis(got, expected, names, close) -> str | None:
    """The right values in the wrong places along one axis: reversed, or off by one position."""
    shape = expected.shape
    for axis in range(expected.dim()):
        n = shape[axis]
        if n < 3:
            continue
        name = _axis(names, shape, axis)
        if close(got, expected.flip(axis)):
            return f"it is the reference in reverse order along {name}"
        if close(got.narrow(axis, 1, n - 1), expected.narrow(axis, 0, n - 1)):
            return f"it is the reference moved one position later along {name}"
        if close(got.narrow(axis, 0, n - 1), expected.narrow(axis, 1, n - 1)):
            return f"it is the reference moved one position earlier along {name}"
    return None


def _where(wrong: torch.Tensor, names: DimNames) -> str | None:
    """Differences (`wrong`: True where they are) confined to a few indices of one dim, or to
    one side of the diagonal."""
    count, total = int(wrong.sum()), wrong.numel()
    if count == 0:
        return None
    where = _diagonal_side(wrong) or _few_indices(wrong, names)
    return f"{count} of {total} entries differ{where}" if where or count < total else None


def _diagonal_side(wrong: torch.Tensor) -> str:
    """", all above the diagonal …" when every difference is on one side of the last two dims'
    diagonal (a mask that lets in the future, or an off-by-one on the diagonal)."""
    if wrong.dim() < 2 or min(wrong.shape[-2:]) < 2:
        return ""
    rows, cols = wrong.shape[-2:]
    i = torch.arange(rows)[:, None] + (cols - rows)  # queries are the last rows, as with a cache
    j = torch.arange(cols)[None, :]
    sides = (j - i).sign().expand(wrong.shape)[wrong].unique().tolist()  # -1 below, 0 on, 1 above
    words = {-1: "below the diagonal", 0: "on the diagonal", 1: "above the diagonal (later keys)"}
    return f", all {words[sides[0]]} of the last two dims" if len(sides) == 1 else ""


def _few_indices(wrong: torch.Tensor, names: DimNames) -> str:
    """", all at T_q = 0" when the differences sit at one or two indices of a dim."""
    shape, best = wrong.shape, None  # best: (indices, axis)
    for axis in range(wrong.dim()):
        if shape[axis] < 3:
            continue
        others = [a for a in range(wrong.dim()) if a != axis]
        hit = (wrong.any(dim=others) if others else wrong).nonzero().flatten().tolist()
        if len(hit) <= 2 and (best is None or len(hit) < len(best[0])):
            best = (hit, axis)
    if best is None:
        return ""
    hit, axis = best
    return f", all at {_axis(names, shape, axis)} = {' and '.join(map(str, hit))}"
