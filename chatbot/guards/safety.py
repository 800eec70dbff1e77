"""Safety classes of a message, by a small trained classifier plus the routing rules' patterns.

    safety_class("i dont see the point of any of this anymore")   # -> "crisis"
    Model.train(rows).scores(text)                                # -> {"crisis": 0.97, "fraud": 0.01, ...}

Classes: crisis (self-harm, hopelessness, wishing not to be here), fraud (hide income or assets, lie,
fake independence), guarantee (demands for certainty nobody can give), phishing (scam contacts and
credential requests), none. Keyword lists missed how people write ("im done fighting, im tired of being
a burden"), so two small models read words, word pairs and character 3-5-grams (which survive typos and
slang): multinomial naive Bayes (the better crisis detector on this little data) and logistic
regression (the better one for the other classes), both learned from `safety_table.jsonl` beside this
file: paraphrases of crisis-line warning signs, FTC/FSA scam and fraud warnings, and negatives
(figures of speech about stress, questions *about* scams or a parent's death), sources and rules in
`safety_table.md`. `python -m eval safety` reports their cross-validated precision and recall.

Crisis is decided with low thresholds on purpose: a false alarm costs one extra paragraph (988, then
the answer), a miss can cost a life; in a plain aid question it also needs a warning-sign cue (below).
Standard library and numpy; trained once per process (about a second).
"""
from __future__ import annotations

import json
import math
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import numpy as np

from chatbot.lang import fold

TABLE = Path(__file__).with_name("safety_table.jsonl")
CLASSES = ("crisis", "fraud", "guarantee", "phishing", "none")
# Crisis: naive Bayes at 0.15 or regression at 0.3 (cross-validated, the pair keeps recall highest at
# precision near 0.8). The others: the regression at 0.65, where a lead reply before an honest
# question (its only cost) came up on 1 real aid question in 200 while catching about half the table.
CRISIS_NB, CRISIS_LR, OTHER_LR = 0.15, 0.3, 0.65
ALPHA = 0.3      # naive Bayes additive smoothing
STEPS, RATE, L2 = 120, 0.5, 1e-4   # regression: AdaGrad steps, step size, weight decay
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
        self.vocab = set().union(*counts.values())
        self.loglik, self.unseen = {}, {}
        for c in CLASSES:
            total = sum(counts[c].values()) + ALPHA * (len(self.vocab) + 1)
            self.loglik[c] = {f: math.log((n + ALPHA) / total) for f, n in counts[c].items()}
            self.unseen[c] = math.log(ALPHA / total)

    def scores(self, text: str) -> dict[str, float]:
        feats = [f for f in features(text) if f in self.vocab]
        logs = {c: self.prior[c] + sum(self.loglik[c].get(f, self.unseen[c]) for f in feats) for c in CLASSES}
        return _softmax(logs)


class Regression:
    """Multinomial logistic regression over the same binary features, rows scaled by 1/sqrt(n)."""

    def __init__(self, rows: list[tuple[str, str]]):
        feats = [features(t) for t, _ in rows]
        self.index = {f: i for i, f in enumerate(sorted({f for fs in feats for f in fs}))}
        ind, indptr = self._sparse(feats)
        y = np.eye(len(CLASSES))[[CLASSES.index(label) for _, label in rows]]
        norm = 1 / np.sqrt(np.maximum(np.diff(indptr), 1))[:, None]
        row_of = np.repeat(np.arange(len(rows)), np.diff(indptr))
        self.w = np.zeros((len(self.index), len(CLASSES)))
        self.b = np.zeros(len(CLASSES))
        seen = np.full_like(self.w, 1e-8)
        for _ in range(STEPS):
            p = _softmax_rows(self._logits(ind, indptr, norm))
            g = (p - y) / len(rows)
            grad = np.zeros_like(self.w)
            np.add.at(grad, ind, (g * norm)[row_of])
            grad += L2 * self.w
            seen += grad ** 2
            self.w -= RATE * grad / np.sqrt(seen)
            self.b -= RATE * g.sum(0)

    def _sparse(self, feats: list[list[str]]):
        idx = [[self.index[f] for f in fs if f in self.index] for fs in feats]
        indptr = np.cumsum([0] + [len(i) for i in idx])
        return np.array([i for row in idx for i in row], dtype=np.int64), indptr

    def _logits(self, ind, indptr, norm):
        sums = np.zeros((len(indptr) - 1, len(CLASSES)))
        nonempty = np.diff(indptr) > 0
        if ind.size:
            sums[nonempty] = np.add.reduceat(self.w[ind], indptr[:-1][nonempty], axis=0)
        return sums * norm + self.b

    def scores(self, text: str) -> dict[str, float]:
        ind, indptr = self._sparse([features(text)])
        norm = 1 / np.sqrt(np.maximum(np.diff(indptr), 1))[:, None]
        p = _softmax_rows(self._logits(ind, indptr, norm))[0]
        return dict(zip(CLASSES, map(float, p)))


