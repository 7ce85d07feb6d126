"""One HTTP exchange with a provider for the direct providers: timeouts and connection failures
become ProviderErrors, and every answer is scrubbed of the secrets before anyone reads it."""

import asyncio
import json as jsonlib
from dataclasses import dataclass
from typing import Any, Callable, Optional

import aiohttp

from open_webui.utils.google_video.providers.base import ProviderError
from open_webui.utils.google_video.guards.redaction import redact, scrub

# Answers larger than this are parsed on a worker thread (a Vertex result can carry the video).
_THREAD_PARSE_BYTES = 1024 * 1024
# No answer is larger (an operation carrying a long video inline is the largest).
MAX_ANSWER_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class Answer:
    status: int
    reason: str
    text: str  # scrubbed
    headers: dict[str, str]
    secrets: tuple[str, ...] = ()

    async def json(self) -> Any:
        if len(self.text) > _THREAD_PARSE_BYTES:
            return await asyncio.to_thread(self.decoded, True)
        return self.decoded(True)

    def decoded(self, strict: bool = False) -> Any:
        """The JSON, scrubbed again after decoding; None (or, strict, ProviderError) if it is not JSON."""
        try:
            return scrub(jsonlib.loads(self.text), self.secrets)
        except ValueError:
            if strict:
                raise ProviderError("malformed", "the video service answered with invalid JSON", self.status)
            return None


def _decode_and_redact(raw: bytes, secrets: tuple[str, ...]) -> str:
    return redact(raw.decode("utf-8", "replace"), secrets)


class ProviderHttp:
    """Requests of one provider: its display name for messages, its session and its secrets."""

    def __init__(self, service: str, session: aiohttp.ClientSession, timeout: float, secrets: tuple[str, ...]):
        self.service = service
        self._session = session
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self.secrets = tuple(s for s in secrets if s)

    async def request(self, method: str, url: str, *, headers: dict, params: Optional[dict] = None,
                      json: Any = None, data: Any = None, timeout: Optional[float] = None,
                      heavy: bool = False) -> Answer:
        """`heavy`: the JSON body carries images or a video (megabytes of base64), built off the loop."""
        if json is not None:
            data = await asyncio.to_thread(jsonlib.dumps, json) if heavy else jsonlib.dumps(json)
            headers = {**headers, "Content-Type": "application/json"}
        try:
            async with self._session.request(method, url, headers=headers, params=params, data=data,
                                             timeout=aiohttp.ClientTimeout(total=timeout) if timeout else self._timeout,
                                             allow_redirects=False) as resp:
                status, reason, resp_headers = resp.status, resp.reason or "", dict(resp.headers)
                chunks, size = [], 0
                async for chunk in resp.content.iter_chunked(1024 * 1024):
                    size += len(chunk)
                    if size > MAX_ANSWER_BYTES:
                        raise ProviderError("malformed", f"{self.service} answered with more than "
                                                         f"{MAX_ANSWER_BYTES // 2**20} MB")
                    chunks.append(chunk)
                raw = b"".join(chunks)
        except asyncio.TimeoutError:
            raise ProviderError("timeout", f"{self.service} did not answer within {self._timeout.total:.0f} s")
        except (aiohttp.ClientError, ValueError) as e:  # ValueError: a URL aiohttp cannot use
            raise ProviderError("unreachable", f"{self.service} unreachable: {type(e).__name__}")
        if len(raw) > _THREAD_PARSE_BYTES:
            text = await asyncio.to_thread(_decode_and_redact, raw, self.secrets)
        else:
            text = _decode_and_redact(raw, self.secrets)
        return Answer(status, reason, text, resp_headers, self.secrets)

    async def json(self, method: str, url: str, *, headers: dict, error_for: Callable[[Answer], ProviderError],
                   **kwargs) -> Any:
        """The JSON of a 2xx answer; any other answer raises `error_for(answer)`."""
        answer = await self.request(method, url, headers=headers, **kwargs)
        if not 200 <= answer.status < 300:
            raise error_for(answer)
        return await answer.json()
