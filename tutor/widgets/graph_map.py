"""The architecture map: the model's parts drawn as boxes at their graph.yaml positions, with
data-flow arrows between them, each box marked by the learner's progress on it."""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from tutor.content import Graph, Node

BOX_W, BOX_H = 24, 3  # a box: border, one label row, border
GAP_X, GAP_Y = 4, 1  # room between boxes for arrows

# Symbols carry the state without colour (NO_COLOR), colours make it quick to read.
SYMBOL = {"locked": "·", "available": "○", "in_progress": "◐", "mastered": "●"}
STATE_STYLE = {
    "locked": Style(dim=True),
    "available": Style(color="cyan", bold=True),
    "in_progress": Style(color="yellow", bold=True),
    "mastered": Style(color="green", bold=True),
}
BORDERS = {"light": "┌─┐│└┘", "double": "╔═╗║╚╝", "heavy": "┏━┓┃┗┛"}
LEGEND = "● mastered    ◐ in progress\n○ available   · locked\n─ next ─ the recommended step"

# Box-drawing character for a cell crossed by lines leaving it in these directions.
JOINS = {
    frozenset("NS"): "│", frozenset("EW"): "─", frozenset("N"): "│", frozenset("S"): "│",
    frozenset("E"): "─", frozenset("W"): "─", frozenset("SE"): "┌", frozenset("SW"): "┐",
    frozenset("NE"): "└", frozenset("NW"): "┘", frozenset("NSE"): "├", frozenset("NSW"): "┤",
    frozenset("EWS"): "┬", frozenset("EWN"): "┴", frozenset("NSEW"): "┼",
}
STEP = {"N": (0, -1), "S": (0, 1), "E": (1, 0), "W": (-1, 0)}
DIRECTION = {step: name for name, step in STEP.items()}
OPPOSITE = {"N": "S", "S": "N", "E": "W", "W": "E"}
HEAD = {"N": "▲", "S": "▼", "E": "▶", "W": "◀"}


@dataclass(frozen=True)
class Box:
    node: Node
    x: int
    y: int

    @property
    def region(self) -> Region:
        return Region(self.x, self.y, BOX_W, BOX_H)


def layout(graph: Graph) -> dict[str, Box]:
    """Where each node's box goes on the character canvas."""
    return {n.id: Box(n, n.position[0] * (BOX_W + GAP_X), n.position[1] * (BOX_H + GAP_Y))
            for n in graph.nodes}


def route(a: Box, b: Box) -> list[tuple[int, int]]:
    """Corner points of an orthogonal arrow from box a to box b (ends next to the boxes).

    Same column or same row: a straight arrow. Otherwise an L: out of a's top or bottom,
    into b's side at its label row.
    """
    ax, bx = a.x + BOX_W // 2, b.x + BOX_W // 2
    if a.x == b.x:
        if b.y > a.y:
            return [(ax, a.y + BOX_H), (bx, b.y - 1)]
        return [(ax, a.y - 1), (bx, b.y + BOX_H)]
    side = b.x - 1 if b.x > a.x else b.x + BOX_W
    if a.y == b.y:
        start = a.x + BOX_W if b.x > a.x else a.x - 1
        return [(start, a.y + 1), (side, b.y + 1)]
    start = (ax, a.y + BOX_H) if b.y > a.y else (ax, a.y - 1)
    return [start, (ax, b.y + 1), (side, b.y + 1)]


