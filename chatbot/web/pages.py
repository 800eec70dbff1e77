"""The two small HTML pages outside the chat: the error page and the embed-code page for a school."""
from __future__ import annotations

from html import escape

_HEAD = ('<!doctype html><html lang="en"><head><meta charset="utf-8">'
         '<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title></head>'
         '<body style="font-family: system-ui, sans-serif; margin: 1.5rem; color: #1a1a1a; background: #fff; '
         'line-height: 1.5"><main>')
_FEDERAL = ('<p>For help with federal student aid, call 1-800-4-FED-AID (1-800-433-3243) or visit '
            '<a href="https://studentaid.gov" target="_blank" rel="noopener noreferrer">studentaid.gov</a>.</p>')


def error_page(message: str) -> str:
    return (_HEAD.format(title="Student Aid Helper: not available")
            + '<h1 style="font-size: 1.25rem">This chat is not available here</h1>'
            + f"<p>{escape(message)}</p>" + _FEDERAL + "</main></body></html>")


def snippet_page(school_name: str, snippet: str, origins: tuple[str, ...]) -> str:
    allowed = "".join(f"<li><code>{escape(o)}</code></li>" for o in origins) or "<li>none yet</li>"
    return (_HEAD.format(title=f"Embed code: {escape(school_name)}")
            + f'<h1 style="font-size: 1.25rem">Embed the financial aid assistant: {escape(school_name)}</h1>'
            + "<p>Paste this code into your web page where the chat should appear.</p>"
            + '<label for="snippet" style="font-weight: 600">Embed code</label>'
            + f'<textarea id="snippet" readonly rows="8" style="display: block; width: 100%; font-family: monospace">'
            + f"{escape(snippet)}</textarea>"
            + "<p>The widget only loads on these sites (from the school profile's <code>allowed_origins</code>):</p>"
            + f"<ul>{allowed}</ul></main></body></html>")
