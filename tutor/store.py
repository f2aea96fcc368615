"""The learner's progress in SQLite: an append-only event log, code drafts, achievements, settings.

Safe with two app instances at once (WAL, busy timeout, every write one transaction) and with a
process killed mid-write (SQLite's journal). A file that is not a valid database is moved aside,
never deleted, and a fresh store is started; `recovery_message` says what happened.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from tutor.paths import aide_home

FILENAME = "progress.sqlite3"
EXPORT_FORMAT = "aide-progress"
EXPORT_VERSION = 1


class EventKind:
    """What an event records. The payload of each is described beside it."""

    CHECK_ANSWERED = "check_answered"  # item = check id; {correct: bool, chosen: ...}
    CELL_RUN = "cell_run"  # item = challenge id; {status, mistake}
    HINT_TAKEN = "hint_taken"  # item = challenge id; {index}
    STEP_REACHED = "step_reached"  # item = None; {step: index} (where to resume)
    LESSON_COMPLETED = "lesson_completed"  # item = None; {}
    SOLUTION_VIEWED = "solution_viewed"  # item = challenge id; {}
    CAPSTONE_GENERATED = "capstone_generated"  # {loss, steps, seconds, sample}


@dataclass(frozen=True)
class Event:
    kind: str
    lesson: str | None
    item: str | None
    payload: dict[str, Any] = field(hash=False)
    at: datetime  # aware, UTC
    uuid: str

    def to_json(self) -> dict[str, Any]:
        return {"uuid": self.uuid, "kind": self.kind, "lesson": self.lesson, "item": self.item,
                "payload": self.payload, "at": self.at.isoformat()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Event:
        """An exported event, checked: ValueError if it is malformed."""
        try:
            if not isinstance(data["payload"], dict):
                raise ValueError
            return cls(kind=str(data["kind"]), lesson=data["lesson"], item=data["item"],
                       payload=data["payload"], at=datetime.fromisoformat(_utc(data["at"])),
                       uuid=str(data["uuid"]))
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"malformed event in the export: {data!r:.200}") from None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Event:
        return cls(kind=row["kind"], lesson=row["lesson"], item=row["item"],
                   payload=json.loads(row["payload"]), at=datetime.fromisoformat(row["at"]),
                   uuid=row["uuid"])


# Each entry upgrades the schema by one version; never edit a released one, append a new one.
MIGRATIONS: tuple[str, ...] = (
    # 1: the event log and code drafts
    """
    CREATE TABLE events (
        uuid TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        lesson TEXT,
        item TEXT,
        payload TEXT NOT NULL DEFAULT '{}',
        at TEXT NOT NULL
    );
    CREATE INDEX events_by_time ON events (at);
    CREATE TABLE drafts (
        challenge TEXT PRIMARY KEY,
        code TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    """,
    # 2: achievements (when each was first earned, so it is announced once) and settings
    """
    CREATE INDEX events_by_lesson ON events (lesson, kind);
    CREATE TABLE achievements (
        id TEXT PRIMARY KEY,
        earned_at TEXT NOT NULL
    );
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


def now() -> datetime:
    return datetime.now(timezone.utc)


def _configure(db: sqlite3.Connection) -> None:
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA busy_timeout = 10000")  # wait for the other instance instead of failing
    db.execute("PRAGMA journal_mode = WAL")  # readers never block the writer
    db.execute("PRAGMA synchronous = NORMAL")  # durable across a killed process in WAL mode


def _is_corruption(error: sqlite3.DatabaseError) -> bool:
    """Damage to set aside, as opposed to a busy or read-only file, which must be left alone."""
    text = str(error)
    return any(s in text for s in ("not a database", "malformed", "integrity check failed"))


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction; BEGIN IMMEDIATE takes the write lock at once (no upgrade
    deadlock between two instances), and the busy timeout makes the other one wait."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def migrate(db: sqlite3.Connection) -> None:
    """Bring the schema up to SCHEMA_VERSION, one transaction per version."""
    with transaction(db):
        db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        if db.execute("SELECT version FROM schema_version").fetchone() is None:
            db.execute("INSERT INTO schema_version VALUES (0)")
    for version, script in enumerate(MIGRATIONS, start=1):
        with transaction(db):  # re-read under the lock: another instance may have migrated
            if db.execute("SELECT version FROM schema_version").fetchone()[0] < version:
                # statement by statement: executescript() would commit on its own
                for statement in filter(str.strip, script.split(";")):
                    db.execute(statement)
                db.execute("UPDATE schema_version SET version = ?", (version,))


class ProgressStore:
    """The progress database. One per app; cheap to open, safe to share with another process."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else aide_home() / FILENAME
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.recovery_message: str | None = None
        self._lock = threading.RLock()  # the app writes from its UI thread and from workers
        try:
            self.db = self._open()
        except sqlite3.DatabaseError as exc:
            if not _is_corruption(exc):
                raise
            self.db = self._recover(exc)

    def _open(self) -> sqlite3.Connection:
        # isolation_level=None: no implicit transactions; `_transaction` opens each explicitly.
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
        try:
            _configure(db)
            verdict = db.execute("PRAGMA quick_check").fetchone()[0]
            if verdict != "ok":
                raise sqlite3.DatabaseError(f"integrity check failed: {verdict}")
            migrate(db)
        except BaseException:
            db.close()
            raise
        return db

    def _recover(self, error: sqlite3.DatabaseError) -> sqlite3.Connection:
        """Move the unreadable file (and its WAL files) aside and start a fresh store."""
        stamp = now().strftime("%Y%m%dT%H%M%SZ")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while aside.exists():  # never overwrite an earlier damaged file
            n += 1
            aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{self.path}{suffix}")
            if source.exists():
                source.rename(f"{aside}{suffix}")
        self.recovery_message = (
            f"Your progress file could not be read ({error}). It was moved to {aside} and a "
            "fresh one was started; nothing was deleted.")
        return self._open()

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> ProgressStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock, transaction(self.db) as db:
            yield db

    @property
    def schema_version(self) -> int:
        return self.db.execute("SELECT version FROM schema_version").fetchone()[0]

    # -- events -----------------------------------------------------------------------------

    def record(self, kind: str, lesson: str | None = None, item: str | None = None,
               payload: dict[str, Any] | None = None, *, at: datetime | None = None) -> Event:
        event = Event(kind=kind, lesson=lesson, item=item, payload=payload or {},
                      at=at or now(), uuid=str(uuid.uuid4()))
        with self._transaction() as db:
            self._insert_event(db, event)
        return event

    @staticmethod
    def _insert_event(db: sqlite3.Connection, event: Event) -> int:
        """Insert unless an event with this uuid is already there; returns 1 if inserted."""
        return db.execute(
            "INSERT OR IGNORE INTO events (uuid, kind, lesson, item, payload, at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (event.uuid, event.kind, event.lesson, event.item, json.dumps(event.payload),
             event.at.isoformat())).rowcount

    def record_check(self, lesson: str, check_id: str, correct: bool, chosen: Any) -> Event:
        chosen = list(chosen) if isinstance(chosen, tuple) else chosen
        return self.record(EventKind.CHECK_ANSWERED, lesson, check_id,
                           {"correct": correct, "chosen": chosen})

    def record_cell(self, lesson: str, challenge_id: str, verdict: dict[str, Any]) -> Event:
        return self.record(EventKind.CELL_RUN, lesson, challenge_id,
                           {"status": verdict["status"], "mistake": verdict.get("mistake")})

    def record_hint(self, lesson: str, challenge_id: str, index: int) -> Event:
        return self.record(EventKind.HINT_TAKEN, lesson, challenge_id, {"index": index})

    def record_step(self, lesson: str, step: int) -> Event:
        return self.record(EventKind.STEP_REACHED, lesson, None, {"step": step})

    def events(self, lesson: str | None = None) -> list[Event]:
        """Events in the order they happened (all of them, or one lesson's)."""
        query, args = "SELECT * FROM events", ()
        if lesson is not None:
            query, args = query + " WHERE lesson = ?", (lesson,)
        rows = self.db.execute(query + " ORDER BY at, rowid", args).fetchall()
        return [Event.from_row(r) for r in rows]

    # -- drafts -----------------------------------------------------------------------------

    def save_draft(self, challenge_id: str, code: str) -> None:
        """Called on every keystroke: one upsert in one short transaction."""
        with self._transaction() as db:
            db.execute("INSERT INTO drafts (challenge, code, updated_at) VALUES (?, ?, ?) "
                       "ON CONFLICT (challenge) DO UPDATE SET code = excluded.code, "
                       "updated_at = excluded.updated_at",
                       (challenge_id, code, now().isoformat()))

    def draft(self, challenge_id: str) -> str | None:
        row = self.db.execute("SELECT code FROM drafts WHERE challenge = ?",
                              (challenge_id,)).fetchone()
        return row["code"] if row else None

    # -- achievements and settings ----------------------------------------------------------

    def award(self, achievement_ids: list[str]) -> list[str]:
        """Record achievements; returns the ones earned for the first time (to announce)."""
        new = []
        with self._transaction() as db:
            for achievement_id in achievement_ids:
                if db.execute("INSERT OR IGNORE INTO achievements VALUES (?, ?)",
                              (achievement_id, now().isoformat())).rowcount:
                    new.append(achievement_id)
        return new

    def achievements(self) -> dict[str, datetime]:
        rows = self.db.execute("SELECT id, earned_at FROM achievements ORDER BY earned_at")
        return {r["id"]: datetime.fromisoformat(r["earned_at"]) for r in rows}

    def setting(self, key: str, default: Any = None) -> Any:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return json.loads(row["value"]) if row else default

    def set_setting(self, key: str, value: Any) -> None:
        with self._transaction() as db:
            db.execute("INSERT INTO settings VALUES (?, ?) ON CONFLICT (key) "
                       "DO UPDATE SET value = excluded.value", (key, json.dumps(value)))

    # -- reset, export, import --------------------------------------------------------------

    def reset(self, lesson: str | None = None) -> int:
        """Forget everything, or one lesson's events and drafts. Returns the events removed."""
        with self._transaction() as db:
            if lesson is None:
                removed = db.execute("DELETE FROM events").rowcount
                db.execute("DELETE FROM drafts")
                db.execute("DELETE FROM achievements")
            else:
                removed = db.execute("DELETE FROM events WHERE lesson = ?", (lesson,)).rowcount
                db.execute("DELETE FROM drafts WHERE challenge LIKE ? ESCAPE '\\'",
                           (_like_prefix(lesson) + "/%",))
        return removed

    def export(self) -> dict[str, Any]:
        """Everything, as portable JSON-ready data with a format version."""
        drafts = self.db.execute("SELECT * FROM drafts ORDER BY challenge")
        return {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "exported_at": now().isoformat(),
            "events": [e.to_json() for e in self.events()],
            "drafts": [dict(r) for r in drafts],
            "achievements": {k: v.isoformat() for k, v in self.achievements().items()},
            "settings": {r["key"]: json.loads(r["value"])
                         for r in self.db.execute("SELECT key, value FROM settings")},
        }

    def merge(self, data: dict[str, Any]) -> int:
        """Import an export: events merge by uuid (never duplicated), the newer draft wins, the
        earlier achievement date wins, local settings are kept. Returns the events added."""
        if data.get("format") != EXPORT_FORMAT or not isinstance(data.get("version"), int):
            raise ValueError("not an AIDE progress export")
        if data["version"] > EXPORT_VERSION:
            raise ValueError(f"this export is version {data['version']}; this AIDE reads up to "
                             f"version {EXPORT_VERSION}: upgrade AIDE to import it")
        events = [Event.from_json(e) for e in data.get("events", [])]
        try:  # check the rest before writing anything
            drafts = [(str(d["challenge"]), str(d["code"]), _utc(d["updated_at"]))
                      for d in data.get("drafts", [])]
            achievements = [(str(a), _utc(at)) for a, at in data.get("achievements", {}).items()]
            settings = [(str(k), json.dumps(v)) for k, v in data.get("settings", {}).items()]
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"malformed export: {exc!r}") from None
        with self._transaction() as db:
            added = sum(self._insert_event(db, e) for e in events)
            db.executemany("INSERT INTO drafts VALUES (?, ?, ?) "
                           "ON CONFLICT (challenge) DO UPDATE SET code = excluded.code, "
                           "updated_at = excluded.updated_at "
                           "WHERE excluded.updated_at > drafts.updated_at", drafts)
            db.executemany("INSERT INTO achievements VALUES (?, ?) ON CONFLICT (id) DO UPDATE "
                           "SET earned_at = min(earned_at, excluded.earned_at)", achievements)
            db.executemany("INSERT OR IGNORE INTO settings VALUES (?, ?)", settings)
        return added


def _utc(timestamp: str) -> str:
    """An aware ISO timestamp in the one form stored, so that text order is time order."""
    at = datetime.fromisoformat(timestamp)
    if at.tzinfo is None:
        raise ValueError(f"timestamp without a time zone: {timestamp}")
    return at.astimezone(timezone.utc).isoformat()


def _like_prefix(text: str) -> str:
    """Escape LIKE wildcards so a lesson id matches only itself."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
