"""Pilot tests of each screen's behaviour, on the fixture curriculum and a scripted engine."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from pathlib import Path

import pytest

from tests.tutor.app.conftest import TODAY, ScriptedClient, complete_lessons, greeted
from tutor.app import make_app
from tutor.content import CheckStep
from tutor.dialogs.confirm import ConfirmDialog
from tutor.dialogs.welcome import WelcomeDialog
from tutor.loader import load_curriculum
from tutor.messages import OpenLesson
from tutor.paths import engine_source
from tutor.rules import HINT_COST
from tutor.screens.code_cell import AUTOSAVE_DELAY_S, CodeCellScreen, SolutionScreen
from tutor.screens.help import HelpScreen
from tutor.screens.lesson import LessonScreen
from tutor.screens.lexicon import LexiconScreen
from tutor.screens.map import MapScreen
from tutor.screens.progress import ProgressScreen
from tutor.store import ProgressStore
from tutor.widgets.dialogue import AideDialogue
from tutor.widgets.graph_map import SYMBOL, GraphMap
from tutor.widgets.verdict_panel import VerdictPanel
from tutor.worker_client import WorkerCancelled, WorkerError

FIXTURES = Path(__file__).parent / "fixtures" / "lessons"
PASS = {"status": "pass", "summary": "All 4 trials match the reference.", "trace": []}
CHALLENGE = "attention/dot-product"


@pytest.fixture(scope="module")
def curriculum():
    return load_curriculum(FIXTURES)


def build(curriculum, client=None, *, typing=False, completed=("tokens",)):
    store = greeted(ProgressStore())
    complete_lessons(store, curriculum, list(completed))
    return make_app(curriculum=curriculum, store=store, client=client or ScriptedClient(PASS),
                    typing=typing, today=lambda: TODAY)


async def open_cell(pilot) -> CodeCellScreen:
    pilot.app.post_message(OpenLesson("attention", 4))
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CodeCellScreen)
    return pilot.app.screen


def messages(app) -> str:
    return "\n".join(f"{n.title} {n.message}" for n in app._notifications)


async def test_aide_types_out_and_a_key_finishes_the_line(curriculum):
    app = build(curriculum, typing=True)
    async with app.run_test() as pilot:
        app.post_message(OpenLesson("attention", 0))
        await pilot.pause()
        dialogue = app.screen.query_one(AideDialogue)
        assert not dialogue.finished
        await pilot.press("space")
        assert dialogue.finished and app.screen.index == 0
        await pilot.press("space")  # a finished line: space moves on
        assert app.screen.index == 1


async def test_first_launch_greets_once(curriculum):
    store = ProgressStore()  # a learner who has never opened the app
    app = make_app(curriculum=curriculum, store=store, client=ScriptedClient(PASS), typing=False,
                   today=lambda: TODAY)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WelcomeDialog)
        said = str(app.screen.query_one(AideDialogue).content)
        assert "AIDE" in said and "map" in said and "Enter" in said and "?" in said
        assert curriculum.graph.node(app.summary.next_step.node).label in said  # where to start
        await pilot.press("enter")
        assert isinstance(app.screen, MapScreen)
        await pilot.press("enter")  # the next Enter opens the highlighted node's lesson
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        await pilot.press("escape")
    app = make_app(curriculum=curriculum, store=store, client=ScriptedClient(PASS), typing=False,
                   today=lambda: TODAY)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MapScreen)


async def test_typing_can_be_turned_off_and_stays_off(curriculum):
    app = build(curriculum, typing=True)
    async with app.run_test() as pilot:
        await pilot.press("question_mark")
        assert "Typing on" in str(app.screen.query_one("#typing").content)
        await pilot.press("t")
        assert "Typing off" in str(app.screen.query_one("#typing").content)
        await pilot.press("escape")
        app.post_message(OpenLesson("attention", 0))
        await pilot.pause()
        assert app.screen.query_one(AideDialogue).finished  # shown whole, no key needed
    app = make_app(curriculum=curriculum, store=app.store, client=ScriptedClient(PASS),
                   typing=True, today=lambda: TODAY)
    assert not app.typing


async def test_next_past_the_end_goes_to_the_first_open_step(curriculum):
    app = build(curriculum)
    async with app.run_test() as pilot:
        lesson = curriculum.lesson("attention")
        app.post_message(OpenLesson("attention", len(lesson.steps) - 1))
        await pilot.pause()
        await pilot.press("n")
        first_check = next(i for i, s in enumerate(lesson.steps) if isinstance(s, CheckStep))
        assert isinstance(app.screen, LessonScreen) and app.screen.index == first_check
        assert "Almost there" in messages(app)


async def test_map_cursor_follows_the_recommended_step(curriculum):
    app = build(curriculum)
    async with app.run_test() as pilot:
        graph_map = app.screen.query_one(GraphMap)
        assert graph_map.cursor == graph_map.recommended == "attention"
        app.record(lambda store: complete_lessons(store, curriculum, ["attention"]))
        await pilot.pause()
        assert graph_map.recommended != "attention"
        assert graph_map.cursor == graph_map.recommended
        assert "Press Enter to open it" in str(app.screen.query_one("#node-info").content)


async def test_locked_node_says_what_unlocks_it(curriculum):
    app = build(curriculum, completed=())
    async with app.run_test() as pilot:
        graph_map = app.screen.query_one(GraphMap)
        assert graph_map.cursor == "tokens"
        await pilot.press("down")
        assert graph_map.cursor == "attention"
        info = str(app.screen.query_one("#node-info").content)
        assert "Unlocks when you master: Tokenizer → embedding" in info
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, LessonScreen)
        assert "Attention is locked" in messages(app)


async def test_map_states_read_without_colour(curriculum, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = build(curriculum)
    async with app.run_test() as pilot:
        await pilot.pause()
        drawn = app.screen.query_one(GraphMap).render().plain
        assert f"{SYMBOL['mastered']} Tokenizer" in drawn
        assert f"{SYMBOL['available']} Attention" in drawn
        assert f"{SYMBOL['locked']} Multi-head" in drawn
        assert " next " in drawn  # the recommended box is marked in text, not only in colour


async def test_hints_one_at_a_time_cost_xp(curriculum):
    app = build(curriculum)
    async with app.run_test() as pilot:
        cell = await open_cell(pilot)
        xp = app.summary.xp
        await pilot.press("ctrl+g")
        hints = str(cell.query_one("#hints").content)
        assert "hint 1 of 3" in hints and "hint 2 of 3 (costs XP)" in hints
        assert "Divide the scores" not in hints
        assert app.summary.xp == xp - HINT_COST
        await pilot.press("ctrl+g", "ctrl+g", "ctrl+g")
        assert cell.hints_taken == 3
        assert "No more hints" in messages(app)
        hints = str(cell.query_one("#hints").content)  # `code` is styled, as in the verdict
        assert "Divide the scores by math.sqrt(d_k) before" in hints and "`" not in hints


async def test_solution_only_after_a_pass(curriculum):
    client = ScriptedClient({"status": "fail", "summary": "not yet", "trace": []})
    app = build(curriculum, client)
    async with app.run_test() as pilot:
        cell = await open_cell(pilot)
        await pilot.press("ctrl+o")
        assert app.screen is cell
        client.verdict = PASS
        await pilot.press("ctrl+r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "PASS" in str(cell.query_one(VerdictPanel).query_one(".status").content)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, SolutionScreen)


class BlockingClient(ScriptedClient):
    """A check that runs until cancelled, like a learner's infinite loop."""

    def __init__(self) -> None:
        super().__init__()
        self.started, self.cancelled = threading.Event(), threading.Event()

    def check(self, spec, code, filename="cell.py"):
        self.started.set()
        self.cancelled.wait(10)
        raise WorkerCancelled("cancelled")

    def cancel(self) -> None:
        self.cancelled.set()


