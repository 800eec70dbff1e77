"""Any OpenAI-compatible chat server behind the pipeline's LangChain seam: `--model openai:URL`.

    python app.py --model openai:http://127.0.0.1:8000/v1        # vLLM, `transformers serve`, llama.cpp

The server does the batching (vLLM in production; `transformers serve` or llama.cpp's server for one
box). This is LangChain's own `ChatOpenAI`, adapted to what the pipeline binds for the in-process
engine: `max_new_tokens` becomes `max_tokens`, `repetition_penalty` is dropped (not an OpenAI
parameter; servers reject unknown fields), and `cancel` (the stop button) ends the stream, which
closes the HTTP response so the server stops generating. Connection errors, 429 and 5xx are retried
with backoff by the OpenAI client (`max_retries`); what still fails raises, and the student gets the
web layer's kind "something went wrong" with the turn stored as failed. `health()` is what
`/healthz` reports.

Which model to ask for: the `served_model` setting, else the first the server lists. The API key
comes only from the environment (CHATBOT_OPENAI_API_KEY, else OPENAI_API_KEY; servers on one's own
machines often need none) and is never logged or stored in Settings.
"""
from __future__ import annotations

import json
import os
import threading
import time
import urllib.request
from typing import Any, Iterator

from langchain_openai import ChatOpenAI

from chatbot.model import ModelError

PREFIX = "openai:"
HEALTH_TTL_S = 2.0  # /healthz may be polled often; the server is asked at most this often


def base_url(model: str) -> str:
    url = model[len(PREFIX):].strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise ModelError(f"--model {PREFIX}URL needs an http(s) URL such as {PREFIX}http://127.0.0.1:8000/v1, got {url!r}")
    return url


def api_key() -> str:
    return os.environ.get("CHATBOT_OPENAI_API_KEY") or os.environ.get("OPENAI_API_KEY") or "none"


def _get_json(url: str, timeout: float) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {api_key()}"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def served_models(url: str, timeout: float = 5.0) -> list[str]:
    return [m["id"] for m in _get_json(f"{url}/models", timeout).get("data", []) if "id" in m]


class ServerChatModel(ChatOpenAI):
    def _server_kwargs(self, kwargs: dict) -> tuple[dict, Any]:
        cancel = kwargs.pop("cancel", None)
        kwargs.pop("repetition_penalty", None)
        if (limit := kwargs.pop("max_new_tokens", None)) is not None:
            kwargs["max_tokens"] = limit
        return kwargs, cancel

    def _stream(self, messages, stop=None, run_manager=None, **kwargs) -> Iterator:
        kwargs, cancel = self._server_kwargs(kwargs)
        chunks = super()._stream(messages, stop, run_manager, **kwargs)
        try:
            for chunk in chunks:
                if cancel is not None and cancel.is_set():
                    break
                yield chunk
        finally:
            chunks.close()  # leaves the response's context: the connection closes, the server stops

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        kwargs, _ = self._server_kwargs(kwargs)
        return super()._generate(messages, stop, run_manager, **kwargs)

    def get_num_tokens(self, text: str) -> int:
        # ChatOpenAI counts with tiktoken, which downloads its tables on first use; nothing here may
        # download at run time, and the server's tokenizer is not ours anyway. ~4 characters a token
        # is close for English and Spanish, and only trims the history that goes into the prompt.
        return max(1, len(text) // 4)

    def health(self) -> str | None:
        """None when the server answers, else why not (cached for HEALTH_TTL_S)."""
        now = time.monotonic()
        with _HEALTH_LOCK:
            cached = _HEALTH.get(self.openai_api_base)
            if cached and now - cached[0] < HEALTH_TTL_S:
                return cached[1]
        try:
            served_models(self.openai_api_base, timeout=2.0)
            problem = None
        except (OSError, ValueError) as exc:  # URLError, timeouts, refused, bad JSON
            problem = f"the model server at {self.openai_api_base} does not answer ({type(exc).__name__})"
        with _HEALTH_LOCK:
            _HEALTH[self.openai_api_base] = (now, problem)
        return problem


_HEALTH: dict[str, tuple[float, str | None]] = {}
_HEALTH_LOCK = threading.Lock()


def load_server_model(settings, log=print) -> ServerChatModel:
    url = base_url(settings.model)
    model = settings.served_model
    if not model:
        try:
            listed = served_models(url)
        except (OSError, ValueError) as exc:
            raise ModelError(f"the model server at {url} does not answer ({type(exc).__name__}); "
                             "start it first, or name the model with served_model") from None
        if not listed:
            raise ModelError(f"the model server at {url} lists no models; name one with served_model")
        model = listed[0]
    log(f"Using {model} on the OpenAI-compatible server at {url}")
    return ServerChatModel(base_url=url, api_key=api_key(), model=model, name=f"{PREFIX}{model}"[:200],
                           temperature=settings.temperature, timeout=settings.generation_timeout_s,
                           max_retries=settings.server_retries, streaming=True)
