"""Submitting a generation: validate, reserve credits with the task row, call the relay.

Nothing is charged until every input check has passed; once charged, every way out of this
function either leaves an accepted relay task or a FAILURE with the credits refunded.
"""

import hashlib
import json
import logging
import secrets
import time
from dataclasses import dataclass, field
from typing import Literal, Optional

from sqlalchemy.exc import IntegrityError, OperationalError

from open_webui.models.google_video import (
    GoogleVideoAudits,
    GoogleVideoConfigModel,
    GoogleVideoConfigs,
    GoogleVideoTaskModel,
    GoogleVideoTasks,
    GoogleVideoUploadModel,
    GoogleVideoUploads,
    TaskStatus,
    due_in,
    now,
)
from open_webui.utils.google_video.credits import ledger, pricing
from open_webui.utils.google_video.guards import moderation, rate_limit
from open_webui.utils.google_video.media import images
from open_webui.utils.google_video.providers import catalog, failures
from open_webui.utils.google_video.tasks import lifecycle
from open_webui.utils.google_video.guards.text_input import visible_text
from open_webui.utils.google_video.db_retry import is_database_busy
from open_webui.utils.google_video.providers import provider_class
from open_webui.utils.google_video.providers.base import ProviderError, SourceVideo, VideoJob
from open_webui.utils.google_video.runtime import RELAY_TIMEOUT_SECONDS, GoogleVideoRuntime, all_secrets
from open_webui.utils.google_video.settings import SUBMIT_RETRY_MAX_WAIT_SECONDS
from open_webui.utils.google_video.storage import StorageError

log = logging.getLogger(__name__)

MAX_PROMPT_CHARS = 2500
# The submitter holds the task this long (well past the relay timeout); after it, the poller
# treats the submit as interrupted by a crash and refunds it.
SUBMIT_LEASE_SECONDS = int(2 * RELAY_TIMEOUT_SECONDS + 10)
FIRST_POLL_DELAY_SECONDS = 2


def new_task_id() -> str:
    """32 hex chars that sort by creation time (microseconds, then random), so newest-first
    listings are stable even for tasks created within the same second."""
    return f"{time.time_ns() // 1000:014x}{secrets.token_hex(9)}"


class SubmitError(Exception):
    def __init__(self, status_code: int, detail: str, retry_after: Optional[int] = None):
        super().__init__(detail)
        self.status_code = status_code
        self.detail = detail
        self.retry_after = retry_after


@dataclass
class SubmitRequest:
    task_type: Literal["text_to_video", "image_to_video"]
    prompt: str
    model: Optional[str]
    enhance_prompt: Optional[bool]
    images: list[str] = field(default_factory=list)
    image_roles: list[Optional[str]] = field(default_factory=list)  # per image: a slot, or None for positional
    aspect_ratio: Optional[str] = None
    duration_seconds: Optional[int] = None
    resolution: Optional[str] = None
    negative_prompt: Optional[str] = None
    seed: Optional[int] = None
    generate_audio: Optional[bool] = None
    person_generation: Optional[str] = None
    extra: dict = field(default_factory=dict)
    idempotency_key: Optional[str] = None
    max_credits: Optional[int] = None  # the price the user agreed to; not part of the request's identity
    # (chat id, message id) the finished video is delivered into: written with the task, in the
    # transaction that charges it, so no task of the chat is ever left unbound.
    chat: Optional[tuple[str, str]] = None

    def parameters(self) -> dict:
        """The unified parameters given, as kept on the task."""
        given = {"aspect_ratio": self.aspect_ratio, "duration_seconds": self.duration_seconds,
                 "resolution": self.resolution, "negative_prompt": self.negative_prompt, "seed": self.seed,
                 "generate_audio": self.generate_audio, "person_generation": self.person_generation,
                 "extra": self.extra or None}
        return {k: v for k, v in given.items() if v is not None}


def check_enabled(config: GoogleVideoConfigModel) -> None:
    if not config.enabled:
        raise SubmitError(400, "Video generation is disabled by the administrator.")


