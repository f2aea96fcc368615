"""Sinusoidal positional encodings: a few dimensions as waves, and how similar positions are."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding

from tutor.demos.view import DemoView
from tutor.widgets.line_chart import line_chart


class PositionalWaves(DemoView):
    NAME = "positional-waves"
    BINDINGS = [Binding("right", "position(1)", "Later"), Binding("left", "position(-1)", "Earlier")]

    def draw(self, data) -> Text:
        width = max(30, min(80, self.size.width or 60))
        text = Text()
        for wave in data["waves"][:4]:
            text.append(f"dim {wave['dim']} ({wave['fn']}, wavelength {wave['wavelength']:.1f})\n",
                        style="bold")
            text.append_text(line_chart(wave["values"], width, 2))
            text.append("\n")
        text.append(f"similarity of every position to position {data['position']} "
                    "(PE·PE): a band around it\n", style="bold")
        text.append_text(line_chart(data["similarity"], width, 3))
        text.append("\n[← →] move the position", style="bold")
        return text

    def action_position(self, step: int) -> None:
        T = self.data["T"] if self.data else 48
        self.update_params(position=max(0, min(T - 1, self.params.get("position", 12) + step)))
