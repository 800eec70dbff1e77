"""Personal data never reaches the server's log: everything written to stdout and stderr is redacted.

Logging handlers, uvicorn's and Gradio's tracebacks (`traceback.print_exc`: Gradio puts the values a
call sent into its error messages, pasted SSNs included) and stray prints all end in these two
streams, so scrubbing the streams covers what a logging filter would miss. Text is held until its
line ends (a number split over two writes is still one number), then redacted and passed on.
"""
from __future__ import annotations

import io
import sys
import threading

from chatbot.guards import redact_pii

_MAX_LINE = 65_536  # a line longer than this is redacted and written in pieces


class RedactingStream(io.TextIOBase):
    def __init__(self, inner):
        self.inner, self._held, self._lock = inner, "", threading.Lock()

    def write(self, text: str) -> int:
        with self._lock:
            held = self._held + text
            end = held.rfind("\n") + 1
            if not end and len(held) > _MAX_LINE:
                end = len(held)
            self._held = held[end:]
            if end:
                self.inner.write(redact_pii(held[:end]).text)
        return len(text)

    def flush(self) -> None:
        with self._lock:
            if self._held:  # a prompt or progress bar without a newline
                self.inner.write(redact_pii(self._held).text)
                self._held = ""
            self.inner.flush()

    def isatty(self) -> bool:
        return self.inner.isatty()

    def fileno(self) -> int:
        return self.inner.fileno()

    @property
    def encoding(self):
        return getattr(self.inner, "encoding", "utf-8")


def install() -> None:
    """Wrap sys.stdout and sys.stderr (once). Call before logging or uvicorn create handlers: a
    handler keeps the stream object it was given."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if not isinstance(stream, RedactingStream):
            setattr(sys, name, RedactingStream(stream))