def _check_configured(model: catalog.VideoModel, config: GoogleVideoConfigModel) -> None:
    provider = provider_class(model.provider)
    if not provider.configured(config):
        settings = " and ".join(s.label for s in provider.settings)
        raise SubmitError(400, f"Video generation with '{model.id}' is not configured yet: the administrator "
                               f"must set the {provider.label}'s {settings}.")


def _check_model(req: SubmitRequest, config: GoogleVideoConfigModel) -> catalog.VideoModel:
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


def _check_prompt(prompt: str) -> str:
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


def _check_image_count(model: catalog.VideoModel, count: int) -> None:
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


def request_fingerprint(req: SubmitRequest, model_id: str, prompt: str) -> str:
    """Everything that makes two submits the same request (images by their digest)."""
    normalised = {
        "task_type": req.task_type, "model": model_id, "prompt": prompt, "enhance_prompt": req.enhance_prompt,
        **req.parameters(), "image_roles": req.image_roles,
        "images": [hashlib.sha256(ref.strip().encode("utf-8", "replace")).hexdigest() for ref in req.images],
    }
    return hashlib.sha256(json.dumps(normalised, sort_keys=True).encode()).hexdigest()


async def store_clean_image(
    runtime: GoogleVideoRuntime, config: GoogleVideoConfigModel, user_id: str, upload_id: str, clean: images.CleanImage
) -> GoogleVideoUploadModel:
    """Keep a cleaned image in the configured storage with its row; nothing is left behind if either fails.
    Raises StorageError."""
    key = f"uploads/{upload_id}.{clean.extension}"
    storage = runtime.storage(config)
    await storage.put_bytes(key, clean.data)
    upload = GoogleVideoUploadModel(
        id=upload_id, user_id=user_id, storage_key=key, storage_backend=config.storage_backend,
        mime_type=clean.mime_type, size=len(clean.data),
        width=clean.width, height=clean.height, created_at=now(),
    )
    try:
        await GoogleVideoUploads.insert(upload)
    except BaseException:
        try:
            await storage.delete(key)
        except StorageError:
            log.warning("google video: could not remove the image %s after its row failed to save", key)
        raise
    return upload


async def clean_in_pool(runtime: GoogleVideoRuntime, fn, *args) -> images.CleanImage:
    """Run an image cleaning function on the image workers. Raises ImageInputError or SubmitError 503."""
    try:
        return await runtime.image_workers.run(fn, *args)
    except images.ImageWorkersBusy:
        raise SubmitError(503, "The server is busy processing images; nothing was charged. Please try again shortly.",
                          retry_after=5)


@dataclass
class PreparedImage:
    """One input image, checked and cleaned but not stored yet (nothing is kept for a refused request)."""

    upload_id: str
    mime_type: str
    data: bytes
    clean: Optional[images.CleanImage] = None  # set for a new image, stored once the task is reserved


async def _prepare_images(
    runtime: GoogleVideoRuntime, config: GoogleVideoConfigModel, user_id: str, refs: list[str]
) -> list[PreparedImage]:
    prepared = []
    for index, ref in enumerate(refs, start=1):
        try:
            if not isinstance(ref, str) or not ref.strip():
                raise images.ImageInputError("Empty image reference.")
            ref = ref.strip()
            if upload_id := images.upload_id_from_reference(ref):
                upload = await GoogleVideoUploads.get_for_user(upload_id, user_id)
                if upload is None:
                    raise images.ImageInputError("Uploaded image not found.")
                data = await runtime.storage(config, upload.storage_backend).get_bytes(upload.storage_key)
                prepared.append(PreparedImage(upload.id, upload.mime_type, data))
                continue
            if ref.startswith("data:"):
                clean = await clean_in_pool(runtime, images.clean_data_uri, ref)
            else:
                # Fetched and re-encoded here, so the relay only ever sees a clean copy.
                raw = await images.download_image(runtime.user_fetch_http, ref)
                clean = await clean_in_pool(runtime, images.clean_image, raw)
            prepared.append(PreparedImage(images.new_upload_id(), clean.mime_type, clean.data, clean))
        except images.ImageInputError as e:
            raise SubmitError(400, f"Image {index}: {e}")
        except StorageError:
            raise SubmitError(503, f"Image {index} could not be read right now; nothing was charged. Please try again.")
    return prepared


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


