"""Retrieval over tests/fixtures/kb/good: award years, supersedes, school and language rules, the
confidence signal, and the on-disk cache.

Fast tests use BM25 alone or `HashEmbedder`, a stand-in for the embedding model (the one piece the
design lets tests fake). Tests marked slow load the real all-MiniLM-L6-v2 once per module.
"""
import dataclasses
import shutil
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from chatbot.answers import Citation
from chatbot.kb.loader import load_kb
from chatbot.kb.retrieval import NOT_FOUND_BELOW, Retriever
from chatbot.kb.text import TypoFixer
from chatbot.lang import detect

GOOD = Path(__file__).parent / "fixtures" / "kb" / "good"
AUTUMN = date(2026, 11, 26)  # 2026-27 in progress, 2027-28 FAFSA open
SUMMER = date(2026, 8, 15)  # 2026-27 in progress, 2027-28 FAFSA not open yet


class HashEmbedder:
    """Bag-of-words vectors from hashed words: deterministic, instant, and it counts calls."""

    name = "hash-test"

    def __init__(self):
        self.calls = 0

    def embed(self, texts):
        self.calls += 1
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                out[row, sum(map(ord, word)) % 384] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


@pytest.fixture(scope="module")
def entries():
    return load_kb(GOOD, AUTUMN)


@pytest.fixture(scope="module", params=["bm25", "hash"])
def retriever(request, entries, tmp_path_factory):
    embedder = HashEmbedder() if request.param == "hash" else None
    return Retriever.build(entries, embedder, tmp_path_factory.mktemp("cache"))


def ids(result):
    return [h.entry.id for h in result.hits]


def test_current_award_year_comes_first_and_next_year_follows_once_fafsa_opens(retriever):
    autumn = retriever.search("what is the maximum pell grant", today=AUTUMN)
    assert autumn.award_years == ("2026-27", "2027-28") and autumn.year_source == "today"
    assert ids(autumn)[:2] == ["pell-max-2026-27", "pell-max-2027-28"]
    summer = retriever.search("what is the maximum pell grant", today=SUMMER)
    assert summer.award_years == ("2026-27",)
    assert ids(summer)[0] == "pell-max-2026-27"


def test_year_named_in_question_wins(retriever):
    result = retriever.search("max pell grant for 27-28?", today=AUTUMN)
    assert result.award_years == ("2027-28",) and result.year_source == "question"
    assert ids(result)[0] == "pell-max-2027-28"
    assert result.hits[0].award_year == "2027-28"


def test_award_year_argument_overrides_question(retriever):
    result = retriever.search("max pell grant for 2026-27", award_year="2027-2028", today=AUTUMN)
    assert result.award_years == ("2027-28",) and result.year_source == "argument"
    assert ids(result)[0] == "pell-max-2027-28"


def test_new_rule_outranks_the_one_it_supersedes_after_the_change(retriever):
    # The wording matches the old rule best; from July 1, 2026 the new rule must still rank above it.
    query = "grad plus loans up to the cost of attendance, $138,500 aggregate"
    after = ids(retriever.search(query, today=AUTUMN))
    assert after.index("grad-loan-limits-from-2026-07") < after.index("grad-loan-limits-before-2026-07")
    before = ids(retriever.search(query, award_year="2025-26", today=AUTUMN))
    assert before[0] == "grad-loan-limits-before-2026-07"


def test_supersedes_order_follows_the_effective_date(entries, tmp_path):
    # Move the change to September 1 so both rules cover 2026-27: only the date decides.
    moved = [dataclasses.replace(e, effective=date(2026, 9, 1)) if e.effective else e for e in entries]
    r = Retriever.build(moved, None, tmp_path)
    query = "graduate student loan limits"
    old, new = "grad-loan-limits-before-2026-07", "grad-loan-limits-from-2026-07"
    on_aug = ids(r.search(query, k=5, today=date(2026, 8, 1)))
    on_oct = ids(r.search(query, k=5, today=date(2026, 10, 1)))
    assert on_aug.index(old) < on_aug.index(new)
    assert on_oct.index(new) < on_oct.index(old)


def test_school_entry_only_for_its_school_and_outranks_the_general_one(retriever):
    query = "when is the fafsa deadline"
    assert ids(retriever.search(query, school="example-college", today=AUTUMN))[0] == "example-college-fafsa-deadline"
    for school in (None, "other-college"):
        assert "example-college-fafsa-deadline" not in ids(retriever.search(query, k=10, school=school, today=AUTUMN))


def test_spanish_question_gets_the_spanish_entry_and_english_the_english_one(retriever):
    es = retriever.search("¿cuál es la beca pell máxima?", today=AUTUMN)
    assert es.lang == "es" and ids(es)[0] == "pell-max-2026-27-es"
    assert "pell-max-2026-27" not in ids(es)  # its English twin is dropped, not shown twice
    en = retriever.search("what is the maximum pell grant", k=10, today=AUTUMN)
    assert en.lang == "en" and "pell-max-2026-27-es" not in ids(en)


