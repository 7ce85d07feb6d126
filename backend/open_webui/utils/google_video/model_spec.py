"""What a video model is: its kind, what images it takes and in which roles, its default price.

Each provider declares its models with these; catalog.py gathers them from the registry.
"""

from dataclasses import dataclass
from typing import Literal, Optional

ModelKind = Literal["text", "image"]
ImageRole = Literal["first_frame", "first_last_frame", "components"]


@dataclass(frozen=True)
class VideoModel:
    id: str
    name: str
    kind: ModelKind
    default_price: int
    max_images: int = 0
    image_role: Optional[ImageRole] = None
    supports_aspect_ratio: bool = False
    provider: str = ""  # the registry name of the provider that declares it (set by the catalogue)


IMAGE_ROLE_LABELS = {
    "first_frame": "first frame",
    "first_last_frame": "first and last frame, in that order",
    "components": "reference elements (components)",
}
