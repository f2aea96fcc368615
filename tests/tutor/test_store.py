"""The progress store: concurrency, crash safety, corruption recovery, migration, export/import."""

import json
import multiprocessing
import os
import signal
import sqlite3
import time
from datetime import datetime, timezone

import pytest

from tutor.store import MIGRATIONS, SCHEMA_VERSION, EventKind, ProgressStore


def integrity(path):
    with sqlite3.connect(path) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


def test_default_path_is_in_aide_home(isolated_aide_home):
    with ProgressStore() as store:
        assert store.path == isolated_aide_home / "progress.sqlite3"
        assert store.schema_version == SCHEMA_VERSION
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_events_keep_their_order_and_payload(tmp_path):
    with ProgressStore(tmp_path / "p.db") as store:
        store.record_check("attention", "weights-sum", True, (1, 2))
        store.record_cell("attention", "attention/sdpa",
                          {"status": "fail", "mistake": "missing-scale", "summary": "x"})
        store.record_hint("attention", "attention/sdpa", 0)
        store.record_step("attention", 4)
        store.record(EventKind.LESSON_COMPLETED, "tokens")
    with ProgressStore(tmp_path / "p.db") as store:
        events = store.events()
        assert [e.kind for e in events] == ["check_answered", "cell_run", "hint_taken",
                                            "step_reached", "lesson_completed"]
        assert events[0].payload == {"correct": True, "chosen": [1, 2]}
        assert events[1].payload == {"status": "fail", "mistake": "missing-scale"}
        assert len({e.uuid for e in events}) == 5
        assert [e.kind for e in store.events("tokens")] == ["lesson_completed"]


def test_drafts_upsert_and_survive_reopening(tmp_path):
    with ProgressStore(tmp_path / "p.db") as store:
        for i in range(50):  # one save per keystroke
            store.save_draft("attention/sdpa", "def f():" + " " * i)
        assert store.draft("nothing") is None
    with ProgressStore(tmp_path / "p.db") as store:
        assert store.draft("attention/sdpa") == "def f():" + " " * 49
        assert store.db.execute("SELECT count(*) FROM drafts").fetchone()[0] == 1


def test_achievements_are_announced_once_and_settings_round_trip(tmp_path):
    with ProgressStore(tmp_path / "p.db") as store:
        assert store.award(["first-steps", "it-speaks"]) == ["first-steps", "it-speaks"]
        assert store.award(["first-steps", "unaided"]) == ["unaided"]
        assert set(store.achievements()) == {"first-steps", "it-speaks", "unaided"}
        assert store.setting("theme", "dark") == "dark"
        store.set_setting("theme", "light")
        store.set_setting("editor", {"vim": True})
        assert store.setting("theme") == "light" and store.setting("editor") == {"vim": True}


def test_reset_one_lesson_or_everything(tmp_path):
    with ProgressStore(tmp_path / "p.db") as store:
        store.record_step("attention", 1)
        store.record_step("multi_head", 1)
        store.record_step("multi-head", 2)
        store.save_draft("attention/sdpa", "a")
        store.save_draft("multi-head/split", "b")
        assert store.reset("multi-head") == 1
        assert [e.lesson for e in store.events()] == ["attention", "multi_head"]
        assert store.draft("multi-head/split") is None and store.draft("attention/sdpa") == "a"
        store.award(["first-steps"])
        assert store.reset() == 2
        assert store.events() == [] and store.achievements() == {}


def _write_events(path, tag, count):
    with ProgressStore(path) as store:
        for i in range(count):
            store.record_step(tag, i)
            store.save_draft(f"{tag}/c", str(i))


def test_two_processes_writing_at_once(tmp_path):
    path = tmp_path / "p.db"  # not created yet: both also race to create and migrate it
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_write_events, args=(path, tag, 300)) for tag in "ab"]
    for w in workers:
        w.start()
    for w in workers:
        w.join(30)
        assert w.exitcode == 0
    with ProgressStore(path) as store:
        steps = {tag: [e.payload["step"] for e in store.events(tag)] for tag in "ab"}
        assert steps == {"a": list(range(300)), "b": list(range(300))}
        assert store.draft("a/c") == "299" and store.draft("b/c") == "299"
    assert integrity(path) == "ok"


def _write_forever(path):
    with ProgressStore(path) as store:
        i = 0
        while True:
            store.save_draft("attention/sdpa", f"keystroke {i}")
            store.record_step("attention", i)
            i += 1


def test_a_process_killed_mid_write_leaves_a_valid_store(tmp_path):
    path = tmp_path / "p.db"
    ProgressStore(path).close()
    process = multiprocessing.get_context("fork").Process(target=_write_forever, args=(path,))
    process.start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # wait until it is busy writing
        with sqlite3.connect(path) as db:
            if db.execute("SELECT count(*) FROM events").fetchone()[0] > 20:
                break
    os.kill(process.pid, signal.SIGKILL)
    process.join()
    assert integrity(path) == "ok"
    with ProgressStore(path) as store:
        assert store.recovery_message is None
        last = store.events()[-1].payload["step"]
        # every completed keystroke is kept: the draft is at most one write ahead of the log
        assert store.draft("attention/sdpa") in (f"keystroke {last}", f"keystroke {last + 1}")


