"""The seam every model is reached through: a LangChain `BaseChatModel`.

`LocalChatModel(engine=...)` turns any object with the model layer's
`stream(messages, max_new_tokens=, stop=, cancel=, ...) -> Generation` (chatbot/model/local.py's
ChatModel, chatbot/model/fake.py) into a chat model, so a turn is `prompt | chat_model` and any
LangChain chat model (an OpenAI-compatible server through LangChain's own client) can stand in.

- Streaming: one chunk per text piece; the last chunk carries `finish_reason` in its
  `response_metadata` and the token counts in `usage_metadata`.
- Stop strings: LangChain's `stop`; the model's own end-of-turn is the engine's business.
- Cancellation: stop iterating (or close the stream) and the generation is closed; a `cancel`
  event (the user's Stop button) may also be bound.
- `get_num_tokens(text)`: the engine's tokenizer, for trimming history.
"""
from __future__ import annotations

from typing import Any, Iterator

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

ROLES = {"system": "system", "human": "user", "ai": "assistant"}
# What the engine's stream() takes besides messages; anything else bound or passed is refused.
ENGINE_OPTIONS = ("max_new_tokens", "temperature", "cancel", "timeout_s", "repetition_penalty")


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

    def get_num_tokens(self, text: str) -> int:
        return self.engine.count_tokens(text)

    @property
    def context_length(self) -> int:
        return self.engine.context_length

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager=None,
                **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        unknown = set(kwargs) - set(ENGINE_OPTIONS)
        if unknown:
            raise TypeError(f"unknown generation option(s): {', '.join(sorted(unknown))}")
        options = {"max_new_tokens": self.max_new_tokens, **kwargs}
        generation = self.engine.stream(to_dicts(messages), stop=tuple(stop or ()), **options)
        try:
            for piece in generation:
                chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
                if run_manager is not None:
                    run_manager.on_llm_new_token(piece, chunk=chunk)
                yield chunk
            prompt, new = generation.prompt_tokens, generation.new_tokens
            info = {"finish_reason": generation.finish_reason}
            yield ChatGenerationChunk(
                message=AIMessageChunk(content="", response_metadata=info, usage_metadata={
                    "input_tokens": prompt, "output_tokens": new, "total_tokens": prompt + new}),
                generation_info=info)
        finally:
            generation.close()  # a consumer that stops early ends the model's loop too

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager=None,
                  **kwargs: Any) -> ChatResult:
        chunks = list(self._stream(messages, stop, run_manager, **kwargs))
        text = "".join(c.message.content for c in chunks)
        info = chunks[-1].generation_info if chunks else None
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text), generation_info=info)])


def as_chat_model(model) -> BaseChatModel:
    """A LangChain chat model as is; the model layer's engines (local, fake) wrapped."""
    if isinstance(model, BaseChatModel):
        return model
    return LocalChatModel(engine=model, name=getattr(model, "name", None))
