"""Every fixed reply (prompts/replies/) cites only entries that exist, in both languages."""
from pathlib import Path

import pytest

from chatbot.kb.loader import load_kb
from chatbot.prompts import PROMPTS_DIR, reply

REPLIES = sorted({p.name.split(".")[0] for p in (PROMPTS_DIR / "replies").glob("*.md")})


@pytest.fixture(scope="module")
def ids():
    return {e.id for e in load_kb()}


@pytest.mark.parametrize("name", REPLIES)
def test_a_reply_cites_existing_entries_and_has_both_languages(name, ids):
    for lang in ("en", "es"):
        assert Path(PROMPTS_DIR / "replies" / f"{name}.{lang}.md").is_file(), f"{name}.{lang}.md is missing"
        missing = [c for c in reply(name, lang).cite if c not in ids]
        assert not missing, f"{name}.{lang} cites ids that are no entry: {missing}"
