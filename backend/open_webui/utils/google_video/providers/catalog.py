"""The model catalogue: every model of every registered provider, what it accepts and what it
costs by default, plus the admin's own entries (config.custom_models), which add models or
replace declared ones (same id). Prices are integer credits; admins override them per model.

A catalogue is built once per distinct list of admin entries and kept (per process): every
process reads the config row on each request, so a change saved by any process is a different
list here and gets its own catalogue at once, with no message between processes.
"""

import copy
import dataclasses
import logging
import threading
from collections import deque
from types import MappingProxyType
from typing import Mapping

from open_webui.utils.google_video.model_spec import IMAGE_ROLE_LABELS, VideoModel  # noqa: F401 (re-exported)
from open_webui.utils.google_video.providers import PROVIDERS

log = logging.getLogger(__name__)

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


def _build(custom: list[dict]) -> Mapping[str, VideoModel]:
    merged = dict(DECLARED)
    for entry in custom:
        if entry.get("provider") in PROVIDERS:  # an entry of a provider this server no longer has is ignored
            model = custom_model(entry)
            provider = PROVIDERS[model.provider]
            # So is one asking for more than its provider can do (saved before saves checked this):
            # users would be charged for what the provider never receives. Logged once per build.
            if beyond := provider.supports.beyond_message(model, provider.label):
                log.warning("google video: %s; the entry is ignored until it is corrected in the settings", beyond)
                continue
            merged[model.id] = model
    return MappingProxyType(merged)  # shared by every request: read-only


# The last few catalogues built, each with a copy of the entries it was built from. A lookup
# compares lists (C-speed, about 0.05 ms for 200 entries) rather than hashing them: a key from
# their JSON costs as much as the build (1.3 ms). A few, as a save validates a candidate list
# next to the stored one.
_BUILT: deque[tuple[list[dict], Mapping[str, VideoModel]]] = deque(maxlen=4)
_BUILT_LOCK = threading.Lock()  # the event loop is not the only caller: sync code runs on the host's threads


def models(custom: list[dict]) -> Mapping[str, VideoModel]:
    """The declared models with the admin's entries applied (pass config.custom_models); built
    once per distinct list. Callers that look up many models keep the mapping (see
    GoogleVideoConfigModel.models) rather than calling this per model."""
    with _BUILT_LOCK:
        for entries, built in _BUILT:
            if entries == custom:
                return built
    built = _build(custom)
    with _BUILT_LOCK:
        _BUILT.appendleft((copy.deepcopy(custom), built))  # a copy: the caller's list may change later
    return built

