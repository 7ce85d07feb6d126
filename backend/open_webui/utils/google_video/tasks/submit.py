"""Submitting a request: one pipeline for a new generation, a remix and an extension.

Cheap checks first (validation, idempotent replay, rate limit, moderation, credits), then the image
work, then the charge; a refused request keeps nothing. Once charged, every way out either leaves
a task accepted by its provider or a FAILURE with the credits refunded.
"""

import logging
import secrets
import time
from sqlalchemy.exc import IntegrityError, OperationalError

from open_webui.models.google_video import (
    GoogleVideoConfigModel, GoogleVideoConfigs, GoogleVideoTaskModel, GoogleVideoTasks, due_in,
)
from open_webui.utils.google_video.credits import ledger, pricing
from open_webui.utils.google_video.db_retry import is_database_busy
from open_webui.utils.google_video.guards import rate_limit
from open_webui.utils.google_video.media import images
from open_webui.utils.google_video.providers import catalog, failures
from open_webui.utils.google_video.providers.base import ProviderError, SourceVideo, VideoJob
from open_webui.utils.google_video.runtime import RELAY_TIMEOUT_SECONDS, GoogleVideoRuntime, all_secrets
from open_webui.utils.google_video.settings import SUBMIT_RETRY_MAX_WAIT_SECONDS
from open_webui.utils.google_video.storage import StorageError
from open_webui.utils.google_video.tasks import lifecycle
from open_webui.utils.google_video.tasks.checks import (
    SubmitError, check_affordable, check_enabled, check_model, check_moderation, check_parameters, check_price_agreed,
)
from open_webui.utils.google_video.tasks.inputs import PreparedImage, prepare_images, store_clean_image
from open_webui.utils.google_video.tasks.plan import Plan, plan_derived, plan_generation
from open_webui.utils.google_video.tasks.request import VideoRequest

log = logging.getLogger(__name__)

# The submitter holds the task this long (well past the relay timeout); after it, the poller
# treats the submit as interrupted by a crash and refunds it.
SUBMIT_LEASE_SECONDS = int(2 * RELAY_TIMEOUT_SECONDS + 10)
FIRST_POLL_DELAY_SECONDS = 2


def new_task_id() -> str:
    """32 hex chars that sort by creation time (microseconds, then random), so newest-first
    listings are stable even for tasks created within the same second."""
    return f"{time.time_ns() // 1000:014x}{secrets.token_hex(9)}"


async def quote_request(user_id: str, req: VideoRequest) -> dict:
    """What a submit of this request would charge (validated the same way), and the balance."""
    config = await GoogleVideoConfigs.get()
    model = check_model(req, config)
    check_parameters(model, req, config)
    quoted = pricing.quote(config, model, req.duration_seconds, req.resolution)
    balance = await ledger.get_balance(user_id)
    return {"model": model.id, **quoted.as_dict(), "balance": balance, "affordable": balance >= quoted.price}


async def submit_task(runtime: GoogleVideoRuntime, user_id: str, req: VideoRequest) -> GoogleVideoTaskModel:
    config = await GoogleVideoConfigs.get()
    check_enabled(config)
    plan = plan_generation(req, config) if req.operation == "generate" else await plan_derived(user_id, req, config)
    if req.idempotency_key:
        previous = await GoogleVideoTasks.find_by_idempotency_key(user_id, req.idempotency_key)
        if previous is not None:
            return _replay(previous, plan)
    price = pricing.quote(config, plan.model, plan.duration_seconds, plan.resolution).price
    check_price_agreed(plan.model.id, price, req.max_credits)
    try:
        await rate_limit.admit(user_id, "submit", config.submits_per_minute)
    except rate_limit.RateLimited as e:
        raise SubmitError(429, f"{e} Nothing was charged.", retry_after=e.retry_after)
    await check_moderation(user_id, plan.prompt, plan.model.id, config)
    if plan.image_refs:  # only image work is worth refusing early; the reservation checks again either way
        await check_affordable(user_id, plan.model.id, price, config.max_concurrent_tasks)
    prepared = await prepare_images(runtime, config, user_id, list(plan.image_refs))
    try:
        task_id = await reserve_task(user_id, req, plan, price, prepared, config, runtime.worker_id)
    except IntegrityError:
        # A concurrent submit with the same idempotency key won; nothing of ours was kept.
        previous = await GoogleVideoTasks.find_by_idempotency_key(user_id, req.idempotency_key or "")
        if previous is None:
            raise
        return _replay(previous, plan)
    await _store_images(runtime, config, user_id, task_id, prepared, price)
    return await _send(runtime, config, task_id, plan.model, _job(runtime, config, req, plan, prepared), price)