async def test_a_running_cell_can_be_cancelled_and_the_ui_stays_live(curriculum):
    client = BlockingClient()
    app = build(curriculum, client)
    async with app.run_test() as pilot:
        cell = await open_cell(pilot)
        cell.query_one("#editor").load_text("while True: pass\n")
        await pilot.press("ctrl+r")
        assert client.started.wait(5)
        await pilot.press("ctrl+g")  # the UI still answers while the check runs
        assert cell.hints_taken == 1
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert client.cancelled.is_set()
        assert app.screen is cell  # escape cancelled the run, it did not leave
        assert "Cancelled" in str(cell.query_one(VerdictPanel).query_one(".status").content)
        assert app.store.draft(CHALLENGE) == "while True: pass\n"


async def test_engine_errors_are_messages_not_crashes(curriculum):
    class Broken(ScriptedClient):
        def check(self, spec, code, filename="cell.py"):
            raise WorkerError("the worker stopped: out of memory")

    app = build(curriculum, Broken())
    async with app.run_test() as pilot:
        cell = await open_cell(pilot)
        await pilot.press("ctrl+r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "out of memory" in messages(app)
        assert "ERROR" in str(cell.query_one(VerdictPanel).query_one(".status").content)
        assert app.is_running


async def test_store_errors_are_messages_not_crashes(curriculum, monkeypatch):
    def disk_full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    app = build(curriculum)
    async with app.run_test() as pilot:
        monkeypatch.setattr(app.store, "record", disk_full)
        app.post_message(OpenLesson("attention", 2))
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        assert "Could not save progress" in messages(app)
        assert app.is_running


async def test_draft_is_saved_as_the_learner_types(curriculum):
    app = build(curriculum)
    async with app.run_test() as pilot:
        await open_cell(pilot)
        await pilot.press("#", " ", "h", "i")
        assert app.store.draft(CHALLENGE) is None  # not on every key: after a pause
        await pilot.pause(AUTOSAVE_DELAY_S + 0.2)
        assert app.store.draft(CHALLENGE) == "# hi" + curriculum.challenge(CHALLENGE).starter_code()


async def test_lexicon_opens_the_engine_source_at_the_definition(curriculum):
    app = build(curriculum)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("x")
        assert isinstance(app.screen, LexiconScreen)
        await pilot.press("down", "enter")  # "Causal mask"
        await pilot.pause()
        source = app.screen.query_one("#source")
        ref = engine_source("engine.attention:causal_mask")
        assert source.text == ref.path.read_text(encoding="utf-8")
        assert source.cursor_location == (ref.line - 1, 0)
        assert source.scroll_offset.y == ref.line - 1
        assert "def causal_mask" in source.document.get_line(ref.line - 1)
        assert source.language == "python"


async def test_palette_finds_terms_and_opens_them(curriculum):
    app = build(curriculum)
    async with app.run_test() as pilot:
        await pilot.press("ctrl+p", *"causal")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LexiconScreen)
        terms = app.screen.query_one("#terms")
        assert terms.get_option_at_index(terms.highlighted).id == "Causal mask"


