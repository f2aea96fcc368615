"""Shape checks that speak in named dimensions.

A transposed axis or a wrong head split shows up as a tensor of the wrong shape several
operations later; checking at the entrance of every public function and module turns that into
an error that names the dimension, e.g.
"expected k of shape (B, H, T_k, d_k) with d_k=8, got (2, 3, 5, 7)".
"""

from __future__ import annotations

import torch


class ShapeError(ValueError):
    """A tensor does not have the shape its named dimensions promise."""


def _format_shape(sizes) -> str:
    return "(" + ", ".join(str(s) for s in sizes) + ")"


def check_shape(name: str, tensor: torch.Tensor, dims: str, **known: int) -> dict[str, int]:
    """Check `tensor` against space-separated dimension names and return their sizes.

    `dims` is e.g. "B H T_k d_k"; a leading "..." accepts any number of leading dimensions; an
    integer literal ("B 1 T") must match exactly. A name used twice must have one size, and
    `known` pins sizes already established elsewhere (`d_k=8`). Returns {name: size} in the
    order of `dims`, so `B, T, C = check_shape("x", x, "B T C").values()` unpacks.
    """
    names = dims.split()
    leading = bool(names) and names[0] == "..."
    if leading:
        names = names[1:]
    shape = tuple(tensor.shape)

    def mismatch() -> ShapeError:  # built only on failure: this runs on every decoding step
        message = "expected " + name + " of shape " + _format_shape((["..."] if leading else []) + names)
        if known:
            message += " with " + ", ".join(f"{dim}={size}" for dim, size in known.items())
        return ShapeError(message + f", got {_format_shape(shape)}")

    if len(shape) < len(names) or (not leading and len(shape) != len(names)):
        raise mismatch()
    sizes: dict[str, int] = dict(known)
    for dim, size in zip(names, shape[len(shape) - len(names):]):
        if dim.isdigit():
            if size != int(dim):
                raise mismatch()
        elif sizes.setdefault(dim, size) != size:
            raise mismatch()
    return {dim: sizes[dim] for dim in names if not dim.isdigit()}  # in the order of `dims`
