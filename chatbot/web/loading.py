"""The bot as the web app holds it: `BotHolder` loads the pipeline in a thread, so the server can
answer `/healthz` (503 while loading) at once. No gradio here.
"""
from __future__ import annotations

import logging
import threading
from typing import Callable

from chatbot.web.i18n import strings

log = logging.getLogger("chatbot.web.ui")

STARTING = strings("en")["starting"]
FAILED = strings("en")["failed"]


class BotHolder:
    """Holds the pipeline once it has loaded, or the reason it could not load."""

    def __init__(self, loader: Callable[[], object]):
        self._loader = loader
        self.pipeline = None
        self.error: str | None = None
        self.ready = threading.Event()

    def start(self) -> None:
        threading.Thread(target=self._load, name="load-model", daemon=True).start()

    def _load(self) -> None:
        try:
            self.pipeline = self._loader()
        except Exception as exc:  # shown on /healthz; the server stays up to say so
            log.exception("model failed to load")
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.ready.set()
