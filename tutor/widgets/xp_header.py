"""The status line above every screen: rank and level, the XP bar, the streak, the engine."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget


def xp_bar(fraction: float, width: int) -> str:
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "█" * filled + "░" * (width - filled)


ENGINE = {"ready": "● engine ready", "warming": "◌ engine warming…", "down": "✕ engine down"}
COMPACT = 80  # columns: below this the header abbreviates


class XPHeader(Widget):
    """Reads the learner's progress summary and the engine's state from the app."""

    DEFAULT_CSS = """
    XPHeader { height: 1; background: $panel; color: $text; }
    """

    def on_mount(self) -> None:
        for name in ("summary", "engine_status"):
            self.watch(self.app, name, lambda _: self.refresh(), init=False)

    def render(self) -> Text:
        summary = self.app.summary
        compact = self.size.width < COMPACT
        span = max(1, summary.next_level_xp - summary.level_xp)
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(" AIDE ", style="bold reverse")
        line.append(f" {summary.rank} · Lv {summary.level} ", style="bold")
        line.append(xp_bar((summary.xp - summary.level_xp) / span, 8 if compact else 20),
                    style="green")
        line.append(f" {summary.xp}/{summary.next_level_xp} XP ")
        if summary.streak:
            streak = f"▲{summary.streak}d" if compact else f"▲ {summary.streak}-day streak"
            line.append(f" {streak} ", style="bold yellow")
        status = self.app.engine_status
        engine = ENGINE[status]
        line.append(f" {engine.replace('engine ', '') if compact else engine}",
                    style="bold red" if status == "down" else "dim")
        return line
