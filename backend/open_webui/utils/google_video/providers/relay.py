"""The Veo task relay (docs/relay-api.md): the module's first provider.

The wire format and its quirks: a bare-string task id on submit, the result nested at
data.data.video_url, new-api error envelopes, QUEUED/UNKNOWN statuses, no cancel.
"""

import asyncio
import json as jsonlib
import logging
import re
import uuid
from typing import TYPE_CHECKING, Any, Optional

import aiohttp

from open_webui.utils.google_video.model_spec import ProviderSupport, VideoModel
from open_webui.utils.google_video.task_status import TaskStatus
from open_webui.utils.google_video.providers.base import (
    ProbeResult,
    ProviderContext,
    ProviderError,
    ProviderStatus,
    Setting,
    VideoJob,
    VideoProvider,
    probe_result,
    retry_after_of,
)
from open_webui.utils.google_video.providers import probe
from open_webui.utils.google_video.providers.http import ProviderHttp
from open_webui.utils.google_video.guards.redaction import provider_text, redact, scrub

if TYPE_CHECKING:
    from open_webui.models.google_video import GoogleVideoConfigModel

log = logging.getLogger(__name__)

_VEO3_RATIOS = ("16:9", "9:16")

SUBMIT_PATH = "/google/v1/models/veo/videos"
QUERY_PATH = "/google/v1/tasks/{task_id}"

# new-api based relays add QUEUED and UNKNOWN to the documented five; some speak lower case.
_STATUS_ALIASES = {
    "NOT_START": TaskStatus.NOT_START,
    "NOT_STARTED": TaskStatus.NOT_START,
    "PENDING": TaskStatus.NOT_START,
    "SUBMITTED": TaskStatus.SUBMITTED,
    "QUEUED": TaskStatus.QUEUED,
    "IN_PROGRESS": TaskStatus.IN_PROGRESS,
    "PROCESSING": TaskStatus.IN_PROGRESS,
    "RUNNING": TaskStatus.IN_PROGRESS,
    "SUCCESS": TaskStatus.SUCCESS,
    "SUCCEEDED": TaskStatus.SUCCESS,
    "COMPLETED": TaskStatus.SUCCESS,
    "FAILURE": TaskStatus.FAILURE,
    "FAILED": TaskStatus.FAILURE,
    "ERROR": TaskStatus.FAILURE,
}
_PROGRESS_RE = re.compile(r"^\s*(\d{1,3})(?:\.\d+)?\s*%?\s*$")


def normalize_status(raw: Any) -> Optional[TaskStatus]:
    """The module's state for a relay word; None for UNKNOWN (new-api relays) or anything unheard of."""
    if not isinstance(raw, str):
        return None
    return _STATUS_ALIASES.get(raw.strip().upper().replace("-", "_").replace(" ", "_"))


def parse_progress(raw: Any) -> Optional[int]:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        value = int(raw)
    elif isinstance(raw, str) and (m := _PROGRESS_RE.match(raw)):
        value = int(m.group(1))
    else:
        return None
    return max(0, min(100, value))


def _int_or_none(raw: Any) -> Optional[int]:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or raw <= 0:
        return None
    return int(raw)


def parse_task_status(body: Any) -> ProviderStatus:
    """Read a status response: the result URL is nested at data.data.video_url."""
    if not isinstance(body, dict):
        raise ProviderError("malformed", "relay status response is not a JSON object")
    if body.get("code") != "success":
        raise ProviderError("server", f"relay answered code {body.get('code')!r}: {_message_of(body)}")
    data = body.get("data")
    if not isinstance(data, dict):
        raise ProviderError("malformed", "relay status response has no data object")
    inner = data.get("data") if isinstance(data.get("data"), dict) else {}
    video_url = inner.get("video_url") or None
    if video_url is not None and not isinstance(video_url, str):
        video_url = None
    fail_reason = data.get("fail_reason")
    return ProviderStatus(
        status=normalize_status(data.get("status")),
        raw_status=str(data.get("status"))[:50],
        progress=parse_progress(data.get("progress")),
        fail_reason=provider_text(fail_reason) if isinstance(fail_reason, str) else "",
        video_url=video_url,
        submit_time=_int_or_none(data.get("submit_time")),
        start_time=_int_or_none(data.get("start_time")),
        finish_time=_int_or_none(data.get("finish_time")),
    )


