"""Every game rule, on a small hand-built curriculum and hand-written event logs."""

import itertools
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tutor.content import (
    Challenge, CheckStep, CodeStep, Curriculum, Graph, Lesson, Node, Option,
)
from tutor.rules import (
    ACHIEVEMENTS, AVAILABLE, COMPLETED, HINT_COST, IN_PROGRESS, LOCKED, MASTERED, NOT_STARTED,
    current_streak, level_floor, level_of, longest_streak, rank_of, summarize,
)
from tutor.store import Event, EventKind

TODAY = date(2026, 3, 10)
_clock = itertools.count()
_ids = itertools.count()


def check(check_id, xp=10):
    return CheckStep(id=check_id, question="?", explanation="", xp=xp,
                     options=(Option("yes", True, "y"), Option("no", False, "n")))


def lesson(lesson_id, checks=(), challenges=(), xp=100):
    steps = tuple(check(c) for c in checks) + tuple(CodeStep(c) for c in challenges)
    return Lesson(id=lesson_id, title=lesson_id.title(), node=lesson_id, xp=xp, summary="",
                  steps=steps, file=Path(f"{lesson_id}/lesson.yaml"))


def challenge(challenge_id, xp=40):
    return Challenge(id=challenge_id, title=challenge_id, prompt="", xp=xp, dir=Path("."),
                     hints=("h1", "h2"), mistakes=(), spec={})


def node(node_id, *requires):
    return Node(id=node_id, label=node_id, lessons=(node_id,), position=(0, 0),
                requires=requires)


@pytest.fixture
def curriculum():
    lessons = [lesson("attention", ["q1", "q2", "q3"], ["attention/sdpa"]),
               lesson("softmax-scaling", ["q1"]),
               lesson("multi-head", ["q1"], ["multi-head/split"]),
               lesson("capstone", [], ["capstone/gpt"])]
    graph = Graph(nodes=(node("attention"), node("softmax-scaling", "attention"),
                         node("multi-head", "softmax-scaling"), node("capstone", "multi-head")),
                  flow=())
    return Curriculum(root=Path("."), graph=graph, lessons={x.id: x for x in lessons},
                      challenges={c.id: c for c in map(challenge, ["attention/sdpa",
                                                                   "multi-head/split",
                                                                   "capstone/gpt"])})


def at(day=TODAY):
    """Strictly increasing timestamps on the given day."""
    return datetime(day.year, day.month, day.day, 12, tzinfo=timezone.utc) + timedelta(
        seconds=next(_clock))


def answer(lesson_id, check_id, correct, day=TODAY):
    return Event(EventKind.CHECK_ANSWERED, lesson_id, check_id, {"correct": correct},
                 at(day), str(next(_ids)))


def run(challenge_id, status, mistake=None, day=TODAY):
    return Event(EventKind.CELL_RUN, challenge_id.split("/")[0], challenge_id,
                 {"status": status, "mistake": mistake}, at(day), str(next(_ids)))


def hint(challenge_id, index):
    return Event(EventKind.HINT_TAKEN, challenge_id.split("/")[0], challenge_id,
                 {"index": index}, at(), str(next(_ids)))


def step(lesson_id, index, day=TODAY):
    return Event(EventKind.STEP_REACHED, lesson_id, None, {"step": index}, at(day),
                 str(next(_ids)))


def finish_attention(**kw):
    return [answer("attention", q, True, **kw) for q in ("q1", "q2", "q3")] + [
        run("attention/sdpa", "pass", **kw)]


def earned(summary):
    return {a.id for a in summary.earned}


# -- levels --------------------------------------------------------------------------------------


def test_levels_and_ranks():
    assert [level_floor(n) for n in (1, 2, 3, 4, 5)] == [0, 100, 300, 600, 1000]
    assert [level_of(x) for x in (0, 99, 100, 299, 300, 1000)] == [1, 1, 2, 2, 3, 5]
    assert rank_of(1) == "Token" and rank_of(4) == "Attention Head"
    assert rank_of(99) == "Foundation Model"


# -- lessons and nodes ---------------------------------------------------------------------------


def test_a_fresh_learner_sees_only_the_root_available(curriculum):
    s = summarize(curriculum, [], TODAY)
    assert s.node_states == {"attention": AVAILABLE, "softmax-scaling": LOCKED,
                             "multi-head": LOCKED, "capstone": LOCKED}
    assert s.lessons["attention"].status == NOT_STARTED
    assert (s.xp, s.level, s.rank, s.streak) == (0, 1, "Token", 0)
    assert s.next_step.lesson == "attention" and s.next_step.reason == "Start Attention"
    assert s.earned == ()


