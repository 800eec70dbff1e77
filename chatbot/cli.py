"""`python -m chatbot ask "QUESTION" [--json]` and `python -m chatbot prepare`."""
from __future__ import annotations

import argparse
import json
import sys

from chatbot.answers import Answer, Token
from chatbot.config import ConfigError, add_model_flags, settings_from_args


def _settings(parser: argparse.ArgumentParser, argv: list[str]):
    args = parser.parse_args(argv)
    try:
        return args, settings_from_args(args)
    except ConfigError as exc:
        parser.error(str(exc))


def ask_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m chatbot ask", description="Answer one question.")
    parser.add_argument("question")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    add_model_flags(parser)
    args, settings = _settings(parser, argv)
    from chatbot.model import ModelError
    from chatbot.pipeline import build_pipeline

    log = lambda message: print(message, file=sys.stderr)  # noqa: E731 - stdout is for the answer
    try:
        pipeline = build_pipeline(settings, log=log)
    except ModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    final = None
    for event in pipeline.answer(args.question, []):
        if isinstance(event, Token) and not args.json:
            print(event.text, end="", flush=True)
        elif isinstance(event, Answer):
            final = event
    if args.json:
        print(json.dumps(final.to_json(), ensure_ascii=False))
    else:
        print()
    return 0


def prepare_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m chatbot prepare",
        description="Prepare the model once (convert the embedded GGUF, or check a folder/hub id).",
    )
    add_model_flags(parser)
    _, settings = _settings(parser, argv)
    from chatbot.model import ModelError, prepare_embedded, resolve_model

    try:
        if settings.model == "embedded":
            print(f"embedded model ready in {prepare_embedded(settings.cache_dir)}")
        else:
            source, is_hub = resolve_model(settings)
            print(f"model {'hub id' if is_hub else 'folder'}: {source}")
    except ModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
