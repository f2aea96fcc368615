"""Checker tests run `engine.checker.run.check` in this process: it sets torch's default dtype
to the challenge's, so each test gets the default back (tests/engine/conftest.py already runs
them on one thread, as the worker's jobs do)."""

from pathlib import Path

import pytest
import torch
import yaml

import lessons

REPO = Path(__file__).resolve().parents[3]
SUBMISSIONS = REPO / "tests" / "engine" / "fixtures" / "submissions"
# fixture folder -> challenge id
CHALLENGES = {
    "attention": "attention/scaled-dot-product",
    "split-heads": "multi-head/split-heads",
    "causal-mask": "stacking/causal-mask",
}


def challenge_spec(challenge_id: str) -> dict:
    """The spec the tutor sends: challenge.yaml plus `id` and the folder."""
    folder = Path(lessons.__file__).parent / challenge_id
    spec = yaml.safe_load((folder / "challenge.yaml").read_text(encoding="utf-8"))
    return {**spec, "id": challenge_id, "dir": str(folder)}


@pytest.fixture(autouse=True)
def torch_state():
    dtype = torch.get_default_dtype()
    torch.manual_seed(0)
    yield
    torch.set_default_dtype(dtype)
