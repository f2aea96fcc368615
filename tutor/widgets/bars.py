"""Horizontal bars with labels: probabilities, counts, timings."""

from __future__ import annotations

from rich.text import Text

EIGHTHS = " ▏▎▍▌▋▊▉█"


def bar(fraction: float, width: int) -> str:
    """A bar `fraction` of `width` cells long, to an eighth of a cell."""
    eighths = round(max(0.0, min(1.0, fraction)) * width * 8)
    full, part = divmod(eighths, 8)
    return ("█" * full + (EIGHTHS[part] if part else "")).ljust(width)


def bars(labels: list[str], values: list[float], *, width: int = 30, fmt: str = "{:.3f}",
         dim: list[bool] | None = None, scale: float | None = None) -> Text:
    """One row per label; `dim[i]` greys a row out (e.g. a token top-k removed)."""
    top = scale or max(values, default=1.0) or 1.0
    label_w = max((len(label) for label in labels), default=0)
    text = Text(no_wrap=True)
    for i, (label, value) in enumerate(zip(labels, values)):
        style = "dim" if dim and dim[i] else "green"
        text.append(label.rjust(label_w) + " ", style="bold")
        text.append(bar(value / top, width), style=style)
        text.append(" " + fmt.format(value) + "\n", style="dim" if dim and dim[i] else "")
    text.rstrip()
    return text
