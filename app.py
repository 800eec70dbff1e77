"""Start the Student Aid Helper web app: `python app.py [--model ...] [--port 7860]` (see README)."""
from __future__ import annotations

import argparse
import sys

from chatbot.config import ConfigError, add_model_flags, settings_from_args


def parse_args(argv: list[str] | None = None):
    parser = argparse.ArgumentParser(description="Student Aid Helper: a chat assistant for US federal student aid.")
    add_model_flags(parser)
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (default 7860)")
    args = parser.parse_args(argv)
    try:
        return settings_from_args(args)
    except ConfigError as exc:
        parser.error(str(exc))


def main(argv: list[str] | None = None) -> int:
    settings = parse_args(argv)
    from chatbot.web import log_scrub

    log_scrub.install()  # before uvicorn and logging make handlers: they keep the stream they get
    import uvicorn

    from chatbot.model import ModelError
    from chatbot.model.registry import check_model
    from chatbot.pipeline import build_pipeline

    try:  # a wrong folder should stop us here, not surface later on /healthz
        check_model(settings)
    except ModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from chatbot.store.config import StorageConfigError
    from chatbot.store.retention import RetentionJob
    from chatbot.store.storage import open_store
    from chatbot.web.ui import create_app

    try:
        store = open_store(model=settings.model)
    except StorageConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    retention = RetentionJob(store).start()
    from chatbot.store.outbox import RetryingSink
    from chatbot.store.storage import Store

    # A database outage must not lose turns: failed writes wait in order and are retried.
    sink = RetryingSink(store) if isinstance(store, Store) else store
    limiter = None
    if settings.rate_limit_store == "database":
        if not isinstance(store, Store):
            print("error: rate_limit_store = database needs the store on (CHATBOT_STORAGE=on)", file=sys.stderr)
            return 2
        from chatbot.store.rate_limits import SharedRateLimiter
        from chatbot.web.ratelimit import RateLimiter

        limiter = SharedRateLimiter(store.engine, settings.rate_limit_per_minute,
                                    fallback=RateLimiter(settings.rate_limit_per_minute))
    slots = None
    if settings.shared_answer_limit:
        if not isinstance(store, Store):
            print("error: shared_answer_limit needs the store on (CHATBOT_STORAGE=on)", file=sys.stderr)
            return 2
        from chatbot.store.answer_slots import SharedAnswerSlots

        # A slot outlives any answer (the generation timeout) before a crashed replica's slot lapses.
        slots = SharedAnswerSlots(store.engine, settings.shared_answer_limit, hold_s=settings.generation_timeout_s * 2 + 30)
    app, _ = create_app(lambda: build_pipeline(settings), settings, feedback=sink, limiter=limiter, slots=slots)
    print(f"Student Aid Helper on http://{settings.host}:{settings.port} (model: {settings.model})", flush=True)
    try:
        # proxy_headers off: uvicorn would believe X-Forwarded-For from any local peer; which hops to
        # believe is the trusted_proxies setting (chatbot/web/http_limits.py).
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning", proxy_headers=False)
    finally:
        retention.stop()
        sink.close()  # writes what still waits (and closes the store)
    return 0


if __name__ == "__main__":
    sys.exit(main())
