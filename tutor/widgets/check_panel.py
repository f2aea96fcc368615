"""A logic check: numbered options (keys 1–9 or the mouse) or a typed number/shape answer.

Wrong answers show that answer's `why` and leave the check open; the right one shows the
explanation. Grading is the check's own (`CheckStep.grade`); the lesson records the outcome.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from tutor.content import CheckStep, Grade
from tutor.widgets.dialogue import inline_markup

# What a typed number or shape is made of: "(2, 8, 768)", "2x8x768", "-0.5", "1/8"
ANSWER_CHARACTERS = frozenset("0123456789(),. x-/")


class OptionRow(Static, can_focus=True):
    """One numbered option; click or Enter picks it."""

    @dataclass
    class Picked(Message):
        index: int

    def __init__(self, index: int, text: str) -> None:
        super().__init__(classes="option")
        self.index = index
        self.text = text
        self.mark = " "

    def on_mount(self) -> None:
        self.redraw()

    def redraw(self) -> None:
        row = Table.grid()  # a hanging indent: wrapped lines stay right of the number
        row.add_column(no_wrap=True)
        row.add_column(ratio=1)
        row.add_row(Text(f"{self.mark} {self.index + 1}. ", style="bold"), inline_markup(self.text))
        self.update(row)

    def set_mark(self, mark: str, css_class: str | None = None) -> None:
        self.mark = mark
        self.remove_class("wrong", "right", "chosen")
        if css_class:
            self.add_class(css_class)
        self.redraw()

    def on_click(self) -> None:
        self.post_message(self.Picked(self.index))

    def key_enter(self) -> None:
        self.post_message(self.Picked(self.index))


class CheckPanel(Vertical):
    """Asks one check; posts `Answered` for every attempt."""

    BINDINGS = [Binding("escape", "leave_answer", "Leave the box", show=False)]

    @dataclass
    class Answered(Message):
        panel: CheckPanel
        check: CheckStep
        grade: Grade

        @property
        def control(self) -> CheckPanel:
            return self.panel

    def __init__(self, check: CheckStep, *, solved: bool = False) -> None:
        super().__init__(classes="check")
        self.check = check
        self.solved = solved
        self.selected: set[int] = set()  # multiple-answer checks: picked, not yet submitted

    def compose(self) -> ComposeResult:
        yield Static(inline_markup(self.check.question), classes="question")
        if self.check.options:
            for i, option in enumerate(self.check.options):
                yield OptionRow(i, option.text)
            tip = ("Press the numbers of every right answer, then Enter."
                   if self.check.mode == "multiple" else "Press a number or click an answer.")
            yield Static(tip, classes="tip")
        else:
            # neutral examples: a real lesson's answer must not appear as the hint
            example = "a shape, e.g. (3, 5, 7)" if self.check.mode == "shape" else "a number, e.g. 0.5"
            yield Input(placeholder=f"Type {example} and press Enter", classes="answer",
                        select_on_focus=False)
            yield Static("Start typing (or press Enter); escape leaves the box.", classes="tip")
        yield Static(classes="feedback")

    def on_mount(self) -> None:
        if self.solved:
            self.show_solved()

    def start_typing(self, text: str = "") -> None:
        """Focus the answer box (typed checks), with `text` already in it."""
        if self.solved or self.check.options:
            return
        answer = self.query_one(Input)
        answer.focus()
        answer.insert_text_at_cursor(text)

    def pick(self, index: int) -> None:
        """Option `index` (0-based) chosen by key or click."""
        if self.solved or not 0 <= index < len(self.check.options):
            return
        if self.check.mode == "multiple":
            self.selected ^= {index}
            row = self.query(OptionRow)[index]
            row.set_mark("◆" if index in self.selected else " ",
                         "chosen" if index in self.selected else None)
            return
        self._submit(index)

    def submit(self) -> None:
        """Enter on a multiple-answer check submits the picked set."""
        if self.check.mode == "multiple" and self.selected and not self.solved:
            self._submit(tuple(sorted(self.selected)))

    def _submit(self, answer) -> None:
        grade = self.check.grade(answer)
        self.post_message(self.Answered(self, self.check, grade))

    def action_leave_answer(self) -> None:
        self.screen.set_focus(None)

    def on_option_row_picked(self, event: OptionRow.Picked) -> None:
        event.stop()
        self.pick(event.index)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.solved and event.value.strip():
            self._submit(event.value)

    def show_result(self, grade: Grade, xp: int) -> None:
        """Called by the lesson once the attempt is recorded (`xp`: what it earned)."""
        rows = list(self.query(OptionRow))
        feedback = self.query_one(".feedback", Static)
        if grade.correct:
            self.solved = True
            self.show_solved(xp)
            return
        if rows:  # an option check: `chosen` holds the picked indices (else a typed number/shape)
            for i in grade.chosen or ():
                rows[i].set_mark("✗", "wrong")
        self.selected.clear()
        feedback.set_classes("feedback wrong")
        feedback.update(Text.assemble(("✗ Not quite. ", "bold"), inline_markup(grade.why),
                                      ("\nTry again.", "italic")))
        self.call_after_refresh(feedback.scroll_visible, animate=False)  # small terminals

    def show_solved(self, xp: int = 0) -> None:
        for row in self.query(OptionRow):
            if self.check.options[row.index].correct:
                row.set_mark("✓", "right")
            elif row.has_class("wrong"):
                row.set_mark("✗", "wrong")
        for answer in self.query(Input):
            if not answer.value:  # reopened after it was solved: the answer, not a prompt to type
                answer.value = self.check.answer_text
            answer.disabled = True
        for tip in self.query(".tip").results(Static):
            tip.update("Enter or n: the next step.")
        gained = f" +{xp} XP" if xp else ""
        feedback = self.query_one(".feedback", Static)
        feedback.set_classes("feedback right")
        feedback.update(Text.assemble(("✓ Right." + gained + "\n", "bold"),
                                      inline_markup(self.check.explanation)))
        self.call_after_refresh(feedback.scroll_visible, animate=False)
