"""The seam between the module and a video provider.

A provider knows one wire format and nothing about tasks, credits or the database. It submits a
normalised job, reports a normalised status, cancels where it can and probes its settings; every
failure is a ProviderError that says whether retrying can help, so callers decide what happens
to credits.
"""

import time
from abc import ABC, abstractmethod
from email.utils import parsedate_to_datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Awaitable, Callable, ClassVar, Literal, Mapping, Optional
from urllib.parse import urlsplit

import aiohttp

from open_webui.utils.google_video.model_spec import ProviderSupport, VideoModel
from open_webui.utils.google_video.task_status import TaskStatus

if TYPE_CHECKING:
    from open_webui.models.google_video import GoogleVideoConfigModel

ErrorKind = Literal[
    "auth", "unreachable", "timeout", "rate_limited", "server", "rejected", "malformed", "not_found", "unsupported"
]
_RETRYABLE: set[str] = {"unreachable", "timeout", "rate_limited", "server", "malformed"}


class ProviderError(Exception):
    def __init__(self, kind: ErrorKind, message: str, http_status: Optional[int] = None,
                 retry_after: Optional[float] = None):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.http_status = http_status
        self.retry_after = retry_after  # seconds the provider asked us to wait (Retry-After, RetryInfo)

    @property
    def retryable(self) -> bool:
        return self.kind in _RETRYABLE


def retry_after_of(headers: Mapping[str, str]) -> Optional[float]:
    """Seconds from `Retry-After` (seconds or an HTTP date) or `retry-after-ms`; None without one."""
    lowered = {k.lower(): v for k, v in headers.items()}
    try:
        if "retry-after-ms" in lowered:
            return max(0.0, float(lowered["retry-after-ms"]) / 1000)
        value = lowered.get("retry-after")
        if value is None:
            return None
        if value.strip().replace(".", "", 1).isdigit():
            return float(value)
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class VideoJob:
    """What to generate, in the module's terms; each provider maps it onto its own fields."""

    model: str
    prompt: str
    enhance_prompt: bool = False
    aspect_ratio: Optional[str] = None
    images: list[str] = field(default_factory=list)  # cleaned images as data URIs, in the model's slot order
    image_slots: list[str] = field(default_factory=list)  # the role of each image (first_frame, last_frame, reference)
    negative_prompt: Optional[str] = None
    duration_seconds: Optional[int] = None
    resolution: Optional[str] = None
    seed: Optional[int] = None
    generate_audio: Optional[bool] = None
    person_generation: Optional[str] = None
    extra: dict = field(default_factory=dict)  # provider-specific keys the admin allowed
    operation: Literal["generate", "remix", "extend"] = "generate"
    source: Optional["SourceVideo"] = None  # for remix and extend: the finished video it continues


@dataclass(frozen=True)
class SourceVideo:
    """A finished video a remix or an extension starts from."""

    external_task_id: str  # the provider's id of the task that made it
    result_ref: Optional[str]  # the provider's reference to the file (a file URI, gs:// URI, ...)
    load: Callable[[], Awaitable[bytes]]  # our stored copy, for providers that need the bytes


@dataclass(frozen=True)
class ResultSource:
    """How to fetch a finished video: a URL with the headers it needs (sent to that URL's origin
    only, never stored), or the bytes themselves when the provider answered with them."""

    url: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    data: Optional[bytes] = None


@dataclass(frozen=True)
class ProviderStatus:
    status: Optional[TaskStatus]  # None: the provider's word says nothing new (keep what we knew)
    raw_status: str  # the provider's own word, kept on the task for diagnosis
    progress: Optional[int] = None  # 0-100 when the provider reports it
    video_url: Optional[str] = None  # the provider's reference to the result (result_source() fetches it)
    fail_reason: str = ""
    content_refused: bool = False  # the provider refused the content (safety filters)
    submit_time: Optional[int] = None  # the provider's clock, epoch seconds
    start_time: Optional[int] = None
    finish_time: Optional[int] = None

    @property
    def terminal(self) -> bool:
        return self.status in (TaskStatus.SUCCESS, TaskStatus.FAILURE, TaskStatus.CANCELLED)

    def times(self) -> dict[str, int]:
        return {k: v for k, v in (("submit_time", self.submit_time), ("start_time", self.start_time),
                                  ("finish_time", self.finish_time)) if v is not None}


