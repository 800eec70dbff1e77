"""Where the conversation store lives and how long it keeps rows, read from the environment.

    CHATBOT_STORAGE          on (default) | off: off stores nothing at all (NullStore)
    CHATBOT_DATABASE_URL     SQLAlchemy URL; default sqlite:///<data dir>/chatbot.db
                             (PostgreSQL: postgresql+psycopg://user:pass@host/db)
    CHATBOT_DATA_DIR         the data directory (default ~/.local/share/finaid-chatbot)
    CHATBOT_RETENTION_DAYS   rows older than this are deleted by the retention job (default 180)
    CHATBOT_HASH_SALT        salt for client_hash(); unset: a random salt per process

These live here, not in chatbot/config.py's Settings, until they are moved there; the names stay.
"""
from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

DEFAULT_RETENTION_DAYS = 180
# Without a configured salt the hashes change at every restart: fine for rate limiting, and a
# leaked log of hashes cannot be matched against a list of addresses from another day.
_PROCESS_SALT = secrets.token_hex(16)


class StorageConfigError(ValueError):
    """A storage setting has a value we cannot use; the message names the variable."""


@dataclass(frozen=True)
class StorageConfig:
    enabled: bool
    url: str
    retention_days: int
    hash_salt: str | None


def default_data_dir(env: Mapping[str, str]) -> Path:
    return Path(env.get("CHATBOT_DATA_DIR") or Path.home() / ".local" / "share" / "finaid-chatbot").expanduser()


def storage_config(env: Mapping[str, str] | None = None) -> StorageConfig:
    env = os.environ if env is None else env
    switch = env.get("CHATBOT_STORAGE", "on").strip().lower()
    if switch not in ("on", "off"):
        raise StorageConfigError(f"CHATBOT_STORAGE must be 'on' or 'off', got {switch!r}")
    raw_days = env.get("CHATBOT_RETENTION_DAYS", str(DEFAULT_RETENTION_DAYS))
    try:
        days = int(raw_days)
    except ValueError:
        raise StorageConfigError(f"CHATBOT_RETENTION_DAYS must be a whole number of days, got {raw_days!r}") from None
    if days < 1:
        raise StorageConfigError(f"CHATBOT_RETENTION_DAYS must be at least 1, got {days}")
    url = env.get("CHATBOT_DATABASE_URL") or f"sqlite:///{default_data_dir(env) / 'chatbot.db'}"
    return StorageConfig(switch == "on", url, days, env.get("CHATBOT_HASH_SALT") or None)


def client_hash(ip: str, salt: str | None = None) -> str:
    """A salted SHA-256 of a client address, for rate limiting: the address itself is never stored."""
    salt = salt or _PROCESS_SALT
    return hashlib.sha256(f"{salt}\0{ip}".encode()).hexdigest()
