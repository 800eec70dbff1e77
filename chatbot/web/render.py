"""Turn answers, citations and the help panel into the Markdown the chat shows.

Model output is untrusted text: it is shown as Markdown with every HTML tag escaped and image syntax
neutralised, so a prompt-injected `<script>` or `<img src=http://...>` appears as plain text and no
external image is ever fetched (a tracking pixel would leak who asked what). Gradio's own HTML
sanitizer and the page's `img-src 'self'` policy are the second and third lines of defence.

Nothing in a message becomes a link either: `[text](url)`, bare `https://...`, `www....` and
addresses are shown as text (a draft saying "log in at https://evil.example" would be phishing on a
page where people use their FSA ID). The only links are the citations, built from the knowledge base.
"""
from __future__ import annotations

import re
from html import escape

from chatbot.answers import Citation
from chatbot.web.schools import School

_URL = re.compile(r"^https?://[^\s<>\"'()\\]+$")
# What GFM turns into a link by itself: a scheme's "://", "www." and the "@" of an address. A
# backslash before the ":" / "." / "@" keeps the text as it reads and stops the autolink.
_AUTOLINK = re.compile(r"(?i)\b(?:https?|ftp)(?=://)|\bwww(?=\.)")


def safe_markdown(text: str) -> str:
    """Markdown with no raw HTML, no images, no links and no code spans (entities would show as &lt;...)."""
    text = text.replace("\\", "\\\\").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("`", "\\`").replace("[", "\\[").replace("]", "\\]")
    return _AUTOLINK.sub(lambda m: m.group() + "\\", text).replace("@", "\\@")


def _link(label: str, url: str | None, title: str) -> str:
    if not url or not _URL.match(url):
        return safe_markdown(label)
    return f'[{safe_markdown(label)}]({url} "{escape(title, quote=True)}")'


def citations_markdown(citations: list[Citation], s: dict) -> str:
    if not citations:
        return ""
    lines = [f"**{s['sources']}**", ""]
    # Two entries can cite the same page; one link to it is enough.
    unique = list({(c.title, c.url): c for c in citations}.values())  # first occurrence's position
    for i, c in enumerate(unique, 1):
        years = s["all_years"] if c.award_year in ("", "all") else s["award_year"].format(years=safe_markdown(c.award_year))
        lines.append(f"{i}. {_link(c.title, c.url, s['opens_new_tab'])} ({years})")
    return "\n".join(lines)


def answer_markdown(text: str, citations: list[Citation], s: dict, stopped: bool = False) -> str:
    parts = [safe_markdown(text.strip())] if text.strip() else []
    if stopped:
        parts.append(f"*{safe_markdown(s['stopped'])}*")
    sources = citations_markdown(citations, s)
    if sources:
        parts.append(sources)
    return "\n\n".join(parts)


def help_markdown(school: School | None, s: dict) -> str:
    lines = []
    if school is None:
        lines.append(s["help_your_school"])
    else:
        c = school.contact
        lines.append(s["help_school"].format(office=safe_markdown(c.office), school=safe_markdown(school.name)))
        details = []
        if c.phone:
            digits = re.sub(r"[^0-9+]", "", c.phone)
            details.append(f"{s['help_phone']}: [{safe_markdown(c.phone)}](tel:{digits})")
        if c.email:
            details.append(f"{s['help_email']}: [{safe_markdown(c.email)}](mailto:{c.email})")
        if c.url:
            details.append(f"{s['help_website']}: {_link(c.url, c.url, s['opens_new_tab'])}")
        if c.hours:
            details.append(f"{s['help_hours']}: {safe_markdown(c.hours)}")
        lines += [f"- {d}" for d in details]
    lines += ["", s["help_federal"], "", s["help_crisis"]]
    return "\n".join(lines)


def header_html(school: School | None, s: dict, compact: bool) -> str:
    """The page title, or the widget's school-coloured header. Every value is escaped."""
    if school is None or not compact:
        name = s["title"] if school is None else f"{s['title']} · {school.name}"
        return (f'<header class="page-header"><h1>{escape(name)}</h1>'
                f'<p>{escape(s["subtitle"])}</p></header>')
    return (f'<header class="school-header" style="background-color: {school.colour}; color: {school.text_colour}">'
            f'<h1>{escape(school.name)}</h1><p>{escape(s["widget_subtitle"])}</p></header>')
