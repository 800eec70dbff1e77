"""The SAI/Pell estimator against the Department's 2025-26 test ISIRs (eval/datasets copy).

The counts below are what the estimator reaches today: every record with an SAI matches exactly. If a
change lowers any of them, this test fails and names the first records that differ.
"""
from __future__ import annotations

import json

import pytest

from eval.sai import DEFAULT_CASES, evaluate, evaluate_provisional, load_cases, main, summarize


@pytest.fixture(scope="module")
def summary():
    return summarize(evaluate(load_cases(DEFAULT_CASES)))


def test_dataset_is_the_published_copy():
    records = load_cases(DEFAULT_CASES)
    assert len(records) == 799
    assert sum(r["outputs"]["has_sai"] for r in records) == 535


@pytest.mark.parametrize("group, records", [("A", 201), ("B", 176), ("C", 104), ("none", 54)])
def test_every_formula_matches_exactly(summary, group, records):
    t = summary["by_formula"][group]
    assert t["records"] == records
    for measure in ("sai", "pell", "max_ind", "min_ind"):
        assert t[measure] == records, (measure, summary["mismatches"][:5])
    assert t["worksheet_all_lines_equal"] == t["worksheet_records"]


def test_overall_match_rate(summary):
    o = summary["overall"]
    assert (o["records"], o["sai"], o["pell"], o["max_ind"], o["min_ind"]) == (535, 535, 535, 535, 535)
    assert o["worksheet_records"] == 481 and o["worksheet_all_lines_equal"] == 481
    assert summary["mismatches"] == []


def test_records_without_family_size_are_reported_apart(summary):
    t = summary["family_size_inferred"]
    assert t["records"] == 49 and t["sai"] == 49


def test_provisional_sais_match_too():
    checks = evaluate_provisional(load_cases(DEFAULT_CASES))
    assert len(checks) == 29
    assert [c.record_id for c in checks if c.sai[0] != c.sai[1]] == []


def test_cli_prints_table_and_json(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "Exact SAI: 535/535 (100.0%)" in out
    assert "Formula C (independent, with dependents)" in out
    assert main(["--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["overall"]["sai"] == 535
    assert data["provisional_sai"] == {"records": 29, "sai": 29}


def test_cli_missing_file(tmp_path, capsys):
    assert main(["--cases", str(tmp_path / "nope.jsonl")]) == 2
