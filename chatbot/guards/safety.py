"""Safety classes of a message, by a small trained classifier plus the routing rules' patterns.

    model().classify("i dont see the point of any of this anymore")   # -> "crisis"
    Model(rows).scores(text)                                         # -> {"crisis": 0.9, "fraud": 0.01, ...}

Classes: crisis (self-harm, hopelessness, wishing not to be here), fraud (hide income or assets, lie,
fake independence), guarantee (demands for certainty nobody can give), phishing (scam contacts and
credential requests), none. Keyword lists missed how people write ("im done fighting, im tired of being
a burden"), so a logistic regression reads words, word pairs and character 3-5-grams (which survive
typos and slang), learned from `safety_table.jsonl` beside this file: paraphrases of crisis-line warning
signs, FTC/FSA scam and fraud warnings, negatives (figures of speech about stress, questions *about*
scams or a parent's death) and the first question of each knowledge entry as an ordinary question
(without them, "whats going on with the SAVE plan" read as crisis); sources and rules in
`safety_table.md`.
`python -m eval safety` reports its cross-validated precision and recall. (Naive Bayes was tried:
it called most ordinary questions unlike the table crisis, with probability 1.0.)

Crisis is decided from a low probability on purpose: a false alarm costs one extra paragraph (988,
then the answer), a miss can cost a life. Standard library and numpy; trained once per process (a
few seconds).
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from chatbot.lang import fold

TABLE = Path(__file__).with_name("safety_table.jsonl")
CLASSES = ("crisis", "fraud", "guarantee", "phishing", "none")
# Probabilities that decide, chosen by 5-fold cross-validation (python -m eval safety) against false
# alarms on the 529 real and dev aid questions: crisis from 0.2, and from 0.6 when a message that is
# plainly an aid question (or would be refused) carries no warning-sign cue: recall 0.83, precision
# 0.81, 5 of 529 questions get the 988 line first. Without the cue rule: recall 0.89 but 30 of 529;
# the cue rule at 0.3: recall 0.79, 2 of 529. (Asking the cue of every borderline message: recall 0.88.)
# Guarantee and phishing from 0.4 (2026-12-03): recall 0.54 / 0.65 -> 0.63 / 0.74 at precision 0.94 / 0.94.
# Fraud stays at 0.5: at 0.4 its table recall rose 0.40 -> 0.52, but 7 more of 517 ordinary real and dev
# questions ("ok so whats the fafsa actually for") got the fraud reply first (and at 0.35 fraud precision
# fell to 0.85); the fraud patterns in routing.py catch the plain schemes. (Weighting the classes equally in the loss raised recall a little and put a
# lead before 3.6% of ordinary questions instead of 2.3%. A logistic regression on the MiniLM sentence
# vectors, alone or averaged with this one, moved crisis recall at the same precision by 0.02-0.03.)
CRISIS, SURE = 0.2, 0.6
OTHER = {"fraud": 0.5, "guarantee": 0.4, "phishing": 0.4}
MIN_WORDS = 5    # shorter messages carry too few features ("and the minimum?" read as crisis); the patterns cover "i want to die"
STEPS, RATE, L2 = 300, 0.5, 1e-4   # AdaGrad steps, step size, weight decay
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


class Model:
    """Multinomial logistic regression over the binary `features`, rows scaled by 1/sqrt(n), trained
    on (text, label) rows when made; `classify` turns its probabilities into a safety class."""

    def __init__(self, rows: list[tuple[str, str]]):
        feats = [features(t) for t, _ in rows]
        self.index = {f: i for i, f in enumerate(sorted({f for fs in feats for f in fs}))}
        ind, indptr, norm = self._sparse(feats)
        y = np.eye(len(CLASSES))[[CLASSES.index(label) for _, label in rows]]
        row_of = np.repeat(np.arange(len(rows)), np.diff(indptr))
        # The gradient sums each feature's rows: entries sorted by feature once, then one reduceat
        # per step (np.add.at did the same scatter ten times slower: 6 s of the first answer).
        order = np.argsort(ind, kind="stable")
        by_feature, rows_by_feature = ind[order], row_of[order]
        firsts = np.flatnonzero(np.r_[True, by_feature[1:] != by_feature[:-1]])
        features_present = by_feature[firsts]
        self.w = np.zeros((len(self.index), len(CLASSES)))
        self.b = np.zeros(len(CLASSES))
        seen = np.full_like(self.w, 1e-8)
        for _ in range(STEPS):
            p = _softmax_rows(self._logits(ind, indptr, norm))
            g = (p - y) / len(rows)
            grad = np.zeros_like(self.w)
            grad[features_present] = np.add.reduceat((g * norm)[rows_by_feature], firsts, axis=0)
            grad += L2 * self.w
            seen += grad ** 2
            self.w -= RATE * grad / np.sqrt(seen)
            self.b -= RATE * g.sum(0)

    def _sparse(self, feats: list[list[str]]):
        """Feature indices of every row (CSR: indices, row starts) and each row's 1/sqrt(n) scale."""
        idx = [[self.index[f] for f in fs if f in self.index] for fs in feats]
        indptr = np.cumsum([0] + [len(i) for i in idx])
        norm = 1 / np.sqrt(np.maximum(np.diff(indptr), 1))[:, None]
        return np.array([i for row in idx for i in row], dtype=np.int64), indptr, norm

    def _logits(self, ind, indptr, norm):
        sums = np.zeros((len(indptr) - 1, len(CLASSES)))
        nonempty = np.diff(indptr) > 0
        if ind.size:
            sums[nonempty] = np.add.reduceat(self.w[ind], indptr[:-1][nonempty], axis=0)
        return sums * norm + self.b

    def scores(self, text: str) -> dict[str, float]:
        p = _softmax_rows(self._logits(*self._sparse([features(text)])))[0]
        return dict(zip(CLASSES, map(float, p)))

    def classify(self, text: str, strict: bool = False) -> str:
        """crisis from a low probability on (`strict`, for a plain aid question or a message the router
        would refuse: below SURE only with a warning-sign cue); else the most likely other class if it
        is likely; else none."""
        folded = fold(text)
        if len(_WORD.findall(folded.lower())) < MIN_WORDS:
            return "none"  # "hi", "ok": too little to read; the patterns still catch "kms"
        p = self.scores(text)
        best = max(("fraud", "guarantee", "phishing"), key=p.get)
        cue = CUES.search(folded)
        # A borderline crisis guess without a warning-sign cue yields to a class the model is surer of:
        # "would the school notice if i faked being homeless" (crisis 0.3, fraud 0.6) is a fraud question.
        yields = not cue and p[best] >= OTHER[best] and p[best] > p["crisis"]
        if p["crisis"] >= SURE or (p["crisis"] >= CRISIS and (not strict or cue) and not yields):
            return "crisis"
        if best == "phishing" and p[best] < SURE and not CONTACT_CUES.search(folded):
            return "none"  # "will PSLF be around or eliminated by Congress?" (0.43) names no contact or credential
        return best if p[best] >= OTHER[best] else "none"


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
    return Model([(r["text"], r["label"]) for r in load_table()])


