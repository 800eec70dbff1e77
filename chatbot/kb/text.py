"""Query and document text for retrieval: words, stems and typo repair.

Pure functions over strings (plus PyStemmer and bm25s's stopword lists); `chatbot.kb.retrieval` uses them
to index entries and read questions. Nothing here knows about entries, award years or ranking.
"""
from __future__ import annotations

import math
import re
from collections import defaultdict

import bm25s.stopwords
import Stemmer

from chatbot.lang import STEMMERS, STOPWORD_LISTS, fold

_WORD = re.compile(r"[a-z0-9]+")
_STOP = {lang: frozenset(fold(w) for w in getattr(bm25s.stopwords, name)) for lang, name in STOPWORD_LISTS.items()}


def words(text: str, lang: str) -> list[str]:
    """Lowercased, accent-folded words minus stopwords; "$7,395" stays one word "7395"."""
    text = re.sub(r"(?<=\d),(?=\d{3})", "", fold(text.lower()))
    return [w for w in _WORD.findall(text) if w not in _STOP[lang]]


def stem(tokens: list[str], lang: str) -> list[str]:
    # A fresh stemmer per call: PyStemmer objects are not thread-safe and cost microseconds.
    return Stemmer.Stemmer(STEMMERS[lang]).stemWords(tokens)


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


class TypoFixer:
    """Replaces a query word that is not in the index by an index word one edit away (insert,
    delete, substitute or swap two neighbours: "fasfa" -> "fafsa"), SymSpell-style: a map from
    every one-letter deletion of each vocabulary word makes the lookup a few dict hits.
    Words under five letters are left alone; "sai" or "efc" are too short to guess."""

    def __init__(self, vocab: list[str]):
        self.vocab = frozenset(vocab)
        self.near: dict[str, set[str]] = defaultdict(set)
        for w in vocab:
            if len(w) >= 4 and w.isalpha():
                for d in _deletes(w) | {w}:
                    self.near[d].add(w)

    def fix(self, tokens: list[str]) -> list[str]:
        return [self._one(t) for t in tokens]

    def _one(self, word: str) -> str:
        if word in self.vocab or len(word) < 5 or not word.isalpha():
            return word
        found = set(self.near.get(word, ()))
        for d in _deletes(word):
            found |= self.near.get(d, set())
        # Prefer a fix that keeps the first letter and the length, then the alphabet: deterministic.
        return min(found, key=lambda w: (w[0] != word[0], abs(len(w) - len(word)), w), default=word)


def coverage(bm25, ids: list[int], doc: int, unknown: int) -> float:
    """Share of the query's words found in entry `doc`, each weighted by its BM25 idf; words the
    index has never seen count as missing with the highest idf."""
    indptr, indices, n = bm25.scores["indptr"], bm25.scores["indices"], bm25.scores["num_docs"]
    total = unknown * math.log(1 + (n + 0.5) / 0.5)
    have = 0.0
    for t in ids:
        posting = indices[indptr[t]:indptr[t + 1]]
        idf = math.log(1 + (n - len(posting) + 0.5) / (len(posting) + 0.5))
        total += idf
        have += idf if doc in posting else 0.0
    return have / total if total else 0.0
