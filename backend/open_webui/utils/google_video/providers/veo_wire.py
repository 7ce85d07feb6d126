"""Google Veo's wire format, shared by the Gemini API and Vertex AI (docs/providers/gemini_veo.md):
the predictLongRunning body, the long-running operation, Google's error envelope.

The two differ in a few fields (Vertex also takes seed, generateAudio, storageUri, gcsUri images
and style references; its result is `videos[]` instead of `generateVideoResponse.generatedSamples`),
passed in as flags so each provider module stays about its own endpoints and credentials.
"""

import asyncio
import base64
from typing import Any, Awaitable, Callable, ClassVar, Optional

from open_webui.utils.google_video.model_spec import ProviderSupport
from open_webui.utils.google_video.providers.base import (
    ProviderError,
    ProviderStatus,
    ResultSource,
    VideoJob,
    VideoProvider,
    retry_after_of,
)
from open_webui.utils.google_video.providers.http import Answer
from open_webui.utils.google_video.guards.redaction import provider_text
from open_webui.utils.google_video.task_status import TaskStatus

INLINE_PREFIX = "operation:"
# A video sent inline (base64 in the JSON body) to be extended; larger ones need a gs:// bucket.
MAX_INLINE_SOURCE_BYTES = 64 * 1024 * 1024
INLINE_RESULT_TIMEOUT_SECONDS = 300  # an operation that carries its video can be tens of MB  # a result that came as bytes is fetched again from its operation
_REFERENCE_TYPES = {"reference": "ASSET", "style_reference": "STYLE"}


def image_field(data_uri: str) -> dict:
    """A cleaned image (a data URI) as Google's Image: {bytesBase64Encoded, mimeType}."""
    head, _, data = data_uri.partition(",")
    return {"bytesBase64Encoded": data, "mimeType": head.removeprefix("data:").split(";", 1)[0]}


def support(*, vertex: bool) -> ProviderSupport:
    """What request_body() sends: extensions (instance.video), first/last frames and asset
    references; Vertex also seed, generateAudio and style references."""
    parameters = {"aspect_ratio", "duration", "resolution", "negative_prompt", "person_generation"}
    roles = {"first_frame", "first_last_frame", "components"}
    return ProviderSupport(
        operations=frozenset({"extend"}),
        image_roles=frozenset(roles | {"components_or_style"} if vertex else roles),
        parameters=frozenset(parameters | {"seed", "generate_audio"} if vertex else parameters),
    )


async def request_body(job: VideoJob, *, vertex: bool, storage_uri: str = "") -> dict:
    """The predictLongRunning body for `job`; only the fields the job sets are sent."""
    instance: dict[str, Any] = {"prompt": job.prompt}
    references = []
    for slot, image in zip(job.image_slots, job.images):
        if slot == "first_frame":
            instance["image"] = image_field(image)
        elif slot == "last_frame":
            instance["lastFrame"] = image_field(image)
        else:
            references.append({"image": image_field(image), "referenceType": _REFERENCE_TYPES[slot]})
    if references:
        instance["referenceImages"] = references
    if job.operation == "extend" and job.source is not None:
        instance["video"] = await _source_video(job, vertex)
    parameters: dict[str, Any] = {"sampleCount": 1}
    for wire, value in (("durationSeconds", job.duration_seconds), ("aspectRatio", job.aspect_ratio),
                        ("resolution", job.resolution), ("personGeneration", job.person_generation),
                        ("negativePrompt", job.negative_prompt)):
        if value is not None:
            parameters[wire] = value
    if job.enhance_prompt:
        parameters["enhancePrompt"] = True
    if vertex:
        if job.seed is not None:
            parameters["seed"] = job.seed
        if job.generate_audio is not None:
            parameters["generateAudio"] = job.generate_audio
        elif job.model.startswith("veo-3"):
            parameters["generateAudio"] = True  # Vertex requires the switch for Veo 3; Veo 3 has sound by default
        if storage_uri:
            parameters["storageUri"] = storage_uri
    parameters.update({k: v for k, v in job.extra.items() if k not in parameters})  # keys the admin allowed
    return {"instances": [instance], "parameters": parameters}


async def _source_video(job: VideoJob, vertex: bool) -> dict:
    ref = job.source.result_ref or ""
    if not vertex:
        if ref.startswith(INLINE_PREFIX) or not ref:
            raise ProviderError("rejected", "This video cannot be extended: Google returned it without a file to continue from.")
        return {"uri": ref}
    if ref.startswith("gs://"):
        return {"gcsUri": ref, "mimeType": "video/mp4"}
    data = await job.source.load()
    if len(data) > MAX_INLINE_SOURCE_BYTES:
        raise ProviderError("rejected", f"This video is larger than {MAX_INLINE_SOURCE_BYTES // 2**20} MB; to extend "
                                        "it, the administrator must set a result bucket (storage_uri) for Vertex AI.")
    encoded = await asyncio.to_thread(base64.b64encode, data)
    return {"bytesBase64Encoded": encoded.decode("ascii"), "mimeType": "video/mp4"}


def _result_of(response: dict, vertex: bool) -> tuple[list[dict], dict]:
    """The generated videos and the object carrying the filter counts."""
    if vertex:
        return [v for v in response.get("videos") or [] if isinstance(v, dict)], response
    generated = response.get("generateVideoResponse") or {}
    if not isinstance(generated, dict):
        generated = {}
    samples = [s.get("video") for s in generated.get("generatedSamples") or [] if isinstance(s, dict)]
    return [v for v in samples if isinstance(v, dict)], generated