def test_hit_citation_and_confidence(retriever):
    result = retriever.search("is it free to file the fafsa or do i pay a company", today=AUTUMN)
    top = result.hits[0]
    assert top.entry.id == "aid-scams" and top.rank == 1
    assert top.citation == Citation("aid-scams", "Federal Student Aid, Avoid Scams",
                                    "https://studentaid.gov/resources/scams", "all")
    assert result.found and 0 < result.confidence <= 1
    assert [h.rank for h in result.hits] == [1, 2, 3]
    assert all(a.score >= b.score for a, b in zip(result.hits, result.hits[1:]))


def test_off_topic_question_is_not_found(retriever):
    result = retriever.search("best sourdough bread recipe with rye", today=AUTUMN)
    assert result.confidence < NOT_FOUND_BELOW and not result.found


def test_empty_and_stopword_queries_do_not_crash(retriever):
    for query in ("", "   ", "what is the", "¿?"):
        assert retriever.search(query, today=AUTUMN).confidence < NOT_FOUND_BELOW


def test_typos_are_corrected_against_the_index():
    fixer = TypoFixer(["fafsa", "deadline", "grant", "loans"])
    assert fixer.fix(["fasfa", "dedline", "grnat", "lones", "pell", "sourdough"]) == [
        "fafsa", "deadline", "grant", "loans", "pell", "sourdough"]


@pytest.mark.parametrize("text, lang", [
    ("¿Cuánto es la beca Pell?", "es"), ("cuanto dinero me dan de prestamo", "es"),
    ("how much pell grant can i get", "en"), ("FAFSA deadline", "en"), ("pell grant para mi hijo", "es"),
])
def test_detect_lang(text, lang):
    assert detect(text) == lang


def test_dense_modes_need_an_embedder(entries, tmp_path):
    with pytest.raises(ValueError, match="needs an embedder"):
        Retriever.build(entries, None, tmp_path).search("pell", mode="dense")


def test_cache_is_reused_and_rebuilt_when_a_file_changes(tmp_path):
    root, cache = tmp_path / "kb", tmp_path / "cache"
    shutil.copytree(GOOD, root)
    embedder = HashEmbedder()
    first = Retriever.build(load_kb(root, AUTUMN), embedder, cache)
    assert not first.from_cache and embedder.calls == 1
    again = Retriever.build(load_kb(root, AUTUMN), embedder, cache)
    assert again.from_cache and again.key == first.key and embedder.calls == 1  # no re-embedding
    query = "maximum pell grant 2026-27"
    assert ids(again.search(query, today=AUTUMN)) == ids(first.search(query, today=AUTUMN))
    np.testing.assert_array_equal(again.vectors, first.vectors)

    pell = root / "pell" / "pell-max-2026-27.md"
    pell.write_text(pell.read_text().replace("$7,395", "$7,400"))
    calls = embedder.calls
    changed = Retriever.build(load_kb(root, AUTUMN), embedder, cache)
    assert not changed.from_cache and changed.key != first.key and embedder.calls == calls + 1
    assert Retriever.build(load_kb(root, AUTUMN), None, cache).key != changed.key  # embedder is in the key


@pytest.fixture(scope="module")
def real(entries, tmp_path_factory):
    from chatbot.model.embedder import load_embedder  # imports torch: only the slow tests pay for it

    return Retriever.build(entries, load_embedder(), tmp_path_factory.mktemp("real-cache"))


@pytest.mark.slow
def test_real_embedder_hybrid(real):
    assert real.mode == "hybrid"
    result = real.search("how much money can a grad student borrow in federal loans", today=AUTUMN)
    assert ids(result)[0] == "grad-loan-limits-from-2026-07" and result.found
    assert ids(real.search("someone wants $50 to do my fasfa", today=AUTUMN))[0] == "aid-scams"
    off = real.search("what's a good recipe for banana bread", today=AUTUMN)
    assert not off.found, off.confidence
    for mode in ("bm25", "dense"):
        assert ids(real.search("maximum pell grant", mode=mode, today=AUTUMN))[0] == "pell-max-2026-27"


def test_dataset_is_well_formed_and_names_real_entries():
    from eval.retrieval_eval import DATASET, load_cases

    cases = load_cases(DATASET)
    known = {e.id for e in load_kb()}
    assert sum(bool(c["expected"]) for c in cases) >= 100
    assert len({c["id"] for c in cases}) == len(cases)
    missing = {(c["id"], i) for c in cases for i in c["expected"] if i not in known}
    assert not missing, f"the dataset names entries that are not in knowledge/: {sorted(missing)}"


def test_recall_table_and_synthetic_kb(entries, tmp_path):
    from eval.retrieval_eval import recall_table, synthetic_entries

    cases = [{"id": "a", "question": "what is the maximum pell grant", "expected": ["pell-max-2026-27"]},
             {"id": "b", "question": "best sourdough bread recipe", "expected": []}]
    table, misses = recall_table(Retriever.build(entries, HashEmbedder(), tmp_path), cases, AUTUMN)
    assert set(table) == {"bm25", "dense", "hybrid"}
    assert table["bm25"]["r@1"] == 1.0 and table["bm25"]["abstain_ok"] == 1
    fake = synthetic_entries(entries, 200)
    assert len({e.id for e in fake}) == 200 and all(e.body for e in fake)
    assert Retriever.build(fake, None, None).search("pell grant", today=AUTUMN).hits
