"""Hybrid retrieval over the knowledge base: BM25 (bm25s) + dense vectors, fused by reciprocal rank.

    retriever = Retriever.build(load_kb(), load_embedder(), cache_dir)   # embedder=None: BM25 only
    result = retriever.search("how much pell can i get 26-27?", school="example-college")
    result.hits[0].citation, result.confidence, result.found

Ranking, in order:
1. relevance: RRF (k=60) of the BM25 rank and the dense (cosine) rank; typos in query words are
   corrected against the index vocabulary (one edit) before BM25;
2. eligibility: an operator's entry (school: X) exists only when searching for school X;
3. weights: entries outside the asked award years x0.5; the next award year x0.97 when the question
   names no year (the year in progress comes first); an entry in the other language x0.9;
4. order rules: the language twin in the question's language replaces the other one; a school entry
   outranks general entries that share a topic with it; an entry that supersedes another (or is
   superseded) ranks above it from its effective date on (below it before that date).

The index (vectors, BM25 matrix, vocabulary) is cached under CACHE/retrieval/<hash of the entries and
embedder>, so a restart with unchanged knowledge files skips embedding; any change rebuilds it.
CACHE is the cache_dir argument; `default_cache_dir()` gives $CHATBOT_CACHE or ~/.cache/finaid-chatbot.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS, STOPWORDS_SPANISH

from chatbot import award_year as ay
from chatbot.answers import Citation
from chatbot.kb import Entry

FORMAT = "retrieval-v1"  # bump when the index layout or the tokenizer changes
RRF_K = 60
POOL = 100  # candidates taken from each ranking before fusion
SCHOOL_WINDOW = 5  # a school entry this high up outranks the general entries on its topics
# Below this confidence the pipeline should say "I don't know" rather than answer (see _confidence).
NOT_FOUND_BELOW = 0.35


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float  # fused score after weights and order rules; non-increasing with rank
    rank: int  # 1-based
    award_year: str  # the asked award year this entry answers, "all", or the entry's own years

    @property
    def citation(self) -> Citation:
        source = self.entry.sources[0]  # the first source is the primary one
        return Citation(id=self.entry.id, title=source.title, url=source.url, award_year=self.award_year)


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    confidence: float  # 0..1; see Retriever._confidence
    award_years: tuple[str, ...]  # the award years searched for
    year_source: str  # "argument", "question" or "today"
    lang: str
    mode: str  # "hybrid", "bm25" or "dense"

    @property
    def found(self) -> bool:
        return bool(self.hits) and self.confidence >= NOT_FOUND_BELOW


def default_cache_dir() -> Path:
    return Path(os.environ.get("CHATBOT_CACHE") or Path.home() / ".cache" / "finaid-chatbot")


def index_text(e: Entry) -> str:
    return f"{e.title}\n{' '.join(e.topics)}\n{e.body}"


def cache_key(entries: list[Entry], embedder_name: str) -> str:
    """Hash of every field of every entry (not its path, so moving the checkout keeps the cache)."""
    h = hashlib.sha256(f"{FORMAT}\n{embedder_name}\n".encode())
    for e in entries:
        h.update(repr(dataclasses.replace(e, path="")).encode())
    return h.hexdigest()[:24]


class Retriever:
    def __init__(self, entries, bm25, vocab: list[str], vectors, embedder, key: str, from_cache: bool):
        self.entries, self.bm25, self.vectors, self.embedder = entries, bm25, vectors, embedder
        self.key, self.from_cache = key, from_cache
        self.typos = TypoFixer(vocab)
        self.by_id = {e.id: i for i, e in enumerate(entries)}
        self.school = np.array([e.school or "" for e in entries])
        self.mode = "hybrid" if embedder is not None else "bm25"

    @classmethod
    def build(cls, entries: list[Entry], embedder=None, cache_dir: Path | None = None) -> "Retriever":
        """Index `entries`, or load the index cached for exactly these entries and embedder."""
        if not entries:
            raise ValueError("cannot build a retriever over an empty knowledge base")
        key = cache_key(entries, embedder.name if embedder else "bm25-only")
        folder = Path(cache_dir) / "retrieval" / key if cache_dir else None
        if folder and (folder / "meta.json").is_file():
            meta = json.loads((folder / "meta.json").read_text())
            if meta["ids"] == [e.id for e in entries]:
                bm25 = bm25s.BM25.load(folder / "bm25", show_progress=False)
                vectors = np.load(folder / "vectors.npy") if embedder else None
                return cls(entries, bm25, meta["vocab"], vectors, embedder, key, from_cache=True)
        texts = [words(index_text(e), e.lang) for e in entries]
        bm25 = bm25s.BM25()
        bm25.index([stem(t, e.lang) for t, e in zip(texts, entries)], show_progress=False)
        vocab = sorted({w for t in texts for w in t})
        vectors = embedder.embed([index_text(e) for e in entries]) if embedder else None
        if folder:
            _save(folder, bm25, vectors, {"ids": [e.id for e in entries], "vocab": vocab})
        return cls(entries, bm25, vocab, vectors, embedder, key, from_cache=False)

    def search(self, query: str, k: int = 3, award_year: str | None = None, school: str | None = None,
               lang: str | None = None, today: date | None = None, mode: str | None = None) -> SearchResult:
        """Top-k hits for `query`. `award_year` (e.g. "2026-27") overrides any year in the question;
        `mode` ("bm25" or "dense") scores with one retriever alone, for the evaluation."""
        today = today or date.today()
        mode = mode or self.mode
        if mode in ("hybrid", "dense") and self.embedder is None:
            raise ValueError(f"mode {mode!r} needs an embedder; this retriever is BM25-only")
        lang = lang or detect_lang(query)
        if award_year:
            years, source = (ay.normalize(award_year),), "argument"
        elif named := ay.years_in_text(query, today):
            years, source = named, "question"
        else:
            years, source = ay.current(today), "today"
        tokens = stem(self.typos.fix(words(query, lang)), lang)
        ids = self.bm25.get_tokens_ids(tokens)
        n = len(self.entries)
        lexical = self.bm25.get_scores(ids) if ids else np.zeros(n, dtype=np.float32)
        dense = self.vectors @ self.embedder.embed([query])[0] if mode != "bm25" else np.zeros(n, dtype=np.float32)
        eligible = (self.school == "") | (self.school == (school or ""))
        fused = np.zeros(n, dtype=np.float64)
        if mode != "dense":
            fused += _rrf(np.where(eligible & (lexical > 0), lexical, -np.inf))
        if mode != "bm25":
            fused += _rrf(np.where(eligible, dense, -np.inf))
        order = self._rank(fused, years, source, lang, today)
        hits = [Hit(self.entries[i], s, r, self._year_of(self.entries[i], years)) for r, (i, s) in enumerate(order[:k], 1)]
        confidence = self._confidence(order, ids, len(tokens) - len(ids), dense, years, mode)
        return SearchResult(hits, confidence, years, source, lang, mode)

    def _rank(self, fused, years, source, lang, today) -> list[tuple[int, float]]:
        """Apply weights and order rules to the fused scores; returns (entry index, score) best first."""
        pool = [int(i) for i in np.flatnonzero(fused > 0)]
        score = {}
        for i in pool:
            e, w = self.entries[i], 1.0
            if not any(ay.covers(e.award_years, y) for y in years):
                w *= 0.5
            elif source == "today" and ay.ALL not in e.award_years and years[0] not in e.award_years:
                w *= 0.97
            if e.lang != lang:
                w *= 0.9
            score[i] = fused[i] * w
        for i in list(score):  # keep one language version of an entry: the question's, if present
            twin = self.by_id.get(_twin_id(self.entries[i]))
            if twin in score and i in score and self.entries[i].lang != lang:
                score[twin] = max(score[twin], score.pop(i))
        ranked = sorted(score, key=lambda i: -score[i])
        ref = ay.first_day(years[0]) if source != "today" else today
        for _ in range(3):  # order rules may interact; a few passes settle them for real KB shapes
            for winner, loser in self._order_rules(ranked, ref):
                if ranked.index(loser) < ranked.index(winner):
                    ranked.remove(winner)
                    ranked.insert(ranked.index(loser), winner)
        out, last = [], float("inf")
        for i in ranked:  # moved entries take their new neighbour's score so scores stay sorted
            last = min(last, score[i])
            out.append((i, last))
        return out

    def _order_rules(self, ranked: list[int], ref: date):
        present = set(ranked)
        for i in ranked:
            e = self.entries[i]
            if e.supersedes in self.by_id and self.by_id[e.supersedes] in present and e.effective:
                old = self.by_id[e.supersedes]
                yield (i, old) if ref >= e.effective else (old, i)
            if e.school and ranked.index(i) < SCHOOL_WINDOW:
                for j in ranked:
                    if not self.entries[j].school and set(self.entries[j].topics) & set(e.topics):
                        yield i, j

    def _confidence(self, order, ids, unknown: int, dense, years, mode) -> float:
        """How sure we are that the top hit answers the question, 0..1.

        Two signals of the top hit: its cosine similarity to the question (0.2 or less counts as
        unrelated, 0.6 or more as clearly related, linear between) and the share of the question's
        words (weighted by rarity) that it contains. Hybrid: 0.6 x semantic + 0.4 x lexical; one
        retriever alone uses its own signal. Halved when the top hit is not for an asked award year.
        Below NOT_FOUND_BELOW the pipeline should abstain.
        """
        if not order:
            return 0.0
        top = order[0][0]
        semantic = float(np.clip((dense[top] - 0.2) / 0.4, 0.0, 1.0))
        lex = _coverage(self.bm25, ids, top, unknown)
        value = {"bm25": lex, "dense": semantic}.get(mode, 0.6 * semantic + 0.4 * lex)
        if not any(ay.covers(self.entries[top].award_years, y) for y in years):
            value /= 2
        return round(value, 3)

    @staticmethod
    def _year_of(e: Entry, years: tuple[str, ...]) -> str:
        if ay.ALL in e.award_years:
            return ay.ALL
        return next((y for y in years if y in e.award_years), ", ".join(e.award_years))


def _rrf(scores: np.ndarray) -> np.ndarray:
    """Reciprocal-rank-fusion contribution 1/(RRF_K + rank) of the POOL best finite scores."""
    out = np.zeros(len(scores))
    finite = np.flatnonzero(np.isfinite(scores))
    if not len(finite):
        return out
    top = finite[np.argsort(-scores[finite], kind="stable")[:POOL]]
    out[top] = 1.0 / (RRF_K + np.arange(1, len(top) + 1))
    return out


def _twin_id(e: Entry) -> str:
    return e.id.removesuffix("-es") if e.lang == "es" else f"{e.id}-es"


def _save(folder: Path, bm25, vectors, meta: dict) -> None:
    """Write the index to a temporary folder, then rename it into place: readers never see half of
    it, and two processes building at once both succeed (the second rename loses harmlessly)."""
    tmp = folder.with_name(f"{folder.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    bm25.save(tmp / "bm25", show_progress=False)
    if vectors is not None:
        np.save(tmp / "vectors.npy", vectors)
    (tmp / "meta.json").write_text(json.dumps(meta))
    try:
        os.replace(tmp, folder)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
    # Keep the few newest indexes; older ones belong to knowledge files that have since changed.
    old = sorted((p for p in folder.parent.iterdir() if p.is_dir() and ".tmp-" not in p.name), key=lambda p: p.stat().st_mtime)
    for stale in old[:-4]:
        shutil.rmtree(stale, ignore_errors=True)


# --- text: tokens, language, typos (pure) -------------------------------------------------------

_FOLD = str.maketrans("áéíóúüñ", "aeiouun")
_WORD = re.compile(r"[a-z0-9]+")
_STOP = {"en": frozenset(STOPWORDS_EN_PLUS), "es": frozenset(w.translate(_FOLD) for w in STOPWORDS_SPANISH)}
_ES = frozenset("que como cuanto cuando donde puedo tengo necesito mi mis el la los las del para por es son "
                "soy una hay beca becas prestamo prestamos ayuda estudiante padres dinero pagar deuda "
                "ingresos universidad solicitud fecha limite ano cual debo tiene puede".split())
_EN = frozenset("the what how is are my i can do does for to of and when much get need if you your it "
                "be have should who which where will".split())


def words(text: str, lang: str) -> list[str]:
    """Lowercased, accent-folded words minus stopwords; "$7,395" stays one word "7395"."""
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text.lower().translate(_FOLD))
    return [w for w in _WORD.findall(text) if w not in _STOP[lang]]


def stem(tokens: list[str], lang: str) -> list[str]:
    # A fresh stemmer per call: PyStemmer objects are not thread-safe and cost microseconds.
    return Stemmer.Stemmer("spanish" if lang == "es" else "english").stemWords(tokens)


def detect_lang(text: str) -> str:
    """"es" when Spanish function words (or ¿ ¡ ñ) outnumber English ones, else "en"."""
    found = _WORD.findall(text.lower().translate(_FOLD))
    es = sum(w in _ES for w in found) + 2 * bool(re.search("[¿¡ñ]", text.lower()))
    return "es" if es > sum(w in _EN for w in found) else "en"


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


def _coverage(bm25, ids: list[int], doc: int, unknown: int) -> float:
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
