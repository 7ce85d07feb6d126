"""What a video model is: its kind, what images it takes and in which roles, its default price.

Each provider declares its models with these; catalog.py gathers them from the registry.
"""

from dataclasses import dataclass
from typing import Literal, Optional, get_args

ModelKind = Literal["text", "image"]
ImageRole = Literal["first_frame", "first_last_frame", "components", "components_or_style"]  # how a model's images are used
ImageSlot = Literal["first_frame", "last_frame", "reference", "style_reference"]  # the role of one image
Operation = Literal["remix", "extend"]
# The optional parameters a model may take, by the name a user sends (VideoModel field in _PARAMETER_FIELDS).
Parameter = Literal["aspect_ratio", "duration", "resolution", "negative_prompt", "seed", "generate_audio",
                    "person_generation"]
_PARAMETER_FIELDS = {"aspect_ratio": "aspect_ratios", "duration": "durations", "resolution": "resolutions",
                     "negative_prompt": "negative_prompt", "seed": "seed", "generate_audio": "audio",
                     "person_generation": "person_generation"}
_SLOTS = {"first_frame": ("first_frame",), "first_last_frame": ("first_frame", "last_frame"), "components": ("reference",),
          "components_or_style": ("reference",)}


@dataclass(frozen=True)
class VideoModel:
    """A model and its capabilities: every unified parameter it accepts and with which values.
    An empty tuple or False means the model does not take that parameter."""

    id: str
    name: str
    kind: ModelKind
    default_price: int
    max_images: int = 0
    image_role: Optional[ImageRole] = None
    aspect_ratios: tuple[str, ...] = ()
    durations: tuple[int, ...] = ()  # seconds the caller may choose
    default_duration: Optional[int] = None  # what it generates when not told (per-second prices use it)
    resolutions: tuple[str, ...] = ()  # the first is its default
    negative_prompt: bool = False
    seed: bool = False
    audio: bool = False
    person_generation: tuple[str, ...] = ()  # the people-in-video policies it takes
    operations: tuple[Operation, ...] = ()  # what a finished video of this model can go on to (remix, extend)
    wire_id: str = ""  # the provider's own name for it, when the module's id differs (default: id)
    provider: str = ""  # the registry name of the provider that declares it (set by the catalogue)

    @property
    def provider_model(self) -> str:
        return self.wire_id or self.id

    @property
    def image_slots(self) -> tuple[ImageSlot, ...]:
        """The role of each image position, in the order the model takes them."""
        if not self.image_role:
            return ()
        slots = _SLOTS[self.image_role]
        slots = slots if len(slots) > 1 else slots * self.max_images
        # Google takes up to 3 asset references or 1 style reference; the provider refuses a mix.
        return slots + ("style_reference",) if self.image_role == "components_or_style" else slots

    def capabilities(self) -> dict:
        return {
            "aspect_ratios": list(self.aspect_ratios), "durations": list(self.durations),
            "default_duration": self.default_duration, "resolutions": list(self.resolutions),
            "negative_prompt": self.negative_prompt, "seed": self.seed, "generate_audio": self.audio,
            "image_slots": list(self.image_slots), "person_generation": list(self.person_generation),
            "operations": list(self.operations),
        }


IMAGE_ROLE_LABELS = {
    "first_frame": "first frame",
    "first_last_frame": "first and last frame, in that order",
    "components": "reference elements (components)",
    "components_or_style": "reference elements (components), or one style image",
}


@dataclass(frozen=True)
class ProviderSupport:
    """What a provider's wire format carries. Every model of that provider (declared, or an admin's
    entry) must stay within it: otherwise a user is charged for a parameter the provider never
    receives, or for an extension that runs as a plain new generation."""

    operations: frozenset[Operation] = frozenset()
    image_roles: frozenset[ImageRole] = frozenset()
    parameters: frozenset[Parameter] = frozenset()
    aspect_ratios: Optional[frozenset[str]] = None  # the values it can send (None: any the model lists)
    resolutions: Optional[frozenset[str]] = None

    def beyond(self, model: VideoModel) -> list[tuple[str, list, Optional[list]]]:
        """Where `model` asks for more than this: (model field, what it declares beyond, what the
        provider supports for that field, or None when it takes no such parameter)."""
        found = []
        if extra := [op for op in model.operations if op not in self.operations]:
            found.append(("operations", extra, sorted(self.operations)))
        if model.image_role and model.image_role not in self.image_roles:
            found.append(("image_role", [model.image_role], sorted(self.image_roles)))
        for parameter, field in _PARAMETER_FIELDS.items():
            if getattr(model, field) and parameter not in self.parameters:
                found.append((field, _listed(getattr(model, field)), None))
        for field, allowed in (("aspect_ratios", self.aspect_ratios), ("resolutions", self.resolutions)):
            if allowed is not None and (extra := [v for v in getattr(model, field) if v not in allowed]):
                found.append((field, extra, sorted(allowed)))
        return found

    def beyond_message(self, model: VideoModel, label: str) -> str:
        """One sentence naming the model, each field beyond this and what the provider supports
        for it; empty when the model is within."""
        if not (beyond := self.beyond(model)):
            return ""
        return f"model '{model.id}' asks for more than the {label} provider can do: " + "; ".join(
            _over(field, extra, allowed) for field, extra, allowed in beyond)

    def as_dict(self) -> dict:
        return {"operations": sorted(self.operations), "image_roles": sorted(self.image_roles),
                "parameters": sorted(self.parameters),
                "aspect_ratios": sorted(self.aspect_ratios) if self.aspect_ratios is not None else None,
                "resolutions": sorted(self.resolutions) if self.resolutions is not None else None}


def _over(field: str, extra: list, allowed: Optional[list]) -> str:
    what = f"{field} {', '.join(map(str, extra))}" if extra else field
    return f"{what} (it takes no {field})" if allowed is None else f"{what} (it supports: {', '.join(allowed) or 'none'})"


def _listed(value) -> list:
    return list(value) if isinstance(value, tuple) else []  # a switch (negative_prompt, seed, audio): its name says it


# Every parameter and role: a provider that takes whatever the module can send (the test fake).
ALL_PARAMETERS: frozenset[Parameter] = frozenset(get_args(Parameter))
ALL_IMAGE_ROLES: frozenset[ImageRole] = frozenset(get_args(ImageRole))
