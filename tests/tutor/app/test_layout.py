"""Real lessons' long code and small tables, laid out so they read whole at 120 columns."""

from __future__ import annotations

from textual.widgets import TextArea

from tests.tutor.app.conftest import TODAY, ScriptedClient, greeted
from tutor.app import make_app
from tutor.messages import OpenLesson
from tutor.screens.code_cell import CodeCellScreen
from tutor.store import ProgressStore


def build(curriculum):
    return make_app(curriculum=curriculum, store=greeted(ProgressStore()),
                    client=ScriptedClient(), typing=False, today=lambda: TODAY)


async def test_code_in_the_task_panel_and_the_editor_wraps_instead_of_clipping(curriculum):
    app = build(curriculum)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(CodeCellScreen(curriculum.challenge("tokens/pair-counts")))
        await pilot.pause()
        fences = list(app.screen.query_one("#prompt").query("MarkdownFence"))
        assert fences and all(f.virtual_size.width <= f.size.width for f in fences)
        editor = app.screen.query_one("#editor", TextArea)
        longest = max(len(line) for line in editor.text.splitlines())
        assert longest > editor.content_size.width  # the starter's docstring is long…
        assert editor.virtual_size.width <= editor.size.width  # …and wrapped, not clipped


async def test_a_small_table_is_as_wide_as_its_columns(curriculum):
    app = build(curriculum)
    async with app.run_test(size=(120, 40)) as pilot:
        app.post_message(OpenLesson("decoding", 2))  # temperature, with a three-column table
        await pilot.pause()
        card = app.screen.query_one(".card")
        cells = app.screen.query_one("MarkdownTableContent").children
        table_width = max(c.region.right for c in cells) - min(c.region.x for c in cells)
        assert table_width < card.content_size.width / 2