def _message_of(body: Any, secrets: tuple[str, ...] = ()) -> str:
    if isinstance(body, dict):
        for candidate in (body.get("message"), (body.get("error") or {}).get("message") if isinstance(body.get("error"), dict) else None, body.get("detail")):
            if isinstance(candidate, str) and candidate:
                return provider_text(candidate, secrets)
    return ""


def _error_for_status(code: int, reason: str, raw: bytes, secrets: tuple[str, ...],
                      retry_after: Optional[float] = None) -> ProviderError:
    try:
        body = scrub(jsonlib.loads(raw), secrets)
    except ValueError:
        body = None
    detail = _message_of(body, secrets) or provider_text(raw.decode("utf-8", "replace"), secrets) or reason
    if code in (401, 403):
        return ProviderError("auth", f"relay rejected the API key (HTTP {code}): {detail}", code)
    if code == 429:
        return ProviderError("rate_limited", f"relay is rate limiting (HTTP 429): {detail}", code, retry_after=retry_after)
    if code >= 500:
        return ProviderError("server", f"relay error (HTTP {code}): {detail}", code)
    if isinstance(body, dict) and body.get("code") == "task_not_exist":
        return ProviderError("not_found", f"relay does not know this task: {detail}", code)
    return ProviderError("rejected", f"relay refused the request (HTTP {code}): {detail}", code)


