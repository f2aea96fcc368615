"""The lexicon: every term with its definition and the engine source that implements it.

Engine files are located and read as text (tutor.paths.engine_source); nothing is imported.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from tutor.content import LexiconEntry
from tutor.paths import engine_source
from tutor.widgets.footer import KeyFooter
from tutor.widgets.xp_header import XPHeader


class LexiconScreen(Screen):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("slash", "filter", "Filter"),
    ]

    def __init__(self, term: str | None = None) -> None:
        super().__init__()
        self.term = term
        self.entries: dict[str, LexiconEntry] = {}

    def compose(self) -> ComposeResult:
        self.entries = {e.term: e for e in self.app.curriculum.lexicon}
        yield XPHeader()
        with Horizontal(id="lexicon"):
            with Vertical(id="terms-pane"):
                yield Input(placeholder="/ filter terms", id="filter")
                yield OptionList(*self._options(""), id="terms")
            with Vertical(id="entry"):
                yield Static(id="definition")
                yield Static(id="source-title", classes="card-title")
                yield TextArea.code_editor("", language="python", read_only=True, id="source")
        yield KeyFooter()

    def _options(self, query: str) -> list[Option]:
        query = query.lower()
        return [Option(term, id=term) for term in sorted(self.entries, key=str.lower)
                if query in term.lower()]

    def on_mount(self) -> None:
        terms = self.query_one("#terms", OptionList)
        self.query_one("#source").display = False
        if self.term in self.entries:
            terms.highlighted = terms.get_option_index(self.term)
        elif terms.option_count:
            terms.highlighted = 0
        terms.focus()

    def on_resize(self) -> None:
        self.set_class(self.size.width < 100, "narrow")

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        terms = self.query_one("#terms", OptionList)
        terms.clear_options()
        terms.add_options(self._options(event.value))
        if terms.option_count:
            terms.highlighted = 0

    @on(Input.Submitted, "#filter")
    def _filtered(self) -> None:
        self.query_one("#terms").focus()

    @on(OptionList.OptionHighlighted, "#terms")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show_entry(self.entries[event.option.id])

    @on(OptionList.OptionSelected, "#terms")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.show_source(self.entries[event.option.id])

    def show_entry(self, entry: LexiconEntry) -> None:
        text = Text()
        text.append(entry.term + "\n", style="bold underline")
        text.append(entry.definition.strip() + "\n")
        lesson = self.app.curriculum.lessons.get(entry.lesson)
        if lesson:
            text.append(f"\nTaught in: {lesson.title}\n", style="italic")
        text.append(f"Implemented by {entry.engine}  (Enter shows the source)", style="dim")
        self.query_one("#definition", Static).update(text)
        self.query_one("#source").display = False
        self.query_one("#source-title", Static).update("")

    def show_source(self, entry: LexiconEntry) -> None:
        ref = engine_source(entry.engine)
        title = self.query_one("#source-title", Static)
        source = self.query_one("#source", TextArea)
        if ref is None:
            title.update(f"{entry.engine}: source not found")
            return
        source.load_text(ref.path.read_text(encoding="utf-8"))
        source.display = True
        title.update(f"{ref.path.name}:{ref.line}  {entry.engine}")
        source.move_cursor((ref.line - 1, 0))
        source.focus()
        # The definition at the top of the view, not merely somewhere on screen.
        self.call_after_refresh(source.scroll_to, y=ref.line - 1, animate=False)

    def action_filter(self) -> None:
        self.query_one("#filter").focus()

    def action_back(self) -> None:
        source = self.query_one("#source")
        if source.display:
            source.display = False
            self.query_one("#terms").focus()
        else:
            self.app.pop_screen()
