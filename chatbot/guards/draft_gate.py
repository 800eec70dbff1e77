"""Pure helpers that keep an answer tied to its sources.

- `passages_block(hits)`: the numbered context passages the model sees.
- `SentenceGate`: cuts the model's stream into sentences, so each one can be checked before the user
  sees it (a wrong number is never shown and then taken back).
- `sentence_supported(...)`: a sentence passes when its numbers/dates appear in the sources (the
  grounding guard) and most of its content words do too (catches fluent, off-topic inventions that
  contain no numbers, which the tiny default model produces often).
- `fallback_text(hits)`: the grounded answer built from the top passage when the draft fails.
"""
from __future__ import annotations

import re
import unicodedata

# Sentence ends: ., ! or ? followed by a space, or a line break. Decimal points ("6.39") and
# abbreviations followed by a digit are not ends because a space must follow.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z¿¡\"'(\[*-])|\n+")
_WORD = re.compile(r"[a-záéíóúñü]+")
# Words that carry no fact; a sentence is judged on the rest.
_STOP = set(
    """a an the and or but if of to in on at for from by with as is are was were be been being it its this that
    these those you your yours we our they their them he she his her i me my can could will would should may
    might must do does did done have has had not no yes so than then there here what which who whom when where
    why how also just only very more most some any all each about into over under up down out off again still
    get got gets getting make makes made like need needs want wants one two three four five six seven eight nine
    ten el la los las un una unos unas y o de del en con por para que es son su sus se lo le les al como más
    muy pero si no ya este esta estos estas ese esa usted ustedes puede pueden hay ser está están""".split()
)
# How much of a sentence's content vocabulary must appear in the sources. Measured on the dev set:
# faithful paraphrases of a passage score 0.7-1.0, the tiny model's inventions mostly below 0.5.
MIN_SUPPORT = 0.6


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(fold(text)) if len(w) > 2 and w not in _STOP}


def support_ratio(sentence: str, source_words: set[str]) -> float:
    words = content_words(sentence)
    if not words:
        return 1.0
    # Accept simple inflections: "grants" in the draft vs "grant" in the source, and vice versa.
    hits = sum(1 for w in words if w in source_words or w.rstrip("s") in source_words or w + "s" in source_words)
    return hits / len(words)


class SentenceGate:
    """Feed stream pieces; get back complete sentences as they finish.

    Each sentence keeps its separator ("\n" runs as written, otherwise one space), so joining the
    sentences gives back lists and tables with their line structure."""

    def __init__(self) -> None:
        self.buffer = ""

    def feed(self, piece: str) -> list[str]:
        self.buffer += piece
        out, pos = [], 0
        for m in _SENTENCE_END.finditer(self.buffer):
            sentence = self.buffer[pos : m.start()]
            sep = m.group()
            if sentence.strip():
                out.append(sentence.strip() + ("\n" * sep.count("\n") if "\n" in sep else " "))
            pos = m.end()
        self.buffer = self.buffer[pos:]
        return out

    def flush(self) -> list[str]:
        rest, self.buffer = self.buffer.strip(), ""
        return [rest] if rest else []


def is_degenerate(text: str) -> bool:
    """Repetition loops: the same 6-word phrase three times means the model is stuck."""
    words = text.lower().split()
    grams: dict[tuple, int] = {}
    for i in range(len(words) - 5):
        gram = tuple(words[i : i + 6])
        grams[gram] = grams.get(gram, 0) + 1
        if grams[gram] >= 3:
            return True
    return False


def passages_block(hits) -> str:
    blocks = []
    for n, hit in enumerate(hits, 1):
        entry = hit.entry
        note = "; NOT officially confirmed" if entry.status == "unconfirmed" else ""
        blocks.append(f"[{n}] {entry.title} (award year: {hit.award_year}{note})\n{entry.body.strip()}")
    return "\n\n".join(blocks)


def tidy(body: str) -> str:
    """Passage text as an answer: join wrapped lines, keep tables and lists intact."""
    lines = body.strip().splitlines()
    out: list[str] = []
    for line in lines:
        structured = line.lstrip().startswith(("|", "-", "*", "1.", "2.", "3.")) or not line.strip()
        if out and not structured and out[-1].strip() and not out[-1].lstrip().startswith(("|", "-", "*")):
            out[-1] = out[-1].rstrip() + " " + line.strip()
        else:
            out.append(line.rstrip())
    return "\n".join(out).strip()


def fallback_text(hits, max_entries: int = 1) -> str:
    return "\n\n".join(tidy(h.entry.body) for h in hits[:max_entries])
