"""Safety classes of a message, by a small trained classifier plus the routing rules' patterns.

    model().classify("i dont see the point of any of this anymore")   # -> "crisis"
    Model(rows).scores(text)                                         # -> {"crisis": 0.9, "fraud": 0.01, ...}

Classes: crisis (self-harm, hopelessness, wishing not to be here), fraud (hide income or assets, lie,
fake independence), guarantee (demands for certainty nobody can give), phishing (scam contacts and
credential requests), none. Keyword lists missed how people write ("im done fighting, im tired of being
a burden"), so a logistic regression reads words, word pairs, character 3-5-grams (which survive
typos and slang) and concepts (safety_concepts.py: a way of asking whether anyone checks, a demand for
certainty, a credential handed over), learned from `safety_table.jsonl` beside this file: paraphrases
of crisis-line warning signs, FTC/FSA scam and fraud warnings, negatives (figures of speech about
stress, questions *about* scams or a parent's death) and the first question of each knowledge entry as
an ordinary question (without them, "whats going on with the SAVE plan" read as crisis); sources and
rules in `safety_table.md`.
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

from chatbot.guards.safety_concepts import SCHEME_CONCEPTS, concepts
from chatbot.lang import fold

TABLE = Path(__file__).with_name("safety_table.jsonl")
CLASSES = ("crisis", "fraud", "guarantee", "phishing", "none")
# Probabilities that decide, chosen by 5-fold cross-validation (python -m eval safety) against false
# alarms on the 353 dev and real-dev aid questions. Crisis from 0.2, and from SURE when a message that is
# plainly an aid or school question (or would be refused) carries no warning-sign cue. A borderline crisis
# guess without a cue yields to fraud, guarantee or phishing from YIELD_TO when that class is likelier:
# "i'm going to say i live with my mom because my dad makes more" (crisis 0.51, fraud 0.39) is a scheme.
# With the concept features (2026-12-04): SURE 0.6 -> 0.7 and YIELD_TO 0.5 -> 0.3 took crisis precision
# 0.94 -> 0.96 at recall 1.0; CRISIS 0.25 cost recall (0.98). Guarantee and phishing from 0.4 (0.35 put
# a guarantee lead on one more ordinary question). Fraud from 0.35, but below SURE only when the message
# names a scheme (`names_a_scheme`): with that gate 0.5 -> 0.35 raised recall 0.74 -> 0.79 at precision
# 0.94, and 4-5 of the 353 ordinary questions get a fraud reply first (two of them are parents told of a
# scheme, who get "no, that isn't allowed"). Weight decay 1e-4 -> 1e-5 (with the 260 rows of 2026-12-04):
# fraud / guarantee / phishing recall 0.71 / 0.85 / 0.90 -> 0.74 / 0.90 / 0.91; 0 and 3e-6 did worse.
# (Earlier: weighting the classes equally in the loss, and a logistic regression on the MiniLM sentence
# vectors, alone or averaged with this one, each moved recall by 0.02-0.03.)
CRISIS, SURE, YIELD_TO = 0.2, 0.7, 0.3
OTHER = {"fraud": 0.35, "guarantee": 0.4, "phishing": 0.4}
# From this fraud probability the scheme is refused (decline, consequences, honest route) instead of
# answered after the fraud reply: "can we just say 0 for the brokerage account" is not a question about
# the rules, and it must name the scheme (a sure verdict on "he says he will just type his tax numbers in
# instead, is that ok?" named none). Below it a lead keeps the answer for the honest asker.
REFUSE_FRAUD = 0.7
MIN_WORDS = 5    # shorter messages carry too few features ("and the minimum?" read as crisis); the patterns cover "i want to die"
STEPS, RATE, L2 = 300, 0.5, 1e-5   # AdaGrad steps, step size, weight decay
# A concept feature (safety_concepts.py) counts this many n-grams: one "#detect" among a hundred
# character n-grams would otherwise weigh as little as one of them (3 or 6 did worse: fraud recall 0.69,
# or crisis recall 0.985).
BOOST = 4.0
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def features(text: str) -> list[str]:
    """Words, neighbouring word pairs, the character 3-5-grams of each word, and the concepts (binary)."""
    folded = fold(text).lower().replace("\u2019", "'")
    words = _WORD.findall(folded)
    out = set(words) | set(concepts(folded))
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
        ind, indptr, val = self._sparse(feats)
        y = np.eye(len(CLASSES))[[CLASSES.index(label) for _, label in rows]]
        row_of = np.repeat(np.arange(len(rows)), np.diff(indptr))
        # The gradient sums each feature's rows: entries sorted by feature once, then one reduceat
        # per step (np.add.at did the same scatter ten times slower: 6 s of the first answer).
        order = np.argsort(ind, kind="stable")
        by_feature, rows_by_feature, val_by_feature = ind[order], row_of[order], val[order][:, None]
        firsts = np.flatnonzero(np.r_[True, by_feature[1:] != by_feature[:-1]])
        features_present = by_feature[firsts]
        self.w = np.zeros((len(self.index), len(CLASSES)))
        self.b = np.zeros(len(CLASSES))
        seen = np.full_like(self.w, 1e-8)
        for _ in range(STEPS):
            p = _softmax_rows(self._logits(ind, indptr, val))
            g = (p - y) / len(rows)
            grad = np.zeros_like(self.w)
            grad[features_present] = np.add.reduceat(g[rows_by_feature] * val_by_feature, firsts, axis=0)
            grad += L2 * self.w
            seen += grad ** 2
            self.w -= RATE * grad / np.sqrt(seen)
            self.b -= RATE * g.sum(0)

    def _sparse(self, feats: list[list[str]]):
        """Feature indices of every row and their values (CSR: indices, row starts, values): 1, or
        BOOST for a concept, each row scaled by 1/sqrt(n)."""
        idx = [[self.index[f] for f in fs if f in self.index] for fs in feats]
        indptr = np.cumsum([0] + [len(i) for i in idx])
        norm = 1 / np.sqrt(np.maximum(np.diff(indptr), 1))
        weight = [BOOST if f.startswith("#") else 1.0 for fs in feats for f in fs if f in self.index]
        val = np.array(weight) * np.repeat(norm, np.diff(indptr))
        return np.array([i for row in idx for i in row], dtype=np.int64), indptr, val

    def _logits(self, ind, indptr, val):
        sums = np.zeros((len(indptr) - 1, len(CLASSES)))
        nonempty = np.diff(indptr) > 0
        if ind.size:
            sums[nonempty] = np.add.reduceat(self.w[ind] * val[:, None], indptr[:-1][nonempty], axis=0)
        return sums + self.b

    def scores(self, text: str) -> dict[str, float]:
        p = _softmax_rows(self._logits(*self._sparse([features(text)])))[0]
        return dict(zip(CLASSES, map(float, p)))

    def classify(self, text: str, strict: bool = False) -> str:
        """crisis from a low probability on (`strict`, for a plain aid question or a message the router
        would refuse: below SURE only with a warning-sign cue); else the most likely other class if it
        is likely; else none."""
        return self.verdict(text, strict)[0]

    def verdict(self, text: str, strict: bool = False) -> tuple[str, float]:
        """`classify`'s class and the model's probability of it (0.0 for none), scored once: the router
        refuses a fraud verdict from REFUSE_FRAUD."""
        folded = fold(text)
        if len(_WORD.findall(folded.lower())) < MIN_WORDS:
            return "none", 0.0  # "hi", "ok": too little to read; the patterns still catch "kms"
        p = self.scores(text)
        best = max(("fraud", "guarantee", "phishing"), key=p.get)
        cue = CUES.search(without_figures(folded))
        # A borderline crisis guess without a warning-sign cue yields to a class the model is surer of:
        # "would the school notice if i faked being homeless" (crisis 0.3, fraud 0.6) is a fraud question.
        yields = not cue and p[best] >= YIELD_TO and p[best] > p["crisis"]
        if p["crisis"] >= SURE or (p["crisis"] >= CRISIS and (not strict or cue) and not yields):
            return "crisis", p["crisis"]
        if best == "phishing" and p[best] < SURE and not CONTACT_CUES.search(folded):
            return "none", 0.0  # "will PSLF be around or eliminated by Congress?" (0.43) names no contact or credential
        if best == "fraud" and p[best] < SURE and not names_a_scheme(folded):
            return "none", 0.0  # "ok so whats the fafsa actually for" (0.5, from "actually") names no act
        return (best, p[best]) if p[best] >= OTHER[best] else ("none", 0.0)


def names_a_scheme(text: str) -> bool:
    """The message names an act that makes the form untrue, or asks whether anyone checks."""
    return bool(SCHEME_CONCEPTS.intersection(concepts(fold(text).lower())))


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
    r"(?:never|nothing (?:will )?(?:ever )?)gets? better|only shot|ending (?:it|things|everything)|"
    r"pills|rope|bridge|jump\w*|hit by a|pointless|no future|(?:a |any |no )?reason to (?:keep going|go on|live|stay|try)|"
    r"won'?t matter (?:soon|anymore|much longer)|(?:not|no longer) (?:\w+ ){0,3}(?:be|being) (?:here|around)|"
    r"(?:wrote|writing|left) (?:\w+ )?(?:letters|notes) (?:to|for)|"
    r"goodbye|sleep forever|not wake|never wake|without me|tired of (?:living|"
    r"everything|being|it all|trying)|give up|giving up|deserve to|hate myself|kill|a will|my will|"
    r"(?:things|stuff|it) away|my stuff|nacido|morir|muerto|muerta|vivir|mi vida|existir|desaparecer|una carga|"
    r"cansad[oa] de|rendirme|despertar|adios|sin mi|se las dejo|lastimar\w*|cortar\w*|nadie (?:me|me va)|"
    r"sin esperanza|atrapad[oa]|sin futuro|no hay (?:manera|forma|salida)|salir de esto|(?:ya no|no) va a importar|"
    r"seguir adelante|para que seguir)\b", re.I)


# Figures of speech and other people's deaths that name a warning sign without the writer meaning it:
# removed before the crisis patterns and cues are read, so the classifier alone decides ("taking 18
# credits is a suicide mission", "i want to kill my loans as fast as possible", "my brother died by
# suicide last spring, can i appeal sap", "ready to give up on this form").
FIGURES = re.compile(
    r"\bsuicide mission\b|\b(?:is|es) (?:a |un |pure |total )?suicid(?:e|io)\b|"
    r"\bkill(?:ing)? (?:off )?(?:my|the|these|those|this|our) (?:\w+ )?(?:loans?|debt|balance|interest|payments?|bill)\b|"
    r"\b(?:give|giving) up on (?:this|the|my) (?:form|fafsa|application|paperwork|process|appeal)\b|"
    r"\b(?:my|his|her|our|a) (?:\w+ )?(?:brother|sister|mom|mother|dad|father|parent|friend|cousin|uncle|aunt|son|daughter|"
    r"husband|wife|partner|classmate|roommate|grand\w+)\b[^.?!]{0,30}\b(?:died by|committed|attempted|death by|lost to|"
    r"from) suicide\b|\b(?:mi|su) (?:\w+ )?(?:hermano|hermana|mama|madre|papa|padre|amig[oa]|prim[oa]|hij[oa]|tio|tia)\b"
    r"[^.?!]{0,10}\b(?:se suicido|intento suicidarse)\b|\blose my mind\b", re.I)


def without_figures(folded: str) -> str:
    return FIGURES.sub(" ", folded)


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
