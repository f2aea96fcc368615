"""What the checker said about a code cell: status, the named error, the mistake and its hint,
the learner's own printed output (kept apart), and a table of the tensors their code made."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from tutor.widgets.dialogue import inline_markup

STATUS = {  # symbol, word, css class: readable without colour
    "pass": ("✓", "PASS", "pass"),
    "fail": ("✗", "FAIL", "fail"),
    "error": ("!", "ERROR", "fail"),
    "timeout": ("⧗", "TIMEOUT", "fail"),
    "crashed": ("☠", "CRASHED", "fail"),
    "running": ("◌", "RUNNING", "running"),
}

SOURCE_WIDTH = 40  # the shapes, not the code, are what the table is for


def short_source(line: str) -> str:
    """A source line without its trailing comment, cut to fit beside the shapes."""
    code = line.split("  #")[0].strip()
    return code if len(code) <= SOURCE_WIDTH else code[:SOURCE_WIDTH - 1] + "…"


class TraceTable(DataTable):
    """The learner's tensor operations, line by line, with named-dimension shapes."""

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_columns("line", "source", "op", "shapes in", "out")

    def show(self, trace: list[dict[str, Any]]) -> None:
        self.clear()
        for row in trace:
            self.add_row(str(row.get("line", "")), short_source(row.get("source", "")),
                         row.get("op", ""), "  ".join(row.get("shapes", [])), row.get("out", ""))

IDLE = ("Press ctrl+r to run your code against the reference engine: it is called on random "
        "inputs whose sizes are all different primes, and the verdict names the first tensor "
        "that goes wrong.\nctrl+g shows a hint; escape goes back to the lesson (your draft is "
        "saved as you type).")


class VerdictPanel(VerticalScroll):
    """Empty until the first run; then one verdict at a time."""

    def compose(self) -> ComposeResult:
        yield Static(IDLE, classes="status")
        yield Static(classes="details")
        yield Static(classes="mistake")
        yield Static(classes="stdout")
        yield TraceTable(show_cursor=False)

    def on_mount(self) -> None:
        for part in (".mistake", ".stdout", TraceTable):
            self.query_one(part).display = False

    def running(self) -> None:
        self._status("running", "Running your code… (escape cancels)")
        for part in (".details", ".mistake", ".stdout", TraceTable):
            self.query_one(part).display = False

    def show(self, verdict: dict[str, Any]) -> None:
        status = verdict.get("status", "error")
        duration = verdict.get("duration_ms")
        summary = verdict.get("summary", "")
        if duration is not None:
            summary += f"  ({round(duration)} ms)"
        self._status(status, summary)

        details = Text()
        if verdict.get("line"):
            details.append(f"at line {verdict['line']}\n", style="bold")
        if verdict.get("shape_error"):
            details.append("shape  ", style="bold").append(verdict["shape_error"] + "\n")
        if verdict.get("divergence"):
            details.append("where  ", style="bold").append(verdict["divergence"] + "\n")
        details.rstrip()
        self._part(".details", details)

        mistake = Text()
        if verdict.get("mistake_title"):
            mistake.append("Looks like: ", style="bold").append(verdict["mistake_title"],
                                                                 style="bold underline")
        if verdict.get("hint") and status != "pass":
            mistake.append("\n" if mistake else "").append("hint  ", style="bold")
            mistake.append_text(inline_markup(verdict["hint"]))
        self._part(".mistake", mistake)

        stdout = verdict.get("stdout") or ""
        self._part(".stdout", Text(stdout.rstrip()))
        self.query_one(".stdout").border_title = "your output"

        table = self.query_one(TraceTable)
        trace = verdict.get("trace") or []
        table.display = bool(trace)
        table.show(trace)
        self.scroll_home(animate=False)

    def _status(self, status: str, summary: str) -> None:
        symbol, word, css = STATUS.get(status, ("?", status.upper(), "fail"))
        line = Text.assemble((f" {symbol} {word} ", "bold reverse"), " ", inline_markup(summary))
        widget = self.query_one(".status", Static)
        widget.set_classes(f"status {css}")
        widget.update(line)

    def _part(self, selector: str, content: Text) -> None:
        widget = self.query_one(selector, Static)
        widget.display = bool(content.plain)
        widget.update(content)