def _replay(task: GoogleVideoTaskModel, plan: Plan) -> GoogleVideoTaskModel:
    if task.request_fingerprint or plan.source is not None:
        same = task.request_fingerprint == plan.fingerprint
    else:  # a generation's row from before fingerprints
        same = (task.task_type, task.model, task.prompt) == (plan.task_type, plan.model.id, plan.prompt)
    if not same:
        raise SubmitError(409, "This idempotency key was already used for a different request.")
    return task


async def reserve_task(user_id: str, req: VideoRequest, plan: Plan, price: int,
                       prepared: list[PreparedImage], config: GoogleVideoConfigModel, worker_id: str) -> str:
    """Charge `price` and insert the task (SUBMITTING, leased to this worker) in one transaction.

    Raises SubmitError 402/429/503 with nothing changed, or IntegrityError for a reused idempotency key.
    """
    task_id = new_task_id()
    chat = req.chat
    try:
        await lifecycle.create_reserved_task(
            dict(id=task_id, user_id=user_id, task_type=plan.task_type, model=plan.model.id,
                 provider=plan.model.provider, prompt=plan.prompt, enhance_prompt=plan.enhance_prompt,
                 aspect_ratio=plan.aspect_ratio,
                 input_images=[images.UPLOAD_URL_PREFIX + p.upload_id for p in prepared] or None,
                 credits_cost=price, idempotency_key=req.idempotency_key, request_fingerprint=plan.fingerprint,
                 parameters=plan.parameters, operation=req.operation,
                 source_task_id=plan.source.id if plan.source else None,
                 **(dict(chat_id=chat[0], chat_message_id=chat[1], chat_delivery="pending") if chat else {})),
            config.max_concurrent_tasks, config.task_timeout_seconds, worker_id, SUBMIT_LEASE_SECONDS,
        )
        return task_id
    except ledger.InsufficientCredits as e:
        raise SubmitError(402, f"Insufficient credits: your balance is {e.balance} and '{plan.model.id}' costs {price}.")
    except ledger.TooManyActiveTasks as e:
        raise SubmitError(429, str(e))
    except OperationalError as e:
        if not is_database_busy(e):
            raise
        raise SubmitError(503, "The server is busy; nothing was charged. Please try again.")


async def _store_images(runtime: GoogleVideoRuntime, config: GoogleVideoConfigModel, user_id: str, task_id: str,
                        prepared: list[PreparedImage], price: int) -> None:
    """Keep the new input images; a failure refunds the reserved task."""
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


def _job(runtime: GoogleVideoRuntime, config: GoogleVideoConfigModel, req: VideoRequest, plan: Plan,
         prepared: list[PreparedImage]) -> VideoJob:
    """The provider's job for a reserved request."""
    model_id = plan.model.provider_model
    if plan.source is None:
        return VideoJob(model=model_id, prompt=plan.prompt, enhance_prompt=plan.enhance_prompt, aspect_ratio=req.aspect_ratio,
                        images=[images.to_data_uri(p.data, p.mime_type) for p in prepared],
                        image_slots=list(plan.image_slots), negative_prompt=req.negative_prompt,
                        duration_seconds=req.duration_seconds, resolution=req.resolution, seed=req.seed,
                        generate_audio=req.generate_audio, person_generation=req.person_generation,
                        extra=dict(req.extra))
    source = plan.source
    storage = runtime.storage(config, source.storage_backend)

    async def load_source() -> bytes:
        if not source.video_path:
            raise ProviderError("rejected", "the source video is no longer stored")
        try:
            return await storage.get_bytes(source.video_path)
        except StorageError:
            raise ProviderError("unreachable", "the source video could not be read from storage")

    return VideoJob(model=model_id, prompt=plan.prompt, operation=req.operation,
                    source=SourceVideo(source.external_task_id, source.result_ref, load_source))


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
