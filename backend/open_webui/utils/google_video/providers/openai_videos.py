"""OpenAI-compatible video generation (/v1/videos; docs/providers/openai_sora.md).

OpenAI closed its own Sora API on 2026-09-24; Azure AI Foundry, LiteLLM and new-api style
gateways keep the shape, so the base URL, the auth header (Bearer or Azure's api-key) and an
api-version query are the admin's. Create is multipart; `seconds` and `size` come from the
unified duration, aspect ratio and resolution; a first-frame image goes as `input_reference`,
fitted to the size (the service refuses an image of other dimensions). The result and its
thumbnail (the task's poster) are downloaded with the key from /videos/{id}/content.
"""

import asyncio
import io
import uuid
from typing import TYPE_CHECKING, Any

import aiohttp
from PIL import Image, ImageOps

from open_webui.utils.google_video.media import images
from open_webui.utils.google_video.model_spec import ProviderSupport, VideoModel
from open_webui.utils.google_video.providers.base import (
    ProbeResult,
    ProviderContext,
    ProviderError,
    ProviderStatus,
    ResultSource,
    Setting,
    VideoJob,
    VideoProvider,
    probe_result,
    retry_after_of,
)
from open_webui.utils.google_video.providers import probe
from open_webui.utils.google_video.providers.http import Answer, ProviderHttp
from open_webui.utils.google_video.guards.redaction import provider_text
from open_webui.utils.google_video.task_status import TaskStatus

if TYPE_CHECKING:
    from open_webui.models.google_video import GoogleVideoConfigModel

SERVICE = "the video gateway"
DEFAULT_BASE_URL = "https://api.openai.com/v1"
_STATUSES = {"queued": TaskStatus.QUEUED, "in_progress": TaskStatus.IN_PROGRESS,
             "completed": TaskStatus.SUCCESS, "failed": TaskStatus.FAILURE}
_REFUSAL_CODES = {"moderation_blocked", "content_policy_violation", "content_filter"}
# (aspect ratio, resolution) -> size; 1024p is sora-2-pro's larger size (1792x1024).
SIZES = {("16:9", "720p"): "1280x720", ("9:16", "720p"): "720x1280",
         ("16:9", "1024p"): "1792x1024", ("9:16", "1024p"): "1024x1792"}


def _sora(wire_id: str, name: str, price: int, resolutions: tuple[str, ...], image: bool) -> VideoModel:
    suffix, kind = (":image", "image") if image else ("", "text")
    return VideoModel(f"openai/{wire_id}{suffix}", name + (" (first frame)" if image else ""), kind, price,
                      max_images=1 if image else 0, image_role="first_frame" if image else None,
                      aspect_ratios=("16:9", "9:16"), durations=(4, 8, 12), default_duration=4, resolutions=resolutions,
                      operations=("remix",), wire_id=wire_id)


def video_size(job: VideoJob) -> str:
    return SIZES[(job.aspect_ratio or "9:16", job.resolution or "720p")]  # the API's default is 720x1280


