"""Prompt files (prompts/*.md) loaded as LangChain chat prompt templates.

Prompts are data: edit the files, not the code. Templates use f-string `{variables}`; rendering with
a variable missing raises an error instead of sending a prompt with a hole in it.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from langchain_core.prompts import ChatPromptTemplate, MessagesPlaceholder

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"


class PromptError(KeyError):
    """A prompt file is missing or a template variable was not supplied."""


@lru_cache(maxsize=None)
def prompt_text(name: str, folder: Path = PROMPTS_DIR) -> str:
    path = folder / f"{name}.md"
    if not path.is_file():
        raise PromptError(f"prompt file not found: {path}")
    return path.read_text(encoding="utf-8").strip()


def chat_template(system: str, human: str = "{question}", with_history: bool = True) -> ChatPromptTemplate:
    """System prompt file + optional conversation history + the human turn template."""
    parts: list = [("system", prompt_text(system))]
    if with_history:
        parts.append(MessagesPlaceholder("history", optional=True))
    parts.append(("human", human))
    return ChatPromptTemplate.from_messages(parts)


def render(template: ChatPromptTemplate, **variables) -> list[dict]:
    """Render to plain role/content dicts, the format the model layer takes."""
    missing = set(template.input_variables) - set(variables)
    if missing:
        raise PromptError(f"prompt variables not supplied: {', '.join(sorted(missing))}")
    roles = {"system": "system", "human": "user", "ai": "assistant"}
    return [{"role": roles[m.type], "content": m.content} for m in template.invoke(variables).to_messages()]


class Reply:
    """A fixed reply template (prompts/replies/NAME.LANG.md): text plus the knowledge ids it cites."""

    def __init__(self, text: str, cite: list[str]):
        self.text, self.cite = text, cite

    def render(self, **variables) -> str:
        try:
            return self.text.format(**variables)
        except KeyError as exc:
            raise PromptError(f"reply variable not supplied: {exc.args[0]}") from None


@lru_cache(maxsize=None)
def reply(name: str, lang: str = "en", folder: Path = PROMPTS_DIR / "replies") -> Reply:
    path = folder / f"{name}.{lang}.md"
    if not path.is_file():
        path = folder / f"{name}.en.md"  # a reply not yet translated falls back to English
    if not path.is_file():
        raise PromptError(f"reply template not found: {folder / name}.{lang}.md")
    raw = path.read_text(encoding="utf-8")
    _, head, body = raw.split("---", 2) if raw.startswith("---") else ("", "", raw)
    import yaml

    meta = yaml.safe_load(head) or {}
    return Reply(body.strip(), list(meta.get("cite") or []))
