"""Every key, read from the bindings themselves so the page cannot drift from the app."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tutor.widgets.footer import KeyFooter

MOUSE = "Mouse: click a map box to select it (click again to open), click an answer to pick it."


def key_names(binding: Binding) -> str:
    names = {"question_mark": "?", "right_square_bracket": "]", "left_square_bracket": "[",
             "equals_sign": "=", "plus": "+", "minus": "-"}
    return " ".join(names.get(k, k) for k in binding.key.split(","))


def keys_table(title: str, bindings) -> Table:
    """One row per action: every key that does it, then what it does."""
    keys: dict[str, list[str]] = {}
    for binding in bindings:
        binding = binding if isinstance(binding, Binding) else Binding(*binding)
        if binding.description:
            keys.setdefault(binding.description, []).append(key_names(binding))
    table = Table(title=title, title_justify="left", title_style="bold", show_header=False,
                  box=None, padding=(0, 2, 0, 0), expand=False)
    for description, names in keys.items():
        table.add_row(Text(" ".join(names), style="bold"), description)
    return table


def typing_line(typing: bool) -> Text:
    state = "on: AIDE's lines are typed out" if typing else "off: AIDE's lines appear whole"
    return Text.assemble(("Typing ", "bold"), state, ("   t", "bold"), " turns it ",
                         "off" if typing else "on")


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close"),
        Binding("t", "toggle_typing", "Typing on/off"),
    ]

    def compose(self) -> ComposeResult:
        from tutor.app import AideApp
        from tutor.demos import DEMOS
        from tutor.screens.code_cell import CodeCellScreen
        from tutor.screens.lesson import LessonScreen
        from tutor.screens.lexicon import LexiconScreen
        from tutor.screens.progress import ProgressScreen
        from tutor.widgets.graph_map import GraphMap

        sections = [("Everywhere", AideApp.BINDINGS + [Binding("ctrl+p", "", "Search")]),
                    ("Map", GraphMap.BINDINGS),
                    ("Lesson", [b for b in LessonScreen.BINDINGS if "digit" not in b.action]
                     + [Binding("0…9", "", "Pick an answer, or start typing one")]),
                    ("Code cell", CodeCellScreen.BINDINGS),
                    ("Lexicon", LexiconScreen.BINDINGS + [Binding("enter", "", "Show the source")]),
                    ("Progress", ProgressScreen.BINDINGS)]
        sections += [(f"Demo: {name}", view.BINDINGS) for name, view in DEMOS.items()]
        with VerticalScroll(id="help"):
            yield Static(typing_line(self.app.typing), id="typing")
            yield Static(Text("Keys", style="bold underline"))
            for title, bindings in sections:
                yield Static(keys_table(title, bindings), classes="keys")
            yield Static(MOUSE, classes="tip")
        yield KeyFooter()

    def action_toggle_typing(self) -> None:
        self.app.action_toggle_typing()
        self.query_one("#typing", Static).update(typing_line(self.app.typing))