def test_node_moves_through_in_progress_to_mastered_and_unlocks_the_next(curriculum):
    s = summarize(curriculum, [step("attention", 2), answer("attention", "q1", True)], TODAY)
    assert s.node_states["attention"] == IN_PROGRESS
    assert s.lessons["attention"].checks_done == 1
    assert s.next_step.reason == "Resume Attention at step 3" and s.next_step.step == 2

    # every check right once but the challenge not passed: still in progress
    events = [answer("attention", q, True) for q in ("q1", "q2", "q3")]
    events += [run("attention/sdpa", "fail")]
    s = summarize(curriculum, events, TODAY)
    assert s.lessons["attention"].status == IN_PROGRESS
    assert s.node_states["softmax-scaling"] == LOCKED

    s = summarize(curriculum, events + [run("attention/sdpa", "pass")], TODAY)
    assert s.lessons["attention"].status == COMPLETED
    assert s.node_states["attention"] == MASTERED
    assert s.node_states["softmax-scaling"] == AVAILABLE
    assert s.node_states["multi-head"] == LOCKED
    assert s.next_step.lesson == "softmax-scaling"


def test_a_wrong_answer_does_not_complete_a_check(curriculum):
    s = summarize(curriculum, [answer("attention", "q1", False)], TODAY)
    assert s.lessons["attention"].checks_done == 0


def test_everything_mastered_leaves_no_next_step(curriculum):
    events = finish_attention() + [answer("softmax-scaling", "q1", True),
                                   answer("multi-head", "q1", True),
                                   run("multi-head/split", "pass"), run("capstone/gpt", "pass")]
    s = summarize(curriculum, events, TODAY)
    assert set(s.node_states.values()) == {MASTERED}
    assert s.next_step is None


# -- XP ------------------------------------------------------------------------------------------


def test_check_xp_with_first_try_bonus(curriculum):
    first_try = summarize(curriculum, [answer("attention", "q1", True)], TODAY)
    assert first_try.xp == 10 + 5
    second_try = summarize(curriculum, [answer("attention", "q1", False),
                                        answer("attention", "q1", True),
                                        answer("attention", "q1", True)], TODAY)
    assert second_try.xp == 10


def test_challenge_xp_bonuses_and_hint_cost(curriculum):
    clean = summarize(curriculum, [run("multi-head/split", "pass")], TODAY)
    assert clean.xp == 40 + 10 + 10  # base + first try + no hint
    after_fail = summarize(curriculum, [run("multi-head/split", "fail"),
                                        run("multi-head/split", "pass")], TODAY)
    assert after_fail.xp == 40 + 10
    with_hints = summarize(curriculum, [hint("multi-head/split", 0), hint("multi-head/split", 0),
                                        hint("multi-head/split", 1),
                                        run("multi-head/split", "pass")], TODAY)
    assert with_hints.xp == 40 + 10 - 2 * HINT_COST  # the same hint twice costs once
    only_hints = summarize(curriculum, [hint("multi-head/split", 0)], TODAY)
    assert only_hints.xp == 0  # never below zero


def test_lesson_completion_xp(curriculum):
    s = summarize(curriculum, finish_attention(), TODAY)
    assert s.xp == 3 * 15 + 60 + 100
    assert s.level == 2 and s.level_xp == 100 and s.next_level_xp == 300
    assert "lesson completed" in [a.reason for a in s.awards]


def test_events_for_unknown_content_are_ignored(curriculum):
    s = summarize(curriculum, [answer("gone", "q", True), run("gone/c", "pass")], TODAY)
    assert s.xp == 0


# -- streaks ---------------------------------------------------------------------------------------


def test_streaks():
    d = TODAY
    days = {d, d - timedelta(1), d - timedelta(2), d - timedelta(5)}
    assert current_streak(days, d) == 3
    assert current_streak(days - {d}, d) == 2  # today not yet played: the streak is still alive
    assert current_streak(days, d + timedelta(2)) == 0
    assert longest_streak(days) == 3
    assert longest_streak(set()) == 0


def test_summary_streak_from_events(curriculum):
    events = [step("attention", 0, day=TODAY - timedelta(n)) for n in range(4)]
    s = summarize(curriculum, events, TODAY, tz=timezone.utc)
    assert (s.streak, s.longest_streak) == (4, 4)
    assert "habit-forming" in earned(s) and "week-of-attention" not in earned(s)


# -- achievements ------------------------------------------------------------------------------


def test_there_are_at_least_twelve_distinct_achievements():
    ids = [a.id for a, _ in ACHIEVEMENTS]
    assert len(ids) >= 12 and len(set(ids)) == len(ids)
    assert all(a.name and a.description for a, _ in ACHIEVEMENTS)