# In a plain aid question, or a message the router would refuse (off-topic, injection), crisis below
# SURE also needs one of these cues: "how many hours must I be enrolled to receive the loan?" or "who
# won the super bowl" get a middling crisis probability from a model that has seen little such text.
# (Asking the cue of every message cut cross-validated crisis recall to 0.72.) The cues are the 988
# Lifeline's and AFSP's warning signs (dying or not existing, being a burden, trapped or hopeless,
# unbearable pain, self-harm, a plan or means, a will, giving things away, goodbyes). Broad on purpose.
CUES = re.compile(
    r"\b(?:die|dying|dead|death|alive|to live|living|my life|exist\w*|no point|what'?s the point|the point of|"
    r"burden|drain on|bother\w* anyone|better off|(?:wasn'?t|weren'?t|not|not be) (?:here|around)|much longer|"
    r"hopeless|worthless|useless|no hope|trapped|no way out|escape|unbearable|can'?t take|can'?t do this|"
    r"i'?m done|done fighting|ashamed|all alone|nobody (?:cares|would)|no one (?:cares|would)|disappear|vanish|"
    r"be gone|end (?:it|my|this|everything)|hurt (?:myself|me)|the pain|cut(?:ting)? (?:myself|again)|cutting|"
    r"pills|rope|bridge|jump|hit by a|goodbye|sleep forever|not wake|never wake|without me|tired of (?:living|"
    r"everything|being|it all|trying)|give up|giving up|deserve to|hate myself|kill|a will|my will|"
    r"(?:things|stuff|it) away|my stuff|nacido|morir|muerto|muerta|vivir|mi vida|existir|desaparecer|una carga|"
    r"cansad[oa] de|rendirme|despertar|adios|sin mi|se las dejo|lastimar\w*|cortar\w*|nadie (?:me|me va)|"
    r"sin esperanza|atrapad[oa])\b", re.I)


# A scam or impersonation message names a contact, a credential or a payment; below SURE, phishing needs
# one of these (FTC and FSA scam warnings: calls, texts, emails, links, fees, FSA IDs, passwords).
CONTACT_CUES = re.compile(
    r"\b(?:call\w*|phone|text\w*|e-?mails?|dm\w*|messag\w*|letter|mail|website|site|link|url|app|company|companies|"
    r"someone|somebody|they (?:said|say|told|want|asked)|asked (?:me )?for|fees?|pay|paid|payment|charge\w*|gift cards?|"
    r"zelle|venmo|cash ?app|crypto|bitcoin|wire|fsa ?id|password|username|log ?in|login|code|ssn|social security|"
    r"bank|card|account number|legit\w*|scam\w*|fake|fraud\w*|remote|offer\w*|won|prize|guaranteed?|"
    r"llam\w*|mensaje\w*|correo\w*|enlace|pagina|compan\w*|empresa|alguien|contrasen\w*|usuario|pag\w*|"
    r"cobr\w*|tarifa|cuota|estafa\w*|tarjeta|banco|cuenta|codigo)\b", re.I)


def _softmax_rows(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)
