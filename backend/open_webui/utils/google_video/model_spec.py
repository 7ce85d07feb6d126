"""What a video model is: its kind, what images it takes and in which roles, its default price.

Each provider declares its models with these; catalog.py gathers them from the registry.
"""

from dataclasses import dataclass
from typing import Literal, Optional

ModelKind = Literal["text", "image"]
ImageRole = Literal["first_frame", "first_last_frame", "components", "components_or_style"]  # how a model's images are used
ImageSlot = Literal["first_frame", "last_frame", "reference", "style_reference"]  # the role of one image
Operation = Literal["remix", "extend"]
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
