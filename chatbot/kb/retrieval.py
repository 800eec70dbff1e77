"""Hybrid retrieval over the knowledge base: BM25 (bm25s) + dense vectors, fused by reciprocal rank.

    retriever = Retriever.build(load_kb(), load_embedder(), cache_dir)   # embedder=None: BM25 only
    result = retriever.search("how much pell can i get 26-27?", school="example-college")
    result.hits[0].citation, result.confidence, result.found

Ranking, in order:
1. relevance: reciprocal rank fusion of three rankings, 1/(5 + rank) each from the dense (cosine)
   ranking of entry texts and of the entries' own questions (their title and the `questions:` people
   ask: a student's wording is matched to how others asked, not only to our prose; an entry scores
   its best-matching question; one asked almost word for word, cosine >= 0.9, counts as one more first
   place), plus 0.7/(5 + rank) from BM25 over text and questions (a Spanish question weighs BM25
   1.0, texts 0.2, questions 0.5: the embedder is English-only, see WEIGHTS_BY_LANG); typos in query
   words are corrected against the index vocabulary (one edit) first;
2. eligibility: an operator's entry (school: X) exists only when searching for school X;
3. weights: entries outside the asked award years x0.5; the next award year x0.85 when the question
   names no year (the year in progress comes first); an entry in the other language x0.9; an entry
   correcting a myth x0.6 unless the question asks about a claim or names a figure it discusses;
4. order rules: the language twin in the question's language replaces the other one; a school entry
   outranks general entries that share a topic with it; an entry that supersedes another (or is
   superseded) ranks above it from its effective date on (below it before that date).

The index (vectors, BM25 matrix, vocabulary) is cached under CACHE/retrieval/<hash of the entries and
embedder>, so a restart with unchanged knowledge files skips embedding; any change rebuilds it.
CACHE is the cache_dir argument (the Settings' cache_dir: $CHATBOT_CACHE or ~/.cache/finaid-chatbot).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import bm25s
import numpy as np

from chatbot import award_year as ay
from chatbot.answers import Citation
from chatbot.kb.gloss import gloss
from chatbot.kb.loader import Entry
from chatbot.kb.text import TypoFixer, coverage, stem, words
from chatbot.lang import detect

FORMAT = "retrieval-v3"  # bump when the index layout or the tokenizer changes (v3: question vectors)
# Fusion settings, chosen on the odd-numbered questions of eval/datasets/retrieval.jsonl and checked on
# the even ones (see eval/retrieval_eval.py): students' wording often shares few words with an entry,
# so the dense ranking is the stronger one, and a small k lets a clear first place count.
RRF_K = 5
WEIGHTS = {"bm25": 0.7, "dense": 1.0, "questions": 1.0}
# The embedder (all-MiniLM-L6-v2) was trained on English: a Spanish question's cosine mostly says
# "this is Spanish", and a few Spanish entries became hubs that topped unrelated Spanish questions.
# Spanish leans on BM25 (Spanish stems) and the entries' short Spanish questions; chosen on the
# real-question dev half (Spanish fact recall@1 0.23 -> 0.36; English unchanged).
# A Spanish question also ranks entries by the vector of its word-by-word English gloss (chatbot/kb/gloss.py)
# against entry texts and questions (best of the two), which finds the English twin of the right entry.
WEIGHTS_BY_LANG = {"es": {"bm25": 1.0, "dense": 0.2, "questions": 0.5, "glossed": 1.5}}
GLOSSED = frozenset(WEIGHTS_BY_LANG)
POOL = 100  # candidates taken from each ranking before fusion
# A question this close (cosine) to one an entry lists counts as one more first place for that entry.
SAME_QUESTION, SAME_QUESTION_BONUS = 0.9, 1.0 / (RRF_K + 1)
SCHOOL_WINDOW = 5  # a school entry this high up outranks the general entries on its topics
# Below this confidence the pipeline should say "I don't know" rather than answer (see _confidence).
NOT_FOUND_BELOW = 0.35
# An entry correcting a public myth ranks lower for a plain question (see knowledge/README.md).
MYTH_WEIGHT = 0.6
CLAIM_WORDS = re.compile(
    r"\b(true|really|heard|rumou?rs?|myths?|claims?|fake|saw (?:online|on|it)|read (?:online|that)|someone said|"
    r"told me|is it|isn'?t it|verdad|cierto|escuch\w*|dicen|vi en|le[ií] que)\b"
    r"|^\W*(is|are|does|do|did|can|will|was|were)\b", re.I)  # a yes/no question checks a claim


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


def index_text(e: Entry) -> str:
    return f"{e.title}\n{' '.join(e.topics)}\n{e.body}"


def lexical_text(e: Entry) -> str:
    """What BM25 indexes: the text plus the questions the entry answers (people's own words)."""
    return "\n".join((index_text(e), *e.questions))


def entry_questions(entries: list[Entry]) -> tuple[list[str], np.ndarray]:
    """Every question an entry answers (its title is one) and, for each, the entry's index."""
    texts, owner = [], []
    for i, e in enumerate(entries):
        for q in dict.fromkeys((e.title, *e.questions)):
            texts.append(q)
            owner.append(i)
    return texts, np.array(owner, dtype=np.int64)


def cache_key(entries: list[Entry], embedder_name: str) -> str:
    """Hash of every field of every entry (not its path, so moving the checkout keeps the cache)."""
    h = hashlib.sha256(f"{FORMAT}\n{embedder_name}\n".encode())
    for e in entries:
        h.update(repr(dataclasses.replace(e, path="")).encode())
    return h.hexdigest()[:24]


class Retriever:
    def __init__(self, entries, bm25, vocab: list[str], vectors, embedder, key: str, from_cache: bool,
                 qvectors=None):
        self.entries, self.bm25, self.vectors, self.embedder = entries, bm25, vectors, embedder
        self.qvectors = qvectors
        self.qowner = entry_questions(entries)[1]
        self.key, self.from_cache = key, from_cache
        self.typos = TypoFixer(vocab)
        self.by_id = {e.id: i for i, e in enumerate(entries)}
        self.school = np.array([e.school or "" for e in entries])
        self.general = self.school == ""
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
                qvectors = np.load(folder / "qvectors.npy") if embedder else None
                return cls(entries, bm25, meta["vocab"], vectors, embedder, key, from_cache=True, qvectors=qvectors)
        texts = [words(lexical_text(e), e.lang) for e in entries]
        bm25 = bm25s.BM25()
        bm25.index([stem(t, e.lang) for t, e in zip(texts, entries)], show_progress=False)
        vocab = sorted({w for t in texts for w in t})
        vectors = qvectors = None
        if embedder:  # one pass over texts and questions together: batches pad to similar lengths
            both = _embed_all(embedder, [index_text(e) for e in entries] + entry_questions(entries)[0])
            vectors, qvectors = both[: len(entries)], both[len(entries):]
        if folder:
            _save(folder, bm25, {"vectors": vectors, "qvectors": qvectors}, {"ids": [e.id for e in entries], "vocab": vocab})
        return cls(entries, bm25, vocab, vectors, embedder, key, from_cache=False, qvectors=qvectors)

    def search(self, query: str, k: int = 3, award_year: str | None = None, school: str | None = None,
               lang: str | None = None, today: date | None = None, mode: str | None = None) -> SearchResult:
        """Top-k hits for `query`. `award_year` (e.g. "2026-27") overrides any year in the question;
        `mode` ("bm25" or "dense") scores with one retriever alone, for the evaluation."""
        today = today or date.today()
        mode = mode or self.mode
        if mode in ("hybrid", "dense") and self.embedder is None:
            raise ValueError(f"mode {mode!r} needs an embedder; this retriever is BM25-only")
        lang = lang or detect(query)
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
        dense = np.zeros(n, dtype=np.float32)
        asked = np.full(n, -1.0, dtype=np.float32)  # each entry's best question match
        if mode != "bm25":
            # One embedder call for the question and, in Spanish, its English gloss, which finds the
            # entry's English twin.
            vectors = self.embedder.embed([query, gloss(query)] if lang in GLOSSED else [query])
            dense, asked = self._similarities(vectors[0])
            if lang in GLOSSED:
                glossed = np.maximum(*self._similarities(vectors[1]))
        eligible = self.general | (self.school == school) if school else self.general
        fused = np.zeros(n, dtype=np.float64)
        weights = WEIGHTS_BY_LANG.get(lang, WEIGHTS)
        if mode != "dense":
            fused += weights["bm25"] * _rrf(np.where(eligible & (lexical > 0), lexical, -np.inf))
        if mode != "bm25":
            fused += weights["dense"] * _rrf(np.where(eligible, dense, -np.inf))
            fused += weights["questions"] * _rrf(np.where(eligible, asked, -np.inf))
            # Asked almost word for word as an entry lists it: that entry answers this question.
            fused += np.where(eligible & (asked >= SAME_QUESTION), SAME_QUESTION_BONUS, 0.0)
            if lang in GLOSSED:
                fused += weights["glossed"] * _rrf(np.where(eligible, glossed, -np.inf))
        semantic = np.maximum(dense, asked)
        order = self._rank(fused, semantic if mode != "bm25" else lexical, years, source, lang, today, query)[:k]
        hits = [Hit(self.entries[i], s, r, self._year_of(self.entries[i], years)) for r, (i, s) in enumerate(order, 1)]
        # A query of stopwords only ("what is the") asks nothing, however alike it sounds to a question.
        confidence = self._confidence([i for i, _ in order], ids, len(tokens) - len(ids), semantic, years, mode) if tokens else 0.0
        return SearchResult(hits, confidence, years, source, lang, mode)

    def _similarities(self, qv: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each entry's cosine to `qv`: its text's, and its best-matching listed question's."""
        # einsum, not @: a matrix-vector product goes to multi-threaded BLAS, which on a busy
        # 2-core machine measured 3 ms p50 / 17 ms p95 at 10,000 entries; einsum 0.8 / 1.8 ms.
        asked = np.full(len(self.entries), -1.0, dtype=np.float32)
        np.maximum.at(asked, self.qowner, np.einsum("ij,j->i", self.qvectors, qv))
        return np.einsum("ij,j->i", self.vectors, qv), asked

    def _rank(self, fused, tiebreak, years, source, lang, today, query="") -> list[tuple[int, float]]:
        """Apply weights and order rules to the fused scores; returns (entry index, score) best first.
        Equal fused scores (rank 1 in one list, 2 in the other) go to the higher `tiebreak` score."""
        pool = [int(i) for i in np.flatnonzero(fused > 0)]
        score = {}
        for i in pool:
            e, w = self.entries[i], 1.0
            if not any(ay.covers(e.award_years, y) for y in years):
                w *= 0.5
            elif source == "today" and ay.ALL not in e.award_years and years[0] not in e.award_years:
                w *= 0.85
            if e.lang != lang:
                w *= 0.9
            if "myths" in e.topics and not _asks_about_claim(query, e.body):
                w *= MYTH_WEIGHT
            score[i] = fused[i] * w
        for i in list(score):  # keep one language version of an entry: the question's, if present
            twin = self.by_id.get(_twin_id(self.entries[i]))
            if twin in score and i in score and self.entries[i].lang != lang:
                score[twin] = max(score[twin], score.pop(i))
        ranked = sorted(score, key=lambda i: (-score[i], -tiebreak[i]))
        ref = ay.first_day(years[0]) if source != "today" else today
        rules = self._order_rules(ranked, ref)
        for _ in range(3):  # rules may interact; a few passes settle them for real knowledge bases
            for winner, loser in rules:
                if ranked.index(loser) < ranked.index(winner):
                    ranked.remove(winner)
                    ranked.insert(ranked.index(loser), winner)
        out, last = [], float("inf")
        for i in ranked:  # moved entries take their new neighbour's score so scores stay sorted
            last = min(last, float(score[i]))
            out.append((i, last))
        return out

    def _order_rules(self, ranked: list[int], ref: date) -> list[tuple[int, int]]:
        """(winner, loser) pairs among the ranked entries: the winner must rank above the loser."""
        present, rules = set(ranked), []
        for pos, i in enumerate(ranked):
            e = self.entries[i]
            old = self.by_id.get(e.supersedes or "")
            if old in present and e.effective:
                rules.append((i, old) if ref >= e.effective else (old, i))
            if e.school and pos < SCHOOL_WINDOW:
                rules += [(i, j) for j in ranked if not self.entries[j].school and set(self.entries[j].topics) & set(e.topics)]
        return rules

    def _confidence(self, hits: list[int], ids, unknown: int, dense, years, mode) -> float:
        """How sure we are that the returned hits hold the answer, 0..1: the best hit's value of

        - semantic: its cosine similarity to the question (text or best listed question), 0 at 0.2 or less (unrelated) rising
          linearly to 1 at 0.6 or more (clearly related);
        - lexical: the share of the question's words it contains, each weighted by its idf;
        - hybrid: 0.6 x semantic + 0.4 x lexical; one retriever alone uses its own signal;
        - halved for an entry that is not for an asked award year (we have the rule, not the year).

        Below NOT_FOUND_BELOW the pipeline should say it does not know rather than answer.
        """
        best = 0.0
        for i in hits:
            semantic = float(np.clip((dense[i] - 0.2) / 0.4, 0.0, 1.0))
            lex = coverage(self.bm25, ids, i, unknown)
            value = {"bm25": lex, "dense": semantic}.get(mode, 0.6 * semantic + 0.4 * lex)
            if not any(ay.covers(self.entries[i].award_years, y) for y in years):
                value /= 2
            best = max(best, value)
        return round(best, 3)

    @staticmethod
    def _year_of(e: Entry, years: tuple[str, ...]) -> str:
        if ay.ALL in e.award_years:
            return ay.ALL
        return next((y for y in years if y in e.award_years), ", ".join(e.award_years))


def _asks_about_claim(query: str, body: str) -> bool:
    """The question doubts a claim ("is it true...", "I heard...") or names a figure the myth entry
    discusses (3+ digits, not a year): then the entry that corrects the claim is the right answer."""
    if CLAIM_WORDS.search(query):
        return True
    figures = {n.replace(",", "") for n in re.findall(r"\d[\d,]{2,}", query)}
    figures = {n for n in figures if not re.fullmatch(r"20\d\d", n)}
    return any(n in body.replace(",", "") for n in figures)


def _rrf(scores: np.ndarray) -> np.ndarray:
    """Reciprocal-rank-fusion contribution 1/(RRF_K + rank) of the POOL best finite scores."""
    out = np.zeros(len(scores))
    finite = np.flatnonzero(np.isfinite(scores))
    if not len(finite):
        return out
    if len(finite) > POOL:  # a partial sort: at 10,000 entries a full argsort costs more than BM25
        finite = finite[np.argpartition(-scores[finite], POOL)[:POOL]]
    top = finite[np.argsort(-scores[finite], kind="stable")]
    out[top] = 1.0 / (RRF_K + np.arange(1, len(top) + 1))
    return out


def _embed_all(embedder, texts: list[str]) -> np.ndarray:
    """Embed in order of length, so each batch pads to similar lengths (about 2x faster on a
    real knowledge base), then put the rows back in entry order."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    done = embedder.embed([texts[i] for i in order])
    vectors = np.empty_like(done)
    vectors[order] = done
    return vectors


def _twin_id(e: Entry) -> str:
    return e.id.removesuffix("-es") if e.lang == "es" else f"{e.id}-es"


def _save(folder: Path, bm25, arrays: dict, meta: dict) -> None:
    """Write the index to a temporary folder, then rename it into place: readers never see half of
    it, and two processes building at once both succeed (the second rename loses harmlessly)."""
    tmp = folder.with_name(f"{folder.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    bm25.save(tmp / "bm25", show_progress=False)
    for name, array in arrays.items():
        if array is not None:
            np.save(tmp / f"{name}.npy", array)
    (tmp / "meta.json").write_text(json.dumps(meta))
    try:
        os.replace(tmp, folder)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
    # Keep the few newest indexes; older ones belong to knowledge files that have since changed.
    old = sorted((p for p in folder.parent.iterdir() if p.is_dir() and ".tmp-" not in p.name), key=lambda p: p.stat().st_mtime)
    for stale in old[:-4]:
        shutil.rmtree(stale, ignore_errors=True)
