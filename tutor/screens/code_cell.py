"""A code cell: the learner's editor, the checker's verdict, graded hints, the solution after a pass.

Checks run in a thread worker so the UI never waits on the engine; escape cancels a running
check (the worker process is killed and restarted by the client).
"""

from __future__ import annotations

import os
import shlex
import subprocess

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown, Static, TextArea
from textual.worker import Worker, WorkerState

from tutor.content import Challenge
from tutor.paths import aide_home
from tutor.rules import ChallengeHistory, challenge_histories
from tutor.store import EventKind
from tutor.widgets.dialogue import inline_markup
from tutor.widgets.footer import KeyFooter
from tutor.widgets.verdict_panel import VerdictPanel
from tutor.widgets.xp_header import XPHeader

AUTOSAVE_DELAY_S = 0.4  # after the last keystroke


class SolutionScreen(ModalScreen[None]):
    """The reference solution, read-only, offered once the learner has passed."""

    BINDINGS = [Binding("escape,q", "dismiss", "Close")]

    def __init__(self, challenge: Challenge) -> None:
        super().__init__()
        self.challenge = challenge

    def compose(self) -> ComposeResult:
        with Vertical(id="solution"):
            yield Static(f"Reference solution · {self.challenge.title}", classes="card-title")
            yield TextArea.code_editor(self.challenge.solution_code(), language="python",
                                       read_only=True)
            yield KeyFooter()


