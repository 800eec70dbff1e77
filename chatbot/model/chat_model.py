"""The local engine as a LangChain chat model: `LocalChatModel(engine)`.

Any object with the model layer's `stream(messages, max_new_tokens=, stop=, ...)` (chatbot/model/local.py's
ChatModel or the fake) becomes a `BaseChatModel`, so `prompt | LocalChatModel(engine)` works and the
engine can stand wherever LangChain expects a chat model; the same seam lets an OpenAI-compatible
server (vLLM, `transformers serve`) take its place through LangChain's own client. The pipeline
itself calls `engine.stream` directly because it needs the Generation's cancel event and stats.
"""
from __future__ import annotations

from typing import Any, Iterator

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

ROLES = {"system": "system", "human": "user", "ai": "assistant"}


def to_dicts(messages: list[BaseMessage]) -> list[dict]:
    out = []
    for m in messages:
        if m.type not in ROLES:
            raise ValueError(f"unsupported message type {m.type!r}; use system, human or ai messages")
        out.append({"role": ROLES[m.type], "content": m.content if isinstance(m.content, str) else str(m.content)})
    return out


class LocalChatModel(BaseChatModel):
    engine: Any
    max_new_tokens: int = 256

    @property
    def _llm_type(self) -> str:
        return "finaid-local"

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager=None,
                **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        generation = self.engine.stream(to_dicts(messages), max_new_tokens=kwargs.get("max_new_tokens", self.max_new_tokens),
                                        stop=tuple(stop or ()))
        try:
            for piece in generation:
                chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
                if run_manager is not None:
                    run_manager.on_llm_new_token(piece, chunk=chunk)
                yield chunk
        finally:
            generation.close()  # a consumer that stops early ends the model's loop too

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager=None,
                  **kwargs: Any) -> ChatResult:
        text = "".join(c.message.content for c in self._stream(messages, stop, run_manager, **kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])