def fit_image(data: bytes, size: str) -> tuple[bytes, str]:
    """The image cropped and scaled to cover `size` exactly, as PNG (runs on a worker thread)."""
    width, height = (int(n) for n in size.split("x"))
    with Image.open(io.BytesIO(data)) as image:
        if image.size == (width, height):
            return data, image.get_format_mimetype() or "image/png"
        fitted = ImageOps.fit(image.convert("RGB"), (width, height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    fitted.save(out, "PNG")
    return out.getvalue(), "image/png"


def error_for(answer: Answer) -> ProviderError:
    """The OpenAI envelope {"error": {message, type, param, code}} as a ProviderError."""
    body = answer.decoded()
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        error = {}
    code, status = str(error.get("code") or ""), answer.status
    message = provider_text(str(error.get("message") or answer.text or answer.reason), answer.secrets)
    if error.get("param"):
        message = f"{error['param']}: {message}"
    if status in (401, 403):
        return ProviderError("auth", f"{SERVICE} did not accept the API key (HTTP {status}): {message}", status)
    if status == 429:
        what = "quota is exhausted" if code == "insufficient_quota" else "is rate limiting"
        return ProviderError("rate_limited", f"{SERVICE} {what} (HTTP 429): {message}", status,
                             retry_after=retry_after_of(answer.headers))
    if status == 404:
        return ProviderError("not_found", f"{SERVICE} does not know it (HTTP 404): {message}", status)
    if status >= 500:
        return ProviderError("server", f"{SERVICE} error (HTTP {status}): {message}", status)
    if code in _REFUSAL_CODES:
        return ProviderError("rejected", f"{SERVICE} refused the content: {message}", status)
    return ProviderError("rejected", f"{SERVICE} refused the request (HTTP {status}): {message}", status)


def parse_video(body: Any) -> ProviderStatus:
    if not isinstance(body, dict) or not isinstance(body.get("id"), str):
        raise ProviderError("malformed", f"{SERVICE} answered without a video object")
    raw = str(body.get("status"))[:50]
    status = _STATUSES.get(raw)
    progress = body.get("progress")
    progress = max(0, min(100, int(progress))) if isinstance(progress, (int, float)) and not isinstance(progress, bool) else None
    times = {k: body[f] for k, f in (("submit_time", "created_at"), ("finish_time", "completed_at"))
             if isinstance(body.get(f), int) and body[f] > 0}
    if status == TaskStatus.FAILURE:
        error = body.get("error") if isinstance(body.get("error"), dict) else {}
        return ProviderStatus(status, raw, progress, fail_reason=provider_text(str(error.get("message") or "no reason given")),
                              content_refused=str(error.get("code")) in _REFUSAL_CODES, **times)
    return ProviderStatus(status, raw, progress, video_url=body["id"] if status == TaskStatus.SUCCESS else None, **times)


class OpenAIVideosProvider(VideoProvider):
    name = "openai"
    label = "OpenAI-compatible videos"
    cannot_cancel_reason = ("The video gateway has no way to stop a generation once it has started; "
                            "the task runs to the end (a failure is refunded).")
    settings = (
        Setting("api_key", "API key", secret=True),
        Setting("base_url", "base URL", required=False, destination=True, default=DEFAULT_BASE_URL,
                help="Up to /v1, e.g. https://RESOURCE.openai.azure.com/openai/v1 for Azure AI Foundry."),
        Setting("auth_header", "auth header", required=False, default="bearer", choices=("bearer", "api-key"),
                help="bearer: Authorization: Bearer KEY; api-key: Azure's api-key header."),
        Setting("api_version", "api-version", required=False, help="Sent as ?api-version= when set (Azure)."),
    )
    models = (
        _sora("sora-2", "Sora 2", 100, ("720p",), image=False),
        _sora("sora-2", "Sora 2", 120, ("720p",), image=True),
        _sora("sora-2-pro", "Sora 2 Pro", 250, ("720p", "1024p"), image=False),
        _sora("sora-2-pro", "Sora 2 Pro", 280, ("720p", "1024p"), image=True),
    )
    # The create form carries seconds, a size (SIZES: two ratios by two resolutions) and one
    # input_reference image; a remix is its own endpoint. There is no extension.
    supports = ProviderSupport(
        operations=frozenset({"remix"}), image_roles=frozenset({"first_frame"}),
        parameters=frozenset({"aspect_ratio", "duration", "resolution"}),
        aspect_ratios=frozenset(ratio for ratio, _ in SIZES), resolutions=frozenset(resolution for _, resolution in SIZES),
    )

    def __init__(self, context: ProviderContext, values: dict[str, str]):
        key = values["api_key"]
        self._base = values["base_url"].rstrip("/")
        self._auth = {"api-key": key} if values["auth_header"] == "api-key" else {"Authorization": f"Bearer {key}"}
        self._params = {"api-version": values["api_version"]} if values["api_version"] else {}
        self._http = ProviderHttp(SERVICE, context.session, context.timeout, (key, *context.secrets))
        self._pace_queries = context.pace_queries

    @classmethod
    def build(cls, config: "GoogleVideoConfigModel", context: ProviderContext) -> "OpenAIVideosProvider":
        return cls(context, cls.setting_values(config))

    @classmethod
    def trusted_origins(cls, config: "GoogleVideoConfigModel") -> list[str]:
        return [cls.setting_values(config)["base_url"]]

    async def _call(self, method: str, path: str, **kwargs) -> Any:
        return await self._http.json(method, self._base + path, headers=self._auth, params=self._params or None,
                                     error_for=error_for, **kwargs)

    async def submit(self, job: VideoJob) -> str:
        if job.operation == "remix" and job.source is not None:
            body = await self._call("POST", f"/videos/{job.source.external_task_id}/remix", json={"prompt": job.prompt})
        else:
            body = await self._call("POST", "/videos", data=await self._create_form(job))
        video_id = body.get("id") if isinstance(body, dict) else None
        if not isinstance(video_id, str) or not video_id.strip() or len(video_id) > 200:
            raise ProviderError("malformed", f"{SERVICE} accepted the task but returned no video id")
        return video_id.strip()

    async def _create_form(self, job: VideoJob) -> aiohttp.MultipartWriter:
        """multipart/form-data even without a file: the API refuses url-encoded forms."""
        size = video_size(job)
        form = aiohttp.MultipartWriter("form-data")
        fields = {"prompt": job.prompt, "model": job.model, "seconds": str(job.duration_seconds or 4), "size": size,
                  **{key: str(value) for key, value in job.extra.items()}}  # extra: keys the admin allowed
        for name, value in fields.items():
            form.append(value, {"Content-Type": "text/plain; charset=utf-8"}).set_content_disposition("form-data", name=name)
        if job.images:
            data, mime = await asyncio.to_thread(fit_image, images.decode_data_uri(job.images[0]), size)
            form.append(data, {"Content-Type": mime}).set_content_disposition(
                "form-data", name="input_reference", filename=f"reference.{mime.split('/')[-1]}")
        return form

    async def query(self, external_task_id: str) -> ProviderStatus:
        if self._pace_queries is not None:
            await self._pace_queries()
        return parse_video(await self._call("GET", f"/videos/{external_task_id}"))

    def _content(self, video_id: str, variant: str) -> ResultSource:
        query = "&".join(f"{k}={v}" for k, v in {**self._params, "variant": variant}.items())
        return ResultSource(url=f"{self._base}/videos/{video_id}/content?{query}", headers=dict(self._auth))

    async def result_source(self, ref: str) -> ResultSource:
        return self._content(ref, "video")

    async def poster_source(self, external_task_id: str, ref: str) -> ResultSource:
        return self._content(ref, "thumbnail")

    async def probe(self) -> ProbeResult:
        """Asks for a video that cannot exist: a bad key is refused before the lookup, and only the
        OpenAI error envelope for an unknown video says the base URL is right (probe.py)."""
        message = "The video gateway is reachable and the API key was accepted."
        url = f"{self._base}/videos/video_connection_test_{uuid.uuid4().hex}"
        try:
            answer = await self._http.request("GET", url, headers=self._auth, params=self._params or None)
        except ProviderError as e:
            return probe_result(e, message)
        return probe.from_answer(answer, error_for=error_for, envelope=probe.openai_envelope, ok_message=message,
                                 method="GET", url=url, hint=probe.openai_hint(self._base))
