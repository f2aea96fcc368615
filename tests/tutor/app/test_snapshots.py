"""Snapshots of the screens that matter, on a small fixed curriculum and a scripted engine.

Everything that could vary is pinned: the day, the dates of seeded progress, the verdict, the
demo's numbers, AIDE's typing (off) and the cursor blink (off).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.tutor.app.conftest import EARLIER, TODAY, ScriptedClient, complete_lessons, greeted
from tutor.app import make_app
from tutor.loader import load_curriculum
from tutor.messages import OpenLesson
from tutor.store import EventKind, ProgressStore

FIXTURES = Path(__file__).parent / "fixtures"

VERDICT = {
    "status": "fail",
    "summary": "Your output differs from the reference in 4 of 4 trials.",
    "mistake": "missing-scale",
    "mistake_title": "Missing the 1/√d_k scale",
    "hint": "Divide the scores by √d_k before the softmax.",
    "shape_error": None,
    "divergence": "your scores match QKᵀ; your weights do not match softmax(QKᵀ/√d_k) "
                  "(max abs error 0.41)",
    "stdout": "scores (2, 3, 5, 7)\n",
    "duration_ms": 12.0,
    "line": 7,
    "trace": [
        {"line": 7, "source": "scores = q @ k.transpose(-2, -1)", "op": "matmul",
         "shapes": ["(B=2, H=3, T_q=5, d_k=11)", "(B=2, H=3, d_k=11, T_k=7)"],
         "out": "(B=2, H=3, T_q=5, T_k=7)"},
        {"line": 8, "source": "return torch.softmax(scores, dim=-1) @ v", "op": "softmax",
         "shapes": ["(B=2, H=3, T_q=5, T_k=7)"], "out": "(B=2, H=3, T_q=5, T_k=7)"},
    ],
    "trials": 4,
}


@pytest.fixture
def app_factory():
    curriculum = load_curriculum(FIXTURES / "lessons")
    demos = {"attention-heatmap": json.loads((FIXTURES / "attention-heatmap.json").read_text())}

    def build(completed=(), attempted=True, first_launch=False):
        store = ProgressStore() if first_launch else greeted(ProgressStore())
        complete_lessons(store, curriculum, list(completed))
        if attempted:  # one check of attention answered: the node is in progress
            store.record(EventKind.CHECK_ANSWERED, "attention", "scores-shape",
                         {"correct": True, "chosen": [2, 4, 10, 10]}, at=EARLIER)
        return make_app(curriculum=curriculum, store=store, client=ScriptedClient(VERDICT, demos),
                        typing=False, today=lambda: TODAY)

    return build


async def settle(pilot) -> None:
    """Let workers finish and stop every blinking cursor."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    for widget in pilot.app.screen.query("Input, TextArea"):
        widget.cursor_blink = False
    await pilot.pause()


def open_lesson(lesson_id: str, step: int):
    async def run_before(pilot) -> None:
        pilot.app.post_message(OpenLesson(lesson_id, step))
        await pilot.pause()
        await settle(pilot)

    return run_before


def test_map(snap_compare, app_factory):
    assert snap_compare(app_factory(completed=["tokens"]), terminal_size=(100, 30),
                        run_before=settle)


def test_first_launch_greeting(snap_compare, app_factory):
    assert snap_compare(app_factory(attempted=False, first_launch=True), terminal_size=(100, 30),
                        run_before=settle)


def test_map_small_terminal(snap_compare, app_factory):
    assert snap_compare(app_factory(completed=["tokens"]), terminal_size=(60, 20),
                        run_before=settle)


def test_lesson_wrong_answer(snap_compare, app_factory):
    assert snap_compare(app_factory(completed=["tokens"]), terminal_size=(100, 30),
                        run_before=open_lesson("attention", 2), press=["2", "wait:100"])


def test_code_cell_with_verdict(snap_compare, app_factory):
    async def run_before(pilot) -> None:
        await open_lesson("attention", 4)(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+r")
        await settle(pilot)

    assert snap_compare(app_factory(completed=["tokens"]), terminal_size=(120, 40),
                        run_before=run_before)


def test_attention_heatmap_demo(snap_compare, app_factory):
    assert snap_compare(app_factory(completed=["tokens"]), terminal_size=(100, 30),
                        run_before=open_lesson("attention", 5))


def test_lexicon(snap_compare, app_factory):
    async def run_before(pilot) -> None:
        await pilot.press("x")
        await pilot.press("down")
        await settle(pilot)

    assert snap_compare(app_factory(), terminal_size=(100, 30), run_before=run_before)


def test_progress(snap_compare, app_factory):
    async def run_before(pilot) -> None:
        await pilot.press("p")
        await settle(pilot)

    assert snap_compare(app_factory(completed=["tokens"]), terminal_size=(100, 40),
                        run_before=run_before)
