"""A matrix drawn as shaded cells: rows and columns labelled by tokens.

Shade characters carry the value without colour (NO_COLOR); the colour ramp helps with it.
"""

from __future__ import annotations

from rich.color import Color
from rich.style import Style
from rich.text import Text

SHADES = "░▒▓█"
LABEL_W = 9


def shade(value: float) -> str:
    """Blank only for an exact zero (a masked key); a dot for weights too small to shade."""
    if value <= 0:
        return " "
    level = round(value * len(SHADES))
    return SHADES[level - 1] if level else "·"


def heat_style(value: float) -> Style:
    v = max(0.0, min(1.0, value))
    return Style(color=Color.from_rgb(40 + 215 * v, 60 + 150 * v, 90 + 30 * (1 - v)))


def heatmap(rows: list[str], cols: list[str], values: list[list[float]], *,
            cell_w: int = 3, title: str = "") -> Text:
    """`values[i][j]` in [0, 1]: how much row token i attends to column token j."""
    text = Text(no_wrap=True)
    if title:
        text.append(title + "\n", style="bold")
    header = "".join(c[:cell_w - 1].ljust(cell_w) for c in cols)
    text.append(" " * LABEL_W + header + "\n", style="dim")
    for label, row in zip(rows, values):
        text.append(label[:LABEL_W - 1].rjust(LABEL_W - 1) + " ", style="bold")
        for value in row:
            text.append(shade(value) * (cell_w - 1) + " ", heat_style(value))
        text.append("\n")
    text.append(" " * LABEL_W + "   exactly 0  ·· small  " + "  ".join(
        f"{s}{s} {v:.2f}" for s, v in zip(SHADES, (0.25, 0.5, 0.75, 1.0))), style="dim")
    return text