async def _check_affordable(user_id: str, model_id: str, price: int, max_active: int) -> None:
    try:
        await ledger.check_affordable(user_id, price, max_active)
    except ledger.InsufficientCredits as e:
        raise SubmitError(402, f"Insufficient credits: your balance is {e.balance} and '{model_id}' costs {price}.")
    except ledger.TooManyActiveTasks as e:
        raise SubmitError(429, str(e))


def _replay(task: GoogleVideoTaskModel, req: SubmitRequest, model_id: str, prompt: str,
            fingerprint: Optional[str]) -> GoogleVideoTaskModel:
    same = (task.request_fingerprint == fingerprint if task.request_fingerprint
            else (task.task_type, task.model, task.prompt) == (req.task_type, model_id, prompt))  # rows from before fingerprints
    if not same:
        raise SubmitError(409, "This idempotency key was already used for a different request.")
    return task


async def reserve_task(
    user_id: str, task_type: str, model_id: str, provider: str, prompt: str, price: int, max_active: int, timeout_seconds: int,
    worker_id: str, *, enhance: bool = False, aspect_ratio: Optional[str] = None,
    input_images: Optional[list[str]] = None, idempotency_key: Optional[str] = None,
    request_fingerprint: Optional[str] = None, parameters: Optional[dict] = None,
    operation: str = "generate", source_task_id: Optional[str] = None, chat: Optional[tuple[str, str]] = None,
) -> str:
    """Charge `price` and insert the task (SUBMITTING, leased to this worker) in one transaction.

    Raises SubmitError 402/429 with nothing changed, or IntegrityError for a reused idempotency key.
    """
    task_id = new_task_id()
    try:
        await lifecycle.create_reserved_task(
            dict(id=task_id, user_id=user_id, task_type=task_type, model=model_id, provider=provider,
                 prompt=prompt, enhance_prompt=enhance, aspect_ratio=aspect_ratio, input_images=input_images,
                 credits_cost=price, idempotency_key=idempotency_key, request_fingerprint=request_fingerprint,
                 parameters=parameters, operation=operation, source_task_id=source_task_id,
                 **(dict(chat_id=chat[0], chat_message_id=chat[1], chat_delivery="pending") if chat else {})),
            max_active, timeout_seconds, worker_id, SUBMIT_LEASE_SECONDS,
        )
        return task_id
    except ledger.InsufficientCredits as e:
        raise SubmitError(402, f"Insufficient credits: your balance is {e.balance} and '{model_id}' costs {price}.")
    except ledger.TooManyActiveTasks as e:
        raise SubmitError(429, str(e))
    except OperationalError as e:
        if not is_database_busy(e):
            raise
        raise SubmitError(503, "The server is busy; nothing was charged. Please try again.")


async def quote_request(user_id: str, p) -> dict:
    """What a submit with these parameters would charge (validated the same way), and the balance."""
    config = await GoogleVideoConfigs.get()
    model = _check_model(SubmitRequest(p.task_type, "", p.model, None), config)
    check_parameters(model, p, config)
    quoted = pricing.quote(config, model, p.duration_seconds, p.resolution)
    balance = await ledger.get_balance(user_id)
    return {"model": model.id, **quoted.as_dict(), "balance": balance, "affordable": balance >= quoted.price}


