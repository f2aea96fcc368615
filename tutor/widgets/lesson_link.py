"""A line that opens a lesson when clicked or when Enter is pressed on it."""

from __future__ import annotations

from textual.widgets import Static

from tutor.messages import OpenLesson


class LessonLink(Static, can_focus=True):
    def __init__(self, lesson_id: str, title: str) -> None:
        super().__init__(f"→ lesson: {title}", classes="link")
        self.lesson_id = lesson_id

    def on_click(self) -> None:
        self.post_message(OpenLesson(self.lesson_id))

    def key_enter(self) -> None:
        self.post_message(OpenLesson(self.lesson_id))
