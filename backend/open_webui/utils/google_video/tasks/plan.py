"""What the checks make of a request: the model, the prompt and everything the charge, the task row
and the provider's job need. A new generation takes them from the request; a remix or an extension
from the finished task it starts from (the same model and parameters, charged the same)."""

import hashlib
import json
from dataclasses import dataclass
from typing import Optional

from open_webui.models.google_video import GoogleVideoConfigModel, GoogleVideoTaskModel, GoogleVideoTasks
from open_webui.utils.google_video.model_spec import VideoModel
from open_webui.utils.google_video.providers import provider_class
from open_webui.utils.google_video.task_status import TaskStatus
from open_webui.utils.google_video.tasks.checks import (
    SubmitError, assign_slots, check_configured, check_image_count, check_model, check_parameters, check_prompt,
)
from open_webui.utils.google_video.tasks.request import VideoRequest

_OPERATION_WORDS = {"remix": "remixed", "extend": "extended"}


@dataclass(frozen=True)
class Plan:
    model: VideoModel
    prompt: str
    task_type: str
    # What makes two submits with one idempotency key the same request (None without a key: nothing
    # compares it, and hashing the images costs).
    fingerprint: Optional[str]
    enhance_prompt: bool = False  # a remix or an extension keeps its prompt as written
    aspect_ratio: Optional[str] = None
    duration_seconds: Optional[int] = None  # with the resolution: what the price depends on
    resolution: Optional[str] = None
    parameters: Optional[dict] = None  # as kept on the task
    image_refs: tuple[str, ...] = ()  # in the model's slot order
    image_slots: tuple[str, ...] = ()
    source: Optional[GoogleVideoTaskModel] = None  # remix and extend


def plan_generation(req: VideoRequest, config: GoogleVideoConfigModel) -> Plan:
    model = check_model(req, config)
    check_parameters(model, req, config)  # the same answer as a quote, configured or not
    check_configured(model, config)
    prompt = check_prompt(req.prompt)
    check_image_count(model, len(req.images))
    refs, slots = assign_slots(model, [i.ref for i in req.images], [i.role for i in req.images])
    fingerprint = _fingerprint(req, model.id, prompt) if req.idempotency_key else None
    enhance = config.default_enhance_prompt if req.enhance_prompt is None else req.enhance_prompt
    return Plan(model, prompt, req.task_type, fingerprint, enhance_prompt=enhance, aspect_ratio=req.aspect_ratio,
                duration_seconds=req.duration_seconds, resolution=req.resolution,
                parameters=req.parameters() or None, image_refs=tuple(refs), image_slots=tuple(slots))


async def plan_derived(user_id: str, req: VideoRequest, config: GoogleVideoConfigModel) -> Plan:
    operation = req.operation
    source = await GoogleVideoTasks.get(req.source_task_id or "")
    if source is None or source.user_id != user_id:
        raise SubmitError(404, "Task not found.")
    model = config.model(source.model)
    if model is None or operation not in model.operations:
        raise SubmitError(422, f"Videos made with '{source.model}' cannot be {_OPERATION_WORDS[operation]}.")
    provider = provider_class(model.provider)
    # Declared models are held to this by the tests and the admin's entries by the catalogue; checked
    # here too, as a charge must never reach a provider that would run it as a plain generation.
    if operation not in provider.supports.operations:
        raise SubmitError(422, f"Videos made with '{model.id}' cannot be {_OPERATION_WORDS[operation]}: the "
                               f"{provider.label} provider has no way to do that. Nothing was charged.")
    if model.id in config.disabled_models:
        raise SubmitError(400, f"Model '{model.id}' is disabled by the administrator.")
    if model.provider != source.provider:  # an admin entry re-pointed the model: the source lives elsewhere
        raise SubmitError(409, f"This video was made by another video service than '{model.id}' now uses; "
                               f"it cannot be {_OPERATION_WORDS[operation]}.")
    if source.status != TaskStatus.SUCCESS or not source.external_task_id:
        raise SubmitError(409, f"Only a finished video can be {_OPERATION_WORDS[operation]}.")
    check_configured(model, config)
    prompt = check_prompt(req.prompt)
    fingerprint = hashlib.sha256(json.dumps([operation, source.id, prompt]).encode()).hexdigest()
    kept = {k: v for k, v in (source.parameters or {}).items() if k in ("duration_seconds", "resolution")}
    return Plan(model, prompt, source.task_type, fingerprint, aspect_ratio=source.aspect_ratio,
                duration_seconds=kept.get("duration_seconds"), resolution=kept.get("resolution"),
                parameters=kept or None, source=source)


def _fingerprint(req: VideoRequest, model_id: str, prompt: str) -> str:
    """Everything that makes two submits the same request (images by their digest)."""
    normalised = {
        "task_type": req.task_type, "model": model_id, "prompt": prompt, "enhance_prompt": req.enhance_prompt,
        **req.parameters(), "image_roles": [i.role for i in req.images],
        "images": [hashlib.sha256(i.ref.strip().encode("utf-8", "replace")).hexdigest() for i in req.images],
    }
    return hashlib.sha256(json.dumps(normalised, sort_keys=True).encode()).hexdigest()