@pytest.mark.parametrize(("achievement", "events", "expected"), [
    ("first-steps", lambda: [answer("attention", "q1", False)], False),
    ("first-steps", lambda: [answer("attention", "q1", True)], True),
    ("attention-is-all-you-need", lambda: [run("attention/sdpa", "fail")], False),
    ("attention-is-all-you-need", lambda: [run("attention/sdpa", "pass")], True),
    ("first-try", lambda: [run("attention/sdpa", "fail"), run("attention/sdpa", "pass")], False),
    ("first-try", lambda: [run("multi-head/split", "pass")], True),
    ("unaided", lambda: [hint("attention/sdpa", 0)] + finish_attention(), False),
    ("unaided", finish_attention, True),
    ("perfect-quiz", lambda: [answer("attention", "q1", False)] + finish_attention(), False),
    ("perfect-quiz", finish_attention, True),
    ("learning-from-mistakes", lambda: [run("attention/sdpa", "fail", "missing-scale")], False),
    ("learning-from-mistakes", lambda: [run("attention/sdpa", "fail", "missing-scale"),
                                        run("attention/sdpa", "pass")], True),
    ("persistence", lambda: [run("attention/sdpa", "fail")] * 4 + [run("attention/sdpa", "pass")],
     False),
    ("persistence", lambda: [run("attention/sdpa", "error") for _ in range(5)]
     + [run("attention/sdpa", "pass")], True),
    ("engine-builder", lambda: [run(c, "pass") for c in ("attention/sdpa", "multi-head/split")],
     False),
    ("multi-headed", lambda: finish_attention() + [answer("softmax-scaling", "q1", True)], False),
    ("multi-headed", lambda: finish_attention() + [answer("softmax-scaling", "q1", True),
                                                   answer("multi-head", "q1", True),
                                                   run("multi-head/split", "pass")], True),
    ("halfway-there", finish_attention, False),
    ("halfway-there", lambda: finish_attention() + [answer("softmax-scaling", "q1", True)], True),
    ("transformer-complete", lambda: finish_attention() + [answer("softmax-scaling", "q1", True)],
     False),
    ("it-speaks", lambda: [Event(EventKind.CAPSTONE_GENERATED, "capstone", None,
                                 {"sample": ""}, at(), "x1")], False),
    ("it-speaks", lambda: [Event(EventKind.CAPSTONE_GENERATED, "capstone", None,
                                 {"sample": "the cat sat", "loss": 1.9}, at(), "x2")], True),
    ("week-of-attention", lambda: [step("attention", 0, day=TODAY - timedelta(n))
                                   for n in (0, 1, 2, 3, 4, 5, 7)], False),
    ("week-of-attention", lambda: [step("attention", 0, day=TODAY - timedelta(n))
                                   for n in range(7)], True),
    ("kilo-xp", finish_attention, False),
])
def test_achievement_conditions(curriculum, achievement, events, expected):
    s = summarize(curriculum, events(), TODAY, tz=timezone.utc)
    assert (achievement in earned(s)) is expected
    assert {a.id for a in s.earned} | {a.id for a in s.locked} == {a.id for a, _ in ACHIEVEMENTS}


def test_kilo_xp_and_engine_builder(curriculum):
    many = {f"attention/c{i}": challenge(f"attention/c{i}", xp=200) for i in range(5)}
    big = Curriculum(root=Path("."), graph=curriculum.graph, lessons=curriculum.lessons,
                     challenges={**curriculum.challenges, **many})
    s = summarize(big, [run(c, "pass") for c in many], TODAY)
    assert s.xp == 5 * 300
    assert {"kilo-xp", "engine-builder"} <= earned(s)


def test_summary_is_json_ready(curriculum):
    import json
    data = summarize(curriculum, finish_attention(), TODAY).to_json()
    json.dumps(data)
    assert data["node_states"]["attention"] == MASTERED
    assert data["next_step"]["lesson"] == "softmax-scaling"


def test_playing_the_shipped_curriculum_through_masters_every_node():
    from tutor.loader import load_curriculum

    shipped = load_curriculum()
    events = []
    for lesson_id, node_id in [(i, shipped.lesson(i).node) for i in shipped.lessons]:
        before = summarize(shipped, events, TODAY).node_states[node_id]
        assert before == AVAILABLE, f"{node_id} should be open once its prerequisites are done"
        lesson_ = shipped.lesson(lesson_id)
        events += [answer(lesson_id, c.id, True) for c in lesson_.checks]
        events += [run(c, "pass") for c in lesson_.challenges]
        assert summarize(shipped, events, TODAY).node_states[node_id] == MASTERED
    s = summarize(shipped, events, TODAY)
    assert s.next_step is None
    assert "transformer-complete" in earned(s) and "kilo-xp" in earned(s)