class CodeCellScreen(Screen[bool]):
    BINDINGS = [
        Binding("ctrl+r", "run", "Run"),
        Binding("escape", "escape", "Back", priority=True),  # before the editor; also cancels a run
        Binding("ctrl+g", "hint", "Hint"),
        Binding("ctrl+o", "solution", "Solution"),
        Binding("ctrl+e", "external_editor", "$EDITOR", priority=True),  # over line-end
        Binding("ctrl+t", "toggle_prompt", "Task", show=False),
    ]

    def __init__(self, challenge: Challenge) -> None:
        super().__init__()
        self.challenge = challenge
        self._save_timer = None
        self._unsaved: str | None = None  # typed since the last save

    @property
    def lesson_id(self) -> str:
        return self.challenge.lesson

    def compose(self) -> ComposeResult:
        yield XPHeader()
        yield Static(id="cell-head")
        with Horizontal(id="cell"):
            yield TextArea.code_editor(self._initial_code(), language="python", id="editor",
                                       tab_behavior="indent", soft_wrap=True)
            with VerticalScroll(id="cell-side"):
                yield Markdown(self.challenge.prompt, id="prompt")
                yield Static(id="hints")
        yield VerdictPanel(id="verdict")
        yield KeyFooter()

    def _initial_code(self) -> str:
        draft = self.app.store.draft(self.challenge.id)
        return draft if draft is not None else self.challenge.starter_code()

    def on_mount(self) -> None:
        self._show_head()
        self._show_hints()
        self.query_one("#editor", TextArea).focus()

    def on_resize(self) -> None:
        self.set_class(self.size.width < 100, "narrow")

    # -- progress from the event log --------------------------------------------------------

    @property
    def history(self) -> ChallengeHistory:
        events = self.app.store.events(self.lesson_id)
        return challenge_histories(events).get(self.challenge.id, ChallengeHistory())

    @property
    def passed(self) -> bool:
        return self.history.runs_before_pass is not None

    @property
    def hints_taken(self) -> int:
        return len(self.history.hints)

    def _show_head(self) -> None:
        head = Text(no_wrap=True, overflow="ellipsis")
        head.append(f" {self.challenge.title} ", style="bold")
        head.append(f" {self.challenge.xp} XP ", style="dim")
        head.append(" ✓ passed " if self.passed else " ○ not passed yet ",
                    style="bold green" if self.passed else "")
        if self.passed:
            head.append(" ctrl+o shows the reference solution", style="dim")
        self.query_one("#cell-head", Static).update(head)

    def _show_hints(self) -> None:
        hints = self.challenge.hints
        taken = min(self.hints_taken, len(hints))
        text = Text()
        for i in range(taken):
            text.append(f"hint {i + 1} of {len(hints)}  ", style="bold")
            text.append_text(inline_markup(hints[i]))
            text.append("\n")
        if taken < len(hints):
            text.append(f"ctrl+g: hint {taken + 1} of {len(hints)} (costs XP)", style="dim")
        self.query_one("#hints", Static).update(text.rstrip() or text)

    # -- the draft --------------------------------------------------------------------------

    @property
    def code(self) -> str:
        return self.query_one("#editor", TextArea).text

    @on(TextArea.Changed, "#editor")
    def _changed(self, event: TextArea.Changed) -> None:
        self._unsaved = event.text_area.text
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(AUTOSAVE_DELAY_S, self.save_draft)

    def save_draft(self, code: str | None = None) -> None:
        """Saves `code`, else what was typed since the last save (kept apart from the editor,
        which is already gone when the screen unmounts)."""
        code = self._unsaved if code is None else code
        if code is None:
            return
        try:
            self.app.store.save_draft(self.challenge.id, code)
            self._unsaved = None
        except Exception as exc:
            self.notify(f"Could not save your draft: {exc}", severity="error")

    def on_unmount(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
        self.save_draft()

    # -- running ----------------------------------------------------------------------------

    def action_run(self) -> None:
        code = self.code
        self.save_draft(code)
        self.query_one(VerdictPanel).running()
        self.check(code)

    @work(thread=True, exclusive=True, exit_on_error=False, group="cell")
    def check(self, code: str) -> dict:
        return self.app.client.check(self.challenge.spec, code, filename="cell.py")

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "cell":
            return
        panel = self.query_one(VerdictPanel)
        if event.state == WorkerState.SUCCESS:
            self.show_verdict(event.worker.result)
        elif event.state == WorkerState.ERROR:
            panel.show({"status": "error", "summary": f"The engine failed: {event.worker.error}"})
            self.notify(str(event.worker.error), title="Engine", severity="error")
        elif event.state == WorkerState.CANCELLED:
            panel.show({"status": "error", "summary": "Cancelled. Your draft is kept."})

    def show_verdict(self, verdict: dict) -> None:
        was_passed = self.passed
        self.query_one(VerdictPanel).show(verdict)
        gained = self.app.record(
            lambda store: store.record_cell(self.lesson_id, self.challenge.id, verdict))
        if verdict.get("status") == "pass" and not was_passed:
            self.notify(f"+{gained or 0} XP. ctrl+o shows the reference solution.",
                        title="✓ Passed")
        self._show_head()

    def action_escape(self) -> None:
        running = [w for w in self.workers if w.group == "cell" and w.is_running]
        if running:
            self.app.client.cancel()
            for worker in running:
                worker.cancel()
        else:
            self.dismiss(self.passed)

    # -- hints, solution, external editor ---------------------------------------------------

    def action_hint(self) -> None:
        index = self.hints_taken
        if index >= len(self.challenge.hints):
            self.notify("No more hints for this one.")
            return
        self.app.record(lambda store: store.record_hint(self.lesson_id, self.challenge.id, index))
        self._show_hints()
        hints = self.query_one("#hints")
        self.call_after_refresh(hints.scroll_visible, animate=False)  # below a long task

    def action_solution(self) -> None:
        if not self.passed:
            self.notify("The reference solution opens once your code passes.", title="Solution")
            return
        self.app.record(lambda store: store.record(EventKind.SOLUTION_VIEWED, self.lesson_id,
                                                   self.challenge.id))
        self.app.push_screen(SolutionScreen(self.challenge))

    def action_toggle_prompt(self) -> None:
        prompt = self.query_one("#prompt")
        prompt.display = not prompt.display

    def action_external_editor(self) -> None:
        """Edit the cell in $EDITOR with the app suspended, then check it on return."""
        editor = shlex.split(os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi")
        path = aide_home() / "cells" / f"{self.challenge.id.replace('/', '-')}.py"
        path.parent.mkdir(exist_ok=True)
        path.write_text(self.code, encoding="utf-8")
        try:
            with self.app.suspend():
                subprocess.run([*editor, str(path)], check=False)
        except Exception as exc:  # no terminal to hand over (a browser, a test)
            self.notify(f"Cannot open an external editor here: {exc}", severity="warning")
            return
        self.query_one("#editor", TextArea).load_text(path.read_text(encoding="utf-8"))
        self.action_run()
