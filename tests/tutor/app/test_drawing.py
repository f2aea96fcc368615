"""Text drawings behind the widgets: map routes and joins, shades, bars, charts, AIDE's markup."""

from __future__ import annotations

from tutor.content import Graph, Node
from tutor.widgets.bars import bar
from tutor.widgets.dialogue import inline_markup
from tutor.widgets.graph_map import BOX_H, BOX_W, Box, Canvas, layout, route
from tutor.widgets.heatmap import shade
from tutor.widgets.line_chart import line_chart
from tutor.widgets.verdict_panel import SOURCE_WIDTH, short_source
from tutor.widgets.xp_header import xp_bar


def node(node_id: str, col: int, row: int) -> Node:
    return Node(id=node_id, label=node_id, lessons=(), position=(col, row), requires=())


def test_layout_places_boxes_on_the_grid():
    boxes = layout(Graph(nodes=(node("a", 0, 0), node("b", 2, 3)), flow=()))
    assert (boxes["a"].x, boxes["a"].y) == (0, 0)
    assert boxes["b"].x > 2 * BOX_W and boxes["b"].y > 3 * BOX_H


def test_routes_leave_and_enter_beside_the_boxes():
    a, below, right = Box(node("a", 0, 0), 0, 0), Box(node("b", 0, 1), 0, 4), Box(node("c", 1, 0), 30, 0)
    assert route(a, below) == [(BOX_W // 2, BOX_H), (BOX_W // 2, 3)]
    assert route(a, right) == [(BOX_W, 1), (29, 1)]
    diagonal = Box(node("d", 1, 1), 30, 4)
    assert route(a, diagonal) == [(BOX_W // 2, BOX_H), (BOX_W // 2, 5), (29, 5)]


def test_crossing_lines_merge_into_junctions():
    canvas = Canvas(5, 5)
    canvas.line([(0, 2), (4, 2)], None)  # across, arrow at the right end
    canvas.line([(2, 0), (2, 4)], None)  # down through it
    text = canvas.to_text().plain.splitlines()
    assert text[2] == "──┼─▶"
    assert text[4].strip() == "▼"


def test_corner_of_an_l_shaped_arrow():
    canvas = Canvas(4, 3)
    canvas.line([(0, 0), (0, 2), (3, 2)], None)
    assert [r.rstrip() for r in canvas.to_text().plain.splitlines()] == ["│", "│", "└──▶"]


def test_shades_keep_zero_apart_from_small():
    assert shade(0.0) == " "
    assert shade(0.04) == "·"
    assert shade(1.0) == "█"
    assert shade(0.5) == "▒"


def test_bars_and_xp_bar_lengths():
    assert bar(0.5, 4) == "██  "
    assert bar(0.5, 1) == "▌"  # half a cell, in eighths
    assert xp_bar(0.25, 8) == "██░░░░░░"
    assert xp_bar(3.0, 4) == "████"


def test_line_chart_puts_the_high_value_top_left():
    rows = line_chart([2.0, 1.0], width=9, height=2).plain.splitlines()
    assert rows[0].startswith("  2.00┤") and rows[1].startswith("  1.00┤")
    top, bottom = rows[0][7:], rows[1][7:]
    assert ord(top[0]) - 0x2800 == 0x01  # first point: top-left dot of the first cell
    assert ord(bottom[-1]) - 0x2800 == 0x80  # last point: bottom-right dot of the last cell


def test_aide_markup_styles_words_but_not_arithmetic():
    text = inline_markup("*what* it does, **how**, `q @ k`; a * b and 2*3 stay")
    assert text.plain == "what it does, how, q @ k; a * b and 2*3 stay"
    styled = {text.plain[s.start:s.end]: str(s.style) for s in text.spans}
    assert styled == {"what": "italic", "how": "bold", "q @ k": "bold italic"}


def test_trace_source_keeps_the_code_and_fits_beside_the_shapes():
    line = "    w = torch.softmax(s, dim=-1)  # rows sum to 1"
    assert short_source(line) == "w = torch.softmax(s, dim=-1)"
    cut = short_source("x = " + "a + " * 30 + "b")
    assert len(cut) == SOURCE_WIDTH and cut.endswith("…")
