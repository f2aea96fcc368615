import sys

from tutor.paths import aide_home, engine_source, lessons_dir, module_file


def test_aide_home_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("AIDE_HOME", str(tmp_path / "profile"))
    assert aide_home() == tmp_path / "profile"
    assert aide_home().is_dir()


def test_aide_home_defaults_to_the_user_data_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("AIDE_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert aide_home() == tmp_path / "xdg" / "aide"


def test_lessons_dir_holds_the_graph():
    assert (lessons_dir() / "graph.yaml").is_file()


def test_engine_source_finds_definitions_without_importing_the_engine(tmp_path, monkeypatch):
    package = tmp_path / "fakeengine"
    package.mkdir()
    (package / "__init__.py").write_text("raise ImportError('must not be executed')\n")
    (package / "ops.py").write_text(
        "from math import tau\n\nSCALE = 2\n\n\ndef double(x):\n    return x\n\nclass Box:\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert engine_source("fakeengine.ops:double").line == 6
    assert engine_source("fakeengine.ops:Box").line == 9
    assert engine_source("fakeengine.ops:SCALE").line == 3
    assert engine_source("fakeengine.ops:tau").line == 1
    assert engine_source("fakeengine.ops:missing") is None
    assert engine_source("fakeengine.nothing:double") is None
    assert module_file("fakeengine") == package / "__init__.py"
    assert "fakeengine" not in sys.modules
