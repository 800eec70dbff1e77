"""`python -m chatbot calc ...` runs each calculator; bad input exits 2 naming the field."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from chatbot.calculators.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_lists_calculators(capsys):
    assert main([]) == 2
    out = capsys.readouterr().out
    for name in ("sai", "pell", "loan-limits", "repayment", "dependency"):
        assert name in out


def test_calculator_help_lists_fields(capsys):
    assert main(["sai", "--help"]) == 0
    assert "--parent-agi" in capsys.readouterr().out


@pytest.mark.parametrize("argv, key, value", [
    (["pell", "--award-year", "2025-26", "--sai", "2500", "--enrollment", "half-time",
      "--cost-of-attendance", "18000"], "annual_award", 2448),
    (["loan-limits", "--award-year=2026-27", "--level", "professional", "--enrollment", "full-time",
      "--legacy-borrower", "no"], "annual_total", 50000),
    (["repayment", "--balance", "10000", "--interest-rate", "6", "--new-loans", "no"], "standard_monthly", 111.02),
    (["dependency", "--award-year", "2026-27", "--date-of-birth", "2000-01-01"], "status", "independent"),
    (["sai", "--award-year", "2025-26", "--dependency", "independent", "--family-size", "1", "--state", "NM",
      "--married", "no", "--has-dependents", "no", "--student-filing-status", "single", "--student-agi", "-2000",
      "--student-income-tax-paid", "0", "--student-earned-income", "0"], "sai", -1500),
])
def test_json_output(capsys, argv, key, value):
    assert main(argv + ["--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["values"][key] == value
    assert data["sources"] and {"id", "title", "url", "award_year"} <= set(data["sources"][0])


@pytest.mark.parametrize("argv, field", [
    (["pell", "--award-year", "2025-26", "--sai", "x", "--enrollment", "full-time", "--cost-of-attendance", "1"], "sai"),
    (["pell", "--award-year", "2025-26", "--enrollment", "full-time", "--cost-of-attendance", "1"], "sai"),
    (["pell", "--sia", "100"], "sia"),
    (["repayment", "--balance"], "balance"),
    (["sai", "--award-year", "2025-26", "--dependency", "dependent", "--family-size", "-3"], "family_size"),
])
def test_bad_input_exits_2_naming_the_field(capsys, argv, field):
    assert main(argv) == 2
    assert f"error: {field}:" in capsys.readouterr().err


def test_unknown_calculator(capsys):
    assert main(["mortgage"]) == 2


def test_text_output_shows_steps_and_sources(capsys):
    assert main(["repayment", "--balance", "30000", "--interest-rate", "6.39", "--new-loans", "yes",
                 "--agi", "45000", "--dependents", "1"]) == 0
    out = capsys.readouterr().out
    assert "Steps:" in out and "Sources:" in out and "tiered_standard_monthly: 259.52" in out


def test_module_entry_point():
    """The real command line, as users run it."""
    proc = subprocess.run([sys.executable, "-m", "chatbot", "calc", "pell", "--award-year", "2026-27", "--sai",
                           "-1500", "--enrollment", "full-time", "--cost-of-attendance", "9000", "--json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["values"]["annual_award"] == 7395
