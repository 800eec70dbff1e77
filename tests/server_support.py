"""A real OpenAI-compatible model server for the tests: `transformers serve` on 127.0.0.1 with the
embedded model's prepared folder (`make test` prepares it), started in seconds, killable and
restartable on the same port (tests/test_model_server.py)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.conftest import free_port


class ModelServer:
    def __init__(self, folder: Path, port: int | None = None):
        self.folder, self.port = folder, port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 120) -> "ModelServer":
        cli = Path(sys.executable).with_name("transformers")
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1"}
        self.proc = subprocess.Popen([str(cli), "serve", "--host", "127.0.0.1", "--port", str(self.port),
                                      str(self.folder)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"transformers serve exited with {self.proc.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=2):
                    return self
            except OSError:
                time.sleep(0.3)
        self.kill()
        raise RuntimeError("transformers serve did not start in time")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)


def embedded_folder() -> Path:
    from chatbot.config import load_settings
    from chatbot.model.embedded import prepare_embedded

    return prepare_embedded(load_settings().cache_dir, log=lambda *_: None)
