"""Shared fixtures. Real components everywhere; only the chat model may be faked (FakeChatModel).

The embedded model is loaded once per session (converting it the first time takes ~25 s; `make test`
runs `python -m chatbot prepare` first so the suite finds it in the cache).
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


# Set by .ci/run for the storage tests; everything else named CHATBOT_* is a setting.
KEEP_ENV = {"CHATBOT_TEST_POSTGRES_URL"}


@pytest.fixture(scope="session", autouse=True)
def no_settings_from_the_shell():
    """A developer's shell cannot change results: every CHATBOT_* setting is cleared for the session
    (session-scoped so the shared model and retriever are built without them too). The cache dir
    (converted model, retrieval index, quantization record) stays at its default: it holds only
    derived files keyed by their inputs, and a fresh one would convert the model again per run."""
    with pytest.MonkeyPatch.context() as patch:
        for name in [n for n in os.environ if n.startswith("CHATBOT_") and n not in KEEP_ENV]:
            patch.delenv(name)
        yield


@pytest.fixture(autouse=True)
def data_in_tmp(monkeypatch, tmp_path):
    """Turns and feedback a test stores go under its own tmp folder, never the developer's data."""
    monkeypatch.setenv("CHATBOT_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture(scope="session")
def embedded_model():
    """The default: the embedded model in `--quantization auto` (NF4 or float32, whichever this CPU
    runs faster; recorded by `make test`'s prepare step)."""
    from chatbot.config import load_settings
    from chatbot.model.local import load_chat_model

    return load_chat_model(load_settings(), log=lambda *_: None)


def _embedded_in(default, quantization: str):
    if default.settings.quantization == quantization:
        return default  # one copy in memory when auto chose this one
    from chatbot.config import load_settings
    from chatbot.model.local import load_chat_model

    return load_chat_model(load_settings(flags={"quantization": quantization}), log=lambda *_: None)


@pytest.fixture(scope="session")
def nf4_model(embedded_model):
    """The embedded model in 4-bit NF4 through bitsandbytes, whatever auto chose on this CPU."""
    return _embedded_in(embedded_model, "nf4")


@pytest.fixture(scope="session")
def fp32_model(embedded_model):
    """The embedded weights in float32 (`--quantization none`)."""
    return _embedded_in(embedded_model, "none")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, want: int = 200, timeout: float = 180.0, proc: subprocess.Popen | None = None) -> int:
    """Poll `url` until it answers `want`; fail early if the server process died."""
    deadline = time.monotonic() + timeout
    code = 0
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"server exited with {proc.returncode}: {proc.stdout.read() if proc.stdout else ''}")
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                code = resp.status
        except urllib.error.HTTPError as exc:
            code = exc.code
        except OSError:
            code = 0
        if code == want:
            return code
        time.sleep(0.5)
    raise AssertionError(f"{url} did not answer {want} within {timeout}s (last {code})")


@pytest.fixture
def start_app(tmp_path):
    """Start `python app.py ARGS` on a free port; yields a function returning (base_url, process).

    The app stores turns under a temporary data directory unless the test's env says otherwise."""
    procs: list[subprocess.Popen] = []

    def start(*args: str, env: dict | None = None):
        port = free_port()
        proc = subprocess.Popen(
            [sys.executable, "app.py", "--port", str(port), *args],
            cwd=ROOT, env={**os.environ, "CHATBOT_DATA_DIR": str(tmp_path / "data"), **(env or {})},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        procs.append(proc)
        return f"http://127.0.0.1:{port}", proc

    yield start
    for proc in procs:
        proc.kill()
        proc.wait(timeout=30)


def run_cli(*args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env={**os.environ, **(env or {})},
        capture_output=True, text=True, timeout=timeout,
    )


@pytest.fixture(scope="session")
def retriever():
    """The real knowledge base and hybrid retriever (index cached on disk between runs)."""
    from chatbot.config import load_settings
    from chatbot.kb.loader import load_kb
    from chatbot.model.embedder import load_embedder
    from chatbot.kb.retrieval import Retriever

    return Retriever.build(load_kb(), load_embedder(), load_settings().cache_dir)


class RecordingModel:
    """Wraps a chat model and keeps every message list it was sent (what the model 'saw')."""

    def __init__(self, model):
        self.model, self.seen = model, []
        self.name, self.context_length = model.name, model.context_length

    def count_tokens(self, text):
        return self.model.count_tokens(text)

    def stream(self, messages, **kwargs):
        self.seen.append(messages)
        return self.model.stream(messages, **kwargs)
