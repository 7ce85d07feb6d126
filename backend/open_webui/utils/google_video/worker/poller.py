"""The background worker that drives every unfinished task to a terminal state.

It is owned by the app's lifespan (not by a request), keeps all scheduling in the database
(next_poll_at, lease) and therefore resumes after a restart exactly where it stopped.
"""

import asyncio
import logging
import math
import random
import time
from dataclasses import dataclass, field
from typing import Literal, Optional

from open_webui.models.google_video import (
    GoogleVideoConfigModel,
    GoogleVideoConfigs,
    GoogleVideoTaskModel,
    TaskStatus,
    due_in,
    now,
)
from open_webui.utils.google_video import settings
from open_webui.utils.google_video.providers import failures
from open_webui.utils.google_video.tasks import lifecycle
from open_webui.utils.google_video.chat import delivery as chat_delivery
from open_webui.utils.google_video.providers import UnknownProvider
from open_webui.utils.google_video.providers.base import ProviderError, ProviderStatus, VideoProvider
from open_webui.utils.google_video.guards.redaction import provider_text
from open_webui.utils.google_video.runtime import RELAY_TIMEOUT_SECONDS, GoogleVideoRuntime, all_secrets
from open_webui.utils.google_video.storage import (
    ObjectStorage,
    StorageError,
    StoredVideo,
    VideoFetchError,
    copy_video,
)
from open_webui.utils.google_video.storage.poster import store_first_frame, store_poster

log = logging.getLogger(__name__)

TICK_SECONDS = settings.POLL_TICK_SECONDS
# A poll is one relay request, so a lease a little longer than the relay timeout is never lost
# by a live worker, and a killed worker's tasks come back shortly after.
LEASE_SECONDS = int(RELAY_TIMEOUT_SECONDS + 10)
BATCH = 100
CONCURRENCY = 64  # a poll keeps its slot while its result waits for the batched write
MAX_BACKOFF_SECONDS = 300
# Past its deadline a task is refunded only once the relay confirms it is not done; while the
# relay cannot be reached we keep asking this much longer before refunding anyway.
TIMEOUT_VERIFY_GRACE_SECONDS = 120
# A video whose copy into storage failed is retried after this, doubling up to 30 minutes.
COPY_RETRY_SECONDS = settings.COPY_RETRY_SECONDS
COPY_RETRY_MAX_SECONDS = 1800
RETENTION_SWEEP_SECONDS = settings.RETENTION_SWEEP_SECONDS
RETENTION_BATCH = 100
MB = 1024 * 1024
MAX_FAIL_REASON_CHARS = 500


# The relay's progress figure predicts the finish only while it moves at a steady pace: forward
# since the previous poll, at a pace within this factor of its pace since the submit.
PACE_AGREEMENT = 1.5
# A predicted step is at most this many times the previous one, so a figure that agrees with
# itself by chance once costs one step of at most 2x the base interval.
STEP_GROWTH = 2.0
MAX_STEP_FACTOR = 12  # and at most 12x the base interval
# The figure may trail the real progress by this many points (whole percents, coarse steps):
# the predicted finish comes that much earlier.
FIGURE_LAG_POINTS = 2


def next_poll_delay(base: int, progress: Optional[int], previous_progress: Optional[int], running_for: float,
                    since_last: float) -> float:
    """Seconds until the next status query of a running task.

    `progress` is the figure the relay just reported (None when absent), `previous_progress` the
    task's figure before this poll, `running_for` the time since submit, `since_last` the time
    since the previous poll (or the submit).

    A figure that moved forward at a steady pace (its pace since the previous poll within 1.5x of
    its pace since the submit) predicts the finish: we ask again at 90% of the predicted remaining
    time (counting the figure 2 points ahead, as it may trail), at least base/2 and at most 12x
    base, and at most twice the previous step. A steady relay's task costs a handful of requests
    and is seen within seconds of finishing; a figure that agrees with itself once by chance costs
    one step of at most 2x base.

    Any other figure (absent, 0%, unchanged, lower than before, a jump off the pace) says nothing
    about the finish, however long it has been read: we ask every `base` seconds, so a finished
    video is seen within about `base` seconds at about generation time / base requests.
    Jitter (+0-5% on a predicted step, +0-10% otherwise; never shorter) spreads tasks submitted
    together.
    """
    if (progress is not None and previous_progress is not None and previous_progress < progress < 100
            and running_for > 0 and since_last > 0):
        overall = progress / running_for
        recent = (progress - previous_progress) / since_last
        if overall / PACE_AGREEMENT <= recent <= overall * PACE_AGREEMENT:
            remaining = (100 - progress - FIGURE_LAG_POINTS) / max(overall, recent)
            step = min(0.9 * remaining, base * MAX_STEP_FACTOR, since_last * STEP_GROWTH)
            return max(step, base / 2) * random.uniform(1.0, 1.05)
    return base * random.uniform(1.0, 1.1)


