"""Every fixture submission gets the verdict its first line announces, e.g.
`# expect: fail | mistake=missing-scale` or `# expect: error | line=9 | shape=the inner dims …`."""

from pathlib import Path

import pytest

from engine.checker.run import check
from tests.engine.checker.conftest import CHALLENGES, SUBMISSIONS, challenge_spec

FILES = sorted(SUBMISSIONS.glob("*/*.py"))


def expectation(path):
    header = path.read_text(encoding="utf-8").splitlines()[0]
    status, *fields = header.removeprefix("# expect:").strip().split(" | ")
    return status, dict(field.split("=", 1) for field in fields)


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
def test_submission_verdict(path):
    status, expected = expectation(path)
    verdict = check(challenge_spec(CHALLENGES[path.parent.name]), path.read_text(encoding="utf-8"), str(path))
    assert verdict["status"] == status, verdict["summary"]
    assert verdict["mistake"] == expected.get("mistake"), verdict["summary"]
    if "line" in expected:
        assert verdict["line"] == int(expected["line"])
    if "shape" in expected:
        assert expected["shape"] in verdict["shape_error"]
    if "summary" in expected:
        assert expected["summary"] in verdict["summary"]
    if verdict["mistake"]:
        assert verdict["hint"] and verdict["mistake_title"] in verdict["summary"]


def test_a_catalogued_mistake_of_every_challenge_has_a_fixture():
    covered = {expectation(p)[1].get("mistake") for p in FILES}
    for challenge_id in CHALLENGES.values():
        for mistake in challenge_spec(challenge_id)["mistakes"]:
            assert mistake["id"] in covered, mistake["id"]


@pytest.mark.parametrize("challenge_id", CHALLENGES.values())
def test_the_starter_fails_and_the_solution_passes(challenge_id):
    spec = challenge_spec(challenge_id)
    folder = Path(spec["dir"])
    starter = check(spec, (folder / "starter.py").read_text(encoding="utf-8"), "starter.py")
    solution = check(spec, (folder / "solution.py").read_text(encoding="utf-8"), "solution.py")
    assert starter["status"] == "fail" and solution["status"] == "pass", (starter["summary"], solution["summary"])


LAYER_NORM_WITHOUT_NONE_BIAS = '''
import torch

def layer_norm(x, weight, bias, eps=1e-5):
    mean = x.mean(-1, keepdim=True)
    var = x.var(-1, keepdim=True, unbiased=False)
    return (x - mean) / torch.sqrt(var + eps) * weight + bias
'''


def test_an_error_on_a_later_trial_names_that_trials_special_inputs():
    verdict = check(challenge_spec("attention-block/layer-norm"), LAYER_NORM_WITHOUT_NONE_BIAS)
    assert verdict["status"] == "error"
    assert verdict["summary"].endswith("(trial 5 of 5, where bias=None, B=1)")


def test_an_earlier_failure_is_reported_before_a_later_error():
    wrong_first = LAYER_NORM_WITHOUT_NONE_BIAS.replace("unbiased=False", "unbiased=True")
    verdict = check(challenge_spec("attention-block/layer-norm"), wrong_first)
    assert verdict["status"] == "fail"
    assert verdict["mistake"] == "unbiased-variance"
