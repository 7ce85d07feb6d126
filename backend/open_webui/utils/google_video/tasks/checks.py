"""The checks a request passes before anything is charged: each refusal is a SubmitError whose
text says what to change, and that nothing was charged."""

from typing import Optional

from open_webui.models.google_video import GoogleVideoAudits, GoogleVideoConfigModel
from open_webui.utils.google_video.credits import ledger
from open_webui.utils.google_video.guards import moderation
from open_webui.utils.google_video.guards.text_input import visible_text
from open_webui.utils.google_video.providers import catalog, provider_class
from open_webui.utils.google_video.tasks.request import VideoRequest

MAX_PROMPT_CHARS = 2500


class SubmitError(Exception):
    def __init__(self, status_code: int, detail: str, retry_after: Optional[int] = None):
        super().__init__(detail)
        self.status_code = status_code
        self.detail = detail
        self.retry_after = retry_after


def check_enabled(config: GoogleVideoConfigModel) -> None:
    if not config.enabled:
        raise SubmitError(400, "Video generation is disabled by the administrator.")


def check_configured(model: catalog.VideoModel, config: GoogleVideoConfigModel) -> None:
    provider = provider_class(model.provider)
    if not provider.configured(config):
        settings = " and ".join(s.label for s in provider.settings)
        raise SubmitError(400, f"Video generation with '{model.id}' is not configured yet: the administrator "
                               f"must set the {provider.label}'s {settings}.")


def check_model(req: VideoRequest, config: GoogleVideoConfigModel) -> catalog.VideoModel:
    model_id = req.model or (config.default_text_model if req.task_type == "text_to_video" else config.default_image_model)
    model = config.model(model_id)
    if model is None:
        raise SubmitError(400, f"Unknown model '{model_id}'. Choose one of: {', '.join(config.models())}.")
    if model_id in config.disabled_models:
        raise SubmitError(400, f"Model '{model_id}' is disabled by the administrator.")
    expected = "text" if req.task_type == "text_to_video" else "image"
    if model.kind != expected:
        if expected == "text":
            raise SubmitError(400, f"'{model_id}' is an image-to-video model; use image-to-video with 1 to {model.max_images} image(s).")
        raise SubmitError(400, f"'{model_id}' is a text-to-video model and takes no images.")
    return model


def check_prompt(prompt: str) -> str:
    prompt = (prompt or "").strip()
    if not visible_text(prompt).strip():
        raise SubmitError(400, "The prompt is empty. Describe the video you want.")
    if len(prompt) > MAX_PROMPT_CHARS:
        raise SubmitError(400, f"The prompt is {len(prompt)} characters long; the limit is {MAX_PROMPT_CHARS}.")
    return prompt


def _one_of(name: str, value, allowed: tuple, model: catalog.VideoModel, what: str) -> None:
    if value is None:
        return
    if not allowed:
        raise SubmitError(422, f"{name}: '{model.id}' does not take {what}; leave it out.")
    if value not in allowed:
        raise SubmitError(422, f"{name}: '{model.id}' takes {', '.join(map(str, allowed))}; you sent {value}.")


def check_parameters(model: catalog.VideoModel, p, config: GoogleVideoConfigModel) -> None:
    """Every unified parameter of `p` against the model's capabilities: a value it cannot take is a
    422 naming the parameter and the allowed values, never charged and silently dropped."""
    _one_of("aspect_ratio", p.aspect_ratio, model.aspect_ratios, model, "an aspect ratio")
    _one_of("duration_seconds", p.duration_seconds, model.durations, model, "a duration")
    _one_of("resolution", p.resolution, model.resolutions, model, "a resolution")
    _one_of("person_generation", p.person_generation, model.person_generation, model, "a person generation policy")
    for name, value, supported, what in (("negative_prompt", p.negative_prompt, model.negative_prompt, "a negative prompt"),
                                         ("seed", p.seed, model.seed, "a seed"),
                                         ("generate_audio", p.generate_audio, model.audio, "an audio switch")):
        if value is not None and not supported:
            raise SubmitError(422, f"{name}: '{model.id}' does not take {what}; leave it out.")
    allowed = set(config.extra_parameters.get(model.provider, []))
    if unknown := sorted(set(p.extra) - allowed):
        raise SubmitError(422, f"extra: {', '.join(unknown)} not allowed for '{model.id}' "
                               f"(allowed: {', '.join(sorted(allowed)) or 'none'}).")


_SLOT_ORDER = ("first_frame", "last_frame", "reference", "style_reference")


def assign_slots(model: catalog.VideoModel, refs: list[str], roles: list[Optional[str]]) -> tuple[list[str], list[str]]:
    """The images in the model's slot order with the role of each: positional when no roles are
    given, else by their roles (each must be one the model has, as often as it has it)."""
    if not any(roles):
        return list(refs), list(model.image_slots[:len(refs)])
    if not all(roles):
        raise SubmitError(422, "images: give every image a role, or none (they then take the model's slots in order).")
    for role in set(roles):
        if roles.count(role) > model.image_slots.count(role):
            takes = ", ".join(model.image_slots) or "no images"
            raise SubmitError(422, f"images: '{model.id}' takes {takes}; you sent {roles.count(role)} {role} image(s).")
    if "last_frame" in roles and "first_frame" not in roles:
        raise SubmitError(422, "images: a last frame needs a first frame.")
    ordered = sorted(zip(roles, refs), key=lambda rr: _SLOT_ORDER.index(rr[0]))
    return [ref for _, ref in ordered], [role for role, _ in ordered]


def check_image_count(model: catalog.VideoModel, count: int) -> None:
    if model.kind == "text":
        if count:
            raise SubmitError(400, f"'{model.id}' is a text-to-video model and takes no images.")
        return
    if count == 0:
        raise SubmitError(400, f"'{model.id}' needs at least one image ({catalog.IMAGE_ROLE_LABELS[model.image_role]}).")
    if count > model.max_images:
        raise SubmitError(
            400,
            f"'{model.id}' takes at most {model.max_images} image(s) "
            f"({catalog.IMAGE_ROLE_LABELS[model.image_role]}); you sent {count}.",
        )


async def check_moderation(user_id: str, prompt: str, model_id: str, config: GoogleVideoConfigModel) -> None:
    """A blocked word refuses the prompt (400) and audits the refusal; nothing is charged."""
    word = moderation.find_blocked_word(prompt, config.blocked_words)
    if word is None:
        return
    await GoogleVideoAudits.record(user_id, "prompt.refused", {"blocked_word": word, "model": model_id,
                                                                "prompt_excerpt": prompt[:200]}, target_user_id=user_id)
    raise SubmitError(400, f"The prompt contains a blocked term ('{word}'). Please rephrase it; nothing was charged.")


def check_price_agreed(model_id: str, price: int, max_credits: Optional[int]) -> None:
    """The price may have changed since the user saw it (an admin edit): never charge more than agreed."""
    if max_credits is not None and price > max_credits:
        raise SubmitError(409, f"The price of '{model_id}' is now {price} credits; you agreed to {max_credits}. "
                               "Nothing was charged. Check the new price and submit again.")


async def check_affordable(user_id: str, model_id: str, price: int, max_active: int) -> None:
    try:
        await ledger.check_affordable(user_id, price, max_active)
    except ledger.InsufficientCredits as e:
        raise SubmitError(402, f"Insufficient credits: your balance is {e.balance} and '{model_id}' costs {price}.")
    except ledger.TooManyActiveTasks as e:
        raise SubmitError(429, str(e))