@dataclass(frozen=True)
class PollDecision:
    action: Literal["deliver", "fail", "timeout", "wait"]
    reason: str = ""  # for "fail"
    values: dict = field(default_factory=dict)  # for "wait": what to save on the task


def decide(task: GoogleVideoTaskModel, status: ProviderStatus, base_interval: int, at: float) -> PollDecision:
    """What one answer of the provider means for the task, at time `at` (no I/O: unit-tested)."""
    if status.status == TaskStatus.SUCCESS:
        if not status.video_url:
            return PollDecision("fail", "The video service reported success but returned no video.")
        return PollDecision("deliver")
    if status.status in (TaskStatus.FAILURE, TaskStatus.CANCELLED):
        what = "refused the content" if status.content_refused else "reported a failure"
        return PollDecision("fail", f"The video service {what}: {status.fail_reason or 'no reason given'}")
    if at >= task.deadline_at:
        return PollDecision("timeout")
    delay = next_poll_delay(base_interval, status.progress, task.progress, at - task.created_at, at - task.updated_at)
    values = dict(poll_count=task.poll_count + 1, error_streak=0, next_poll_at=math.ceil(at + delay),
                  provider_status=status.raw_status, **status.times())
    if status.status is not None:  # None (e.g. a relay's UNKNOWN): keep what we knew
        values["status"] = status.status
    if status.progress is not None:
        values["progress"] = max(task.progress, min(status.progress, 99))
    return PollDecision("wait", values=values)


def decide_error(task: GoogleVideoTaskModel, error: ProviderError, base_interval: int, at: float) -> PollDecision:
    """A failed poll backs off; past the deadline (plus a grace to let the provider confirm) it times out."""
    give_up_at = task.deadline_at + TIMEOUT_VERIFY_GRACE_SECONDS
    if at >= give_up_at:
        return PollDecision("timeout", error.message)
    next_poll = math.ceil(at + error_backoff(base_interval, task.error_streak))
    return PollDecision("wait", values=dict(
        error_streak=task.error_streak + 1,
        next_poll_at=min(next_poll, give_up_at) if at >= task.deadline_at else next_poll,
    ))


class PollResultWriter:
    """Saves the results of non-terminal polls in batches: each poll waits for the transaction
    that holds its result (at most WINDOW_SECONDS plus the write), one commit serves them all."""

    WINDOW_SECONDS = 0.05

    def __init__(self, owner: str):
        self.owner = owner
        self._pending: list[tuple[str, dict, asyncio.Future]] = []
        self._wake = asyncio.Event()
        self._loop_task: Optional[asyncio.Task] = None

    def start(self) -> None:
        self._loop_task = asyncio.create_task(self._run(), name="google-video-poll-writer")

    async def stop(self) -> None:
        if self._loop_task:
            self._loop_task.cancel()
            await asyncio.gather(self._loop_task, return_exceptions=True)
        await self._flush()  # anything queued while stopping

    async def save(self, task_id: str, values: dict) -> Optional[GoogleVideoTaskModel]:
        future = asyncio.get_running_loop().create_future()
        self._pending.append((task_id, values, future))
        self._wake.set()
        return await future

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            await asyncio.sleep(self.WINDOW_SECONDS)  # let the polls finishing together join
            self._wake.clear()
            await self._flush()

    async def _flush(self) -> None:
        batch, self._pending = self._pending, []
        if not batch:
            return
        try:
            saved = await lifecycle.record_polls(self.owner, [(task_id, values) for task_id, values, _ in batch])
        except Exception as e:
            for _, _, future in batch:
                if not future.done():
                    future.set_exception(e)
            return
        for (_, _, future), task in zip(batch, saved):
            if not future.done():
                future.set_result(task)