def test_a_corrupt_file_is_moved_aside_and_a_fresh_store_started(tmp_path):
    path = tmp_path / "progress.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    store = ProgressStore(path)
    aside = list(tmp_path.glob("progress.sqlite3.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not")
    assert str(aside[0]) in store.recovery_message
    assert "could not be read" in store.recovery_message
    store.record_step("attention", 1)
    assert len(store.events()) == 1
    store.close()
    assert ProgressStore(path).recovery_message is None
    path.write_bytes(b"damaged again" * 100)  # within the same second: a second name
    ProgressStore(path).close()
    aside = {p.name for p in tmp_path.glob("progress.sqlite3.corrupt-*")
             if not p.name.endswith(("-wal", "-shm"))}  # its WAL files are moved beside it
    assert len(aside) == 2


def test_a_damaged_page_is_detected(tmp_path):
    path = tmp_path / "progress.sqlite3"
    with ProgressStore(path) as store:
        for i in range(300):
            store.record(EventKind.STEP_REACHED, "attention", None, {"step": i, "pad": "x" * 200})
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    data[4096 * 3:4096 * 3 + 512] = b"\xff" * 512  # scribble over a b-tree page
    path.write_bytes(bytes(data))
    store = ProgressStore(path)
    assert store.recovery_message is not None
    assert store.events() == []
    store.close()


def test_migration_from_a_version_1_file(tmp_path):
    path = tmp_path / "p.db"
    with sqlite3.connect(path) as db:  # a store as the first release wrote it
        db.executescript(MIGRATIONS[0])
        db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        db.execute("INSERT INTO schema_version VALUES (1)")
        db.execute("INSERT INTO events VALUES ('u1', 'check_answered', 'attention', 'q', "
                   "'{\"correct\": true}', '2026-01-02T03:04:05+00:00')")
        db.execute("INSERT INTO drafts VALUES ('attention/sdpa', 'old code', "
                   "'2026-01-02T03:04:05+00:00')")
    db.close()
    with ProgressStore(path) as store:
        assert store.schema_version == SCHEMA_VERSION == 2
        [event] = store.events()
        assert (event.uuid, event.payload) == ("u1", {"correct": True})
        assert event.at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
        assert store.draft("attention/sdpa") == "old code"
        assert store.award(["first-steps"]) == ["first-steps"]  # the v2 table exists


def test_export_import_round_trip_never_duplicates(tmp_path):
    with ProgressStore(tmp_path / "a.db") as a:
        a.record_check("attention", "q", True, [0])
        a.record_cell("attention", "attention/sdpa", {"status": "pass", "mistake": None})
        a.save_draft("attention/sdpa", "mine")
        a.award(["first-steps"])
        a.set_setting("theme", "light")
        exported = json.loads(json.dumps(a.export()))
    assert exported["format"] == "aide-progress" and exported["version"] == 1
    with ProgressStore(tmp_path / "b.db") as b:
        b.record_step("tokens", 3)
        b.set_setting("theme", "dark")
        assert b.merge(exported) == 2
        assert b.merge(exported) == 0
        assert sorted(e.kind for e in b.events()) == ["cell_run", "check_answered",
                                                      "step_reached"]
        assert b.draft("attention/sdpa") == "mine"
        assert "first-steps" in b.achievements()
        assert b.setting("theme") == "dark"  # local settings are kept
        back = b.export()
    with ProgressStore(tmp_path / "a.db") as a:
        assert a.merge(back) == 1
        assert {e.uuid for e in a.events()} == {e["uuid"] for e in back["events"]}


def test_import_refuses_what_it_cannot_read(tmp_path):
    with ProgressStore(tmp_path / "p.db") as store:
        with pytest.raises(ValueError, match="not an AIDE progress export"):
            store.merge({"events": []})
        with pytest.raises(ValueError, match="upgrade AIDE"):
            store.merge({"format": "aide-progress", "version": 99})


def test_a_malformed_import_changes_nothing(tmp_path):
    with ProgressStore(tmp_path / "p.db") as store:
        store.record_step("attention", 1)
        good = store.export()["events"][0] | {"uuid": "new"}
        for bad in ({"uuid": "x"}, good | {"at": "yesterday"}, good | {"at": "2026-01-01T00:00"},
                    good | {"payload": "[]"}):
            with pytest.raises(ValueError, match="malformed event"):
                store.merge({"format": "aide-progress", "version": 1, "events": [good, bad]})
        assert len(store.events()) == 1
        for bad in ({"drafts": [{"challenge": "a/b"}]}, {"achievements": ["first-steps"]},
                    {"achievements": {"first-steps": "2026-01-01"}}):
            with pytest.raises(ValueError, match="malformed export"):
                store.merge({"format": "aide-progress", "version": 1, "events": [good]} | bad)
        assert len(store.events()) == 1 and store.achievements() == {}
