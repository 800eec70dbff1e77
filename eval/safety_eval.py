"""Safety routing on the safety table, cross-validated: precision and recall per class.

    python -m eval safety [--folds 5] [--show-misses]

The table (chatbot/guards/safety_table.jsonl; labels and sources in safety_table.md) is what the
router's models learn from, so it is scored by k-fold cross-validation: each fold's messages are
routed by models trained on the other folds, through the whole router (patterns, cues and models).
Folds are fixed (row i goes to fold i mod k), so the numbers are reproducible. A message counts as
"crisis" when routed to the 988 reply; "fraud" when refused as fraud or led by the fraud reply;
"guarantee"/"phishing" when led by that reply. Exit status 1 if crisis recall is below 1.0.
"""
from __future__ import annotations

import argparse

from chatbot.guards import safety
from chatbot.guards.routing import classify

CLASSES = ("crisis", "fraud", "guarantee", "phishing")


def acted_on(text: str, model: safety.Model) -> str:
    """The safety class the router acted on for this message ("none" if it acted on none)."""
    d = classify(text, safety_model=model)
    if d.reason == "crisis":
        return "crisis"
    if d.reason == "fraud" or d.lead in ("fraud", "fraud_doubt"):
        return "fraud"
    return d.lead or "none"


def cross_validate(rows: list[dict], folds: int = 5) -> list[str]:
    """The class acted on for every row, each predicted by a model that never saw it."""
    preds = [""] * len(rows)
    for k in range(folds):
        train = [(r["text"], r["label"]) for i, r in enumerate(rows) if i % folds != k]
        model = safety.Model(train)
        for i in range(k, len(rows), folds):
            preds[i] = acted_on(rows[i]["text"], model)
    return preds


def table(rows: list[dict], preds: list[str]) -> dict[str, dict]:
    out = {}
    for c in CLASSES:
        tp = sum(p == c and r["label"] == c for r, p in zip(rows, preds))
        fp = sum(p == c and r["label"] != c for r, p in zip(rows, preds))
        fn = sum(p != c and r["label"] == c for r, p in zip(rows, preds))
        out[c] = {"n": tp + fn, "precision": round(tp / (tp + fp), 3) if tp + fp else None,
                  "recall": round(tp / (tp + fn), 3) if tp + fn else None}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval safety", description=__doc__.split("\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args(argv)
    rows = safety.load_table()
    preds = cross_validate(rows, args.folds)
    result = table(rows, preds)
    print(f"{safety.TABLE.name}: {len(rows)} messages, {args.folds}-fold cross-validation")
    print(f"{'class':<10} {'n':>4} {'precision':>9} {'recall':>7}")
    for c in CLASSES:
        r = result[c]
        print(f"{c:<10} {r['n']:>4} {r['precision'] if r['precision'] is not None else '-':>9} {r['recall']:>7}")
    negatives = [p for r, p in zip(rows, preds) if r["label"] == "none"]
    print(f"negatives acted on: {sum(p != 'none' for p in negatives)} of {len(negatives)}")
    if args.show_misses:
        for r, p in zip(rows, preds):
            if p != r["label"]:
                print(f"  {r['label']} -> {p}: {r['text'][:120]}")
    return 0 if result["crisis"]["recall"] == 1.0 else 1