async def submit_task(runtime: GoogleVideoRuntime, user_id: str, req: SubmitRequest) -> GoogleVideoTaskModel:
    """Cheap checks first (validation, idempotent replay, rate limit, moderation, credits), then the
    image work, then the charge; a refused request keeps nothing."""
    config = await GoogleVideoConfigs.get()
    check_enabled(config)
    model = _check_model(req, config)
    check_parameters(model, req, config)  # the same answer as a quote, configured or not
    _check_configured(model, config)
    prompt = _check_prompt(req.prompt)
    _check_image_count(model, len(req.images))
    image_refs, image_slots = assign_slots(model, req.images, req.image_roles)
    # Only a key's replays are compared; without one nothing needs the fingerprint.
    fingerprint = request_fingerprint(req, model.id, prompt) if req.idempotency_key else None
    if req.idempotency_key:
        previous = await GoogleVideoTasks.find_by_idempotency_key(user_id, req.idempotency_key)
        if previous is not None:
            return _replay(previous, req, model.id, prompt, fingerprint)
    price = pricing.quote(config, model, req.duration_seconds, req.resolution).price
    check_price_agreed(model.id, price, req.max_credits)
    try:
        await rate_limit.admit(user_id, "submit", config.submits_per_minute)
    except rate_limit.RateLimited as e:
        raise SubmitError(429, f"{e} Nothing was charged.", retry_after=e.retry_after)
    await check_moderation(user_id, prompt, model.id, config)
    if req.images:  # only image work is worth refusing early; the reservation checks again either way
        await _check_affordable(user_id, model.id, price, config.max_concurrent_tasks)
    prepared = await _prepare_images(runtime, config, user_id, image_refs)
    enhance = config.default_enhance_prompt if req.enhance_prompt is None else req.enhance_prompt

    try:
        task_id = await reserve_task(
            user_id, req.task_type, model.id, model.provider, prompt, price, config.max_concurrent_tasks, config.task_timeout_seconds,
            runtime.worker_id, enhance=enhance, aspect_ratio=req.aspect_ratio,
            input_images=[images.UPLOAD_URL_PREFIX + p.upload_id for p in prepared] or None,
            idempotency_key=req.idempotency_key, request_fingerprint=fingerprint, parameters=req.parameters() or None,
            chat=req.chat,
        )
    except IntegrityError:
        # A concurrent submit with the same idempotency key won; nothing of ours was kept.
        previous = await GoogleVideoTasks.find_by_idempotency_key(user_id, req.idempotency_key or "")
        if previous is None:
            raise
        return _replay(previous, req, model.id, prompt, fingerprint)

    try:
        for image in prepared:
            if image.clean is not None:
                await store_clean_image(runtime, config, user_id, image.upload_id, image.clean)
    except (StorageError, OperationalError):
        reason = "The input images could not be stored."
        await lifecycle.finish_failure(task_id, reason)
        raise SubmitError(503, f"{reason} Your {price} credits were refunded; please try again.")
    except BaseException:
        await lifecycle.finish_failure(task_id, "The submission was interrupted before the relay answered.")
        raise

    job = VideoJob(model=model.provider_model, prompt=prompt, enhance_prompt=enhance, aspect_ratio=req.aspect_ratio,
                   images=[images.to_data_uri(p.data, p.mime_type) for p in prepared], image_slots=image_slots,
                   negative_prompt=req.negative_prompt, duration_seconds=req.duration_seconds, resolution=req.resolution,
                   seed=req.seed, generate_audio=req.generate_audio, person_generation=req.person_generation,
                   extra=dict(req.extra))
    return await _send(runtime, config, task_id, model, job, price)


