"""A model training live: its loss curve drawn as the worker reports it, then what it writes."""

from __future__ import annotations

from typing import Any, Callable

from rich.text import Text
from textual import work
from textual.binding import Binding

from tutor.demos.view import DemoView
from tutor.widgets.line_chart import line_chart


class TrainingLoss(DemoView):
    """Training starts on a key, not on sight: it keeps the engine busy for a while."""

    NAME = "training-loss"
    AUTOSTART = False
    IDLE_STATUS = "Press t to train the model (up to a minute on two cores)."
    BINDINGS = [Binding("t", "train", "Train")]

    def __init__(self, params: dict[str, Any]) -> None:
        super().__init__(params)
        self.losses: list[float] = []
        self.status = self.IDLE_STATUS
        self.sample = ""

    def draw_idle(self) -> Text:
        return self.draw(None)

    def action_train(self) -> None:
        if any(w.is_running for w in self.workers):
            return
        self.losses, self.sample = [], ""
        self.status = "◌ training in the engine…"
        self.fetch()

    def train(self, on_progress: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
        """Train in the engine (on the worker thread), streaming progress to `on_progress`."""
        return self.app.client.demo(self.NAME, self.params, on_progress=on_progress)

    @work(thread=True, exclusive=True, exit_on_error=False, group="demo")
    def fetch(self) -> dict[str, Any]:
        return self.train(self._progress_from_thread)

    def _progress_from_thread(self, data: dict[str, Any]) -> None:
        self.app.call_from_thread(self.progress, data)

    def progress(self, data: dict[str, Any]) -> None:
        if "loss" in data:
            self.losses.append(data["loss"])
            self.status = (f"step {data['step']}  loss {data['loss']:.3f}  "
                           f"lr {data['lr']:.2e}  {data['elapsed_s']:.0f} s")
        if "sample" in data:
            self.sample = data["sample"]
        self.update(self.draw(None))

    def finished(self, data: dict[str, Any]) -> None:
        self.sample = data["sample"]
        self.status = self.summary(data)

    def draw(self, data: dict[str, Any] | None) -> Text:
        width = max(30, min(90, (self.size.width or 60) - 4))
        text = Text()
        text.append_text(line_chart(self.losses, width, 8, label="training loss by step"))
        text.append("\n" + self.status + "\n", style="bold")
        if self.sample:
            text.append("\nThe model writes:\n", style="bold").append(self.sample, style="italic")
        text.append("\n[t] train", style="dim")
        return text

    def summary(self, data: dict[str, Any]) -> str:
        return (f"done: loss {data['final_loss']:.3f} (a uniform guess: "
                f"{data['random_loss']:.3f}) in {data['seconds']:.0f} s")