def parse_operation(body: Any, *, vertex: bool) -> ProviderStatus:
    """A google.longrunning.Operation: running while `done` is not true; then `error` or `response`."""
    if not isinstance(body, dict) or not isinstance(body.get("name"), str):
        raise ProviderError("malformed", "the operation has no name")
    if body.get("done") is not True:
        return ProviderStatus(TaskStatus.IN_PROGRESS, "running")
    error = body.get("error")
    if isinstance(error, dict):
        message = provider_text(str(error.get("message") or "no message"))
        return ProviderStatus(TaskStatus.FAILURE, "error", fail_reason=f"{message} (code {error.get('code')})")
    response = body.get("response")
    if not isinstance(response, dict):
        return ProviderStatus(TaskStatus.FAILURE, "done", fail_reason="the operation finished without a response")
    videos, counts = _result_of(response, vertex)
    if not videos:
        filtered = counts.get("raiMediaFilteredCount") or 0
        reasons = [r for r in counts.get("raiMediaFilteredReasons") or [] if isinstance(r, str)]
        if filtered or reasons:
            reason = provider_text("; ".join(reasons) or f"{filtered} video(s) filtered")
            return ProviderStatus(TaskStatus.FAILURE, "filtered", fail_reason=reason, content_refused=True)
        return ProviderStatus(TaskStatus.SUCCESS, "done")  # the poller fails it: success without a video
    video = videos[0]
    ref = video.get("uri") or video.get("gcsUri")
    if not isinstance(ref, str) or not ref:
        ref = INLINE_PREFIX + body["name"]  # the bytes came inline; fetched again when stored
    return ProviderStatus(TaskStatus.SUCCESS, "done", progress=100, video_url=ref)


def inline_video(body: Any, vertex: bool) -> bytes:
    """The first video's bytes from a finished operation that carried them inline."""
    videos, _ = _result_of((body or {}).get("response") or {}, vertex) if isinstance(body, dict) else ([], {})
    encoded = videos[0].get("bytesBase64Encoded") or videos[0].get("encodedVideo") if videos else None
    if not isinstance(encoded, str):
        raise ProviderError("not_found", "the operation no longer carries the video")
    try:
        return base64.b64decode(encoded, validate=True)
    except ValueError:
        raise ProviderError("malformed", "the video in the operation is not valid base64")


async def inline_video_off_loop(body: Any, vertex: bool) -> bytes:
    return await asyncio.to_thread(inline_video, body, vertex)


def _retry_delay(details: Any) -> Optional[float]:
    """Google's documented backoff: a google.rpc.RetryInfo detail with retryDelay "1.5s"."""
    for detail in details if isinstance(details, list) else ():
        delay = detail.get("retryDelay") if isinstance(detail, dict) else None
        if isinstance(delay, str) and delay.endswith("s"):
            try:
                return max(0.0, float(delay[:-1]))
            except ValueError:
                return None
    return None


def error_for(service: str, answer: Answer) -> ProviderError:
    """Google's error envelope {"error": {code, message, status, details}} as a ProviderError."""
    body = answer.decoded()
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        error = {}
    word = str(error.get("status") or "")
    message = provider_text(str(error.get("message") or answer.text or answer.reason), answer.secrets)
    reasons = {d.get("reason") for d in error.get("details") or [] if isinstance(d, dict)}
    code = answer.status
    if "API_KEY_INVALID" in reasons or code == 401 or word == "UNAUTHENTICATED":
        return ProviderError("auth", f"{service} did not accept the credentials (HTTP {code} {word}): {message}", code)
    if code == 403 or word == "PERMISSION_DENIED":
        return ProviderError("auth", f"{service} denied permission (HTTP {code}): {message}", code)
    if code == 429 or word == "RESOURCE_EXHAUSTED":
        return ProviderError("rate_limited", f"{service} quota exhausted or rate limited (HTTP 429): {message}", code,
                             retry_after=_retry_delay(error.get("details")) or retry_after_of(answer.headers))
    if code == 404 or word == "NOT_FOUND":
        return ProviderError("not_found", f"{service} does not know it (HTTP 404): {message}", code)
    if code >= 500:
        return ProviderError("server", f"{service} error (HTTP {code} {word}): {message}", code)
    return ProviderError("rejected", f"{service} refused the request (HTTP {code} {word}): {message}", code)


class VeoProvider(VideoProvider):
    """What the Gemini API and Vertex AI share: operations polled by name, inline results."""

    vertex: ClassVar[bool]
    _pace_queries: Optional[Callable[[], Awaitable[None]]] = None

    async def _operation(self, name: str, timeout: Optional[float] = None) -> Any:
        raise NotImplementedError

    async def query(self, external_task_id: str) -> ProviderStatus:
        if self._pace_queries is not None:
            await self._pace_queries()
        return parse_operation(await self._operation(external_task_id), vertex=self.vertex)

    async def _inline_result(self, ref: str) -> Optional[ResultSource]:
        """The video of a result that came inline, fetched again from its operation."""
        if not ref.startswith(INLINE_PREFIX):
            return None
        body = await self._operation(ref.removeprefix(INLINE_PREFIX), timeout=INLINE_RESULT_TIMEOUT_SECONDS)
        return ResultSource(data=await inline_video_off_loop(body, self.vertex))

    def _operation_name(self, answer: Any) -> str:
        name = answer.get("name") if isinstance(answer, dict) else None
        if not isinstance(name, str) or not 0 < len(name) <= 250 or "/operations/" not in name or ".." in name:
            raise ProviderError("malformed", f"{self.label} accepted the task but returned no operation name")
        return name
