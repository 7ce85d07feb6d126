"""Veo through Vertex AI (a service account; docs/providers/gemini_veo.md, Vertex sections).

The service-account key is exchanged for an OAuth access token (JWT bearer grant at the key's
token_uri, by google-auth), cached per key until shortly before it expires. Start with
predictLongRunning on the publisher model, poll with POST fetchPredictOperation, and take the
result as inline bytes or a gs:// object (downloaded through the JSON API with the token).
"""

import asyncio
import hashlib
import json
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional
from urllib.parse import quote

from open_webui.utils.google_video.providers import probe, veo_wire
from open_webui.utils.google_video.providers.base import (
    ProbeResult,
    ProviderContext,
    ProviderError,
    ResultSource,
    Setting,
    VideoJob,
    probe_result,
)
from open_webui.utils.google_video.providers.http import ProviderHttp
from open_webui.utils.google_video.providers.veo_models import veo_models

if TYPE_CHECKING:
    from open_webui.models.google_video import GoogleVideoConfigModel

SERVICE = "Vertex AI"
SCOPE = "https://www.googleapis.com/auth/cloud-platform"
DEFAULT_STORAGE_ENDPOINT = "https://storage.googleapis.com"
TOKEN_EARLY_REFRESH_SECONDS = 300


@dataclass
class _CachedToken:
    value: str
    expires_at: float


class TokenCache:
    """Access tokens per service-account key, one refresh at a time per key."""

    def __init__(self):
        self._tokens: dict[str, _CachedToken] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def token(self, info: dict) -> str:
        digest = hashlib.sha256(json.dumps(info, sort_keys=True).encode()).hexdigest()
        lock = self._locks.setdefault(digest, asyncio.Lock())
        async with lock:
            cached = self._tokens.get(digest)
            if cached is None or cached.expires_at - TOKEN_EARLY_REFRESH_SECONDS <= time.time():
                cached = await asyncio.to_thread(_fetch_token, info)
                self._tokens[digest] = cached
            return cached.value


def _fetch_token(info: dict) -> _CachedToken:
    """google-auth signs the JWT with the key and posts it to the key's token_uri (blocking I/O)."""
    from google.auth import exceptions as auth_exceptions
    from google.auth.transport.requests import Request
    from google.oauth2 import service_account

    try:
        credentials = service_account.Credentials.from_service_account_info(info, scopes=[SCOPE])
        credentials.refresh(Request())
    except (ValueError, KeyError) as e:
        raise ProviderError("auth", f"the service-account key is not usable: {type(e).__name__}")
    except auth_exceptions.RefreshError as e:
        raise ProviderError("auth", f"Google refused the service-account key: {_refresh_reason(e)}")
    except auth_exceptions.TransportError as e:
        raise ProviderError("unreachable", f"the token endpoint is unreachable: {type(e).__name__}")
    expires_at = credentials.expiry.timestamp() if credentials.expiry else time.time() + 3000
    return _CachedToken(credentials.token, expires_at)


def _refresh_reason(error: Exception) -> str:
    # google-auth puts the token endpoint's {"error", "error_description"} in args[0] as text.
    text = str(error.args[0]) if error.args else type(error).__name__
    return text.split("\n", 1)[0][:200]


def parse_service_account(text: str) -> dict:
    try:
        info = json.loads(text)
    except ValueError:
        raise ProviderError("auth", "the service-account key is not JSON (paste the whole key file)")
    missing = [k for k in ("client_email", "private_key", "token_uri") if not isinstance(info, dict) or not info.get(k)]
    if missing:
        raise ProviderError("auth", f"the service-account key lacks {', '.join(missing)}")
    return info


