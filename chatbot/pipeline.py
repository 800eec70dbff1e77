"""The one entry point for a turn: `Pipeline.answer(question, history, session)`.

It yields `Token` events while the reply streams and ends with one `Answer`. The model is reached
only through its `stream` method (chatbot/model.py, or the fake model in tests).

Foundation stage: the turn goes straight to the model with the system prompt; retrieval, routing
and guards plug in here (see DESIGN.md's data flow).
"""
from __future__ import annotations

import threading
from datetime import date
from typing import Iterator

from chatbot import award_year
from chatbot.answers import Answer, Token
from chatbot.config import Settings
from chatbot.prompts import chat_template, render


class Pipeline:
    def __init__(self, chat_model, settings: Settings | None = None, today: date | None = None):
        self.chat_model = chat_model
        self.settings = settings or Settings()
        self.today = today
        self.template = chat_template("system")

    def answer(
        self, question: str, history: list[dict] | None = None, session: dict | None = None,
        cancel: threading.Event | None = None,
    ) -> Iterator[Token | Answer]:
        today = self.today or date.today()
        messages = render(
            self.template, question=question, history=list(history or []),
            today=today.isoformat(), award_year=award_year.current(today)[0],
        )
        generation = self.chat_model.stream(
            messages, max_new_tokens=self.settings.max_new_tokens, cancel=cancel
        )
        pieces: list[str] = []
        try:
            for piece in generation:
                pieces.append(piece)
                yield Token(piece)
        finally:
            generation.close()  # the consumer left early (stop button, closed tab): end generation
        flags = ["model-only"] if generation.finish_reason != "cancelled" else ["model-only", "cancelled"]
        yield Answer(text="".join(pieces).strip(), route="answer", grounded=False, flags=flags)


def build_pipeline(settings: Settings, chat_model=None, log=print) -> Pipeline:
    """Load the model named by the settings (unless one is given) and wire up the turn."""
    if chat_model is None:
        if settings.model == "fake":
            from chatbot.fake_model import FakeChatModel

            chat_model = FakeChatModel()
        else:
            from chatbot.model import load_chat_model  # heavy: torch + transformers

            chat_model = load_chat_model(settings, log=log)
    return Pipeline(chat_model, settings)
