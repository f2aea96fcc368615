"""A lesson, one step at a time: AIDE's dialogue, concept cards, checks, code cells and demos."""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Markdown, Static

from tutor.content import AideStep, CheckStep, CodeStep, ConceptStep, DemoStep, Lesson
from tutor.rules import COMPLETED, challenge_histories, check_histories
from tutor.widgets.check_panel import ANSWER_CHARACTERS, CheckPanel
from tutor.widgets.dialogue import AideDialogue
from tutor.widgets.footer import KeyFooter
from tutor.widgets.xp_header import XPHeader


class CodeStepCard(Vertical):
    """A code step inside the lesson: the task, its state, and the way into the editor."""

    def __init__(self, challenge, passed: bool) -> None:
        super().__init__(classes="card code-step")
        self.challenge = challenge
        self.passed = passed

    def compose(self) -> ComposeResult:
        mark = "✓ passed" if self.passed else "○ to do"
        yield Static(Text.assemble(("Code challenge: ", "bold"), self.challenge.title,
                                   f"   {mark}"), classes="card-title")
        yield Markdown(self.challenge.prompt)
        yield Static("Press Enter to open the code cell.", classes="tip")


class LessonScreen(Screen):
    BINDINGS = [
        Binding("right,n", "next", "Next"),
        Binding("left,b", "back", "Back"),
        # also while an answer box has the focus (it takes letters and arrows)
        Binding("pagedown", "next", "Next", show=False, priority=True),
        Binding("pageup", "back", "Back", show=False, priority=True),
        Binding("space", "skip", "Skip typing", show=False),
        # the footer names what Enter does where it does more than move on
        Binding("enter", "open_cell", "Open cell"),
        Binding("enter", "answer", "Answer"),
        Binding("enter", "enter", "Next", show=False),
        Binding("escape", "app.map", "Map", show=False),  # the footer already shows m
        *[Binding(str(n), f"digit({n})", f"Answer {n}", show=False) for n in range(10)],
    ]

    def __init__(self, lesson: Lesson, step: int | None = None) -> None:
        super().__init__()
        self.lesson = lesson
        self.start_step = step
        self.index = 0

    def compose(self) -> ComposeResult:
        yield XPHeader()
        yield Static(id="lesson-head")
        yield VerticalScroll(id="step")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.app.remember_place(self.lesson.id)
        progress = self.app.summary.lessons[self.lesson.id]
        step = self.start_step if self.start_step is not None else progress.resume_step
        self.show_step(step)

    # -- what the learner has done, from the event log --------------------------------------

    def check_solved(self, check: CheckStep) -> bool:
        history = check_histories(self.app.store.events(self.lesson.id)).get(
            (self.lesson.id, check.id))
        return bool(history and history.first_correct_attempt)

    def challenge_passed(self, challenge_id: str) -> bool:
        history = challenge_histories(self.app.store.events(self.lesson.id)).get(challenge_id)
        return bool(history and history.runs_before_pass is not None)

    # -- steps ------------------------------------------------------------------------------

    @property
    def step(self):
        return self.lesson.steps[self.index]

    def show_step(self, index: int) -> None:
        self.index = max(0, min(index, len(self.lesson.steps) - 1))
        self.app.record(lambda store: store.record_step(self.lesson.id, self.index))
        container = self.query_one("#step", VerticalScroll)
        container.remove_children()
        container.mount_all(self._step_widgets(self.step))
        container.scroll_home(animate=False)
        self._update_head()
        self.call_after_refresh(self._focus_step)
        self.refresh_bindings()

    def _step_widgets(self, step):
        if isinstance(step, AideStep):
            return [AideDialogue(step.text, typing=self.app.typing, then="n or →: next")]
        if isinstance(step, ConceptStep):
            return [Vertical(Static(step.title, classes="card-title"), Markdown(step.body),
                             classes="card")]
        if isinstance(step, CheckStep):
            return [CheckPanel(step, solved=self.check_solved(step))]
        if isinstance(step, CodeStep):
            challenge = self.app.curriculum.challenges.get(step.challenge)
            if challenge is None:
                return [Static(f"The challenge `{step.challenge}` did not load.", classes="error")]
            return [CodeStepCard(challenge, self.challenge_passed(challenge.id))]
        if isinstance(step, DemoStep):
            from tutor.demos import demo_widget

            return [Static(step.caption, classes="caption"), demo_widget(step.name, step.params)]
        return []

    def _focus_step(self) -> None:
        for demo in self.query(".demo"):
            demo.focus()

    def check_open(self) -> bool:
        """The current step is a check not yet answered right (from the log: its panel may
        still be mounting)."""
        return isinstance(self.step, CheckStep) and not self.check_solved(self.step)

    def check_panel(self) -> CheckPanel | None:
        """The current step's check panel, once mounted."""
        return next((p for p in self.query(CheckPanel) if p.check is self.step), None)

    def _update_head(self) -> None:
        graph = self.app.curriculum.graph
        total = len(self.lesson.steps)
        unlocks = [n.label for n in graph.nodes if self.lesson.node in n.requires]
        head = Text(no_wrap=True, overflow="ellipsis")
        head.append(f" {self.lesson.title} ", style="bold")
        head.append(f" step {self.index + 1}/{total} ")
        head.append("▰" * (self.index + 1) + "▱" * (total - self.index - 1), style="green")
        if unlocks:
            head.append(f"  unlocks: {', '.join(unlocks)}", style="dim")
        self.query_one("#lesson-head", Static).update(head)

    # -- keys -------------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        """On an open typed-answer check, answer characters go into its box, never to navigation
        (a space must not skip the check, nor a digit land in the next step's box)."""
        if self.check_open() and not self.step.options and event.character in ANSWER_CHARACTERS:
            event.stop()
            event.prevent_default()
            if panel := self.check_panel():
                panel.start_typing(event.character)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_cell":
            return (isinstance(self.step, CodeStep)
                    and self.step.challenge in self.app.curriculum.challenges)
        if action == "answer":  # a typed answer, or the set picked on a multiple-answer check
            return self.check_open() and (not self.step.options or self.step.mode == "multiple")
        return True

    # -- actions ----------------------------------------------------------------------------

    def action_next(self) -> None:
        if self.index + 1 < len(self.lesson.steps):
            self.show_step(self.index + 1)
        else:
            self.finish()

    def action_back(self) -> None:
        if self.index > 0:
            self.show_step(self.index - 1)

    def action_skip(self) -> None:
        """Finishes AIDE's line, else moves on; never past a check not yet answered."""
        typing = [d for d in self.query(AideDialogue) if not d.finished]
        if typing:
            typing[0].skip()
        elif not self.check_open():
            self.action_next()

    def action_digit(self, digit: int) -> None:
        """Picks option `digit` (typed answers take digits in `on_key`)."""
        for panel in self.query(CheckPanel):
            panel.pick(digit - 1)

    def action_open_cell(self) -> None:
        self.open_code_cell(self.step.challenge)

    def action_answer(self) -> None:
        panel = self.check_panel()
        if panel is None:
            return
        if panel.check.options:
            panel.submit()
        else:
            panel.start_typing()

    def action_enter(self) -> None:
        self.action_skip()

    def open_code_cell(self, challenge_id: str) -> None:
        from tutor.screens.code_cell import CodeCellScreen

        challenge = self.app.curriculum.challenge(challenge_id)
        self.app.push_screen(CodeCellScreen(challenge), lambda _: self.show_step(self.index))

    @on(CheckPanel.Answered)
    def _answered(self, event: CheckPanel.Answered) -> None:
        grade = event.grade
        gained = self.app.record(
            lambda store: store.record_check(self.lesson.id, event.check.id, grade.correct,
                                             grade.chosen))
        event.control.show_result(grade, max(0, gained or 0))
        self.refresh_bindings()

    def finish(self) -> None:
        """Past the last step: back to the map if the lesson is complete, else to what is left."""
        left = [i for i, step in enumerate(self.lesson.steps) if self.is_open(step)]
        if self.app.summary.lessons[self.lesson.id].status == COMPLETED or not left:
            self.app.action_map()
            return
        self.show_step(left[0])
        self.notify(f"{len(left)} check(s) or challenge(s) left; here is the first.",
                    title="Almost there")

    def is_open(self, step) -> bool:
        """A check not yet answered right, or a challenge not yet passed."""
        if isinstance(step, CheckStep):
            return not self.check_solved(step)
        return isinstance(step, CodeStep) and not self.challenge_passed(step.challenge)
