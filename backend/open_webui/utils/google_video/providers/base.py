"""The seam between the module and a video provider.

A provider knows one wire format and nothing about tasks, credits or the database. It submits a
normalised job, reports a normalised status, cancels where it can and probes its settings; every
failure is a ProviderError that says whether retrying can help, so callers decide what happens
to credits.
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Awaitable, Callable, ClassVar, Literal, Optional

import aiohttp

from open_webui.utils.google_video.model_spec import VideoModel
from open_webui.utils.google_video.task_status import TaskStatus

if TYPE_CHECKING:
    from open_webui.models.google_video import GoogleVideoConfigModel

ErrorKind = Literal[
    "auth", "unreachable", "timeout", "rate_limited", "server", "rejected", "malformed", "not_found", "unsupported"
]
_RETRYABLE: set[str] = {"unreachable", "timeout", "rate_limited", "server", "malformed"}


class ProviderError(Exception):
    def __init__(self, kind: ErrorKind, message: str, http_status: Optional[int] = None):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.http_status = http_status

    @property
    def retryable(self) -> bool:
        return self.kind in _RETRYABLE


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
    extra: dict = field(default_factory=dict)  # provider-specific keys the admin allowed


@dataclass(frozen=True)
class ProviderStatus:
    status: Optional[TaskStatus]  # None: the provider's word says nothing new (keep what we knew)
    raw_status: str  # the provider's own word, kept on the task for diagnosis
    progress: Optional[int] = None  # 0-100 when the provider reports it
    video_url: Optional[str] = None
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
    kind: Literal["ok", "auth", "unreachable", "error"]
    message: str


@dataclass(frozen=True)
class Setting:
    """One admin setting a provider needs; secrets are encrypted at rest, masked and clearable."""

    name: str
    label: str
    secret: bool = False


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
    can_cancel: ClassVar[bool] = False
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
        """This provider's settings from the module config (secrets decrypted)."""
        return config.provider_settings.get(cls.name, {})

    @classmethod
    def configured(cls, config: "GoogleVideoConfigModel") -> bool:
        values = cls.setting_values(config)
        return all(values.get(s.name) for s in cls.settings)

    @classmethod
    def secret_values(cls, config: "GoogleVideoConfigModel") -> list[str]:
        values = cls.setting_values(config)
        return [values[s.name] for s in cls.settings if s.secret and values.get(s.name)]

    async def cancel(self, external_task_id: str) -> None:
        raise ProviderError("unsupported", self.cannot_cancel_reason)

    @abstractmethod
    async def probe(self) -> ProbeResult:
        """Check reachability and credentials without creating a billable task."""