def copy_retry_delay(streak: int) -> float:
    return min(COPY_RETRY_MAX_SECONDS, COPY_RETRY_SECONDS * (2 ** min(streak, 16)))


def stored_values(stored: StoredVideo, storage: ObjectStorage) -> dict:
    return dict(video_path=stored.key, video_size=stored.size, video_duration=stored.duration_ms,
                video_sha256=stored.sha256, storage_backend=storage.kind, cloud_upload_status="uploaded",
                cloud_video_url=storage.object_url(stored.key))


def describe_limit(seconds: int) -> str:
    """The task's own time limit (fixed when it was submitted), as a person reads it."""
    return f"{max(1, round(seconds / 60))} minute(s)" if seconds >= 60 else f"{seconds} s"


def error_backoff(base: int, streak: int) -> float:
    return min(MAX_BACKOFF_SECONDS, base * (2 ** min(streak, 10))) * random.uniform(0.9, 1.1)


class TaskPoller:
    def __init__(self, runtime: GoogleVideoRuntime):
        self.runtime = runtime
        self._stopping = asyncio.Event()
        self._loop_task: Optional[asyncio.Task] = None
        self._in_flight: set[asyncio.Task] = set()
        self._semaphore = asyncio.Semaphore(CONCURRENCY)
        self.polls_done = 0  # relay status queries by this worker, for the admin stats
        self.writer = PollResultWriter(runtime.worker_id)

    def start(self) -> None:
        self.writer.start()
        self._loop_task = asyncio.create_task(self._run(), name="google-video-poller")

    async def stop(self, grace_seconds: float = 10.0) -> None:
        """Let in-flight polls finish, then give every lease back so another worker continues at once."""
        self._stopping.set()
        if self._loop_task:
            await self._loop_task
        if self._in_flight:
            _, pending = await asyncio.wait(self._in_flight, timeout=grace_seconds)
            for t in pending:
                t.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        await self.writer.stop()
        released = await lifecycle.release_leases(self.runtime.worker_id)
        if released:
            log.info("google video poller released %d task lease(s) on shutdown", released)

    async def _run(self) -> None:
        next_sweep = time.monotonic() + min(60.0, RETENTION_SWEEP_SECONDS)
        while not self._stopping.is_set():
            full = False
            try:
                full = await self._tick()
                if self.runtime.app is not None:
                    await chat_delivery.deliver_due(self.runtime.app)
                if time.monotonic() >= next_sweep:
                    next_sweep = time.monotonic() + RETENTION_SWEEP_SECONDS
                    await self.sweep_retention()
            except Exception:
                log.exception("google video poller tick failed")
            if full and self._in_flight:
                # More may be due than one batch holds: claim again as soon as polls finish, not a
                # tick later (waiting a tick capped a process at BATCH polls a second).
                await asyncio.wait(set(self._in_flight), timeout=TICK_SECONDS, return_when=asyncio.FIRST_COMPLETED)
                continue
            try:
                await asyncio.wait_for(self._stopping.wait(), timeout=TICK_SECONDS)
            except asyncio.TimeoutError:
                pass

    async def _tick(self) -> bool:
        """Start polling the due tasks; True when the batch was full (more may be due)."""
        capacity = BATCH - len(self._in_flight)
        if capacity <= 0:
            return True
        tasks = await lifecycle.claim_due(self.runtime.worker_id, capacity, LEASE_SECONDS)
        if not tasks:
            return False
        config = await GoogleVideoConfigs.get()
        for task in tasks:
            job = asyncio.create_task(self._guarded(task, config))
            self._in_flight.add(job)
            job.add_done_callback(self._in_flight.discard)
        return len(tasks) == capacity

    async def _guarded(self, task: GoogleVideoTaskModel, config: GoogleVideoConfigModel) -> None:
        async with self._semaphore:
            try:
                await self.poll_task(task, config)
            except Exception:
                log.exception("google video task %s: poll failed unexpectedly; retrying later", task.id)
                await lifecycle.record_poll(task.id, self.runtime.worker_id, dict(next_poll_at=due_in(MAX_BACKOFF_SECONDS / 5)))

    async def poll_task(self, task: GoogleVideoTaskModel, config: GoogleVideoConfigModel) -> None:
        owner = self.runtime.worker_id
        if task.status == TaskStatus.SUCCESS:
            await self._retry_copy(task, config)
            return
        if task.status == TaskStatus.SUBMITTING:
            # Its submitter died or hung before the provider answered: we cannot know the provider's id.
            await self._finished(await lifecycle.finish_failure(
                task.id, "The submission was interrupted (server restart) before the video service confirmed it.", owner))
            return
        try:
            provider = self.runtime.provider(task.provider, config)
        except UnknownProvider:
            # Polling it again can never work: end it now rather than leave it stuck.
            await self._finished(await lifecycle.finish_failure(
                task.id, f"The video service '{task.provider}' is no longer available on this server.", owner))
            return
        self.polls_done += 1
        try:
            status = await provider.query(task.external_task_id)
        except ProviderError as e:
            await self._provider_error(task, config, e)
            return
        if task.error_streak:
            log.info("google video task %s: %s answers again after %d failed poll(s)", task.id, task.provider, task.error_streak)
        decision = decide(task, status, config.poll_interval_seconds, time.time())
        if decision.action == "deliver":
            await self._deliver(task, config, provider, status)
        elif decision.action == "fail":
            reason = provider_text(decision.reason, all_secrets(config), limit=MAX_FAIL_REASON_CHARS)
            await self._finished(await lifecycle.finish_failure(task.id, reason, owner))
        elif decision.action == "timeout":
            await self._timed_out(task)
        else:
            updated = await self.writer.save(task.id, decision.values)
            if updated and (updated.progress != task.progress or updated.status != task.status):
                await self.runtime.notify(updated)

    async def _provider_error(self, task: GoogleVideoTaskModel, config: GoogleVideoConfigModel, error: ProviderError) -> None:
        decision = decide_error(task, error, config.poll_interval_seconds, time.time())
        # Described (scrubbed) only when someone reads it: at the timeout, or once per streak in the log.
        if decision.action == "timeout":
            failure = failures.describe(error, all_secrets(config), at_submit=False)
            await self._timed_out(task, failure.user, failure.audit(task.id, task.provider, error))
            return
        if task.error_streak == 0:  # once per streak, not per poll
            failure = failures.describe(error, all_secrets(config), at_submit=False)
            log.warning("google video task %s: %s poll failed (%s), retrying with backoff", task.id, task.provider,
                        failure.admin or failure.user)
        await lifecycle.record_poll(task.id, self.runtime.worker_id, decision.values)

    async def _timed_out(self, task: GoogleVideoTaskModel, last_error: str = "",
                         audit: Optional[tuple[str, dict]] = None) -> None:
        reason = f"The video was not ready within {describe_limit(task.deadline_at - task.created_at)}."
        if last_error:
            reason += f" Last error from the video service: {last_error}"
        await self._finished(await lifecycle.finish_failure(task.id, reason, self.runtime.worker_id, audit))

    async def _fetch_result(self, config: GoogleVideoConfigModel, provider: VideoProvider, ref: str,
                            task_id: str) -> StoredVideo:
        """The provider's result `ref` copied into storage. Raises VideoFetchError or StorageError."""
        try:
            source = await provider.result_source(ref)
        except ProviderError as e:
            raise VideoFetchError(e.message, permanent=not e.retryable and e.kind != "auth")
        return await copy_video(self.runtime.result_client(config, provider.name), source, self.runtime.storage(config),
                                task_id, config.max_video_mb * MB)

    async def _deliver(self, task: GoogleVideoTaskModel, config: GoogleVideoConfigModel, provider: VideoProvider,
                       status: ProviderStatus) -> None:
        owner = self.runtime.worker_id
        storage = self.runtime.storage(config)
        # A URL a browser may open is kept to show while the copy is pending; a result that needs
        # the provider's key never leaves the server.
        found = dict(provider_status=status.raw_status, result_ref=status.video_url,
                     video_url=status.video_url if provider.public_results else None,
                     poll_count=task.poll_count + 1, **status.times())
        renewal = asyncio.create_task(self._keep_lease(task.id))
        try:
            stored = await self._fetch_result(config, provider, status.video_url, task.id)
            poster = await store_poster(provider, self.runtime.result_client(config, provider.name), storage, task,
                                        status.video_url)
            if poster is None:
                poster = await store_first_frame(self.runtime.image_workers.run, storage, task.id, stored.key,
                                                 stored.head, stored.size)
        except VideoFetchError as e:
            if e.permanent:
                await self._finished(await lifecycle.finish_failure(
                    task.id, f"The video service reported success but the video could not be retrieved: {e}", owner))
            else:
                await self._provider_error(task, config, ProviderError("unreachable", str(e)))
            return
        except StorageError as e:
            if not provider.public_results:
                # Nothing the user could open meanwhile: the task stays unfinished (and refundable at
                # its deadline) while delivery is retried like an unreachable provider.
                await self._provider_error(task, config, ProviderError("unreachable", f"storing the video failed: {e}"))
                return
            # The video exists and the user was charged for it: the task succeeds now with the
            # provider's public URL, and the copy into our storage is retried until it lands.
            log.warning("google video task %s: storing the video failed (%s); the copy will be retried", task.id, e)
            await self._finished(await lifecycle.finish_success(task.id, owner, dict(
                found, cloud_upload_status="pending", next_poll_at=due_in(copy_retry_delay(0)), error_streak=1)))
            return
        finally:
            renewal.cancel()
        delivered = await lifecycle.finish_success(task.id, owner, dict(
            found, error_streak=0, poster_path=poster, **stored_values(stored, storage)))
        if delivered is None:  # lost the lease meanwhile; the new holder stores its own copy
            for key in filter(None, (stored.key, poster)):
                await self._discard(storage, key)
        await self._finished(delivered)

    async def _retry_copy(self, task: GoogleVideoTaskModel, config: GoogleVideoConfigModel) -> None:
        """A delivered task whose copy into storage failed earlier: try again from the provider."""
        owner = self.runtime.worker_id
        storage = self.runtime.storage(config)
        renewal = asyncio.create_task(self._keep_lease(task.id))
        try:
            provider = self.runtime.provider(task.provider, config)
            stored = await self._fetch_result(config, provider, task.result_ref or task.video_url or "", task.id)
        except (VideoFetchError, UnknownProvider) as e:
            if getattr(e, "permanent", True):
                log.warning("google video task %s: the provider's video is gone (%s); no copy can be stored", task.id, e)
                await self._finished(await lifecycle.record_copy(task.id, owner, dict(
                    cloud_upload_status="failed", fail_reason=f"The video could not be copied to storage: {e}")))
            else:
                await self._copy_later(task)
            return
        except StorageError:
            await self._copy_later(task)
            return
        finally:
            renewal.cancel()
        updated = await lifecycle.record_copy(task.id, owner, dict(error_streak=0, **stored_values(stored, storage)))
        if updated is None:
            await self._discard(storage, stored.key)
        else:
            log.info("google video task %s: video copied to %s storage after %d failed attempt(s)",
                     task.id, storage.kind, task.error_streak)
        await self._finished(updated)

    async def _copy_later(self, task: GoogleVideoTaskModel) -> None:
        await lifecycle.record_copy(task.id, self.runtime.worker_id, dict(
            next_poll_at=due_in(copy_retry_delay(task.error_streak)), error_streak=task.error_streak + 1))

    async def _discard(self, storage: ObjectStorage, key: str) -> None:
        try:
            await storage.delete(key)
        except StorageError:
            log.warning("google video: could not delete the surplus copy %s", key)

    async def sweep_retention(self) -> int:
        """Delete videos older than the retention period from storage; returns how many."""
        config = await GoogleVideoConfigs.get()
        if config.retention_days <= 0:
            return 0
        removed = 0
        for task in await lifecycle.expired_videos(now() - config.retention_days * 86400, RETENTION_BATCH):
            try:
                storage = self.runtime.storage(config, task.storage_backend or "local")
                for key in filter(None, (task.video_path, task.poster_path)):
                    await storage.delete(key)
            except StorageError:
                continue  # the next sweep tries again
            if await lifecycle.mark_expired(task.id, task.video_path):
                removed += 1
        if removed:
            log.info("google video retention: removed %d video(s) older than %d day(s)", removed, config.retention_days)
        return removed

    async def _keep_lease(self, task_id: str) -> None:
        """Renew the lease while a long download runs, so no other worker starts a second copy."""
        while True:
            await asyncio.sleep(LEASE_SECONDS / 3)
            if not await lifecycle.extend_lease(task_id, self.runtime.worker_id, now() + LEASE_SECONDS):
                return

    async def _finished(self, task: Optional[GoogleVideoTaskModel]) -> None:
        if task is not None:
            await self.runtime.notify(task)
