"""Subcommand dispatch shared by `python -m chatbot` and `python -m eval`.

Each command is named by "module:function" and imported only when called, so `--help` stays instant
and a command's heavy dependencies load only for that command.
"""
from __future__ import annotations

import importlib
import sys


def dispatch(commands: dict[str, str], doc: str, argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(doc.strip())
        return 0 if argv else 2
    name, rest = argv[0], argv[1:]
    if name not in commands:
        print(f"unknown command {name!r}; choose one of: {', '.join(commands)}", file=sys.stderr)
        return 2
    module, func = commands[name].split(":")
    return int(getattr(importlib.import_module(module), func)(rest) or 0)
