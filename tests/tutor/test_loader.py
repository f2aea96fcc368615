"""The loader on a folder of broken lessons: every error names its file and line; the rest loads."""

from pathlib import Path

import pytest
import yaml

from tutor.content import parse_number, AideStep, CheckStep, CodeStep, ConceptStep, DemoStep, Grade
from tutor.loader import LineLoader, load_curriculum

BROKEN = Path(__file__).parent / "fixtures" / "broken_lessons"


@pytest.fixture(scope="module")
def broken():
    return load_curriculum(BROKEN)


@pytest.mark.parametrize(("file", "line", "message"), [
    ("graph.yaml", 4, "prerequisite cycle: loop-a -> loop-b -> loop-a"),
    ("missing-field/lesson.yaml", 1, "missing field `title`"),
    ("unknown-step/lesson.yaml", 6, "unknown step type `quiz`"),
    ("duplicate-check/lesson.yaml", 11, "duplicate check id `same`"),
    ("unknown-node/lesson.yaml", 3, "unknown node `nowhere`"),
    ("no-correct/lesson.yaml", 8, "check `q` has no correct option"),
    ("no-why/lesson.yaml", 10, "option 2 of check `q`: missing field `why`"),
    ("answer-no-why/lesson.yaml", 7, "answer-check `q`: missing field `why`"),
    ("unknown-challenge/lesson.yaml", 6, "unknown challenge `unknown-challenge/nothing-here`"),
    ("missing-files/half/challenge.yaml", 1, "missing file solution.py"),
    ("missing-files/half/challenge.yaml", 8, "mistakes.py is missing"),
    ("missing-files/lesson.yaml", 6, "challenge `missing-files/half` has errors"),
    ("unknown-demo/lesson.yaml", 6, "unknown demo `fireworks`"),
    ("malformed/lesson.yaml", 5, "malformed YAML"),
    ("lexicon.yaml", 8, "`tripling`: unknown lesson `nowhere`"),
    ("faq.yaml", 4, "FAQ entry: missing field `answer`"),
])
def test_each_error_names_file_and_line(broken, file, line, message):
    matches = [e for e in broken.errors if e.file.endswith(file) and message in e.message]
    assert matches, f"no error for {file}: {message}\n" + "\n".join(map(str, broken.errors))
    assert matches[0].line == line


def test_errors_are_exactly_the_planted_ones(broken):
    assert len(broken.errors) == 16


def test_one_bad_lesson_does_not_stop_the_others(broken):
    assert list(broken.lessons) == ["good"]
    good = broken.lesson("good")
    assert [type(s) for s in good.steps] == [AideStep, ConceptStep, CheckStep, CheckStep,
                                            CheckStep, CheckStep, CodeStep, DemoStep]
    assert [c.id for c in good.checks] == ["pick-one", "pick-two", "a-shape", "a-number"]
    assert [c.mode for c in good.checks] == ["single", "multiple", "shape", "numeric"]
    assert good.challenges == ("good/double",)
    assert good.steps[-1].params == {"temperature": 0.5}
    assert [e.term for e in broken.lexicon] == ["doubling", "tripling"]
    assert [e.question for e in broken.faq] == ["Why double?"]


def test_challenge_spec_is_plain_data_for_the_worker(broken):
    challenge = broken.challenge("good/double")
    assert challenge.lesson == "good" and challenge.xp == 20
    assert challenge.hints == ("Multiply.", "Return `2 * x`.")
    assert [m.function_name for m in challenge.mistakes] == ["add_one"]
    assert challenge.spec["id"] == "good/double"
    assert Path(challenge.spec["dir"]).is_absolute()
    assert type(challenge.spec["functions"][0]["args"]) is dict
    assert "raise NotImplementedError" in challenge.starter_code()
    assert "2 * x" in challenge.solution_code()


def test_a_mutant_missing_from_mistakes_py_is_reported(tmp_path):
    (tmp_path / "graph.yaml").write_text("nodes: []\n")
    folder = tmp_path / "l" / "c"
    folder.mkdir(parents=True)
    for name in ("starter.py", "solution.py"):
        (folder / name).write_text("def f(x):\n    return x\n")
    (folder / "mistakes.py").write_text("def other(x):\n    return x\n")
    (folder / "challenge.yaml").write_text(
        "title: T\nprompt: P\nfunctions:\n  - {entry: f, reference: 'engine.x:f', args: {}}\n"
        "mistakes:\n  - {id: wrong-axis, title: W, hint: H}\n")
    errors = load_curriculum(tmp_path).errors
    assert [(e.line, e.message) for e in errors] == [
        (6, "mistake `wrong-axis` has no function `wrong_axis` in mistakes.py")]


def test_line_loader_builds_what_safe_load_builds():
    text = (BROKEN / "good" / "lesson.yaml").read_text()
    assert yaml.load(text, Loader=LineLoader) == yaml.safe_load(text)
    with pytest.raises(yaml.constructor.ConstructorError):
        yaml.load("!!python/object/apply:os.system ['true']", Loader=LineLoader)


