"""Across the whole curriculum: a submission that makes a catalogued mistake (the challenge's
own mutant in place of the entry, the solution for the other entries) fails with that
mistake's id. This also proves the trials tell every pair of mutants apart."""

import pytest
import yaml

from engine.checker.run import check
from lessons import LESSONS_DIR


def catalogued_mistakes():
    for spec_file in sorted(LESSONS_DIR.glob("*/*/challenge.yaml")):
        spec = yaml.safe_load(spec_file.read_text(encoding="utf-8"))
        challenge_id = f"{spec_file.parent.parent.name}/{spec_file.parent.name}"
        spec.update(id=challenge_id, dir=str(spec_file.parent))
        for mistake in spec.get("mistakes") or []:
            yield pytest.param(spec, mistake, id=f"{challenge_id}:{mistake['id']}")


@pytest.mark.parametrize(("spec", "mistake"), catalogued_mistakes())
def test_each_mutant_is_named_as_its_mistake(spec, mistake):
    folder = LESSONS_DIR / spec["id"]
    entry = mistake.get("function", spec["functions"][0]["entry"])
    code = "\n".join([
        (folder / "solution.py").read_text(encoding="utf-8"),
        (folder / "mistakes.py").read_text(encoding="utf-8"),
        f"{entry} = {mistake['id'].replace('-', '_')}",
    ])
    verdict = check(spec, code, "cell.py")
    assert (verdict["status"], verdict["mistake"]) == ("fail", mistake["id"]), verdict["summary"]
    assert verdict["hint"] == mistake["hint"]
