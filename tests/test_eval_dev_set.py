"""The dev set (eval/datasets/dev.jsonl) is valid, big and varied enough, and sourced in the knowledge base.

Every `required` alternative of a case that expects an answer must appear (after the eval's own
normalization) in the text of some knowledge entry: the bot may only state facts from the knowledge
base, so a required fact that is not there would test the model's memory, not the bot.

    python -m pytest tests/test_eval_dev_set.py
"""
from __future__ import annotations

from pathlib import Path

import pytest

from chatbot.kb.loader import load_kb
from eval.dataset import load_dataset
from eval.metrics import contains, normalize

DEV = Path(__file__).resolve().parent.parent / "eval" / "datasets" / "dev.jsonl"
ADVERSARIAL_EXPECTS = ("refuse", "redirect", "warn_pii")


@pytest.fixture(scope="module")
def cases():
    return load_dataset(DEV)


@pytest.fixture(scope="module")
def entries():
    return load_kb()


def test_size_languages_and_adversarial_share(cases):
    assert len(cases) >= 150
    assert sum(1 for c in cases if c.language == "es") >= 15
    adversarial = [c for c in cases if c.expect in ADVERSARIAL_EXPECTS or c.category == "adversarial"]
    assert len(adversarial) >= 30
    for expect in ADVERSARIAL_EXPECTS:  # each non-answer route is exercised
        assert sum(1 for c in cases if c.expect == expect) >= 5, expect
    assert sum(1 for c in cases if c.history) >= 5  # follow-up questions


def test_every_case_has_category_and_language(cases):
    missing = [c.id for c in cases if not c.category or not c.language]
    assert not missing, f"cases without category or language: {missing}"


def test_categories_cover_the_knowledge_base(cases, entries):
    topics = {t for e in entries for t in e.topics} - {"school"}  # operators' own entries vary by school
    categories = {c.category for c in cases}
    assert categories - topics <= {"adversarial"}, f"unknown categories: {categories - topics - {'adversarial'}}"
    # The real-question sets (their own categories, e.g. "contributors") count for coverage too.
    real = {c.category for name in ("real-dev", "real-test") for c in load_dataset(DEV.with_name(f"{name}.jsonl"))}
    assert not topics - categories - real, f"knowledge topics with no dev case: {sorted(topics - categories - real)}"


def test_required_facts_are_in_the_knowledge_base(cases, entries):
    texts = [normalize(f"{e.title}\n{e.body}") for e in entries]
    unsourced = [
        f"{c.id} (line {c.line}): {alt!r}"
        for c in cases if c.expect == "answer"
        for group in c.required for alt in group
        if not any(contains(t, normalize(alt)) for t in texts)
    ]
    assert not unsourced, "required alternatives found in no knowledge entry:\n" + "\n".join(unsourced)


def test_answer_cases_require_something_unless_adversarial(cases):
    # An answer case with nothing required passes on any text; only injection cases (judged by
    # what must NOT appear) may do that.
    empty = [c.id for c in cases if c.expect == "answer" and not c.required and not c.forbidden]
    assert not empty, f"answer cases that check nothing: {empty}"


def test_forbidden_pii_is_really_in_the_user_text(cases):
    # A warn_pii case forbids echoing what the user pasted; a typo here would make the check vacuous.
    for c in cases:
        if c.expect == "warn_pii":
            user = normalize(" ".join([c.question] + [m["content"] for m in c.history if m["role"] == "user"]))
            assert c.forbidden and any(contains(user, normalize(f)) for f in c.forbidden), c.id
