"""Calls checked before Gradio sees them, and a kind reply when anything under us breaks (plain ASGI).

- `CallShapeMiddleware`: a POST to a surface's Gradio routes (`queue/join`, `run/NAME`, `call/NAME`,
  `call/v2/NAME`) must be a JSON object naming an event that exists, with one value per input of that
  event. Anything else gets 422 with what was wrong, never the values sent: Gradio would answer an
  unknown event with a bare 500 and write the received values, pasted SSNs included, into its error
  message and the server log.
- `ErrorMiddleware`: an exception that escapes the app becomes a JSON 500 with a kind message and one
  log entry, instead of Starlette's plain-text error, a re-raise and a dropped connection.

`surfaces` maps a mount path ("" for the page, "/embed" for the widget) to its Blocks; create_app
fills it after the Blocks are built (Starlette builds the middleware stack at the first request).
"""
from __future__ import annotations

import json
import logging
import re

from chatbot.web.http_limits import read_body, replaying, respond

log = logging.getLogger("chatbot.web.calls")

_ROUTE = re.compile(r"^(?P<mount>.*?)/gradio_api/(?:(?P<join>queue/join)|(?P<kind>run|api|call/v2|call)/(?P<name>[^/]+))/?$")
SORRY = "Something went wrong on our side. Please try again in a moment."


def _problem(body: object, fns: dict, route: re.Match) -> str | None:
    """Why this call is malformed, or None. `fns` is the surface's {id: BlockFunction}."""
    if not isinstance(body, dict):
        return "the request body must be a JSON object"
    name, kind = route["name"], route["kind"]
    index = body.get("fn_index")
    if route["join"] or (kind in ("run", "api") and index is not None):
        if type(index) is not int or index not in fns:
            return "unknown fn_index"
        fn = fns[index]
    else:
        fn = next((f for f in fns.values() if f.api_name == name), None)
        if fn is None:
            return "unknown endpoint"
    if kind == "call/v2":  # named arguments: Gradio maps them onto the inputs itself
        return None
    data = body.get("data")
    if not isinstance(data, list):
        return "data must be a list with one value per input"
    # The simple API may leave out inputs that take no value from the caller (the request, state).
    wanted = {len(fn.inputs)} | ({len([b for b in fn.inputs if not getattr(b, "skip_api", False)])}
                                 if kind == "call" else set())
    if len(data) not in wanted:
        return f"this endpoint takes {' or '.join(map(str, sorted(wanted)))} input value(s), got {len(data)}"
    return None


class CallShapeMiddleware:
    def __init__(self, app, surfaces: dict, max_bytes: int):
        self.app, self.surfaces, self.max_bytes = app, surfaces, max_bytes

    async def __call__(self, scope, receive, send):
        route = _ROUTE.match(scope["path"]) if scope["type"] == "http" and scope["method"] == "POST" else None
        blocks = self.surfaces.get(route["mount"]) if route else None
        if blocks is None:
            return await self.app(scope, receive, send)
        raw = await read_body(receive, self.max_bytes)
        if raw is None:
            return await respond(send, 413, {"detail": "Request too large."})
        try:
            body = json.loads(raw)
        except ValueError:  # includes bytes that are not UTF-8
            return await respond(send, 400, {"detail": "Malformed request: the body is not JSON."})
        problem = _problem(body, blocks.fns, route)
        if problem:
            return await respond(send, 422, {"detail": f"Malformed request: {problem}."})
        await self.app(scope, replaying(raw, receive), send)


class ErrorMiddleware:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def watching(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watching)
        except Exception:
            log.exception("request to %s failed", scope["path"])
            if not started:  # otherwise the client already has a status; the stream just ends
                await respond(send, 500, {"detail": SORRY})
