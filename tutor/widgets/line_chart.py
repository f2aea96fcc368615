"""A line chart of a series in braille dots (2×4 dots per character), for live loss curves."""

from __future__ import annotations

import math

from rich.text import Text

# Braille dot bit for (column 0/1, row 0..3) within one character cell.
DOTS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))


def line_chart(values: list[float], width: int, height: int, *, label: str = "") -> Text:
    """Plot `values` (left to right) in a width×height character box with a y-axis scale."""
    axis_w = 7
    plot_w, plot_h = max(1, width - axis_w), max(1, height)
    finite = [v for v in values if math.isfinite(v)]
    text = Text(no_wrap=True)
    if not finite:
        return text.append(label or "waiting for data…", style="dim")
    low, high = min(finite), max(finite)
    span = (high - low) or 1.0
    grid = [[0] * plot_w for _ in range(plot_h)]
    n_x, n_y = plot_w * 2, plot_h * 4
    for i, value in enumerate(values):
        if not math.isfinite(value):
            continue
        x = round(i * (n_x - 1) / max(1, len(values) - 1))
        y = round((high - value) / span * (n_y - 1))
        grid[y // 4][x // 2] |= DOTS[y % 4][x % 2]
    for r, row in enumerate(grid):
        tick = f"{high:.2f}" if r == 0 else f"{low:.2f}" if r == plot_h - 1 else ""
        text.append(tick.rjust(axis_w - 1) + "┤", style="dim")
        text.append("".join(chr(0x2800 + bits) for bits in row), style="green")
        text.append("\n")
    text.append(" " * (axis_w - 1) + "└" + "─" * plot_w, style="dim")
    if label:
        text.append("\n" + " " * axis_w + label, style="dim")
    return text
