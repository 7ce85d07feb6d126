"""Careless services repeat the caller's credential in an error text. Two ways it is done:

- plain (`[sim:echo_auth]`): the credential as it was sent;
- hidden (`[sim:echo_auth=hidden]`): in a text made longer than 64 KB, with no label a pattern
  could catch ("Bearer", "api key"), and written in the JSON body as \\uXXXX escapes: only a
  client that scrubs its secrets from the decoded text of a long string finds it.

The hidden form is marked inside the text with two private-use characters; `EscapeHidden`, an
ASGI middleware every simulator installs, rewrites the marked part of a JSON body as escapes."""

from typing import Optional

_OPEN, _CLOSE = "\ue000", "\ue001"
FILLER_CHARS = 70 * 1024


def echoed(scenario, what: str, credential: Optional[str]) -> str:
    """The echo appended to an error text under `scenario` ("" when it asks for none)."""
    if not scenario.echo_auth:
        return ""
    if scenario.echo_hidden:
        value = (credential or "").removeprefix("Bearer ")
        return f" (the caller sent {_OPEN}{value}{_CLOSE}) {'padding ' * (FILLER_CHARS // 8)}"
    return f" (request had {what}: {credential})"


def _escaped(text: str) -> str:
    return "".join(f"\\u{ord(c):04x}" for c in text)


def escape_marked(body: bytes) -> bytes:
    text = body.decode("utf-8")
    out, rest = [], text
    while _OPEN in rest:
        before, _, after = rest.partition(_OPEN)
        hidden, _, rest = after.partition(_CLOSE)
        out += [before, _escaped(hidden)]
    return "".join(out + [rest]).encode()


class EscapeHidden:
    """Rewrites marked credentials in JSON answers as escapes (other answers pass as they are)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        held: dict = {}

        async def rewriting_send(message):
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                if headers.get(b"content-type", b"").startswith(b"application/json"):
                    held["start"], held["body"] = message, b""
                    return
            elif "start" in held and message["type"] == "http.response.body":
                held["body"] += message.get("body", b"")
                if message.get("more_body"):
                    return
                body = escape_marked(held["body"]) if _OPEN.encode() in held["body"] else held["body"]
                start = held.pop("start")
                start["headers"] = [(k, v) for k, v in start["headers"] if k != b"content-length"] + [
                    (b"content-length", str(len(body)).encode())]
                await send(start)
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        await self.app(scope, receive, rewriting_send)
