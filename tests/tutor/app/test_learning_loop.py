"""The whole learning loop, end to end, through the real engine worker.

A learner who finished the lessons before attention opens it from the map, answers a check
wrongly then rightly, submits attention without the 1/√d_k scale (the verdict names the
mistake), fixes it, passes, masters the node, and finds everything again after a restart.
"""

from __future__ import annotations

from tests.tutor.app.conftest import BEFORE_ATTENTION, TODAY, complete_lessons, greeted
from tutor.app import make_app
from tutor.content import CheckStep, CodeStep
from tutor.screens.code_cell import CodeCellScreen
from tutor.screens.lesson import LessonScreen
from tutor.screens.map import MapScreen
from tutor.store import ProgressStore
from tutor.widgets.check_panel import CheckPanel
from tutor.widgets.graph_map import GraphMap
from tutor.widgets.verdict_panel import VerdictPanel

SIZE = (120, 40)


def text_of(widget) -> str:
    return str(widget.content)


def step_index(lesson, predicate) -> int:
    return next(i for i, step in enumerate(lesson.steps) if predicate(step))


async def go_to_step(pilot, screen: LessonScreen, index: int) -> None:
    for _ in range(len(screen.lesson.steps)):
        if screen.index == index:
            break
        await pilot.press("pagedown" if screen.index < index else "pageup")
    assert screen.index == index
    await pilot.pause()


def without_scale(solution: str) -> str:
    code = solution.replace(" / math.sqrt(d_k)", "")
    assert code != solution
    return code


async def test_learning_loop(curriculum, worker):
    store = greeted(ProgressStore())
    complete_lessons(store, curriculum, BEFORE_ATTENTION)
    lesson = curriculum.lesson("attention")
    challenge = curriculum.challenge("attention/scaled-dot-product")
    solution = challenge.solution_code()

    app = make_app(curriculum=curriculum, store=store, client=worker, typing=False,
                   today=lambda: TODAY)
    async with app.run_test(size=SIZE) as pilot:
        # The map recommends attention and opens it.
        assert isinstance(app.screen, MapScreen)
        graph_map = app.screen.query_one(GraphMap)
        assert app.summary.node_states["attention"] == "available"
        assert graph_map.cursor == "attention" == graph_map.recommended
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LessonScreen) and screen.lesson.id == "attention"

        # A wrong answer shows that option's why, and the check stays open.
        check_at = step_index(lesson, lambda s: isinstance(s, CheckStep) and s.id == "softmax-axis")
        check = lesson.steps[check_at]
        await go_to_step(pilot, screen, check_at)
        await pilot.press("2")
        await pilot.pause()
        feedback = text_of(screen.query_one(CheckPanel).query_one(".feedback"))
        assert check.options[1].why in feedback
        assert not screen.query_one(CheckPanel).solved
        await pilot.press("1")
        await pilot.pause()
        panel = screen.query_one(CheckPanel)
        assert panel.solved and "+10 XP" in text_of(panel.query_one(".feedback"))

        # The lesson's other checks, typed or picked.
        answers = {"scores-shape": "2, 4, 10, 10", "output-shape": "(2, 4, 3, 32)",
                   "two-keys": "0.881", "equal-scores": "1", "mask-order": "1"}
        for check_id, answer in answers.items():
            await go_to_step(pilot, screen, step_index(
                lesson, lambda s: isinstance(s, CheckStep) and s.id == check_id))
            if answer.isdigit():
                await pilot.press(answer)
            else:  # Enter opens the answer box; a leading digit would too
                await pilot.press("enter", *answer, "enter")
            await pilot.pause()
            assert screen.query_one(CheckPanel).solved, check_id

        # The code cell: missing scale, named; then the fix passes.
        await go_to_step(pilot, screen, step_index(lesson, lambda s: isinstance(s, CodeStep)))
        await pilot.press("enter")
        await pilot.pause()
        cell = app.screen
        assert isinstance(cell, CodeCellScreen)
        editor = cell.query_one("#editor")
        editor.load_text(without_scale(solution))
        await pilot.press("ctrl+r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        verdict = cell.query_one(VerdictPanel)
        assert "FAIL" in text_of(verdict.query_one(".status"))
        assert "Missing the 1/√d_k scale" in text_of(verdict.query_one(".mistake"))

        editor.load_text(solution)
        await pilot.press("ctrl+r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "PASS" in text_of(verdict.query_one(".status"))
        assert cell.passed

        # Back on the lesson, then past its last step: mastered, and the next node is open.
        await pilot.press("escape")
        await pilot.pause()
        assert app.summary.node_states["attention"] == "mastered"
        assert app.summary.node_states["softmax-scaling"] == "available"
        await go_to_step(pilot, screen, len(lesson.steps) - 1)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, MapScreen)
        assert app.screen.query_one(GraphMap).recommended == "softmax-scaling"
        await pilot.press("up", "up")  # leave the map somewhere else than the default
        cursor = app.screen.query_one(GraphMap).cursor
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        reopened = app.screen.lesson.id
    store.close()

    # Restart: the same place, the same progress, the same draft.
    store = greeted(ProgressStore())
    app = make_app(curriculum=curriculum, store=store, client=worker, typing=False,
                   today=lambda: TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen) and app.screen.lesson.id == reopened
        assert app.summary.node_states["attention"] == "mastered"
        assert app.summary.lessons["attention"].status == "completed"
        assert store.draft(challenge.id) == solution
        await pilot.press("escape")
        assert app.screen.query_one(GraphMap).cursor == cursor
    store.close()
