"""Limits applied to raw HTTP requests, before Gradio parses or queues anything (plain ASGI).

- `BodyLimitMiddleware`: a request body larger than `max_bytes` gets 413 without being parsed. The
  body is read here first (whatever Content-Length claims), so a chunked upload cannot slip past.
- `QuestionLimitMiddleware`: each request that would join the answer queue (the page's and the
  widget's questions, `/gradio_api/call/chat`) is counted against the client's per-minute limit;
  over it, 429 with the "busy" message and nothing is queued, so refused requests hold no slot.
  (Gradio's page treats the refusal like a full queue: the chat says busy, the box comes back.)
- `client_address(peer, forwarded_for, trusted)`: whose limit a request counts against. Only the
  entries that our own proxies appended to X-Forwarded-For are believed; a client can write any
  value in front of them, so the header is never read when no proxy is configured.
"""
from __future__ import annotations

import asyncio
import json
import re
from typing import Callable

# Routes that put a job in Gradio's queue: the browser's join, and the simple API's calls (v1, v2).
_QUEUES = re.compile(r"/gradio_api/(?:queue/join|call/(?:v2/)?[^/]+)/?$")


def client_address(peer: str | None, forwarded_for: list[str], trusted: int) -> str:
    """The client's address given the TCP peer, the X-Forwarded-For header values, and how many
    proxies of ours sit in front (each appends the address it received the request from)."""
    if trusted <= 0:
        return peer or "unknown"
    hops = [h.strip() for value in forwarded_for for h in value.split(",") if h.strip()]
    if not hops:  # a request that bypassed the proxy: its peer is all we know
        return peer or "unknown"
    # With one proxy the client is the last entry; with two, the one before it; and so on. Fewer
    # entries than proxies means the first proxy saw the client directly: its entry is the client.
    return hops[-trusted] if len(hops) >= trusted else hops[0]


def scope_client(scope: dict, trusted: int) -> str:
    peer = (scope.get("client") or (None,))[0]
    forwarded = [v.decode("latin-1") for k, v in scope.get("headers", []) if k.lower() == b"x-forwarded-for"]
    return client_address(peer, forwarded, trusted)


async def respond(send, status: int, payload: dict) -> None:
    """A whole JSON response, sent by a middleware without calling the app."""
    body = json.dumps(payload).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def read_body(receive, max_bytes: int) -> bytes | None:
    """The whole request body, or None if the client left or it grew past `max_bytes`."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if size > max_bytes:
            return None
        if not message.get("more_body"):
            return b"".join(chunks)


def replaying(body: bytes, receive):
    """A `receive` that hands the app `body` (already read) and then waits for the disconnect."""
    replayed = False

    async def replay():
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


class BodyLimitMiddleware:
    def __init__(self, app, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        too_big = {"detail": f"Request too large: at most {self.max_bytes:,} bytes."}
        length = dict(scope.get("headers", [])).get(b"content-length", b"")
        if length.isdigit() and int(length) > self.max_bytes:
            return await respond(send, 413, too_big)
        body = await read_body(receive, self.max_bytes)
        if body is None:  # too big (a disconnect needs no answer, but one sent is simply dropped)
            return await respond(send, 413, too_big)
        await self.app(scope, replaying(body, receive), send)


class QuestionLimitMiddleware:
    """`allow(client) -> bool` is read on each request (tests and operators may swap the limiter)."""

    def __init__(self, app, allow: Callable[[str], bool], trusted_proxies: int, busy: str):
        self.app, self.allow, self.trusted, self.busy = app, allow, trusted_proxies, busy

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] == "POST" and _QUEUES.search(scope["path"]):
            # In a thread: with replicas the limit is a database round trip (store/rate_limits.py).
            if not await asyncio.to_thread(self.allow, scope_client(scope, self.trusted)):
                return await respond(send, 429, {"detail": self.busy})
        return await self.app(scope, receive, send)
