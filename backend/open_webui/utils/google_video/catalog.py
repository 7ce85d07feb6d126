"""The model catalogue: every model of every registered provider, what it accepts and what it
costs by default, plus the admin's own entries (config.custom_models), which add models or
replace declared ones (same id). Prices are integer credits; admins override them per model.
"""

import dataclasses
from typing import Optional

from open_webui.utils.google_video.model_spec import IMAGE_ROLE_LABELS, VideoModel  # noqa: F401 (re-exported)
from open_webui.utils.google_video.providers import PROVIDERS

DECLARED: dict[str, VideoModel] = {
    m.id: dataclasses.replace(m, provider=provider.name) for provider in PROVIDERS.values() for m in provider.models
}
# Image slots per task never exceed this, whatever an admin declares (it sizes the request body limit).
MAX_IMAGES_PER_TASK = 4
DEFAULT_TEXT_MODEL = "veo3"
DEFAULT_IMAGE_MODEL = "veo3-pro-frames"
_TUPLE_FIELDS = ("aspect_ratios", "durations", "resolutions", "person_generation", "operations")


def custom_model(entry: dict) -> VideoModel:
    """An admin's model entry (already validated by forms.CustomModelForm) as a VideoModel."""
    values = {k: tuple(v) if k in _TUPLE_FIELDS else v for k, v in entry.items() if k in VideoModel.__dataclass_fields__}
    return VideoModel(**values)


def models(custom: list[dict]) -> dict[str, VideoModel]:
    """The declared models with the admin's entries applied (pass config.custom_models)."""
    merged = dict(DECLARED)
    for entry in custom:
        if entry.get("provider") in PROVIDERS:  # an entry of a provider this server no longer has is ignored
            model = custom_model(entry)
            merged[model.id] = model
    return merged


def get_model(model_id: str, custom: list[dict]) -> Optional[VideoModel]:
    return models(custom).get(model_id)
