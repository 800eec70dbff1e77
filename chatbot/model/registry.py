"""Which backend `--model` names: one table instead of `if settings.model == "fake"` branches.

    load_chat_model(settings)  -> the backend's model (the pipeline reaches it through
                                  chatbot/model/chat_model.py's LangChain seam)
    check_model(settings)      -> raises ModelError now for a name that cannot load (app start-up)

`fake` is the deterministic stand-in; `openai:URL` any OpenAI-compatible server (chatbot/model/server.py);
anything else (`embedded`, a folder, a hub id) is the local transformers backend.
"""
from __future__ import annotations

from typing import Callable

from chatbot.config import Settings


def _fake(settings: Settings, log) -> object:
    from chatbot.model.fake import FakeChatModel

    return FakeChatModel()


def _local(settings: Settings, log) -> object:
    from chatbot.model.local import load_chat_model  # torch + transformers: only this backend pays

    return load_chat_model(settings, log=log)


def _server(settings: Settings, log) -> object:
    from chatbot.model.server import load_server_model  # langchain-openai: only this backend pays

    return load_server_model(settings, log=log)


def _check_server(settings: Settings) -> None:
    from chatbot.model.server import base_url

    base_url(settings.model)  # the URL's form now; whether it answers is /healthz's to report


def _check_local(settings: Settings) -> None:
    if settings.model != "embedded":  # the embedded model is checked (and converted) when it loads
        from chatbot.model.local import resolve_model

        resolve_model(settings)


# (does this backend take the name?, load, check before serving)
BACKENDS: list[tuple[Callable[[str], bool], Callable, Callable[[Settings], None]]] = [
    (lambda name: name == "fake", _fake, lambda settings: None),
    (lambda name: name.startswith("openai:"), _server, _check_server),
    (lambda name: True, _local, _check_local),
]


def _backend(settings: Settings):
    return next((load, check) for takes, load, check in BACKENDS if takes(settings.model.strip()))


def load_chat_model(settings: Settings, log=print) -> object:
    return _backend(settings)[0](settings, log)


def check_model(settings: Settings) -> None:
    _backend(settings)[1](settings)
