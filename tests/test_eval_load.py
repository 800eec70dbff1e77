"""`python -m eval load`: a small real run (the app started with the fake model), and its bounds."""
from __future__ import annotations

import json

import pytest

from tests.conftest import run_cli


@pytest.mark.slow
def test_a_small_load_run_answers_every_question_and_writes_its_summary(tmp_path):
    result = run_cli("-m", "eval", "load", "--model", "fake", "--users", "3", "--questions", "2", "--ramp", "0.5",
                     "--think", "0.1", "--like", "--seconds", "120", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads((tmp_path / "load.json").read_text())
    assert summary["planned"] == 6 and summary["answered"] == 6 and summary["liked"] == 6
    assert summary["errors"] == summary["busy"] == summary["unfinished"] == 0
    assert 0 < summary["ttft_p50_s"] <= summary["ttft_p95_s"] and summary["answer_p50_s"] >= summary["ttft_p50_s"]
    assert "| fake | 3 x 2 | 6 | 0 | 0 | 0 |" in result.stdout


@pytest.mark.parametrize("args", [["--url", "http://example.org:7860"], ["--url", "http://10.0.0.5:7860"],
                                  ["--model", "fake", "--users", "5000"], ["--model", "fake", "--seconds", "0"]])
def test_it_refuses_targets_off_this_machine_and_unbounded_runs(args):
    from eval.load import parse_args

    with pytest.raises(SystemExit):
        parse_args(args)


def test_percentiles_of_the_summary():
    from types import SimpleNamespace

    from eval.load import summarize
    from eval.load_client import Outcome

    outcomes = [Outcome(f"q{n}", "answered", n / 10, n / 5) for n in range(1, 21)] + [
        Outcome("b", "busy", why="HTTP 503"), Outcome("e", "error", why="join HTTP 500")]
    s = summarize(outcomes, 25, 10.0, SimpleNamespace(users=5, questions=5))
    assert (s["answered"], s["busy"], s["errors"], s["unfinished"]) == (20, 1, 1, 3)
    assert s["ttft_p50_s"] == pytest.approx(1.05) and s["ttft_p95_s"] == pytest.approx(1.905)
    assert s["error_reasons"] == {"join HTTP 500": 1} and s["answered_per_s"] == 2.0
