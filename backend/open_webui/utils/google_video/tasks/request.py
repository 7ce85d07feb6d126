"""One generation request, in one shape from the HTTP form (or the chat) to the provider's job.

The forms and the chat bridge build a VideoRequest once; the submit pipeline checks it, charges it
and turns it into the task row and the provider's VideoJob.
"""

from dataclasses import dataclass, field, replace
from typing import Any, Literal, Mapping, Optional

TaskType = Literal["text_to_video", "image_to_video"]
Operation = Literal["generate", "remix", "extend"]

# The unified parameters a request may carry; each is checked against the chosen model.
PARAMETER_NAMES = ("aspect_ratio", "duration_seconds", "resolution", "negative_prompt", "seed", "generate_audio",
                   "person_generation")


@dataclass(frozen=True)
class ImageRef:
    """An input image: an upload reference, a data URI or a URL, with the slot it fills (None:
    the model's slots in order)."""

    ref: str
    role: Optional[str] = None


@dataclass(frozen=True)
class VideoRequest:
    prompt: str
    task_type: TaskType = "text_to_video"
    model: Optional[str] = None  # None: the admin's default for the task type
    enhance_prompt: Optional[bool] = None  # None: the admin's default
    images: tuple[ImageRef, ...] = ()
    aspect_ratio: Optional[str] = None
    duration_seconds: Optional[int] = None
    resolution: Optional[str] = None
    negative_prompt: Optional[str] = None
    seed: Optional[int] = None
    generate_audio: Optional[bool] = None
    person_generation: Optional[str] = None
    extra: Mapping[str, Any] = field(default_factory=dict)  # provider-specific keys the admin allowed
    idempotency_key: Optional[str] = None
    max_credits: Optional[int] = None  # the price the user agreed to; not part of the request's identity
    # (chat id, message id) the finished video is delivered into: written with the task, in the
    # transaction that charges it, so no task of the chat is ever left unbound.
    chat: Optional[tuple[str, str]] = None
    operation: Operation = "generate"
    source_task_id: Optional[str] = None  # remix and extend: the finished task it starts from

    def parameters(self) -> dict:
        """The unified parameters given, as kept on the task."""
        given = {name: getattr(self, name) for name in PARAMETER_NAMES}
        return {k: v for k, v in {**given, "extra": dict(self.extra) or None}.items() if v is not None}

    def agreed(self, price: int, chat: Optional[tuple[str, str]] = None) -> "VideoRequest":
        """The same request with the price the user confirmed (and the chat message it belongs to)."""
        return replace(self, max_credits=price, chat=chat or self.chat)
