"""Cancelling a task at its owner's request: at the provider first, then refunded here."""

import logging

from open_webui.models.google_video import GoogleVideoConfigs, GoogleVideoTaskModel, TaskStatus
from open_webui.utils.google_video.tasks import lifecycle
from open_webui.utils.google_video.providers import provider_class
from open_webui.utils.google_video.providers.base import ProviderError
from open_webui.utils.google_video.runtime import GoogleVideoRuntime

log = logging.getLogger(__name__)


class CancelRefused(Exception):
    def __init__(self, status_code: int, detail: str):
        super().__init__(detail)
        self.status_code = status_code
        self.detail = detail


async def cancel_task(runtime: GoogleVideoRuntime, task: GoogleVideoTaskModel) -> GoogleVideoTaskModel:
    """Raises CancelRefused (409 when the task cannot be cancelled, 502 when the provider failed to),
    leaving the task and the credits as they were."""
    if task.finished:
        raise CancelRefused(409, f"This task has already ended ({task.status}); there is nothing to cancel.")
    provider = provider_class(task.provider)
    if not provider.can_cancel:
        raise CancelRefused(409, provider.cannot_cancel_reason)
    if task.status == TaskStatus.SUBMITTING:
        raise CancelRefused(409, "The task is still being submitted; try again in a moment.")
    try:
        await runtime.provider(task.provider, await GoogleVideoConfigs.get()).cancel(task.external_task_id)
    except ProviderError as e:
        log.warning("google video task %s: %s could not cancel it (%s)", task.id, task.provider, e.message)
        raise CancelRefused(502, f"The video service could not cancel the task ({e.message}); it is still running "
                                 "and nothing was refunded. Try again shortly.")
    cancelled = await lifecycle.finish_cancelled(task.id, "Cancelled at your request.")
    if cancelled is None:
        raise CancelRefused(409, "The task ended before it could be cancelled.")
    await runtime.notify(cancelled)
    return cancelled
