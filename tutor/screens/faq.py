"""Frequently asked questions, each linked to the lesson that answers it in depth."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Collapsible, Markdown, Static

from tutor.widgets.footer import KeyFooter
from tutor.widgets.lesson_link import LessonLink
from tutor.widgets.xp_header import XPHeader


class FaqScreen(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(self, question: str | None = None) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        curriculum = self.app.curriculum
        yield XPHeader()
        with VerticalScroll(id="faq"):
            yield Static("Frequently asked questions", classes="card-title")
            if not curriculum.faq:
                yield Static("No questions yet.", classes="tip")
            for entry in curriculum.faq:
                with Collapsible(title=entry.question, collapsed=entry.question != self.question):
                    yield Markdown(entry.answer)
                    if entry.lesson in curriculum.lessons:
                        yield LessonLink(entry.lesson, curriculum.lesson(entry.lesson).title)
        yield KeyFooter()

    def on_mount(self) -> None:
        opened = [c for c in self.query(Collapsible) if not c.collapsed]
        if opened:
            self.call_after_refresh(opened[0].scroll_visible, animate=False, top=True)
