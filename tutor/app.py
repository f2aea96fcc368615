"""The AIDE app: the map of the model, lessons, code cells and the reference pages.

The app owns what every screen reads: the curriculum, the progress store, the worker client
(the only way to the engine: this process never imports torch) and the learner's progress
summary, recomputed from the event log after every recorded event.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING, Any, Callable

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive

from tutor.content import Curriculum
from tutor.messages import OpenFaq, OpenLesson, OpenLexicon
from tutor.rules import ProgressSummary, summarize
from tutor.screens.map import MapScreen
from tutor.screens.palette import CurriculumCommands
from tutor.store import ProgressStore

if TYPE_CHECKING:
    from tutor.worker_client import WorkerClient

# Settings kept in the progress store.
PLACE = "place"  # where the learner was: {"lesson": id} or {} for the map
WELCOMED = "welcomed"  # AIDE has said hello (on the first launch only)
TYPING = "typing"  # AIDE's lines are typed out (True) or shown whole (False)


class AideApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "AIDE"
    COMMANDS = App.COMMANDS | {CurriculumCommands}
    BINDINGS = [
        Binding("question_mark,f1", "help", "Help"),
        Binding("m", "map", "Map"),
        Binding("x", "lexicon", "Lexicon"),
        Binding("f", "faq", "FAQ"),
        Binding("p", "progress", "Progress"),
        Binding("q", "quit", "Quit"),
    ]

    summary: reactive[ProgressSummary] = reactive(None, always_update=True, init=False)
    engine_status: reactive[str] = reactive("warming")

    def __init__(self, curriculum: Curriculum, store: ProgressStore, client: WorkerClient, *,
                 typing: bool = True, today: Callable[[], date] = date.today,
                 owns_client: bool = False) -> None:
        super().__init__()
        self.curriculum = curriculum
        self.store = store
        self.client = client
        self.owns_client = owns_client  # a client shared with the caller outlives the app
        # AIDE's text typed out: the learner's choice; `typing=False` (tests, snapshots) wins.
        self.typing = typing and bool(store.setting(TYPING, True))
        self.today = today
        self.set_reactive(AideApp.summary, self._summarize())
        # Achievements earned before this session (an import, an older version) are not news.
        store.award([a.id for a in self.summary.earned])
        self.set_reactive(AideApp.engine_status, "ready" if client.ready else "warming")

    def _summarize(self) -> ProgressSummary:
        return summarize(self.curriculum, self.store.events(), self.today())

    # -- start and stop ---------------------------------------------------------------------

    def on_mount(self) -> None:
        self.push_screen(MapScreen())
        if self.store.recovery_message:
            self.notify(self.store.recovery_message, title="Progress file", severity="warning",
                        timeout=15)
        if self.curriculum.errors:
            first, count = self.curriculum.errors[0], len(self.curriculum.errors)
            self.notify(f"{first}" + (f" (and {count - 1} more)" if count > 1 else ""),
                        title="Some lessons did not load", severity="warning", timeout=10)
        place = self.store.setting(PLACE, {})
        if place.get("lesson") in self.curriculum.lessons:
            self.post_message(OpenLesson(place["lesson"]))
        elif not self.store.setting(WELCOMED, False):
            self.call_after_refresh(self.welcome)  # the map's first frame is not kept waiting
        self.warm_engine()
        self.set_interval(0.25, self._poll_engine, name="engine-status")

    def welcome(self) -> None:
        from tutor.dialogs.welcome import WelcomeDialog

        self.push_screen(WelcomeDialog(), lambda _: self.save_setting(WELCOMED, True))

    @work(thread=True, exit_on_error=False, group="engine")
    def warm_engine(self) -> None:
        """Start the worker (torch loads there, in the background) without blocking a frame."""
        try:
            self.client.start()
        except Exception as exc:  # the app stays usable without the engine
            self.call_from_thread(self.engine_failed, exc)

    def engine_failed(self, exc: Exception) -> None:
        self.engine_status = "down"
        self.notify(f"The engine could not start: {exc}", title="Engine", severity="error",
                    timeout=15)

    def _poll_engine(self) -> None:
        if self.engine_status in ("warming", "ready"):
            self.engine_status = "ready" if self.client.ready else "warming"

    def on_unmount(self) -> None:
        if self.owns_client:
            self.client.close()

    # -- progress ---------------------------------------------------------------------------

    def record(self, write: Callable[[ProgressStore], Any]) -> int | None:
        """Run one store write, then refresh the summary and announce what it earned.

        Returns the XP it gained (may be negative: hints cost XP), or None if the write failed.
        """
        before = self.summary
        try:
            write(self.store)
            after = self._summarize()
            new = self.store.award([a.id for a in after.earned])
        except Exception as exc:  # a locked or broken store must never end the session
            self.notify(f"Could not save progress: {exc}", title="Progress", severity="error")
            return None
        self.summary = after
        self._announce(before, after, new)
        return after.xp - before.xp

    def _announce(self, before: ProgressSummary, after: ProgressSummary, new: list[str]) -> None:
        """Toasts for what changed: achievements, level-ups, mastered and unlocked nodes."""
        graph = self.curriculum.graph
        for achievement in after.earned:
            if achievement.id in new:
                self.notify(achievement.description, title=f"★ {achievement.name}", timeout=6)
        if after.level > before.level:
            self.notify(f"You are now: {after.rank}.", title=f"▲ Level {after.level}", timeout=6)
        for node_id, state in after.node_states.items():
            if state == before.node_states.get(node_id):
                continue
            if state == "mastered":
                self.notify(f"{graph.node(node_id).label} mastered.", title="● Mastered")
            elif state == "available" and before.node_states.get(node_id) == "locked":
                self.notify(f"{graph.node(node_id).label} is open.", title="○ Unlocked")

    def save_setting(self, key: str, value: Any) -> None:
        try:
            self.store.set_setting(key, value)
        except Exception as exc:
            self.notify(f"Could not save a setting: {exc}", title="Progress", severity="error")

    def action_toggle_typing(self) -> None:
        self.typing = not self.typing
        self.save_setting(TYPING, self.typing)
        self.notify("AIDE types its lines out." if self.typing
                    else "AIDE's lines appear whole at once.", title="Typing")

    def remember_place(self, lesson_id: str | None) -> None:
        """Where the app reopens: this lesson, or the map (None)."""
        self.save_setting(PLACE, {"lesson": lesson_id} if lesson_id else {})

    # -- navigation (screens beyond the map are imported when first opened: a faster start) --

    def on_open_lesson(self, message: OpenLesson) -> None:
        from tutor.screens.lesson import LessonScreen

        lesson = self.curriculum.lessons.get(message.lesson_id)
        if lesson is None:
            self.notify(f"No lesson `{message.lesson_id}`.", severity="error")
            return
        self.action_map()
        self.push_screen(LessonScreen(lesson, message.step))

    def on_open_lexicon(self, message: OpenLexicon) -> None:
        from tutor.screens.lexicon import LexiconScreen

        self.push_screen(LexiconScreen(message.term))

    def on_open_faq(self, message: OpenFaq) -> None:
        from tutor.screens.faq import FaqScreen

        self.push_screen(FaqScreen(message.question))

    def action_map(self) -> None:
        """Back to the map, closing whatever is open above it; the app reopens there too."""
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.remember_place(None)

    def action_lexicon(self) -> None:
        self.post_message(OpenLexicon())

    def action_faq(self) -> None:
        self.post_message(OpenFaq())

    def action_progress(self) -> None:
        from tutor.screens.progress import ProgressScreen

        self.push_screen(ProgressScreen())

    def action_help(self) -> None:
        from tutor.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())


def make_app(*, curriculum: Curriculum | None = None, store: ProgressStore | None = None,
             client: WorkerClient | None = None, typing: bool = True,
             today: Callable[[], date] = date.today) -> AideApp:
    """Build the app without running it (`aide`, `aide serve`, tests and snapshots)."""
    from tutor.loader import load_curriculum
    from tutor.worker_client import WorkerClient

    return AideApp(curriculum or load_curriculum(), store or ProgressStore(),
                   client or WorkerClient(), typing=typing, today=today,
                   owns_client=client is None)


def run(args: argparse.Namespace) -> int:
    make_app().run()
    return 0
