"""`aide progress`, `aide progress export|import` and `aide reset`, through the CLI entry point."""

import io
import json

import pytest

from tutor.cli import main
from tutor.store import ProgressStore


@pytest.fixture
def store():
    with ProgressStore() as store:  # in the test's own AIDE_HOME
        store.record_step("why-transformers", 2)
        store.record_check("why-transformers", "no-such-check", False, [0])
        store.save_draft("attention/scaled-dot-product", "def f(): ...")
        yield store


def test_progress_human(store, capsys):
    assert main(["progress"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Level 1 · Token — 0 XP (100 XP to level 2)")
    assert "Next: Resume" in out and "at step 3" in out
    assert "▶ why-transformers" in out and "· capstone" in out
    assert "Achievements 0/" in out


def test_progress_json(store, capsys):
    assert main(["progress", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["node_states"]["why-transformers"] == "in_progress"
    assert data["next_step"] == {"lesson": "why-transformers", "node": "why-transformers",
                                 "step": 2, "reason": data["next_step"]["reason"]}
    assert data["xp"] == 0 and data["earned"] == []


def test_export_then_import_into_another_profile(store, tmp_path, monkeypatch, capsys):
    exported = tmp_path / "progress.json"
    assert main(["progress", "export", str(exported)]) == 0
    assert "Exported 2 events" in capsys.readouterr().out
    monkeypatch.setenv("AIDE_HOME", str(tmp_path / "other"))
    assert main(["progress", "import", str(exported)]) == 0
    assert "Imported 2 new events" in capsys.readouterr().out
    assert main(["progress", "import", str(exported)]) == 0
    assert "Imported 0 new events" in capsys.readouterr().out
    with ProgressStore() as other:
        assert other.draft("attention/scaled-dot-product") == "def f(): ..."


def test_export_to_stdout(store, capsys):
    assert main(["progress", "export"]) == 0
    assert json.loads(capsys.readouterr().out)["format"] == "aide-progress"


def test_import_errors_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert main(["progress", "import", str(bad)]) == 2
    assert main(["progress", "import", str(tmp_path / "missing.json")]) == 2
    assert main(["progress", "import"]) == 2
    assert "cannot import" in capsys.readouterr().err


@pytest.mark.parametrize(("typed", "code", "kept"), [("y\n", 0, 0), ("\n", 1, 2), ("", 1, 2)])
def test_reset_asks_first(store, monkeypatch, capsys, typed, code, kept):
    monkeypatch.setattr("sys.stdin", io.StringIO(typed))
    assert main(["reset"]) == code
    assert "Forget all your progress?" in capsys.readouterr().out
    assert len(store.events()) == kept


def test_reset_one_lesson_with_yes(store, capsys):
    store.record_step("attention", 1)
    assert main(["reset", "why-transformers", "--yes"]) == 0
    assert "Forgot your progress in `why-transformers` (2 events)" in capsys.readouterr().out
    assert [e.lesson for e in store.events()] == ["attention"]
    assert store.draft("attention/scaled-dot-product") == "def f(): ..."


def test_reset_unknown_lesson(store, capsys):
    assert main(["reset", "no-such-lesson", "--yes"]) == 2
    assert "unknown lesson" in capsys.readouterr().err
    assert len(store.events()) == 2


def test_a_corrupt_store_is_reported(isolated_aide_home, capsys):
    isolated_aide_home.mkdir(parents=True, exist_ok=True)
    (isolated_aide_home / "progress.sqlite3").write_bytes(b"garbage" * 200)
    assert main(["progress"]) == 0
    assert "was moved to" in capsys.readouterr().err
