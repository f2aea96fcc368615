"""`aide check`: listing, usage errors (exit 2), and verdicts through a real worker."""

import json

from lessons import LESSONS_DIR
from tutor.cli import main

ATTENTION = "attention/scaled-dot-product"
WRONG_DIMS = """\
import math
import torch


def scaled_dot_product_attention(q, k, v, mask=None):
    d_k = q.size(-1)
    scores = q @ k / math.sqrt(d_k)
    return torch.softmax(scores, dim=-1) @ v
"""


def test_list_prints_the_challenge_ids(capsys):
    assert main(["check", "--list"]) == 0
    ids = capsys.readouterr().out.split()
    assert {ATTENTION, "multi-head/split-heads", "stacking/causal-mask"} <= set(ids)
    assert ids == sorted(ids)


def test_an_unknown_challenge_is_bad_usage_with_a_suggestion(capsys, tmp_path):
    cell = tmp_path / "cell.py"
    cell.write_text("x = 1\n")
    assert main(["check", "attention/scaled-dot-prodcut", str(cell)]) == 2
    assert f"Did you mean {ATTENTION}?" in capsys.readouterr().err


def test_a_missing_file_or_argument_is_bad_usage(capsys, tmp_path):
    assert main(["check", ATTENTION, str(tmp_path / "nowhere.py")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["check", ATTENTION]) == 2


def test_the_solution_passes_with_a_json_verdict(capsys):
    solution = LESSONS_DIR / ATTENTION / "solution.py"
    assert main(["check", ATTENTION, str(solution), "--json"]) == 0
    verdict = json.loads(capsys.readouterr().out)
    assert verdict["status"] == "pass" and verdict["trials"] == 4


def test_a_shape_error_is_shown_with_names_and_the_line(capsys, tmp_path):
    cell = tmp_path / "attention.py"
    cell.write_text(WRONG_DIMS)
    assert main(["check", ATTENTION, str(cell)]) == 1
    out = " ".join(capsys.readouterr().out.split())  # undo rich's wrapping
    assert "ERROR" in out
    assert "line 7, `q @ k`: (B=2, H=3, T_q=5, d_k=7) @ (B=2, H=3, T_k=11, d_k=7)" in out
    assert "did you mean `k.transpose(-2, -1)`?" in out
    assert "attention.py:7 scores = q @ k / math.sqrt(d_k)" in out
