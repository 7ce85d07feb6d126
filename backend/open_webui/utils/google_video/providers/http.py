"""One HTTP exchange with a provider for the direct providers: timeouts and connection failures
become ProviderErrors, and every answer is scrubbed of the secrets before anyone reads it."""

import asyncio
import json as jsonlib
from dataclasses import dataclass
from typing import Any, Callable, Optional

import aiohttp

from open_webui.utils.google_video.providers.base import ProviderError
from open_webui.utils.google_video.redaction import redact

# Answers larger than this are parsed on a worker thread (a Vertex result can carry the video).
_THREAD_PARSE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Answer:
    status: int
    reason: str
    text: str  # scrubbed
    headers: dict[str, str]

    async def json(self) -> Any:
        try:
            if len(self.text) > _THREAD_PARSE_BYTES:
                return await asyncio.to_thread(jsonlib.loads, self.text)
            return jsonlib.loads(self.text)
        except ValueError:
            raise ProviderError("malformed", "the video service answered with invalid JSON", self.status)


class ProviderHttp:
    """Requests of one provider: its display name for messages, its session and its secrets."""

    def __init__(self, service: str, session: aiohttp.ClientSession, timeout: float, secrets: tuple[str, ...]):
        self.service = service
        self._session = session
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self.secrets = tuple(s for s in secrets if s)

    async def request(self, method: str, url: str, *, headers: dict, params: Optional[dict] = None,
                      json: Any = None, data: Any = None) -> Answer:
        try:
            async with self._session.request(method, url, headers=headers, params=params, json=json, data=data,
                                             timeout=self._timeout, allow_redirects=False) as resp:
                raw = await resp.read()
                status, reason, resp_headers = resp.status, resp.reason or "", dict(resp.headers)
        except asyncio.TimeoutError:
            raise ProviderError("timeout", f"{self.service} did not answer within {self._timeout.total:.0f} s")
        except (aiohttp.ClientError, ValueError) as e:  # ValueError: a URL aiohttp cannot use
            raise ProviderError("unreachable", f"{self.service} unreachable: {type(e).__name__}")
        text = raw.decode("utf-8", "replace")
        if len(text) > _THREAD_PARSE_BYTES:
            text = await asyncio.to_thread(redact, text, self.secrets)
        else:
            text = redact(text, self.secrets)
        return Answer(status, reason, text, resp_headers)

    async def json(self, method: str, url: str, *, headers: dict, error_for: Callable[[Answer], ProviderError],
                   **kwargs) -> Any:
        """The JSON of a 2xx answer; any other answer raises `error_for(answer)`."""
        answer = await self.request(method, url, headers=headers, **kwargs)
        if not 200 <= answer.status < 300:
            raise error_for(answer)
        return await answer.json()
