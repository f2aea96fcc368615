"""Validation: static checks, the proof through a checker, the JSON report and the exit code."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tutor import lessons_command
from tutor.cli import main
from tutor.loader import load_curriculum
from tutor.validate import challenge_errors, mutant_submission, validate

BROKEN = Path(__file__).parent / "fixtures" / "broken_lessons"


class ScriptedChecker:
    """Answers like the worker would: a verdict per submitted file name."""

    def __init__(self, **verdicts):
        self.verdicts = CORRECT | verdicts
        self.calls = []

    def check(self, challenge_spec, code, filename="cell.py"):
        self.calls.append((challenge_spec["id"], filename))
        if filename == "cell.py":
            assert "double = add_one" in code
        return {"summary": "", "mistake": None, "line": None} | self.verdicts[filename]


@pytest.fixture
def good_only(tmp_path):
    """The fixture's one good lesson, alone, with a lexicon naming real and missing names."""
    root = tmp_path / "lessons"
    shutil.copytree(BROKEN / "good", root / "good")
    (root / "graph.yaml").write_text(
        "nodes:\n  - {id: good, label: Good, lessons: [good], position: [0, 0]}\n")
    (root / "lexicon.yaml").write_text(
        "- {term: softmax, definition: d, engine: 'engine.attention:softmax', lesson: good}\n"
        "- {term: nothing, definition: d, engine: 'engine.attention:no_such_thing', "
        "lesson: good}\n")
    return root


CORRECT = {"solution.py": {"status": "pass"},
           "starter.py": {"status": "error"},
           "cell.py": {"status": "fail", "mistake": "add-one"}}  # the mutant


def test_a_correct_challenge_gives_no_error_and_every_file_is_submitted(good_only):
    checker = ScriptedChecker()
    challenge = load_curriculum(good_only).challenge("good/double")
    assert challenge_errors(challenge, checker) == []
    assert checker.calls == [("good/double", "solution.py"), ("good/double", "starter.py"),
                             ("good/double", "cell.py")]


def test_mutant_submission_replaces_the_entry_with_the_mutant(good_only):
    challenge = load_curriculum(good_only).challenge("good/double")
    code = mutant_submission(challenge, challenge.mistakes[0])
    namespace = {}
    exec(compile(code, "cell.py", "exec"), namespace)
    assert namespace["double"](3) == 4


@pytest.mark.parametrize(("verdicts", "file", "line", "message"), [
    ({"solution.py": {"status": "fail", "summary": "off by two", "line": 2}},
     "solution.py", 2, "the reference solution does not pass: off by two"),
    ({"starter.py": {"status": "pass"}}, "starter.py", None, "the starter passes"),
    ({"cell.py": {"status": "fail", "mistake": None}},
     "mistakes.py", 1, "mutant `add_one` is not recognised as `add-one`"),
    ({"cell.py": {"status": "pass"}}, "mistakes.py", 1, "(verdict: pass, mistake: None)"),
])
def test_each_failed_proof_is_reported(good_only, verdicts, file, line, message):
    challenge = load_curriculum(good_only).challenge("good/double")
    [error] = challenge_errors(challenge, ScriptedChecker(**verdicts))
    assert error.file.endswith(f"good/double/{file}") and error.line == line
    assert message in error.message


def test_lexicon_engine_names_are_checked(good_only):
    report = validate(good_only)
    assert [(Path(e.file).name, e.line, e.message) for e in report.errors] == [
        ("lexicon.yaml", 2, "`nothing`: engine name `engine.attention:no_such_thing` does not "
                            "exist")]


def test_static_validation_never_imports_torch(good_only):
    code = ("import sys; from tutor.validate import validate; "
            f"assert not validate({str(good_only)!r}).ok; "
            "assert 'torch' not in sys.modules, 'torch was imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_cli_json_report_and_exit_code(good_only, monkeypatch, capsys):
    class FakeClient(ScriptedChecker):
        def wait_ready(self):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            pass

    monkeypatch.setattr(lessons_command, "WorkerClient", FakeClient)
    assert main(["lessons", "--validate", "--json", "--path", str(good_only)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert list(report) == ["ok", "lessons", "checks", "challenges", "errors"]
    assert (report["ok"], report["lessons"], report["checks"], report["challenges"]) == (
        False, 1, 4, 1)
    assert list(report["errors"][0]) == ["file", "line", "message"]

    (good_only / "lexicon.yaml").unlink()
    assert main(["lessons", "--validate", "--json", "--path", str(good_only)]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True


def test_cli_lists_lessons(capsys):
    assert main(["lessons", "--path", str(BROKEN)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("good") and "checks: 4, challenges: 1" in out
    assert "16 problem(s)" in err


def test_the_shipped_attention_challenge_through_the_real_worker():
    from tutor.worker_client import WorkerClient

    challenge = load_curriculum().challenge("attention/scaled-dot-product")
    with WorkerClient() as client:
        assert challenge_errors(challenge, client) == []


def test_a_worker_that_cannot_start_is_one_clear_error(good_only, monkeypatch, capsys):
    from tutor import worker_client

    class DeadClient(worker_client.WorkerClient):
        def __init__(self):
            super().__init__([sys.executable, "-c", "raise SystemExit('no torch here')"])

    monkeypatch.setattr(lessons_command, "WorkerClient", DeadClient)
    (good_only / "lexicon.yaml").unlink()
    assert main(["lessons", "--validate", "--json", "--path", str(good_only)]) == 1
    [error] = json.loads(capsys.readouterr().out)["errors"]
    assert error["message"].startswith("the worker could not start, so no challenge was run")
