"""The whole curriculum against the course's own rules: every lesson loads, teaches in enough
steps, asks enough checks (each option with its own why), and the lessons that write code have a
challenge; the lexicon and FAQ are big enough and point at real lessons."""

import json

import pytest

from tutor.cli import main
from tutor.content import CodeStep
from tutor.loader import load_curriculum

CURRICULUM = load_curriculum()
ORDER = ["why-transformers", "big-picture", "tokens", "positions", "attention", "softmax-scaling",
         "multi-head", "attention-block", "transformer-block", "stacking", "cross-attention",
         "decoding", "training", "engineering", "beyond-text", "frontiers", "capstone"]
WITHOUT_CODE = {"why-transformers", "big-picture"}  # lessons 0-1


def test_every_lesson_loads_without_errors():
    assert not CURRICULUM.errors, "\n".join(map(str, CURRICULUM.errors))
    assert set(CURRICULUM.lessons) == set(ORDER)


@pytest.mark.parametrize("lesson_id", ORDER)
def test_lesson_meets_the_teaching_minimums(lesson_id):
    lesson = CURRICULUM.lesson(lesson_id)
    assert len(lesson.steps) >= 6
    assert len(lesson.checks) >= 3
    assert any(c.options for c in lesson.checks) and any(not c.options for c in lesson.checks), \
        "mix option checks with typed (shape or numeric) answers"
    for check in lesson.checks:
        whys = [o.why for o in check.options]
        assert len(set(whys)) == len(whys), f"{check.id}: every option needs its own why"
    has_code = any(isinstance(s, CodeStep) for s in lesson.steps)
    assert has_code == (lesson_id not in WITHOUT_CODE)


def test_prerequisites_follow_the_course_order():
    """Each lesson's node unlocks only after nodes of earlier lessons."""
    position = {lesson_id: i for i, lesson_id in enumerate(ORDER)}
    nodes = {node.id: node for node in CURRICULUM.graph.nodes}
    for node in nodes.values():
        for required in node.requires:
            assert all(position[a] < position[b] for a in nodes[required].lessons for b in node.lessons)


def test_lexicon_and_faq_are_big_enough_and_point_at_real_lessons():
    assert len({e.term for e in CURRICULUM.lexicon}) >= 40
    assert len(CURRICULUM.faq) >= 15
    for entry in [*CURRICULUM.lexicon, *CURRICULUM.faq]:
        assert entry.lesson is None or entry.lesson in CURRICULUM.lessons


def test_the_shipped_course_validates_through_the_worker(capsys):
    """`aide lessons --validate` on the installed lessons: through a real worker, every solution
    passes, every starter fails and every catalogued mistake is named; every lexicon link exists."""
    assert main(["lessons", "--validate", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["ok"], report["errors"]) == (True, [])
    assert report["challenges"] == len(CURRICULUM.challenges) >= 24
