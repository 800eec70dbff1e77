"""A deterministic stand-in for the chat model, for tests and the eval floor (`--model fake`).

It fakes only the narrowest seam, `ChatModel.stream`: it reads the numbered passages the pipeline put
in the last user message and "answers" by repeating the first one, word by word, through the same
`Generation` object the real model uses (so stop strings and cancellation behave the same).
"""
from __future__ import annotations

import re
import threading

from chatbot.model.generation import Generation

PASSAGE = re.compile(r"^\[1\][^\n]*\n(?P<body>.+?)(?=^\[\d+\]|\Z)", re.S | re.M)
FALLBACK = "I can help with questions about federal student aid, such as the FAFSA, Pell Grants and loans."


class FakeChatModel:
    name = "fake"
    context_length = 8192

    def __init__(self, reply: str | None = None):
        self.reply = reply  # a fixed reply, for tests that need one
        self.calls: list[list[dict]] = []

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def compose(self, messages: list[dict]) -> str:
        if self.reply is not None:
            return self.reply
        last = next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")
        match = PASSAGE.search(last)
        return match.group("body").strip() if match else FALLBACK

    def stream(self, messages: list[dict], *, max_new_tokens: int | None = None, stop=(), cancel=None, **_) -> Generation:
        self.calls.append(messages)
        words = self.compose(messages).split(" ")[: max_new_tokens or None]
        generation = Generation(lambda ids: "", stop=tuple(stop), cancel=cancel or threading.Event(),
                                prompt_tokens=sum(self.count_tokens(m["content"]) for m in messages),
                                max_new_tokens=max_new_tokens)
        for i, word in enumerate(words):
            if generation.cancel.is_set():
                generation.finish_reason = generation.finish_reason or "cancelled"
                break
            generation.feed_text(word if i == 0 else " " + word)
        generation.finish(None)
        return generation

    def generate(self, messages: list[dict], **kwargs) -> str:
        return "".join(self.stream(messages, **kwargs))
