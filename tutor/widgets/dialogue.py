"""AIDE's voice: a speech bubble whose text is typed out, and finished at once on request."""

from __future__ import annotations

import re

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

# **bold**, *italic* (not the * of `a * b` or `2*3`) and `code`
INLINE = re.compile(r"\*\*(.+?)\*\*|(?<![\w*])\*(?![\s*])(.+?)(?<!\s)\*(?!\w)|`([^`]+)`")
CHARS_PER_TICK = 3  # at 60 ticks a second: ~180 characters a second, a brisk reading pace


def inline_markup(text: str) -> Text:
    """AIDE's text allows **bold**, *italic* and `code`; anything else stays literal."""
    out = Text()
    last = 0
    for match in INLINE.finditer(text):
        out.append(text[last:match.start()])
        bold, italic, code = match.groups()
        if bold is not None:
            out.append(bold, style="bold")
        elif italic is not None:
            out.append(italic, style="italic")
        else:
            out.append(code, style="bold italic")
        last = match.end()
    out.append(text[last:])
    return out


class AideDialogue(Static):
    """Shows one line of AIDE's dialogue, revealed a few characters per frame.

    `typing=False` (tests and snapshots) shows the whole text at once.
    """

    DEFAULT_CSS = """
    AideDialogue { border: round $accent; border-title-color: $accent; padding: 0 1; }
    """

    revealed: reactive[int] = reactive(0, layout=True)

    def __init__(self, text: str, *, typing: bool = True, then: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.full = inline_markup(text.strip())
        self.typing = typing
        self.then = then  # what the next key does, shown once the line is out
        self.border_title = "AIDE"
        self._timer = None

    @property
    def finished(self) -> bool:
        return self.revealed >= len(self.full)

    def on_mount(self) -> None:
        if self.typing:
            self.border_subtitle = "space: skip · ? then t: no typing"
            self._timer = self.set_interval(1 / 60, self._tick)
        else:
            self.skip()

    def _tick(self) -> None:
        self.revealed = min(len(self.full), self.revealed + CHARS_PER_TICK)
        if self.finished:
            self.skip()

    def skip(self) -> None:
        """Show the rest of the text now."""
        if self._timer is not None:
            self._timer.stop()
        self.border_subtitle = self.then
        self.revealed = len(self.full)

    def watch_revealed(self, revealed: int) -> None:
        self.update(self.full[:revealed])
