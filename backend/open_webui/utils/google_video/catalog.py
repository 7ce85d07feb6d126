"""The model catalogue: every model of every registered provider, what it accepts and what it
costs by default. Prices are integer credits; admins override them per model in the module config.
"""

import dataclasses
from typing import Optional

from open_webui.utils.google_video.model_spec import IMAGE_ROLE_LABELS, VideoModel  # noqa: F401 (re-exported)
from open_webui.utils.google_video.providers import PROVIDERS

MODELS: dict[str, VideoModel] = {
    m.id: dataclasses.replace(m, provider=provider.name) for provider in PROVIDERS.values() for m in provider.models
}

MAX_IMAGES_PER_TASK = max(m.max_images for m in MODELS.values())
DEFAULT_TEXT_MODEL = "veo3"
DEFAULT_IMAGE_MODEL = "veo3-pro-frames"


def default_prices() -> dict[str, int]:
    return {m.id: m.default_price for m in MODELS.values()}


def get_model(model_id: str) -> Optional[VideoModel]:
    return MODELS.get(model_id)
