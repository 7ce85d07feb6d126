"""The relay's Veo model catalogue: what each model accepts and what it costs by default.

Image limits follow the relay documentation (docs/relay-api.md). Prices are integer credits;
admins override them per model in the module config.
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
    # Comfly's client sends aspect_ratio only to the veo3 family; keep that behaviour.
    supports_aspect_ratio: bool = False


IMAGE_ROLE_LABELS = {
    "first_frame": "first frame",
    "first_last_frame": "first and last frame, in that order",
    "components": "reference elements (components)",
}

MODELS: dict[str, VideoModel] = {
    m.id: m
    for m in (
        VideoModel("veo3", "Veo 3", "text", 100, supports_aspect_ratio=True),
        VideoModel("veo3-fast", "Veo 3 Fast", "text", 80, supports_aspect_ratio=True),
        VideoModel("veo3-pro", "Veo 3 Pro", "text", 150, supports_aspect_ratio=True),
        VideoModel("veo2", "Veo 2", "text", 80),
        VideoModel("veo2-fast", "Veo 2 Fast", "text", 60),
        VideoModel("veo2-pro", "Veo 2 Pro", "text", 120),
        VideoModel("veo3-pro-frames", "Veo 3 Pro Frames", "image", 200, 1, "first_frame"),
        VideoModel("veo3-fast-frames", "Veo 3 Fast Frames", "image", 160, 1, "first_frame"),
        VideoModel("veo2-fast-frames", "Veo 2 Fast Frames", "image", 120, 2, "first_last_frame"),
        VideoModel("veo2-fast-components", "Veo 2 Fast Components", "image", 100, 3, "components"),
    )
}

MAX_IMAGES_PER_TASK = max(m.max_images for m in MODELS.values())
DEFAULT_TEXT_MODEL = "veo3"
DEFAULT_IMAGE_MODEL = "veo3-pro-frames"


def default_prices() -> dict[str, int]:
    return {m.id: m.default_price for m in MODELS.values()}


def get_model(model_id: str) -> Optional[VideoModel]:
    return MODELS.get(model_id)
