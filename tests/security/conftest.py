"""The real app (`python app.py --model fake`) on loopback, probed as an attacker would.

One app per module that needs it: stdout and stderr go to a file the tests read (nothing personal
may reach the log), turns go to a SQLite file the tests read column by column.
"""
from __future__ import annotations

import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest


@dataclass
class RunningApp:
    base: str
    proc: subprocess.Popen
    log: Path
    db: Path

    def client(self, **kwargs) -> httpx.Client:
        return httpx.Client(base_url=self.base, timeout=60, **kwargs)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def stored_text(self) -> str:
        """Every value of every column of every table, as one string (what a breach would leak)."""
        with sqlite3.connect(self.db) as db:
            tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            return "\n".join(str(v) for t in tables for row in db.execute(f'SELECT * FROM "{t}"') for v in row)

    def questions(self) -> list[str]:
        with sqlite3.connect(self.db) as db:
            return [r[0] for r in db.execute("SELECT question FROM turns ORDER BY rowid")]


def launch(folder: Path, **settings: str) -> RunningApp:
    """The app with the fake model, turns in `folder`/chat.db; `settings` as CHATBOT_<NAME> values."""
    from eval.load import launch as start

    folder.mkdir(parents=True, exist_ok=True)
    try:
        base, proc = start("fake", folder, {f"CHATBOT_{k.upper()}": v for k, v in settings.items()})
    except RuntimeError as exc:
        raise AssertionError(f"the app did not start ({exc}):\n{(folder / 'app.log').read_text()[-3000:]}") from None
    return RunningApp(base, proc, folder / "app.log", folder / "chat.db")


def stop(app: RunningApp) -> None:
    app.proc.kill()
    app.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """Behind one trusted proxy: each test names its own client in X-Forwarded-For, so the rate
    limit (20 a minute) of one test never touches another's."""
    running = launch(tmp_path_factory.mktemp("app"), trusted_proxies="1")
    yield running
    stop(running)


def as_client(address: str) -> dict:
    """Headers of a request our proxy forwarded for `address`."""
    return {"X-Forwarded-For": address}
