"""What a provider's failure says, to whom, and whether a submit is tried again.

The user reads what happened to the task and to the credits. A failure of the service's setup
(credentials refused, an address or model the provider does not have) is the admin's to fix: the
user is told the service is misconfigured, and the provider's own words, scrubbed, go to the
admin (the audit log and the server log)."""

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Iterable, Optional

from open_webui.utils.google_video.providers.base import ProviderError, VideoJob, VideoProvider
from open_webui.utils.google_video.guards.redaction import provider_text

SETUP_FAILURE_TEXT = "The video service is not set up correctly on this server (an administrator can see the details)"
AUDIT_ACTION = "provider.failure"
SUBMIT_ATTEMPTS = 3  # a submit answered 429 with a time to wait is tried at most this often

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FailureText:
    user: str  # for the task's fail_reason, the HTTP answer and the ledger
    admin: Optional[str] = None  # the provider's scrubbed words, when the user is not shown them

    @property
    def is_setup(self) -> bool:
        return self.admin is not None

    def audit(self, task_id: str, provider: str, error: ProviderError) -> Optional[tuple[str, dict]]:
        """The audit entry (action, detail) to commit with the task's failure, or None."""
        if self.admin is None:
            return None
        return AUDIT_ACTION, {"task_id": task_id, "provider": provider, "kind": error.kind,
                              "http_status": error.http_status, "detail": self.admin}


def is_setup_failure(error: ProviderError, at_submit: bool) -> bool:
    # A 404 at submit means the base URL or the model does not exist there; while polling it means
    # the task is gone, which the user may be told.
    return error.kind == "auth" or (at_submit and error.kind == "not_found")


def describe(error: ProviderError, secrets: Iterable[str], at_submit: bool) -> FailureText:
    """The error's text for the user (and for the admin), scrubbed of every secret the module holds."""
    text = provider_text(error.message, secrets, limit=500).rstrip(".")
    if is_setup_failure(error, at_submit):
        return FailureText(SETUP_FAILURE_TEXT, text)
    return FailureText(text)


async def submit_with_rate_limit_retries(provider: VideoProvider, job: VideoJob, *, max_wait: float,
                                         start_attempts_within: float) -> str:
    """The provider's submit, tried again when it answered 429 with a time to wait (Retry-After,
    Google's RetryInfo) of at most `max_wait`, while the next attempt starts within
    `start_attempts_within` seconds of the first. Only an answered 429 is retried: after a timeout
    the outcome is unknown, and a second submit could make (and bill) a second video."""
    started = time.monotonic()
    for attempt in range(1, SUBMIT_ATTEMPTS + 1):
        try:
            return await provider.submit(job)
        except ProviderError as e:
            wait = e.retry_after
            if e.kind != "rate_limited" or wait is None or wait > max_wait or attempt == SUBMIT_ATTEMPTS \
                    or time.monotonic() - started + wait > start_attempts_within:
                raise
            log.info("google video provider %s is rate limiting; submitting again in %.1f s", provider.name, wait)
            await asyncio.sleep(wait)
    raise AssertionError("unreachable")
