"""Asking the running app through its simple API, as a script or an attacker would."""
from __future__ import annotations

import json

import httpx


def ask(client: httpx.Client, message: object, headers: dict | None = None) -> str:
    """One question through `/gradio_api/call/chat`; the answer text (raises on a refused call)."""
    # Escaped JSON (json.dumps' default), as browsers send it: "\ud800" arrives as the escape.
    started = client.post("/gradio_api/call/chat", content=json.dumps({"data": [message]}),
                          headers={"Content-Type": "application/json", **(headers or {})})
    started.raise_for_status()
    stream = client.get(f"/gradio_api/call/chat/{started.json()['event_id']}", headers=headers or {})
    event = None
    for line in stream.text.splitlines():
        if line.startswith("event: "):
            event = line[len("event: "):]
        elif line.startswith("data: ") and event == "complete":
            return json.loads(line[len("data: "):])[0]
    raise AssertionError(f"no answer in the stream: {stream.text[:500]!r}")


def event_index(client: httpx.Client, api_name: str) -> int:
    """The page's event id (Gradio's fn_index) of the handler named `api_name`."""
    return next(d["id"] for d in client.get("/config").json()["dependencies"] if d.get("api_name") == api_name)
