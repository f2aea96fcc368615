"""The home screen: the architecture map, the selected node's story, the recommended next step."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, ScrollableContainer
from textual.screen import Screen
from textual.widgets import Static

from tutor.messages import OpenLesson
from tutor.widgets.footer import KeyFooter
from tutor.widgets.graph_map import LEGEND, SYMBOL, GraphMap
from tutor.widgets.xp_header import XPHeader

NARROW = 100  # columns: below this the node's story goes under the map
STATE_WORDS = {"locked": "locked", "available": "ready to start", "in_progress": "in progress",
               "mastered": "mastered"}


class MapScreen(Screen):
    def compose(self) -> ComposeResult:
        yield XPHeader()
        with Horizontal(id="map-body"):
            with ScrollableContainer(id="map-scroll"):
                yield GraphMap(self.app.curriculum.graph)
            yield Static(id="node-info")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "summary", self._show_progress)
        place = self.app.store.setting("map_cursor")
        graph_map = self.query_one(GraphMap)
        if place in graph_map.boxes:
            graph_map.cursor = place
        graph_map.focus()

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW, "narrow")

    def _show_progress(self, summary) -> None:
        graph_map = self.query_one(GraphMap)
        was_recommended = graph_map.recommended
        recommended = summary.next_step and summary.next_step.node
        graph_map.show_progress(summary.node_states, recommended)
        if recommended and graph_map.cursor == was_recommended:  # follow the learner's path
            graph_map.cursor = recommended
        if graph_map.cursor is not None:
            self._describe(graph_map.cursor)

    @on(GraphMap.Highlighted)
    def _highlighted(self, event: GraphMap.Highlighted) -> None:
        self._describe(event.node_id)

    def _describe(self, node_id: str) -> None:
        curriculum, summary = self.app.curriculum, self.app.summary
        node = curriculum.graph.node(node_id)
        state = summary.node_states.get(node_id, "locked")
        info = Text()
        info.append(f"{SYMBOL[state]} {node.label}\n", style="bold")
        info.append(STATE_WORDS[state] + "\n\n", style="italic")
        if node.summary:
            info.append(node.summary + "\n\n")
        for lesson in curriculum.lessons_of(node_id):
            info.append("Lesson: ", style="bold").append(lesson.title + "\n")
        if state == "locked":
            missing = [curriculum.graph.node(r).label for r in node.requires
                       if summary.node_states.get(r) != "mastered"]
            info.append("\nUnlocks when you master: ", style="bold")
            info.append(", ".join(missing) + "\n")
        elif curriculum.lessons_of(node_id):
            again = "review" if state == "mastered" else "open"
            info.append(f"\nPress Enter to {again} it.\n", style="bold")
        if summary.next_step:
            info.append("\nNext: ", style="bold").append(summary.next_step.reason + "\n")
        info.append("\n" + LEGEND, style="dim")
        self.query_one("#node-info", Static).update(info)

    @on(GraphMap.Opened)
    def _opened(self, event: GraphMap.Opened) -> None:
        self.app.save_setting("map_cursor", event.node_id)
        node = self.app.curriculum.graph.node(event.node_id)
        lessons = self.app.curriculum.lessons_of(event.node_id)
        if self.app.summary.node_states.get(event.node_id, "locked") == "locked":
            missing = ", ".join(self.app.curriculum.graph.node(r).label for r in node.requires)
            self.notify(f"Master {missing} first.", title=f"{node.label} is locked")
        elif not lessons:
            self.notify("This lesson is not available.", severity="warning")
        else:
            self.post_message(OpenLesson(lessons[0].id))