class RelayProvider(VideoProvider):
    """One relay endpoint and key; shares the app's aiohttp session for connection reuse.

    aiohttp rather than httpx here: status polling is the module's steady load, and aiohttp
    spends about a tenth of httpx's CPU per request (measured: 0.15 ms vs 1.6 ms).
    """

    name = "relay"
    label = "Veo relay"
    public_results = True
    cannot_cancel_reason = ("The relay has no way to stop a generation once it has started; "
                            "the task runs to the end (a failure is refunded).")

    settings = (Setting("base_url", "base URL", destination=True), Setting("api_key", "API key", secret=True))
    # Image limits follow the relay documentation. The relay takes no duration, resolution, seed,
    # negative prompt or audio switch; Comfly's client sends aspect_ratio only to the veo3 family.
    models = (
        VideoModel("veo3", "Veo 3", "text", 100, aspect_ratios=_VEO3_RATIOS, default_duration=8),
        VideoModel("veo3-fast", "Veo 3 Fast", "text", 80, aspect_ratios=_VEO3_RATIOS, default_duration=8),
        VideoModel("veo3-pro", "Veo 3 Pro", "text", 150, aspect_ratios=_VEO3_RATIOS, default_duration=8),
        VideoModel("veo2", "Veo 2", "text", 80, default_duration=8),
        VideoModel("veo2-fast", "Veo 2 Fast", "text", 60, default_duration=8),
        VideoModel("veo2-pro", "Veo 2 Pro", "text", 120, default_duration=8),
        VideoModel("veo3-pro-frames", "Veo 3 Pro Frames", "image", 200, 1, "first_frame", default_duration=8),
        VideoModel("veo3-fast-frames", "Veo 3 Fast Frames", "image", 160, 1, "first_frame", default_duration=8),
        VideoModel("veo2-fast-frames", "Veo 2 Fast Frames", "image", 120, 2, "first_last_frame", default_duration=8),
        VideoModel("veo2-fast-components", "Veo 2 Fast Components", "image", 100, 3, "components", default_duration=8),
    )
    # submit() sends the prompt, the images and aspect_ratio; the relay has no remix or extension.
    supports = ProviderSupport(image_roles=frozenset({"first_frame", "first_last_frame", "components"}),
                               parameters=frozenset({"aspect_ratio"}))

    def __init__(self, context: ProviderContext, base_url: str, api_key: str):
        self._session = context.session
        # Every answer is scrubbed of these before it is parsed, so no relay text that echoes
        # them can reach a user, a task row, the ledger or a log.
        self._secrets = (api_key, *context.secrets)
        self._pace_queries = context.pace_queries  # user submits are never delayed; status polls are
        self._base_url = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"}
        self._timeout = aiohttp.ClientTimeout(total=context.timeout)

    @classmethod
    def setting_values(cls, config: "GoogleVideoConfigModel") -> dict[str, str]:
        # The first provider keeps its settings in the config table's own columns (older clients
        # and the seed's form send them as top-level base_url / api_key).
        return {"base_url": config.base_url, "api_key": config.api_key}

    @classmethod
    def trusted_origins(cls, config: "GoogleVideoConfigModel") -> list[str]:
        return [config.base_url] if config.base_url else []

    @classmethod
    def build(cls, config: "GoogleVideoConfigModel", context: ProviderContext) -> "RelayProvider":
        return cls(context, config.base_url, config.api_key)

    async def _request(self, method: str, path: str, json: Optional[dict] = None) -> Any:
        try:
            async with self._session.request(
                method, self._base_url + path, json=json, headers=self._headers, timeout=self._timeout
            ) as resp:
                status, reason, raw, headers = resp.status, resp.reason or "", await resp.read(), dict(resp.headers)
            raw = redact(raw.decode("utf-8", "replace"), self._secrets).encode()
        except asyncio.TimeoutError:
            raise ProviderError("timeout", f"relay did not answer within {self._timeout.total:.0f} s")
        except (aiohttp.ClientError, ValueError) as e:  # ValueError: a URL aiohttp cannot use
            raise ProviderError("unreachable", f"relay unreachable: {type(e).__name__}")
        if status != 200:
            raise _error_for_status(status, reason, raw, self._secrets, retry_after_of(headers))
        try:
            return scrub(jsonlib.loads(raw), self._secrets)  # again after decoding: escapes hide secrets
        except ValueError:
            raise ProviderError("malformed", "relay answered with invalid JSON", status)

    async def submit(self, job: VideoJob) -> str:
        """Submit a generation; returns the relay's task id. The doc's `data` is a bare string."""
        payload: dict[str, Any] = {"prompt": job.prompt, "model": job.model, "enhance_prompt": job.enhance_prompt}
        if job.images:
            payload["images"] = job.images
        if job.aspect_ratio:
            payload["aspect_ratio"] = job.aspect_ratio
        payload.update({k: v for k, v in job.extra.items() if k not in payload})  # keys the admin allowed
        body = await self._request("POST", SUBMIT_PATH, json=payload)
        if not isinstance(body, dict):
            raise ProviderError("malformed", "relay submit response is not a JSON object")
        if body.get("code") != "success":
            raise ProviderError("rejected", f"relay refused the task: {_message_of(body) or body.get('code')}")
        data = body.get("data")
        if isinstance(data, dict):  # tolerate relays that wrap the id in an object
            data = data.get("task_id") or data.get("id")
        if not isinstance(data, str) or not data.strip() or len(data) > 200:
            raise ProviderError("malformed", "relay accepted the task but returned no task id")
        return data.strip()

    async def query(self, external_task_id: str) -> ProviderStatus:
        if self._pace_queries is not None:
            await self._pace_queries()
        return parse_task_status(await self._request("GET", QUERY_PATH.format(task_id=external_task_id)))

    async def probe(self) -> ProbeResult:
        """Check reachability and the key without creating a billable task.

        Queries a task id that cannot exist: a relay answers 401/403 for a bad key before it looks
        the task up, and its own envelope (task_not_exist, HTTP 400 or 404) when the key is good; a
        404 without that envelope comes from a path the server does not have (probe.py). A relay
        that answers 200 (JSON) for an unknown id still proved the key works.
        """
        message = "Relay reachable and the API key was accepted."
        url = self._base_url + QUERY_PATH.format(task_id=f"connection-test-{uuid.uuid4()}")
        http = ProviderHttp("relay", self._session, self._timeout.total, self._secrets)
        try:
            answer = await http.request("GET", url, headers=self._headers)
        except ProviderError as e:
            return probe_result(e, message)
        return probe.from_answer(
            answer, error_for=lambda a: _error_for_status(a.status, a.reason, a.text.encode(), self._secrets),
            envelope=probe.relay_envelope, ok_message=message, method="GET", url=url,
            hint=probe.relay_hint(self._base_url), ok_statuses=(400, 404))
