"""Veo through the Gemini Developer API (an API key; docs/providers/gemini_veo.md).

Start with POST /v1beta/models/{model}:predictLongRunning, poll GET /v1beta/{operation name}, and
download the file URI with the key: it answers with a redirect to a CDN, which is followed
without the key (ResultSource headers go to the key's own origin only). No cancel exists.
"""

import uuid
from typing import TYPE_CHECKING, Optional

from open_webui.utils.google_video.providers import probe, veo_wire
from open_webui.utils.google_video.providers.base import (
    ProbeResult,
    ProviderContext,
    ProviderError,
    ResultSource,
    Setting,
    VideoJob,
    origin_of,
    probe_result,
)
from open_webui.utils.google_video.providers.http import ProviderHttp
from open_webui.utils.google_video.providers.veo_models import veo_models

if TYPE_CHECKING:
    from open_webui.models.google_video import GoogleVideoConfigModel

DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com"
SERVICE = "the Gemini API"


class GeminiProvider(veo_wire.VeoProvider):
    name = "gemini"
    vertex = False
    label = "Google Veo (Gemini API)"
    cannot_cancel_reason = ("The Gemini API has no way to stop a Veo generation once it has started; "
                            "the task runs to the end (a failure is refunded).")
    settings = (
        Setting("api_key", "API key", secret=True, help="A paid-tier Gemini API key (Veo is not on the free tier)."),
        Setting("base_url", "base URL", required=False, destination=True, default=DEFAULT_BASE_URL,
                help="Leave empty for Google; set it for a proxy that speaks the Gemini API."),
    )
    models = veo_models("gemini", vertex=False)
    supports = veo_wire.support(vertex=False)

    def __init__(self, context: ProviderContext, api_key: str, base_url: str):
        self._key = api_key
        self._base = base_url.rstrip("/")
        self._http = ProviderHttp(SERVICE, context.session, context.timeout, (api_key, *context.secrets))
        self._pace_queries = context.pace_queries

    @classmethod
    def build(cls, config: "GoogleVideoConfigModel", context: ProviderContext) -> "GeminiProvider":
        values = cls.setting_values(config)
        return cls(context, values["api_key"], values["base_url"])

    @classmethod
    def trusted_origins(cls, config: "GoogleVideoConfigModel") -> list[str]:
        return [cls.setting_values(config)["base_url"]]

    def _headers(self) -> dict[str, str]:
        return {"x-goog-api-key": self._key, "Content-Type": "application/json"}

    def _error(self, answer) -> ProviderError:
        return veo_wire.error_for(SERVICE, answer)

    async def submit(self, job: VideoJob) -> str:
        body = await veo_wire.request_body(job, vertex=False)
        return self._operation_name(await self._http.json(
            "POST", f"{self._base}/v1beta/models/{job.model}:predictLongRunning", headers=self._headers(), json=body,
            error_for=self._error, heavy=bool(job.images or job.source)))

    async def _operation(self, name: str, timeout: Optional[float] = None):
        return await self._http.json("GET", f"{self._base}/v1beta/{name}", headers=self._headers(), error_for=self._error,
                                     timeout=timeout)

    async def result_source(self, ref: str) -> ResultSource:
        if inline := await self._inline_result(ref):
            return inline
        # The key goes only to the API's own origin; a URI elsewhere is fetched without it.
        headers = {"x-goog-api-key": self._key} if origin_of(ref) == origin_of(self._base) else {}
        return ResultSource(url=ref, headers=headers)

    async def probe(self) -> ProbeResult:
        """Looks up an operation that cannot exist: a bad key is refused before the lookup, and only
        Google's own NOT_FOUND envelope says the base URL is right (probe.py)."""
        message = "The Gemini API is reachable and the API key was accepted."
        url = f"{self._base}/v1beta/models/veo-3.0-generate-001/operations/connection-test-{uuid.uuid4().hex[:12]}"
        try:
            answer = await self._http.request("GET", url, headers=self._headers())
        except ProviderError as e:
            return probe_result(e, message)
        return probe.from_answer(answer, error_for=self._error, envelope=probe.google_envelope, ok_message=message,
                                 method="GET", url=url, hint=probe.google_hint(self._base, DEFAULT_BASE_URL))
