"""HTTP security headers for the page and the widget, as pure functions.

Who may frame the chat is decided here: the full page only by itself (`frame-ancestors 'self'`), the
widget `/embed?school=ID` only by the origins in that school's profile. Origins are checked strictly
because a typo in a CSP source list is silently ignored by browsers (the widget would just not load).

Who may *call* the chat is decided here too: nobody but our own pages. The widget's iframe is served
from our origin, so its requests are same-origin; a request with another site's Origin that would
change something (POST...) is refused, and no response ever carries CORS grants (Gradio would echo
any Origin with credentials, letting any site drive the chat from its visitors' browsers). The API
description and the file-upload routes are not served (`_HIDDEN`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

# scheme://host[:port], nothing else: CSP source expressions allow paths and wildcards, but a school
# lists the exact sites that embed it, so anything looser is more likely a mistake than a wish.
_ORIGIN = re.compile(r"^(?P<scheme>https?)://(?P<host>[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*)"
                     r"(:(?P<port>\d{1,5}))?$")

# Besides frame-ancestors: everything from ourselves only. No plugins, no <base> hijack, images only
# from ourselves (the chat never shows external images; this stops one even if a sanitizer let it
# through), scripts and connections only to our origin. Gradio's page needs its inline config
# script and inline styles, and evaluates the `js=` steps of events with new Function().
_BASE_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
                "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
                "connect-src 'self'; worker-src 'self' blob:; form-action 'self'; object-src 'none'; "
                "base-uri 'self'")
# Not served: the API description (it lists every route), and Gradio's routes for files and
# recordings (the chat takes none; an open upload route is free anonymous disk space for anyone).
_HIDDEN = re.compile(r"/(?:openapi\.json|docs|redoc|gradio_api/(?:upload|process_recording|upload_progress))/?$")
_SAFE_METHODS = ("GET", "HEAD")


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


def same_origin(origin: str | None, hosts: list[str]) -> bool:
    """Whether a request's Origin header names the host it was sent to (no Origin: not a browser's
    cross-site request, e.g. a script; those go through the rate limit like anyone)."""
    if origin is None:
        return True
    parts = urlsplit(origin.strip().lower())
    if parts.scheme not in ("http", "https") or not parts.netloc:  # "null" (sandboxed frames, file://)
        return False
    return any(parts.netloc == h.strip().lower() for h in hosts if h.strip())


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
    """ASGI middleware: adds the headers to every response, drops CORS grants, and answers refused
    requests itself.

    Plain ASGI, so Gradio's long-lived event streams pass through untouched (Starlette's
    BaseHTTPMiddleware re-wraps every response body). Behind `trusted_proxies` reverse proxies the
    host the browser used may arrive as X-Forwarded-Host instead of Host.
    """

    def __init__(self, app, schools: dict, trusted_proxies: int = 0):
        self.app, self.schools, self.trusted = app, schools, trusted_proxies

    def _hosts(self, scope) -> list[str]:
        headers = [(k.lower(), v.decode("latin-1")) for k, v in scope.get("headers", [])]
        hosts = [v for k, v in headers if k == b"host"]
        if self.trusted:
            hosts += [v.split(",")[-1] for k, v in headers if k == b"x-forwarded-host"]
        return hosts

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        decision = decide(scope["path"], (query.get("school") or [None])[0], self.schools)
        origin = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k.lower() == b"origin"), None)
        if _HIDDEN.search(scope["path"]):
            decision = Decision(error="Not found.", status=404)
        elif scope["method"] not in _SAFE_METHODS and not same_origin(origin, self._hosts(scope)):
            decision = Decision(error="This chat only takes questions from its own pages.", status=403)
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
                kept = [(k, v) for k, v in message.get("headers", [])
                        if k.lower() not in ours and not k.lower().startswith(b"access-control-")]
                message = {**message, "headers": kept + headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
