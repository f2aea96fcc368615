"""One set of next-word logits through softmax at several temperatures."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding

from tutor.demos.view import DemoView
from tutor.widgets.bars import bars


class SoftmaxTemperature(DemoView):
    NAME = "softmax-temperature"
    BINDINGS = [Binding("right_square_bracket,plus", "row(1)", "Hotter"),
                Binding("left_square_bracket,minus", "row(-1)", "Colder")]

    def __init__(self, params) -> None:
        super().__init__(params)
        self.row = 2  # the temperature shown: the middle one (1.0 by default)

    def draw(self, data) -> Text:
        self.row = min(self.row, len(data["rows"]) - 1)
        row = data["rows"][self.row]
        text = Text()
        text.append(f"temperature {row['temperature']:g}", style="bold")
        text.append(f"   entropy {row['entropy_bits']:.2f} of {data['max_entropy_bits']:.2f} bits\n")
        text.append_text(bars(data["labels"], row["probs"], scale=1.0))
        scale = "  ".join(f"[{t:g}]" if i == self.row else f" {t:g} "
                          for i, t in enumerate(data["temperatures"]))
        text.append(f"\n[ / ] temperature: {scale}", style="bold")
        return text

    def action_row(self, step: int) -> None:
        if self.data:
            self.row = max(0, min(len(self.data["rows"]) - 1, self.row + step))
            self.update(self.draw(self.data))
