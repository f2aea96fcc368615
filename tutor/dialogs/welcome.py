"""AIDE's hello on the very first launch: who it is, what the map is, how to begin."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen

from tutor.widgets.dialogue import AideDialogue

GREETING = """\
Hi, I'm AIDE, your guide through the transformer, the model behind today's language models.

Behind me is the **map**: the model itself, drawn as boxes with the data flowing top to \
bottom. Each box is a part you will understand, then write in PyTorch. A box opens once you \
have mastered the ones it builds on.

{start} Press **Enter** on it to begin; the arrow keys move around the map, and **?** lists \
every key.
"""


def greeting(first_stop: str | None) -> str:
    """The hello, naming the box the map recommends (if any)."""
    start = (f"Your first stop, **{first_stop}**, is highlighted." if first_stop
             else "The highlighted box is a good place to start.")
    return GREETING.format(start=start)


class WelcomeDialog(ModalScreen[None]):
    BINDINGS = [
        Binding("enter,space", "go_on", "Continue"),
        Binding("escape", "dismiss", "Close"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="welcome"):
            next_step = self.app.summary.next_step
            first_stop = next_step and self.app.curriculum.graph.node(next_step.node).label
            yield AideDialogue(greeting(first_stop), typing=self.app.typing,
                               then="Enter: to the map")

    def action_go_on(self) -> None:
        """The first key finishes AIDE's sentence, the next one closes the dialog."""
        dialogue = self.query_one(AideDialogue)
        if dialogue.finished:
            self.dismiss()
        else:
            dialogue.skip()

    def on_click(self) -> None:
        self.action_go_on()