class Model:
    def __init__(self, nb: NaiveBayes, lr: Regression):
        self.nb, self.lr = nb, lr

    @classmethod
    def train(cls, rows: list[tuple[str, str]]) -> "Model":
        return cls(NaiveBayes(rows), Regression(rows))

    def classify(self, text: str, aid_question: bool = False) -> str:
        """crisis when either model reaches its (low) threshold and, in a message that is plainly an
        aid question, a warning-sign cue is present; else the regression's pick if it is clear; else none."""
        folded = fold(text)
        nb, lr = self.nb.scores(text), self.lr.scores(text)
        crisis = nb["crisis"] >= CRISIS_NB or lr["crisis"] >= CRISIS_LR
        if crisis and (not aid_question or CUES["crisis"].search(folded)):
            return "crisis"
        best = max(("fraud", "guarantee", "phishing"), key=lr.get)
        return best if lr[best] >= OTHER_LR else "none"


def load_table(path: Path = TABLE) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            row = json.loads(line)
            if row.get("label") not in CLASSES or not isinstance(row.get("text"), str):
                raise ValueError(f"{path}:{n}: each row needs a text and a label in {CLASSES}")
            rows.append(row)
    return rows


@lru_cache(maxsize=1)
def model() -> Model:
    return Model.train([(r["text"], r["label"]) for r in load_table()])


# In a message that is plainly an aid question, crisis also needs one of these cues: the models alone,
# trained on a few hundred lines, put 988 in front of "whats going on with the SAVE plan, im confused"
# (49 of 570 real aid questions, cross-validated, against 9 with the cues). The cues are the kinds of
# words the warning-sign lists use, broad on purpose, not phrases from the table.
CUES = {
    # The 988 Lifeline's and AFSP's warning signs: talk of dying or not existing, being a burden,
    # feeling trapped or hopeless, unbearable pain, self-harm, a plan or means, making a will, giving
    # things away, saying goodbye.
    "crisis": re.compile(
        r"\b(?:die|dying|dead|death|alive|to live|living|my life|exist\w*|no point|what'?s the point|the point of|"
        r"burden|drain on|bother\w* anyone|better off|(?:wasn'?t|weren'?t|not|not be) (?:here|around)|much longer|"
        r"hopeless|worthless|useless|no hope|trapped|no way out|escape|unbearable|can'?t take|can'?t do this|"
        r"i'?m done|ashamed|all alone|nobody (?:cares|would)|no one (?:cares|would)|disappear|vanish|be gone|"
        r"end (?:it|my|this|everything)|hurt (?:myself|me)|the pain|cut(?:ting)? (?:myself|again)|cutting|pills|rope|"
        r"bridge|jump|hit by a|goodbye|sleep forever|not wake|never wake|without me|tired of (?:living|everything|"
        r"being|it all|trying)|give up|giving up|deserve to|hate myself|kill|a will|my will|(?:things|stuff|it) away|"
        r"my stuff|nacido|morir|muerto|muerta|vivir|mi vida|existir|desaparecer|una carga|cansad[oa] de|rendirme|"
        r"despertar|adios|sin mi|se las dejo|lastimar\w*|cortar\w*|nadie (?:me|me va)|sin esperanza|atrapad[oa])\b", re.I),
}


def safety_class(text: str, aid_question: bool = False) -> str:
    return model().classify(text, aid_question)


def _softmax(logs: dict[str, float]) -> dict[str, float]:
    top = max(logs.values())
    exp = {c: math.exp(v - top) for c, v in logs.items()}
    total = sum(exp.values())
    return {c: v / total for c, v in exp.items()}


def _softmax_rows(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)
