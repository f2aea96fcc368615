"""Messages that travel up from screens and widgets to the app."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class OpenLesson(Message):
    """Open a lesson, at a given step or where the learner left it."""

    lesson_id: str
    step: int | None = None


@dataclass
class OpenLexicon(Message):
    """Show the lexicon with one term selected."""

    term: str | None = None


@dataclass
class OpenFaq(Message):
    """Show the FAQ with one question selected."""

    question: str | None = None
