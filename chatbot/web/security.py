"""HTTP security headers for the page and the widget, as pure functions.

Who may frame the chat is decided here: the full page only by itself (`frame-ancestors 'self'`), the
widget `/embed?school=ID` only by the origins in that school's profile. Origins are checked strictly
because a typo in a CSP source list is silently ignored by browsers (the widget would just not load).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs

# scheme://host[:port], nothing else: CSP source expressions allow paths and wildcards, but a school
# lists the exact sites that embed it, so anything looser is more likely a mistake than a wish.
_ORIGIN = re.compile(r"^(?P<scheme>https?)://(?P<host>[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*)"
                     r"(:(?P<port>\d{1,5}))?$")

# Besides frame-ancestors: no plugins, no <base> hijack, and images only from ourselves (the chat
# never shows external images; this stops one even if a sanitizer let it through).
_BASE_POLICY = "object-src 'none'; base-uri 'self'; img-src 'self' data: blob:"


class OriginError(ValueError):
    """An allowed origin is not of the form scheme://host[:port]."""


def check_origin(origin: object) -> str:
    """The origin, normalised (lowercase, no trailing slash), or OriginError saying what is wrong."""
    if not isinstance(origin, str):
        raise OriginError(f"origin must be text like https://www.example.edu, got {origin!r}")
    value = origin.strip().lower().rstrip("/")
    if "*" in value:
        raise OriginError(f"origin {origin!r}: wildcards are not allowed; list each site, e.g. https://www.example.edu")
    match = _ORIGIN.match(value)
    if not match:
        raise OriginError(f"origin {origin!r} must be scheme://host[:port] (http or https, no path), "
                          "e.g. https://www.example.edu or http://localhost:8000")
    port = match.group("port")
    if port is not None and not 1 <= int(port) <= 65535:
        raise OriginError(f"origin {origin!r}: port must be between 1 and 65535")
    return value


def frame_ancestors(origins: list[str] | tuple[str, ...] | None) -> str:
    """The frame-ancestors source list: None means 'self' (the page); [] means nobody."""
    if origins is None:
        return "'self'"
    return " ".join(check_origin(o) for o in origins) or "'none'"


def security_headers(ancestors: str = "'self'") -> dict[str, str]:
    """Headers for every response; `ancestors` is a frame_ancestors() value."""
    return {
        "Content-Security-Policy": f"frame-ancestors {ancestors}; {_BASE_POLICY}",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
    }


@dataclass(frozen=True)
class Decision:
    """What to do with one request: serve it with these frame ancestors, or show an error page."""

    ancestors: str = "'self'"
    error: str | None = None  # a message for the error page
    status: int = 200


# The error page may show inside any site's iframe: it has no controls to click-jack, and the web
# developer who pasted a wrong school id should see why, not an empty frame.
_ERROR_ANCESTORS = "*"


def decide(path: str, school_id: str | None, schools: dict) -> Decision:
    """Route-level policy: which ancestors may frame `path`, or why it is refused.

    `schools` maps id -> School (chatbot.web.schools). Only the HTML documents matter for framing; the
    widget's scripts and API calls get the default policy.
    """
    widget = path.rstrip("/") == "/embed"
    page = path in ("", "/")
    if not (widget or page):
        return Decision()
    if school_id is None or school_id == "":
        if widget:
            return Decision(_ERROR_ANCESTORS, "This chat widget needs a school id, like /embed?school=demo.", 400)
        return Decision()
    school = schools.get(school_id)
    if school is None:
        # The id is user input: the page repeats it only after html-escaping (see error_page).
        message = f"Unknown school id {school_id[:60]!r}. Check the school id in the embed code."
        return Decision(_ERROR_ANCESTORS, message, 404)
    return Decision(ancestors=frame_ancestors(school.allowed_origins) if widget else "'self'")


class SecurityHeadersMiddleware:
    """ASGI middleware: adds the headers to every response and answers refused requests itself.

    Plain ASGI, so Gradio's long-lived event streams pass through untouched (Starlette's
    BaseHTTPMiddleware re-wraps every response body).
    """

    def __init__(self, app, schools: dict):
        self.app, self.schools = app, schools

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        decision = decide(scope["path"], (query.get("school") or [None])[0], self.schools)
        headers = [(k.lower().encode(), v.encode()) for k, v in security_headers(decision.ancestors).items()]
        if decision.error:
            from chatbot.web.pages import error_page

            body = error_page(decision.error).encode()
            await send({"type": "http.response.start", "status": decision.status,
                        "headers": headers + [(b"content-type", b"text/html; charset=utf-8"),
                                              (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return
        ours = {k for k, _ in headers}

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in ours]
                message = {**message, "headers": kept + headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
