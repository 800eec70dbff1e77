"""What one turn produces: streamed events, then a final `Answer` with its citations.

`pipeline.answer(question, history, session)` yields `Token` events while the reply streams and
ends with exactly one `Answer`. The UI, the CLI and the eval runner all consume this stream.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

# Routes a turn can take; the eval dataset's `expect` field is compared with these.
ROUTES = ("answer", "calculator", "refuse", "redirect", "warn_pii", "smalltalk", "abstain")


@dataclass(frozen=True)
class Citation:
    id: str
    title: str
    url: str
    award_year: str


@dataclass(frozen=True)
class Token:
    """A piece of streamed answer text."""

    text: str


@dataclass
class Answer:
    text: str
    citations: list[Citation] = field(default_factory=list)
    route: str = "answer"
    grounded: bool = True
    flags: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)
