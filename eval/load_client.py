"""One browser-like chat user, speaking the page's own protocol (what chromium sends, captured):

    GET  /                                  the page
    GET  /config                            event ids by name (start_turn, answer, end_turn, like)
    POST /gradio_api/run/predict            on_load, then per question start_turn (instant events)
    POST /gradio_api/queue/join             the answer joins the queue -> event_id (503/429: busy)
    GET  /gradio_api/queue/data             the session's event stream: estimation, process_starts,
                                            process_generating (each is new text), process_completed
    POST /gradio_api/run/predict            end_turn, then optionally a thumbs-up (like)

Each question ends as one `Outcome`: answered (with time to first text and to the whole answer),
busy (the friendly refusal: queue full or over the rate limit) or error (anything else, with why).
A question is *acknowledged* when its whole answer reached the client; `liked` when the server took
the thumbs-up. Used by `python -m eval load` and by the fault tests (tests/security/test_faults.py).
"""
from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass, field

import httpx

from chatbot.web.i18n import strings

# The page's busy notice, in either language: a "busy" reply in the chat is not an answer. (This was the
# word "busy", which the notice never starts with, so busy replies in the chat counted as answered.)
BUSY_NOTICES = tuple(strings(lang)["busy"][:40].lower() for lang in ("en", "es"))


@dataclass
class Outcome:
    question: str
    kind: str                   # answered | busy | error
    ttft_s: float | None = None  # join sent -> first text on screen
    total_s: float | None = None
    why: str = ""
    liked: bool = False


@dataclass
class Session:
    client: httpx.AsyncClient
    events: dict                # api_name -> fn_index
    forwarded_for: str          # this user's address, as a trusted proxy would send it
    session_hash: str = field(default_factory=lambda: secrets.token_hex(6))
    chat: list = field(default_factory=list)

    @property
    def headers(self) -> dict:
        return {"X-Forwarded-For": self.forwarded_for}

    async def run(self, name: str, data: list, event_data=None) -> httpx.Response:
        body = {"data": data, "event_data": event_data, "fn_index": self.events[name], "trigger_id": None,
                "session_hash": self.session_hash}
        return await self.client.post("/gradio_api/run/predict", json=body, headers=self.headers)

    async def open(self) -> None:
        (await self.client.get("/", headers=self.headers)).raise_for_status()
        (await self.run("on_load", [None])).raise_for_status()

    async def ask(self, question: str, like: bool = False, answer_timeout_s: float = 600) -> Outcome:
        started = await self.run("start_turn", [question, self.chat, None])
        if started.status_code != 200:
            return Outcome(question, "error", why=f"start_turn HTTP {started.status_code}")
        # The chat as the page holds it (Gradio's message format), sent back with the answer event.
        self.chat = self.chat + [{"role": "user", "metadata": None, "content": [{"text": question, "type": "text"}],
                                  "options": None}]
        t0 = time.monotonic()
        join = await self.client.post("/gradio_api/queue/join", headers=self.headers, json={
            "data": [self.chat, None], "event_data": None, "fn_index": self.events["answer"],
            "trigger_id": None, "session_hash": self.session_hash})
        if join.status_code in (429, 503):
            await self.run("turn_failed", [self.chat, None])
            return Outcome(question, "busy", why=f"HTTP {join.status_code}")
        if join.status_code != 200:
            return Outcome(question, "error", why=f"join HTTP {join.status_code}")
        outcome = await self._follow(question, join.json()["event_id"], t0, answer_timeout_s)
        await self.run("end_turn", [None])
        if outcome.kind == "answered" and like:
            liked = await self.run("like", [None], {"index": [len(self.chat) - 1, 0], "value": "", "liked": True})
            outcome.liked = liked.status_code == 200
        return outcome

    async def _follow(self, question: str, event_id: str, t0: float, timeout_s: float) -> Outcome:
        ttft = None
        params = {"session_hash": self.session_hash}
        async with self.client.stream("GET", "/gradio_api/queue/data", params=params, headers=self.headers,
                                      timeout=httpx.Timeout(timeout_s, connect=30)) as stream:
            if stream.status_code != 200:
                return Outcome(question, "error", why=f"stream HTTP {stream.status_code}")
            async for line in stream.aiter_lines():
                if not line.startswith("data:"):
                    continue
                msg = json.loads(line[5:])
                if msg.get("event_id") not in (event_id, None):
                    continue
                if msg.get("msg") == "process_generating" and ttft is None:
                    ttft = time.monotonic() - t0
                elif msg.get("msg") == "process_completed":
                    total = time.monotonic() - t0
                    if not msg.get("success"):
                        return Outcome(question, "error", why="process_completed without success")
                    chat = (msg.get("output") or {}).get("data", [None])[0]
                    text = _last_assistant(chat)
                    if text is None:
                        return Outcome(question, "error", why="no answer in the final chat")
                    self.chat = chat
                    if text.lower().startswith(BUSY_NOTICES):
                        return Outcome(question, "busy", why="busy in the chat")
                    return Outcome(question, "answered", ttft if ttft is not None else total, total)
                elif msg.get("msg") == "close_stream":
                    break
        return Outcome(question, "error", why="the stream ended before the answer")


def _last_assistant(chat) -> str | None:
    if not isinstance(chat, list) or not chat or not isinstance(chat[-1], dict):
        return None
    last = chat[-1]
    if last.get("role") != "assistant":
        return None
    content = last.get("content")
    if isinstance(content, list):  # Gradio's message format: [{"type": "text", "text": ...}]
        content = " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    return content if isinstance(content, str) else None


async def event_ids(client: httpx.AsyncClient) -> dict:
    config = (await client.get("/config")).json()
    return {d["api_name"]: d["id"] for d in config["dependencies"] if d.get("api_name")}
