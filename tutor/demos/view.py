"""The base of every demo: ask the worker for the numbers off the UI thread, then draw them."""

from __future__ import annotations

from typing import Any

from rich.console import RenderableType
from textual import work
from textual.widgets import Static
from textual.worker import Worker, WorkerState


class DemoView(Static, can_focus=True):
    """Subclasses set NAME and draw(data); keys that change a parameter call `update_params`."""

    NAME = ""
    AUTOSTART = True  # fetch on mount; slow demos wait for a key

    def __init__(self, params: dict[str, Any]) -> None:
        super().__init__(classes="demo")
        self.params = dict(params)
        self.data: dict[str, Any] | None = None

    def on_mount(self) -> None:
        self.update(self.draw_idle())
        if self.AUTOSTART:
            self.fetch()

    def draw_idle(self) -> RenderableType:
        return "◌ computing in the engine…"

    def update_params(self, **changes: Any) -> None:
        self.params.update(changes)
        self.fetch()

    @work(thread=True, exclusive=True, exit_on_error=False, group="demo")
    def fetch(self) -> dict[str, Any]:
        return self.app.client.demo(self.NAME, self.params)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "demo":
            return
        if event.state == WorkerState.SUCCESS:
            self.data = event.worker.result
            self.finished(self.data)
            self.update(self.draw(self.data))
        elif event.state == WorkerState.ERROR:
            self.update(f"The engine could not compute this demo: {event.worker.error}")

    def finished(self, data: dict[str, Any]) -> None:
        """Called once per result, before it is drawn."""

    def draw(self, data: dict[str, Any]) -> RenderableType:
        raise NotImplementedError
