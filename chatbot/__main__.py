"""Command line: `python -m chatbot COMMAND ...`.

    ask "QUESTION" [--json] [--model ...]   one answer on stdout
    prepare [--model ...]                   convert/download the model once, so `make run` starts fast
    calc NAME --field value ... [--json]    run an aid calculator directly
    report [--school ID] [--since DATE] --out DIR   the aid office's report from stored turns

Each command lives in its own module and is imported only when called, so `--help` is instant.
"""
from __future__ import annotations

import sys

from chatbot.commands import dispatch

COMMANDS = {
    "ask": "chatbot.cli:ask_main",
    "prepare": "chatbot.cli:prepare_main",
    "calc": "chatbot.calculators.cli:main",
    "report": "chatbot.report.cli:main",
}

if __name__ == "__main__":
    sys.exit(dispatch(COMMANDS, __doc__))
