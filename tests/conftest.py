"""Shared test set-up: every test gets its own AIDE_HOME, so no test touches real progress."""

import pytest


@pytest.fixture(autouse=True)
def isolated_aide_home(tmp_path, monkeypatch):
    home = tmp_path / "aide-home"
    monkeypatch.setenv("AIDE_HOME", str(home))
    return home