@dataclass(frozen=True)
class ProbeResult:
    ok: bool
    kind: Literal["ok", "auth", "unreachable", "wrong_url", "error"]
    message: str


@dataclass(frozen=True)
class Setting:
    """One admin setting a provider needs; secrets are encrypted at rest, masked and clearable."""

    name: str
    label: str
    secret: bool = False
    required: bool = True
    default: str = ""  # used when the admin leaves it empty
    choices: tuple[str, ...] = ()
    multiline: bool = False  # e.g. a service-account JSON key
    help: str = ""
    destination: bool = False  # decides where requests (with the secrets) go: changing it needs them again


@dataclass(frozen=True)
class ProviderContext:
    """What the process lends a provider: its HTTP session, request pacing and the secrets to scrub."""

    session: aiohttp.ClientSession
    timeout: float
    pace_queries: Optional[Callable[[], Awaitable[None]]] = None
    secrets: tuple[str, ...] = ()


class VideoProvider(ABC):
    name: ClassVar[str]  # the registry name, stored on each task
    label: ClassVar[str]
    settings: ClassVar[tuple[Setting, ...]] = ()
    models: ClassVar[tuple[VideoModel, ...]] = ()
    # What submit() sends: the operations, image roles and parameters it implements. Its models and
    # the admin's entries for it stay within this (refused at save; remix/extend checked again).
    supports: ClassVar[ProviderSupport] = ProviderSupport()
    can_cancel: ClassVar[bool] = False
    # Whether the result URL works in a browser as it is (a relay's public URL) or needs the key.
    public_results: ClassVar[bool] = False
    # Why a running task cannot be cancelled here, in a sentence for the user.
    cannot_cancel_reason: ClassVar[str] = "This video service cannot stop a generation once it has started."

    @abstractmethod
    async def submit(self, job: VideoJob) -> str:
        """Start a generation; returns the provider's task id."""

    @abstractmethod
    async def query(self, external_task_id: str) -> ProviderStatus:
        ...

    @classmethod
    @abstractmethod
    def build(cls, config: "GoogleVideoConfigModel", context: ProviderContext) -> "VideoProvider":
        """This provider with its settings from the module's config."""

    @classmethod
    def setting_values(cls, config: "GoogleVideoConfigModel") -> dict[str, str]:
        """This provider's settings from the module config (secrets decrypted, defaults filled in)."""
        saved = config.provider_settings.get(cls.name, {})
        return {s.name: saved.get(s.name) or s.default for s in cls.settings}

    @classmethod
    def configured(cls, config: "GoogleVideoConfigModel") -> bool:
        values = cls.setting_values(config)
        return all(values.get(s.name) for s in cls.settings if s.required)

    @classmethod
    def trusted_origins(cls, config: "GoogleVideoConfigModel") -> list[str]:
        """The admin-configured endpoints result downloads may reach without the address check."""
        return []

    @classmethod
    def secret_values(cls, config: "GoogleVideoConfigModel") -> list[str]:
        values = cls.setting_values(config)
        return [values[s.name] for s in cls.settings if s.secret and values.get(s.name)]

    async def cancel(self, external_task_id: str) -> None:
        raise ProviderError("unsupported", self.cannot_cancel_reason)

    async def result_source(self, ref: str) -> ResultSource:
        """Where the finished video `ref` (a ProviderStatus.video_url) is fetched from."""
        return ResultSource(url=ref)

    async def poster_source(self, external_task_id: str, ref: str) -> Optional[ResultSource]:
        """A still image of the result, for providers that make one."""
        return None

    @abstractmethod
    async def probe(self) -> ProbeResult:
        """Check reachability and credentials without creating a billable task."""


def origin_of(url: str) -> tuple[str, str, Optional[int]]:
    """(scheme, host, port) with default ports filled in: a key goes only to its own origin."""
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or {"http": 80, "https": 443}.get(parts.scheme)


def probe_result(error: Optional[ProviderError], ok_message: str, ok_statuses: tuple[int, ...] = (404,)) -> ProbeResult:
    """A probe asks for something that cannot exist: "not found" proves the credentials work."""
    if error is None or (error.kind in ("not_found", "rejected") and error.http_status in ok_statuses):
        return ProbeResult(True, "ok", ok_message)
    if error.kind == "auth":
        return ProbeResult(False, "auth", error.message)
    if error.kind in ("unreachable", "timeout"):
        return ProbeResult(False, "unreachable", error.message)
    return ProbeResult(False, "error", error.message)
