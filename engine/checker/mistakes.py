"""Known mistakes: a challenge's mistakes.py holds one mutated reference per catalogued mistake
(named after its id, `-` → `_`). When the learner's outputs equal a mutant's on every trial,
the verdict names that mistake."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence

import torch

from engine.checker.compare import same_value
from engine.checker.inputs import Call
from engine.checker.spec import ChallengeSpec, Mistake


def load_mutants(spec: ChallengeSpec) -> dict[str, Callable]:
    """Mutant functions by mistake id ({} when the challenge has no mistakes.py)."""
    path = spec.dir / "mistakes.py" if spec.dir else None
    if path is None or not path.exists() or not spec.mistakes:
        return {}
    module_spec = importlib.util.spec_from_file_location(f"mistakes_{spec.id.replace('/', '_')}", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return {m.id: getattr(module, m.mutant_name) for m in spec.mistakes}


def identify(spec: ChallengeSpec, entry: str, calls: Sequence[Call], outputs: Sequence) -> Mistake | None:
    """The first catalogued mistake of `entry` whose mutant gives the learner's output on
    every trial (`calls[i]` produced `outputs[i]`)."""
    mutants = load_mutants(spec)
    for mistake in spec.mistakes:
        if mistake.function != entry or mistake.id not in mutants:
            continue
        mutant = mutants[mistake.id]
        if all(_gives(mutant, call, output) for call, output in zip(calls, outputs)):
            return mistake
    return None


def _gives(mutant: Callable, call: Call, output) -> bool:
    args, kwargs = call.fresh()
    try:
        expected = mutant(*args, **kwargs)
    except Exception:  # a mutant that cannot run on these inputs is not the learner's mistake
        return False
    return same_value(_nan_as_zero(output), _nan_as_zero(expected))


def _nan_as_zero(value):
    """NaN rows count as zero rows: a learner who inverted the mask may or may not also guard
    fully masked rows, and it is the same mistake either way."""
    if isinstance(value, torch.Tensor) and value.is_floating_point():
        return torch.nan_to_num(value, nan=0.0, posinf=float("inf"), neginf=float("-inf"))
    if isinstance(value, (tuple, list)):
        return type(value)(_nan_as_zero(v) for v in value)
    return value
