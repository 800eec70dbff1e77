"""User-interface strings, one JSON file per language of chatbot/lang.py (en.json, es.json beside this file).

`strings(lang)` gives one language's strings; `pick_language(accept_language)` picks the UI language
from the browser's Accept-Language header. Strings are data so translators edit JSON, not code.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from chatbot.lang import DEFAULT, LANGUAGES


@lru_cache(maxsize=None)
def strings(lang: str) -> dict:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown UI language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    return json.loads((Path(__file__).parent / f"{lang}.json").read_text(encoding="utf-8"))


def pick_language(accept_language: str | None) -> str:
    """The supported language the browser prefers most (Accept-Language q-values), else English."""
    best, best_q = DEFAULT, 0.0
    for i, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        primary = tag.strip().lower().split("-")[0]
        # Earlier tags win ties: browsers list the user's first choice first.
        if primary in LANGUAGES and q > best_q:
            best, best_q = primary, q
    return best