class Canvas:
    """A grid of characters and styles; lines merge where they cross."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.chars = [[" "] * width for _ in range(height)]
        self.styles: list[list[Style | None]] = [[None] * width for _ in range(height)]
        self.joins: dict[tuple[int, int], set[str]] = {}

    def put(self, x: int, y: int, text: str, style: Style | None = None) -> None:
        for i, char in enumerate(text):
            if 0 <= x + i < self.width and 0 <= y < self.height:
                self.chars[y][x + i] = char
                self.styles[y][x + i] = style

    def line(self, points: list[tuple[int, int]], style: Style) -> None:
        """Draw an orthogonal polyline through the corner points, an arrowhead at the end."""
        (x, y), heading, cells = points[0], "S", [points[0]]
        for x1, y1 in points[1:]:
            while (x, y) != (x1, y1):
                heading = DIRECTION[((x1 > x) - (x1 < x), (y1 > y) - (y1 < y))]
                self.joins.setdefault((x, y), set()).add(heading)
                x, y = x + STEP[heading][0], y + STEP[heading][1]
                self.joins.setdefault((x, y), set()).add(OPPOSITE[heading])
                cells.append((x, y))
        for cell in cells[:-1]:
            self.put(*cell, JOINS[frozenset(self.joins[cell])], style)
        self.put(x, y, HEAD[heading], style)

    def to_text(self) -> Text:
        text = Text(no_wrap=True)
        for row, styles in zip(self.chars, self.styles):
            for char, style in zip(row, styles):
                text.append(char, style)
            text.append("\n")
        text.rstrip()
        return text


class GraphMap(Widget, can_focus=True):
    """The map; arrows move between boxes, Enter or a click opens the selected one."""

    BINDINGS = [
        Binding("up,k", "move('N')", "Up", show=False),
        Binding("down,j", "move('S')", "Down", show=False),
        Binding("left,h", "move('W')", "Left", show=False),
        Binding("right,l", "move('E')", "Right", show=False),
        Binding("enter", "open", "Open"),
    ]

    cursor: reactive[str | None] = reactive(None)

    @dataclass
    class Highlighted(Message):
        node_id: str

    @dataclass
    class Opened(Message):
        node_id: str

    def __init__(self, graph: Graph, **kwargs) -> None:
        super().__init__(**kwargs)
        self.graph = graph
        self.boxes = layout(graph)
        self.states: dict[str, str] = {}
        self.recommended: str | None = None
        self.canvas_width = max((b.x + BOX_W for b in self.boxes.values()), default=0) + 1
        self.canvas_height = max((b.y + BOX_H for b in self.boxes.values()), default=0)

    def show_progress(self, states: dict[str, str], recommended: str | None) -> None:
        self.states, self.recommended = states, recommended
        if self.cursor is None:
            self.cursor = recommended or (self.graph.nodes[0].id if self.graph.nodes else None)
        self.refresh()

    def get_content_width(self, container, viewport) -> int:
        return self.canvas_width

    def get_content_height(self, container, viewport, width) -> int:
        return self.canvas_height

    def render(self) -> Text:
        canvas = Canvas(self.canvas_width, self.canvas_height)
        for a, b in self.graph.flow:
            done = self.states.get(a) == "mastered"
            canvas.line(route(self.boxes[a], self.boxes[b]),
                        Style(color="green") if done else Style(dim=True))
        for box in self.boxes.values():
            self._draw_box(canvas, box)
        return canvas.to_text()

    def _draw_box(self, canvas: Canvas, box: Box) -> None:
        node_id = box.node.id
        state = self.states.get(node_id, "locked")
        selected = node_id == self.cursor
        kind = "heavy" if selected else "double" if node_id == self.recommended else "light"
        tl, h, tr, v, bl, br = BORDERS[kind]
        style = STATE_STYLE[state]
        inner = BOX_W - 2
        label = f"{SYMBOL[state]} {box.node.label}"
        label = label[:inner - 1] + "…" if len(label) > inner else label.ljust(inner)
        bottom = h * inner
        if node_id == self.recommended:
            bottom = " next ".center(inner, h)
        canvas.put(box.x, box.y, tl + h * inner + tr, style)
        canvas.put(box.x, box.y + 1, v, style)
        canvas.put(box.x + 1, box.y + 1, label, style + Style(reverse=selected and self.has_focus))
        canvas.put(box.x + BOX_W - 1, box.y + 1, v, style)
        canvas.put(box.x, box.y + 2, bl + bottom + br, style)

    def watch_cursor(self, cursor: str | None) -> None:
        if cursor is None:
            return
        self.refresh()
        self.post_message(self.Highlighted(cursor))
        if isinstance(self.parent, Widget):  # keep the box in view on a small terminal
            region = self.boxes[cursor].region.translate(self.virtual_region.offset)
            self.parent.scroll_to_region(region.grow((1, 2, 1, 2)), animate=False, force=True)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def action_move(self, direction: str) -> None:
        """Go to the nearest box in that direction; nearer in the main axis wins."""
        if self.cursor is None:
            return
        here = self.boxes[self.cursor].node.position
        dx, dy = STEP[direction]
        best, best_score = None, None
        for box in self.boxes.values():
            col, row = box.node.position
            along = (col - here[0]) * dx + (row - here[1]) * dy
            if along <= 0:
                continue
            across = abs((col - here[0]) * dy) + abs((row - here[1]) * dx)
            score = (along + 2 * across, across)
            if best_score is None or score < best_score:
                best, best_score = box.node.id, score
        if best is not None:
            self.cursor = best

    def action_open(self) -> None:
        if self.cursor is not None:
            self.post_message(self.Opened(self.cursor))

    def node_at(self, x: int, y: int) -> str | None:
        return next((i for i, box in self.boxes.items() if box.region.contains(x, y)), None)

    def on_click(self, event: Click) -> None:
        node_id = self.node_at(event.x, event.y)
        if node_id is None:
            return
        if node_id == self.cursor:
            self.action_open()
        self.cursor = node_id