class VertexProvider(veo_wire.VeoProvider):
    name = "vertex"
    vertex = True
    label = "Google Veo (Vertex AI)"
    cannot_cancel_reason = ("Vertex AI has no way to stop a Veo generation once it has started; "
                            "the task runs to the end (a failure is refunded).")
    settings = (
        Setting("service_account_json", "service-account key (JSON)", secret=True, multiline=True,
                help="The key file of a service account with the Vertex AI User role."),
        Setting("location", "location", required=False, default="us-central1", destination=True),
        Setting("project_id", "project", required=False, help="Leave empty to use the key's project_id."),
        Setting("api_endpoint", "API endpoint", required=False, destination=True,
                help="Leave empty for https://{location}-aiplatform.googleapis.com."),
        Setting("storage_uri", "result bucket (gs://…)", required=False,
                help="Leave empty to receive results inline; set a gs:// prefix to have them written there."),
        Setting("storage_endpoint", "Cloud Storage endpoint", required=False, destination=True,
                default=DEFAULT_STORAGE_ENDPOINT),
    )
    models = veo_models("vertex", vertex=True)
    supports = veo_wire.support(vertex=True)
    tokens = TokenCache()

    def __init__(self, context: ProviderContext, values: dict[str, str]):
        self._account_text = values["service_account_json"]
        self._info: Optional[dict] = None
        self._location = values["location"]
        self._project = values["project_id"]
        self._endpoint = (values["api_endpoint"] or default_endpoint(self._location)).rstrip("/")
        self._storage_uri = values["storage_uri"]
        self._storage_endpoint = values["storage_endpoint"].rstrip("/")
        self._http = ProviderHttp(SERVICE, context.session, context.timeout, (self._account_text, *context.secrets))
        self._pace_queries = context.pace_queries

    @classmethod
    def build(cls, config: "GoogleVideoConfigModel", context: ProviderContext) -> "VertexProvider":
        return cls(context, cls.setting_values(config))

    @classmethod
    def trusted_origins(cls, config: "GoogleVideoConfigModel") -> list[str]:
        values = cls.setting_values(config)
        return [values["api_endpoint"] or default_endpoint(values["location"]), values["storage_endpoint"]]

    @classmethod
    def secret_values(cls, config: "GoogleVideoConfigModel") -> list[str]:
        text = cls.setting_values(config)["service_account_json"]
        try:
            key = json.loads(text).get("private_key", "") if text else ""
        except (ValueError, AttributeError):
            key = ""
        return [v for v in (text, key) if v]

    def _account(self) -> dict:
        if self._info is None:
            self._info = parse_service_account(self._account_text)
            self._http.secrets += (self._info["private_key"],)
        return self._info

    async def _headers(self) -> dict[str, str]:
        token = await self.tokens.token(self._account())
        if token not in self._http.secrets:
            self._http.secrets += (token,)
        return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def _model_url(self, model: str, action: str) -> str:
        project = self._project or self._account().get("project_id") or ""
        return (f"{self._endpoint}/v1/projects/{project}/locations/{self._location}"
                f"/publishers/google/models/{model}:{action}")

    def _error(self, answer) -> ProviderError:
        return veo_wire.error_for(SERVICE, answer)

    async def submit(self, job: VideoJob) -> str:
        body = await veo_wire.request_body(job, vertex=True, storage_uri=self._storage_uri)
        return self._operation_name(await self._http.json(
            "POST", self._model_url(job.model, "predictLongRunning"), headers=await self._headers(), json=body,
            error_for=self._error, heavy=bool(job.images or job.source)))

    async def _operation(self, name: str, timeout: Optional[float] = None):
        model = name.split("/models/", 1)[-1].split("/", 1)[0]
        return await self._http.json("POST", self._model_url(model, "fetchPredictOperation"),
                                     headers=await self._headers(), json={"operationName": name}, error_for=self._error,
                                     timeout=timeout)

    async def result_source(self, ref: str) -> ResultSource:
        if inline := await self._inline_result(ref):
            return inline
        if not ref.startswith("gs://"):
            raise ProviderError("malformed", "Vertex AI returned a result that is neither inline nor in Cloud Storage")
        bucket, _, obj = ref.removeprefix("gs://").partition("/")
        url = f"{self._storage_endpoint}/storage/v1/b/{quote(bucket, safe='')}/o/{quote(obj, safe='')}?alt=media"
        headers = await self._headers()
        return ResultSource(url=url, headers={"Authorization": headers["Authorization"]})

    async def probe(self) -> ProbeResult:
        """Gets a token (the key works), then asks for an operation that cannot exist (the project
        and the endpoint answer)."""
        message = "Vertex AI is reachable and the service account was accepted."
        try:
            name = (f"projects/{self._project or self._account().get('project_id')}/locations/{self._location}"
                    f"/publishers/google/models/veo-3.0-generate-001/operations/{uuid.uuid4()}")
            url = self._model_url("veo-3.0-generate-001", "fetchPredictOperation")
            answer = await self._http.request("POST", url, headers=await self._headers(), json={"operationName": name})
        except ProviderError as e:
            return probe_result(e, message)
        # A made-up operation is a 404, or a 400 for its malformed id: either way the key worked, if
        # Google's own envelope says so (probe.py); anything else comes from a path Vertex does not have.
        return probe.from_answer(answer, error_for=self._error, envelope=probe.google_envelope, ok_message=message,
                                 method="POST", url=url, hint=probe.vertex_hint(self._endpoint),
                                 ok_statuses=(400, 404), setting="API endpoint")


def default_endpoint(location: str) -> str:
    return "https://aiplatform.googleapis.com" if location == "global" else f"https://{location}-aiplatform.googleapis.com"
