"""The server's stdout and stderr pass through `RedactingStream` (installed by app.py)."""
from __future__ import annotations

import io
import logging
import sys
import traceback

from chatbot.web.log_scrub import RedactingStream, install


def test_lines_are_redacted_even_when_a_number_arrives_in_two_writes():
    out = io.StringIO()
    stream = RedactingStream(out)
    stream.write("Received inputs: ['my ssn is 123-45")
    assert out.getvalue() == ""  # held until the line ends
    stream.write("-6789']\nnext line, no newline yet: call (415) 555-0134")
    assert out.getvalue() == "Received inputs: ['my ssn is [SSN removed]']\n"
    stream.flush()
    assert out.getvalue().endswith("call [phone removed]") and "555-0134" not in out.getvalue()


def test_ordinary_log_lines_pass_unchanged():
    out = io.StringIO()
    stream = RedactingStream(out)
    line = "Student Aid Helper on http://127.0.0.1:7860 (model: fake)\nERROR: request to /gradio_api/x failed\n"
    stream.write(line)
    assert out.getvalue() == line


def test_a_huge_line_without_a_newline_is_written_in_redacted_pieces():
    out = io.StringIO()
    stream = RedactingStream(out)
    stream.write("ssn 123-45-6789 " + "x" * 70_000)
    assert out.getvalue().startswith("ssn [SSN removed] ") and len(out.getvalue()) > 65_000


def test_installed_streams_scrub_logging_and_tracebacks(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(sys, "stderr", out)
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    install()
    install()  # once only: not wrapped twice
    assert isinstance(sys.stderr, RedactingStream) and sys.stderr.inner is out
    handler = logging.StreamHandler()  # takes sys.stderr now, as uvicorn's handlers do
    logger = logging.getLogger("tests.scrub")
    logger.addHandler(handler)
    try:
        try:
            raise ValueError("Received inputs: ['routing 021000021 account 123456789012']")
        except ValueError:
            logger.exception("handler failed for user@example.com")
            traceback.print_exc()
    finally:
        logger.removeHandler(handler)
    sys.stderr.flush()
    text = out.getvalue()
    assert "ValueError" in text and "user@example.com" not in text
    assert "021000021" not in text and "123456789012" not in text
