"""The learner's record: level and XP history, achievements, every lesson's status; export, reset."""

from __future__ import annotations

import json

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from tutor.dialogs.confirm import ConfirmDialog
from tutor.paths import aide_home
from tutor.rules import ProgressSummary, summarize
from tutor.widgets.bars import bars
from tutor.widgets.footer import KeyFooter
from tutor.widgets.xp_header import XPHeader

HISTORY_DAYS = 14
LESSON_MARK = {"completed": "●", "in_progress": "◐", "not_started": "○"}


class ProgressScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("e", "export", "Export"),
        Binding("r", "reset", "Reset"),
    ]

    def compose(self) -> ComposeResult:
        yield XPHeader()
        with VerticalScroll(id="progress"):
            yield Static(id="standing")
            yield Static(id="days")
            yield Static(id="lessons")
            yield Static(id="achievements")
            yield Static(id="history")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "summary", self.show)

    def show(self, summary: ProgressSummary) -> None:
        standing = Text()
        standing.append(f"{summary.rank} · level {summary.level}\n", style="bold")
        standing.append(f"{summary.xp} XP; the next level at {summary.next_level_xp} XP\n")
        standing.append(f"streak: {summary.streak} day(s), longest {summary.longest_streak}")
        self.query_one("#standing", Static).update(standing)
        self.query_one("#days", Static).update(self._xp_by_day())
        self.query_one("#lessons", Static).update(self._lessons(summary))
        self.query_one("#achievements", Static).update(self._achievements(summary))
        self.query_one("#history", Static).update(self._history(summary))

    def _xp_by_day(self) -> Text:
        """XP gained on each of the last active days: the rules replayed up to each day's end."""
        events = self.app.store.events()
        days = sorted({e.at.astimezone().date() for e in events})[-HISTORY_DAYS:]
        totals = [summarize(self.app.curriculum,
                            [e for e in events if e.at.astimezone().date() <= day], day).xp
                  for day in days]
        gains = [b - a for a, b in zip([0] + totals, totals)]
        text = Text()
        text.append("XP by day\n", style="bold")
        if not days:
            text.append("Nothing yet: open the first lesson on the map.", style="dim")
        labels = [day.isoformat() for day in days]
        text.append_text(bars(labels, gains, width=24, fmt="{:+.0f} XP",
                              scale=max([1, *gains])))  # a day of hints only: an empty bar
        return text

    def _lessons(self, summary: ProgressSummary) -> Table:
        table = Table(title="Lessons", title_justify="left", title_style="bold", box=None,
                      padding=(0, 1), expand=False)
        for column in ("", "lesson", "checks", "code", "hints"):
            table.add_column(column)
        for lesson_id, p in summary.lessons.items():
            title = self.app.curriculum.lesson(lesson_id).title
            table.add_row(LESSON_MARK[p.status], title, f"{p.checks_done}/{p.checks_total}",
                          f"{p.challenges_passed}/{p.challenges_total}", str(p.hints_taken))
        return table

    def _achievements(self, summary: ProgressSummary) -> Text:
        text = Text()
        text.append(f"\nAchievements ({len(summary.earned)} of "
                    f"{len(summary.earned) + len(summary.locked)})\n", style="bold")
        for a in summary.earned:
            text.append(f"★ {a.name}", style="bold yellow").append(f" — {a.description}\n")
        for a in summary.locked:
            text.append(f"☆ {a.name}", style="dim").append(f" — {a.description}\n", style="dim")
        return text

    def _history(self, summary: ProgressSummary) -> Text:
        text = Text()
        text.append("Where your XP came from\n", style="bold")
        for award in summary.awards:
            where = " · ".join(x for x in (award.lesson, award.item) if x)
            text.append(f"{award.amount:+5d} ", style="green" if award.amount > 0 else "red")
            text.append(f"{award.reason}  ").append(where + "\n", style="dim")
        return text

    def action_export(self) -> None:
        path = aide_home() / f"aide-progress-{self.app.today().isoformat()}.json"
        try:
            path.write_text(json.dumps(self.app.store.export(), indent=2), encoding="utf-8")
        except Exception as exc:
            self.notify(f"Export failed: {exc}", severity="error")
            return
        self.notify(f"Saved to {path}", title="Progress exported", timeout=10)

    def action_reset(self) -> None:
        def reset(confirmed: bool | None) -> None:
            if confirmed:
                self.app.record(lambda store: store.reset())
                self.notify("Your progress starts afresh.", title="Progress reset")

        self.app.push_screen(ConfirmDialog("Forget all progress, drafts and achievements?",
                                           yes="Reset"), reset)