def test_shipped_lessons_load_without_errors():
    curriculum = load_curriculum()
    assert not curriculum.errors, "\n".join(map(str, curriculum.errors))
    assert list(curriculum.lessons) == list(curriculum.graph.lesson_ids)
    assert len(curriculum.lessons) == 17
    attention = curriculum.lesson("attention")
    assert "attention/scaled-dot-product" in attention.challenges
    assert len(attention.checks) >= 3
    spec = curriculum.challenge("attention/scaled-dot-product").spec
    assert spec["functions"][0]["reference"] == "engine.attention:scaled_dot_product_attention"


# -- grading the loaded checks --------------------------------------------------------------------


@pytest.fixture(scope="module")
def checks(broken):
    return {c.id: c for c in broken.lesson("good").checks}


def test_grade_single(checks):
    q = checks["pick-one"]
    assert q.grade(1) == Grade(True, "Two threes.", (1,))
    wrong = q.grade(0)
    assert (wrong.correct, wrong.why, wrong.chosen) == (False, "That is 2 + 3.", (0,))
    assert not q.grade(7).correct and q.grade(7).chosen is None


def test_grade_multiple_explains_wrong_picks_and_missed_options(checks):
    q = checks["pick-two"]
    assert q.grade({0, 2}).correct and q.grade([2, 0]).chosen == (0, 2)
    partial = q.grade({0})
    assert not partial.correct and "You also needed “4”" in partial.why
    extra = q.grade({0, 1, 2})
    assert not extra.correct and "“3”: 3 is odd." in extra.why


@pytest.mark.parametrize("typed", ["(2, 4, 10, 10)", "2x4x10x10", "[2,4,10,10]", "2 × 4 × 10 × 10",
                                   " 2, 4, 10, 10 "])
def test_grade_shape_typed_loosely(checks, typed):
    grade = checks["a-shape"].grade(typed)
    assert grade.correct and grade.chosen == (2, 4, 10, 10)


def test_grade_shape_wrong_or_unreadable(checks):
    q = checks["a-shape"]
    assert q.grade("(2, 4, 10, 16)").why == "The d_k axis is summed away."
    assert not q.grade([2, 4, 10]).correct
    assert q.grade("B, H, T, T").chosen is None


def test_answer_text_is_what_a_learner_would_type(checks):
    assert checks["a-shape"].answer_text == "(2, 4, 10, 10)"
    assert checks["a-number"].answer_text == "0.125"
    assert CheckStep("n", "q", "e", answer=1050624.0).answer_text == "1050624"
    assert checks["pick-one"].answer_text == ""


@pytest.mark.parametrize(("typed", "correct"), [
    ("0.125", True), ("1/8", True), (0.1255, True), ("0.124", True), ("0.127", False),
    ("1/0", False), ("an eighth", False),
])
def test_grade_numeric_with_tolerance(checks, typed, correct):
    assert checks["a-number"].grade(typed).correct is correct


@pytest.mark.parametrize(("typed", "value"), [
    ("1,050,624", 1050624.0), ("1_050_624", 1050624.0), ("1 050 624", 1050624.0),
    ("1,5", None), ("12,3456", None),
])
def test_typed_numbers_may_group_thousands(typed, value):
    assert parse_number(typed) == value


def test_a_node_naming_a_lesson_that_does_not_exist(tmp_path):
    (tmp_path / "graph.yaml").write_text(
        "nodes:\n  - {id: a, label: A, lessons: [a], position: [0, 0]}\n")
    [error] = load_curriculum(tmp_path).errors
    assert (Path(error.file).name, error.line) == ("graph.yaml", 2)
    assert error.message == "node `a` lists lesson `a`, which has no a/lesson.yaml"


def test_a_duplicate_key_is_an_error_not_a_silent_overwrite(tmp_path):
    (tmp_path / "graph.yaml").write_text(
        "nodes:\n  - {id: a, label: A, lessons: [a], position: [0, 0]}\n")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "lesson.yaml").write_text(
        "id: a\ntitle: A\nnode: a\nsteps:\n  - concept:\n      title: One\n      title: Two\n"
        "      body: B\n")
    [error] = load_curriculum(tmp_path).errors
    assert (Path(error.file).name, error.line) == ("lesson.yaml", 7)
    assert error.message == "malformed YAML: duplicate key `title`"


def test_a_lesson_or_challenge_file_that_is_not_a_mapping_is_named(tmp_path):
    (tmp_path / "graph.yaml").write_text(
        "nodes:\n  - {id: a, label: A, lessons: [a], position: [0, 0]}\n")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "lesson.yaml").write_text("- a list, not a lesson\n")
    [error] = load_curriculum(tmp_path).errors
    assert (Path(error.file).name, error.message) == ("lesson.yaml", "lesson.yaml must be a mapping")
