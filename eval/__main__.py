"""Command line: `python -m eval COMMAND ...`.

    run --dataset FILE --model embedded|fake|... --out DIR [--limit N] [--min-accuracy X]
    bench ...            throughput / latency benchmark of the generation engine
    modelbench ...       load time, tokens/s and memory of the model per quantization
    sai --cases FILE     SAI / Pell estimator against the Department's test ISIRs
    retrieval ...        retrieval recall (BM25, dense, hybrid) and query latency
    safety ...           safety routing (crisis, fraud, guarantee, phishing) on the held-out table
    load ...             N browser-like users against the real app on loopback (answered/busy/errors, latency)

Each command lives in its own module and is imported only when called.
"""
from __future__ import annotations

import sys

from chatbot.commands import dispatch

COMMANDS = {
    "run": "eval.runner:main",
    "bench": "eval.bench:main",
    "modelbench": "eval.model_bench:main",
    "sai": "eval.sai:main",
    "retrieval": "eval.retrieval_eval:main",
    "safety": "eval.safety_eval:main",
    "load": "eval.load:main",
}

if __name__ == "__main__":
    sys.exit(dispatch(COMMANDS, __doc__))