async def _send(runtime: GoogleVideoRuntime, config: GoogleVideoConfigModel, task_id: str, model: catalog.VideoModel,
                job: VideoJob, price: int) -> GoogleVideoTaskModel:
    """Hand a reserved task to its provider; any way out but acceptance refunds it."""
    try:
        external_id = await failures.submit_with_rate_limit_retries(
            runtime.provider(model.provider, config), job, max_wait=SUBMIT_RETRY_MAX_WAIT_SECONDS,
            # a new attempt starts only while a whole one still fits in the submit lease
            start_attempts_within=SUBMIT_LEASE_SECONDS - RELAY_TIMEOUT_SECONDS - 5)
    except ProviderError as e:
        failure = failures.describe(e, all_secrets(config), at_submit=True)
        if failure.is_setup:
            log.warning("google video provider %s refused task %s for its setup: %s", model.provider, task_id, failure.admin)
            reason = failure.user
            answer = f"{reason}. Nothing was charged: your {price} credits were refunded."
        else:
            reason = f"The video service did not accept the task: {failure.user}"
            # A retryable error (unreachable, busy, rate limited) may pass; a refusal will not.
            again = " You can try again in a moment." if e.retryable else ""
            answer = f"{reason}. Your {price} credits were refunded.{again}"
        await lifecycle.finish_failure(task_id, reason, audit=failure.audit(task_id, model.provider, e))
        raise SubmitError(502, answer)
    except BaseException:
        # Cancelled or crashed mid-call: the provider may or may not have the task; refund now
        # rather than leaving the user charged until the submit lease runs out.
        await lifecycle.finish_failure(task_id, "The submission was interrupted before the video service answered.")
        raise
    task = await lifecycle.mark_submitted(task_id, external_id, due_in(min(FIRST_POLL_DELAY_SECONDS, config.poll_interval_seconds)))
    if task is None:  # the submit lease expired while waiting for the provider
        log.error("google video task %s was accepted by %s as %s after its submit lease expired",
                  task_id, model.provider, external_id)
        raise SubmitError(504, "The video service answered too late; the task was cancelled and your credits refunded.")
    await runtime.notify(task)
    return task


_OPERATION_WORDS = {"remix": "remixed", "extend": "extended"}


async def derive_task(runtime: GoogleVideoRuntime, user_id: str, source_id: str, operation: str, prompt: str,
                      idempotency_key: Optional[str] = None, max_credits: Optional[int] = None) -> GoogleVideoTaskModel:
    """A remix or extension of one of the user's finished videos: a new task, linked to its source,
    charged like its source's generation (the same model and parameters) and refunded the same ways."""
    config = await GoogleVideoConfigs.get()
    check_enabled(config)
    source = await GoogleVideoTasks.get(source_id)
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
    _check_configured(model, config)
    prompt = _check_prompt(prompt)
    fingerprint = hashlib.sha256(json.dumps([operation, source_id, prompt]).encode()).hexdigest()
    if idempotency_key:
        previous = await GoogleVideoTasks.find_by_idempotency_key(user_id, idempotency_key)
        if previous is not None:
            return _same_or_conflict(previous, fingerprint)
    parameters = source.parameters or {}
    price = pricing.quote(config, model, parameters.get("duration_seconds"), parameters.get("resolution")).price
    check_price_agreed(model.id, price, max_credits)
    try:
        await rate_limit.admit(user_id, "submit", config.submits_per_minute)
    except rate_limit.RateLimited as e:
        raise SubmitError(429, f"{e} Nothing was charged.", retry_after=e.retry_after)
    await check_moderation(user_id, prompt, model.id, config)
    try:
        task_id = await reserve_task(
            user_id, source.task_type, model.id, model.provider, prompt, price, config.max_concurrent_tasks,
            config.task_timeout_seconds, runtime.worker_id, aspect_ratio=source.aspect_ratio,
            idempotency_key=idempotency_key, request_fingerprint=fingerprint,
            parameters={k: v for k, v in parameters.items() if k in ("duration_seconds", "resolution")} or None,
            operation=operation, source_task_id=source.id,
        )
    except IntegrityError:
        previous = await GoogleVideoTasks.find_by_idempotency_key(user_id, idempotency_key or "")
        if previous is None:
            raise
        return _same_or_conflict(previous, fingerprint)
    storage = runtime.storage(config, source.storage_backend)

    async def load_source() -> bytes:
        if not source.video_path:
            raise ProviderError("rejected", "the source video is no longer stored")
        try:
            return await storage.get_bytes(source.video_path)
        except StorageError:
            raise ProviderError("unreachable", "the source video could not be read from storage")

    job = VideoJob(model=model.provider_model, prompt=prompt, operation=operation,
                   source=SourceVideo(source.external_task_id, source.result_ref, load_source))
    return await _send(runtime, config, task_id, model, job, price)


def _same_or_conflict(task: GoogleVideoTaskModel, fingerprint: str) -> GoogleVideoTaskModel:
    if task.request_fingerprint != fingerprint:
        raise SubmitError(409, "This idempotency key was already used for a different request.")
    return task
