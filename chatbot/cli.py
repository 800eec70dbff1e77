"""`python -m chatbot ask "QUESTION" [--json]` and `python -m chatbot prepare`."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from chatbot.answers import Answer
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
    parser.add_argument("--history", help='JSON file: earlier turns, [{"role": "user"|"assistant", "content": "..."}]')
    add_model_flags(parser)
    args, settings = _settings(parser, argv)
    history = _read_history(parser, args.history) if args.history else []
    from chatbot.model import ModelError
    from chatbot.pipeline import build_pipeline

    log = lambda message: print(message, file=sys.stderr)  # noqa: E731 - stdout is for the answer
    try:
        pipeline = build_pipeline(settings, log=log)
    except ModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    # The final Answer, not the streamed pieces: a reply that is not streamed (a redirect, a
    # calculator, a PII warning) printed nothing, and a replaced draft printed the wrong text.
    final = next(event for event in pipeline.answer(args.question, history) if isinstance(event, Answer))
    if args.json:
        print(json.dumps(final.to_json(), ensure_ascii=False))
    else:
        print(final.text)
    return 0


def _read_history(parser: argparse.ArgumentParser, path: str) -> list[dict]:
    try:
        turns = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        parser.error(f"--history {path}: {exc}")
    ok = isinstance(turns, list) and all(
        isinstance(t, dict) and t.get("role") in ("user", "assistant") and isinstance(t.get("content"), str)
        for t in turns
    )
    if not ok:
        parser.error(f'--history {path}: expected a list of {{"role": "user"|"assistant", "content": "..."}}')
    return turns


def prepare_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m chatbot prepare",
        description="Prepare the model once (convert the embedded GGUF, or check a folder/hub id).",
    )
    add_model_flags(parser)
    _, settings = _settings(parser, argv)
    from chatbot.model import ModelError
    from chatbot.model.local import pick_device, resolve_model, resolve_quantization
    from chatbot.model.embedded import prepare_embedded

    try:
        if settings.model == "embedded":
            source = str(prepare_embedded(settings.cache_dir))
            print(f"embedded model ready in {source}")
            # Decided here, once, so the first answer does not wait for the measurement.
            print(f"quantization: {resolve_quantization(settings, source, pick_device(settings.device))}")
        else:
            source, is_hub = resolve_model(settings)
            print(f"model {'hub id' if is_hub else 'folder'}: {source}")
    except ModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
