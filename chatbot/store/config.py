"""The store's view of the Settings (chatbot/config.py): on or off, the database URL, retention.

    CHATBOT_STORAGE          on (default) | off: off stores nothing at all (NullStore)
    CHATBOT_DATABASE_URL     SQLAlchemy URL; default sqlite:///<data dir>/chatbot.db
                             (PostgreSQL: postgresql+psycopg://user:pass@host/db)
    CHATBOT_DATA_DIR         the data directory (default ~/.local/share/finaid-chatbot)
    CHATBOT_RETENTION_DAYS   rows older than this are deleted by the retention job (default 180)

They are ordinary settings (also in a --config TOML file); this module only narrows them to what the
store needs and names the environment variable when one is wrong.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from chatbot.config import ConfigError, load_settings


class StorageConfigError(ValueError):
    """A storage setting has a value we cannot use; the message names the variable."""


@dataclass(frozen=True)
class StorageConfig:
    enabled: bool
    url: str
    retention_days: int


def storage_config(env: Mapping[str, str] | None = None) -> StorageConfig:
    try:
        settings = load_settings(env=dict(env) if env is not None else None)
    except ConfigError as exc:
        raise StorageConfigError(_variable(str(exc))) from None
    return StorageConfig(settings.storage == "on", settings.store_url, settings.retention_days)


def _variable(message: str) -> str:
    """'setting 'retention_days': ...' / 'retention_days must ...' -> the CHATBOT_ variable's name."""
    for name in ("storage", "database_url", "data_dir", "retention_days"):
        message = message.replace(f"setting {name!r}", f"CHATBOT_{name.upper()}")
        if message.startswith(f"{name} "):
            message = f"CHATBOT_{name.upper()}" + message[len(name):]
    return message
