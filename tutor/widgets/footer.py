"""The key footer, tightened on narrow terminals so the keys that matter still fit."""

from __future__ import annotations

from textual import events
from textual.widgets import Footer

WIDE = 80  # columns; below this the footer drops its gaps and its least needed keys
NARROW_HIDDEN = {"faq", "progress"}  # still bound, and listed by help (?) and the palette (ctrl+p)


class KeyFooter(Footer):
    def compose(self):
        for key in super().compose():
            if self.show_command_palette or getattr(key, "action", None) not in NARROW_HIDDEN:
                yield key

    def on_resize(self, event: events.Resize) -> None:
        wide = event.size.width >= WIDE
        if wide != self.show_command_palette:
            self.compact = not wide
            self.show_command_palette = wide
            self.call_after_refresh(self.recompose)
