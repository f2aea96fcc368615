"""Fixtures for the app's tests: the shipped curriculum, a fixed day, a scripted engine stand-in
for snapshots, and one real warm worker shared by the end-to-end tests."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from tutor.content import Curriculum
from tutor.loader import load_curriculum
from tutor.app import WELCOMED
from tutor.store import EventKind, ProgressStore

TODAY = date(2026, 3, 14)  # every summary is computed "on" this day
EARLIER = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)  # when seeded progress happened


class ScriptedClient:
    """Answers like the worker, from fixed data: snapshots must not depend on the engine."""

    ready = True

    def __init__(self, verdict: dict | None = None, demos: dict | None = None) -> None:
        self.verdict = verdict
        self.demos = demos or {}
        self.checked: list[str] = []

    def start(self) -> None:
        pass

    def close(self) -> None:
        pass

    def check(self, spec: dict, code: str, filename: str = "cell.py") -> dict:
        self.checked.append(code)
        return self.verdict

    def demo(self, name: str, params: dict, on_progress=None) -> dict:
        return self.demos[name]


@pytest.fixture(scope="session")
def curriculum() -> Curriculum:
    return load_curriculum()


@pytest.fixture(scope="session")
def worker():
    """One real engine worker for the whole session (torch loads once)."""
    from tutor.worker_client import WorkerClient

    client = WorkerClient()
    client.wait_ready()
    yield client
    client.close()


def greeted(store: ProgressStore) -> ProgressStore:
    """A learner who has already met AIDE: no first-launch hello over the map."""
    store.set_setting(WELCOMED, True)
    return store


def complete_lessons(store: ProgressStore, curriculum: Curriculum, lesson_ids: list[str]) -> None:
    """Record what a learner who finished these lessons would have: every check answered right
    and every challenge passed, on the first try, on EARLIER."""
    for lesson_id in lesson_ids:
        lesson = curriculum.lesson(lesson_id)
        for check in lesson.checks:
            store.record(EventKind.CHECK_ANSWERED, lesson_id, check.id,
                         {"correct": True, "chosen": None}, at=EARLIER)
        for challenge in lesson.challenges:
            store.record(EventKind.CELL_RUN, lesson_id, challenge,
                         {"status": "pass", "mistake": None}, at=EARLIER)


BEFORE_ATTENTION = ["why-transformers", "big-picture", "tokens", "positions"]
