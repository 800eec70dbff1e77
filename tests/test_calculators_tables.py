"""The calculators' data files: every cited source exists, and 2026-27 ships only confirmed numbers."""
from __future__ import annotations

import re

import pytest

from chatbot.calculators.tables import TABLES_DIR, _read, citation, table


def _source_ids(obj):
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in ("sources", "source"):
                yield from ([v] if isinstance(v, str) else v)
            else:
                yield from _source_ids(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _source_ids(v)


@pytest.mark.parametrize("name", sorted(p.stem for p in TABLES_DIR.glob("*.yaml") if p.stem != "sources"))
def test_every_cited_source_is_in_the_catalogue(name):
    data = _read(name)
    ids = list(_source_ids(data)) + list((data.get("sources_by_topic") or {}).values())
    for sid in ids:
        c = citation(sid)
        assert c.url.startswith("https://") and c.title and c.award_year


def test_2026_27_sai_table_sets_only_confirmed_numbers():
    own = _read("sai-2026-27")
    assert own["based_on"] == "2025-26"
    numeric = set(own) - {"award_year", "tax_year", "based_on", "status", "sources", "estimate_note",
                          "business_farm_exclusion_note"}
    assert numeric == {"pell"}
    assert own["pell"] == {"maximum": 7395, "minimum": 740, "sai_cap_multiple_of_maximum": 2,
                           "foreign_income_in_pell_agi": True, "full_coa_grant_exclusion": True}
    assert "Estimate based on 2025-26 tables" in own["estimate_note"]


def test_2026_27_inherits_the_rest():
    t = table("sai", "2026-27")
    assert t["ipa_dependent_student"] == 11510
    assert t["pell"]["max_pell_limits"] == {"single_parent": 225, "other": 175}
    assert "ipa_parents" in t.inherited_keys() and "pell" not in t.inherited_keys()
    assert table("sai", "2025-26").inherited_keys() == []


def test_no_2026_27_interest_rates():
    assert _read("loans-2026-27")["rates"] is None


def test_sources_catalogue_ids_are_tidy():
    for sid in _read("sources"):
        assert re.fullmatch(r"[a-z0-9-]+", sid)