async def test_reset_asks_first(curriculum):
    app = build(curriculum)
    async with app.run_test() as pilot:
        await pilot.press("p")
        assert isinstance(app.screen, ProgressScreen)
        await pilot.press("r")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        assert app.summary.xp > 0
        await pilot.press("r", "y")
        await pilot.pause()
        assert app.summary.xp == 0 and app.store.events() == []


async def test_export_writes_the_progress(curriculum, isolated_aide_home):
    app = build(curriculum)
    async with app.run_test() as pilot:
        await pilot.press("p", "e")
        exported = isolated_aide_home / f"aide-progress-{TODAY.isoformat()}.json"
        assert '"format": "aide-progress"' in exported.read_text()


async def test_help_lists_the_keys(curriculum):
    app = build(curriculum)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(str(s.content.title) for s in app.screen.query(".keys"))
        for section in ("Everywhere", "Map", "Lesson", "Code cell", "Lexicon", "Progress"):
            assert section in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_external_editor_edits_then_checks(curriculum, monkeypatch):
    monkeypatch.setenv("EDITOR", """sh -c 'echo "# edited" >> "$0"'""")
    client = ScriptedClient(PASS)
    app = build(curriculum, client)
    async with app.run_test() as pilot:
        monkeypatch.setattr(app, "suspend", contextlib.nullcontext)  # no terminal to hand over
        cell = await open_cell(pilot)
        await pilot.press("ctrl+e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert cell.code.endswith("# edited\n")
        assert client.checked == [cell.code]


async def test_achievements_are_announced_once(curriculum):
    app = build(curriculum, completed=())
    async with app.run_test() as pilot:
        app.post_message(OpenLesson("tokens", 1))
        await pilot.pause()
        await pilot.press(*"50", "enter")
        await pilot.pause()
        assert "★ First Steps" in messages(app)
        assert app.store.achievements().keys() == {"first-steps"}


async def test_a_wrong_typed_number_shows_its_why_and_the_check_stays_open(curriculum):
    from tutor.widgets.check_panel import CheckPanel

    app = build(curriculum, completed=())
    async with app.run_test() as pilot:
        app.post_message(OpenLesson("tokens", 1))
        await pilot.pause()
        panel = app.screen.query_one(CheckPanel)
        await pilot.press("4", "9", "enter")
        await pilot.pause()
        assert not panel.solved
        assert "One row per token id." in str(panel.query_one(".feedback").render())
        await pilot.press("backspace", "backspace", "5", "0", "enter")
        await pilot.pause()
        assert panel.solved


async def test_a_typed_answer_goes_into_its_box_even_unfocused(curriculum):
    from tutor.widgets.check_panel import CheckPanel

    app = build(curriculum)
    async with app.run_test() as pilot:
        app.post_message(OpenLesson("attention", 3))  # "What is the shape of QKᵀ …", typed
        await pilot.pause()
        answer = app.screen.query_one(CheckPanel).query_one("Input")
        assert not answer.has_focus
        await pilot.press(*"(2, 4, 10, 10)")
        assert app.screen.index == 3  # neither the spaces nor the digits moved on
        assert answer.value == "(2, 4, 10, 10)"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.query_one(CheckPanel).solved


async def test_a_solved_typed_check_reopens_with_its_answer_in_the_box(curriculum):
    from tutor.widgets.check_panel import CheckPanel

    app = build(curriculum, completed=())
    async with app.run_test() as pilot:
        app.post_message(OpenLesson("tokens", 1))
        await pilot.pause()
        await pilot.press("5", "0", "enter")
        await pilot.pause()
        app.post_message(OpenLesson("tokens", 1))  # back later, from the map
        await pilot.pause()
        answer = app.screen.query_one(CheckPanel).query_one("Input")
        assert app.screen.query_one(CheckPanel).solved
        assert (answer.value, answer.disabled) == ("50", True)


async def test_space_does_not_skip_a_check_not_yet_answered(curriculum):
    app = build(curriculum)
    async with app.run_test() as pilot:
        app.post_message(OpenLesson("attention", 2))  # an option check
        await pilot.pause()
        await pilot.press("space")
        assert app.screen.index == 2
        await pilot.press("1", "space")  # answered right: space moves on again
        await pilot.pause()
        assert app.screen.index == 3


def footer_keys(screen) -> dict[str, int]:
    """Each footer key's description and the column where it ends."""
    return {key.description: key.region.right for key in screen.query("FooterKey")}


async def test_the_footer_shows_what_enter_does_and_fits_60_columns(curriculum):
    app = build(curriculum)
    async with app.run_test(size=(60, 20)) as pilot:
        app.post_message(OpenLesson("attention", 4))  # the code step
        await pilot.pause()
        keys = footer_keys(app.screen)
        assert all(keys[k] <= 60 for k in ("Open cell", "Next", "Back", "Help", "Map", "Quit"))
        await pilot.press("b")  # the typed check
        await pilot.pause()
        assert "Answer" in footer_keys(app.screen)
        await pilot.press("b")  # a one-answer option check: a number answers it, not Enter
        await pilot.pause()
        keys = footer_keys(app.screen)
        assert "Answer" not in keys and "Open cell" not in keys
        await pilot.press("1", "n", "n", "enter")
        await pilot.pause()
        assert all(k <= 60 for k in footer_keys(app.screen).values())  # the code cell's


async def test_leaving_the_cell_right_after_typing_keeps_the_draft(curriculum):
    app = build(curriculum)
    async with app.run_test() as pilot:
        cell = await open_cell(pilot)
        await pilot.press(*"# mine")
        await pilot.press("escape")  # before the autosave timer fires
        await pilot.pause()
        assert not isinstance(app.screen, CodeCellScreen)
        assert app.store.draft(cell.challenge.id).startswith("# mine")
        assert "Could not save" not in messages(app)
