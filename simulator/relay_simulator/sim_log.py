"""What every simulator shares for tests: a log of each request received (but /_sim/*) and the
/_sim/health, /_sim/reset, /_sim/stats and /_sim/requests endpoints, so tests can check exactly
what a client sent and where (e.g. that a key never went to the CDN) the same way on every wire.

An entry is {method, path, query, headers, json, form, time}: `path` as sent (percent-encoding
kept), repeated headers joined with ", ", `form` for urlencoded and multipart bodies (file parts
described by name, type, size, sha256 and image size)."""

import hashlib
import io
import json
import logging
import time
from typing import Callable
from urllib.parse import parse_qsl

from fastapi import FastAPI
from PIL import Image
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request

from relay_simulator.hostile_echo import EscapeHidden

log = logging.getLogger(__name__)


class RecordRequests:
    """ASGI middleware: reads the whole body, logs the request, then replays the body to the app."""

    def __init__(self, app, received: list):
        self.app, self.received = app, received

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"].startswith("/_sim/"):
            return await self.app(scope, receive, send)
        messages, body, more = [], b"", True
        while more:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            body += message.get("body", b"")
            more = message.get("more_body", False)
        self.received.append(await _describe(scope, body))

        async def replay():
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)


async def _describe(scope, body: bytes) -> dict:
    headers: dict[str, str] = {}
    for name, value in scope["headers"]:
        name, value = name.decode("latin-1").lower(), value.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    content_type = headers.get("content-type", "")
    form = parsed = None
    if content_type.startswith("application/x-www-form-urlencoded"):
        form = dict(parse_qsl(body.decode("latin-1"), keep_blank_values=True))
    elif content_type.startswith("multipart/form-data"):
        form = await _multipart(scope, body)
    elif body:
        try:
            parsed = json.loads(body)
        except ValueError:
            pass
    path = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
    return {"method": scope["method"], "path": path,
            "query": dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)),
            "headers": headers, "json": parsed, "form": form, "time": time.time()}


async def _multipart(scope, body: bytes):
    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        async with Request(scope, receive).form() as form:
            return {k: v if isinstance(v, str) else _describe_file(v, await v.read()) for k, v in form.multi_items()}
    except (HTTPException, MultiPartException) as exc:  # malformed: the handler answers it
        log.info("unparsable multipart body to %s: %s", scope["path"], exc)
        return None


def _describe_file(upload, data: bytes) -> dict:
    try:
        width, height = Image.open(io.BytesIO(data)).size
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        width = height = None
    return {"filename": upload.filename, "content_type": upload.content_type, "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(), "width": width, "height": height}


def install_sim_routes(app: FastAPI, stats: Callable[[], dict], reset: Callable[[], None],
                       record: bool = True) -> list[dict]:
    """Serves /_sim/* and, with `record`, logs requests; returns the (live) request log.
    Without `record` (the relay simulator: benchmarks send it hundreds of thousands of polls and
    megabytes of base64 images) the log stays empty."""
    received: list[dict] = []
    app.add_middleware(EscapeHidden)
    if record:
        app.add_middleware(RecordRequests, received=received)

    @app.get("/_sim/health")
    async def health():
        return {"ok": True}

    @app.post("/_sim/reset")
    async def reset_all():
        received.clear()
        reset()
        return {"ok": True}

    @app.get("/_sim/stats")
    async def stats_now():
        return stats()

    @app.get("/_sim/requests")
    async def requests():
        if not record:  # an empty list would make "nothing reached the wire" checks pass unchecked
            raise HTTPException(404, "this simulator keeps no request log")
        return {"requests": received}

    return received
