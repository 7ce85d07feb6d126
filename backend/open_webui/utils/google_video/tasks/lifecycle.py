"""Task state transitions. Each is one transaction: a compare-and-set UPDATE on the task's state
(and, for the poller, its lease) plus the matching credit change. A transition that loses the race
changes nothing, so a task is refunded at most once and never both delivered and refunded.
"""

import logging
from typing import Any, Optional

from sqlalchemy import and_, or_, select, update

from open_webui.internal.db import get_async_db
from open_webui.models.google_video import (
    UNFINISHED_STATUSES,
    GoogleVideoTask,
    GoogleVideoTaskModel,
    TaskStatus,
    audit_entry,
    now,
)
from open_webui.utils.google_video.credits import ledger
from open_webui.utils.google_video.db_retry import retry_when_database_busy

log = logging.getLogger(__name__)

SYSTEM_ACTOR = "system"  # the audit's actor for what the module did on its own


def _copy_pending():
    """Delivered tasks whose video copy into storage is still to be done (retried by the poller)."""
    return and_(GoogleVideoTask.status == TaskStatus.SUCCESS, GoogleVideoTask.cloud_upload_status == "pending")


def _task_guard(task_id: str, owner: Optional[str], statuses: tuple[str, ...] = UNFINISHED_STATUSES):
    conditions = [GoogleVideoTask.id == task_id, GoogleVideoTask.status.in_(statuses)]
    if owner is not None:
        conditions.append(GoogleVideoTask.lease_owner == owner)
    return conditions


async def _update_task(db, conditions, values: dict[str, Any]) -> Optional[GoogleVideoTaskModel]:
    row = (
        await db.execute(
            update(GoogleVideoTask)
            .where(*conditions)
            .values(updated_at=now(), **values)
            .returning(GoogleVideoTask)
            .execution_options(synchronize_session=False)
        )
    ).scalar_one_or_none()
    return GoogleVideoTaskModel.model_validate(row) if row is not None else None


@retry_when_database_busy
async def create_reserved_task(fields: dict[str, Any], max_active: int, timeout_seconds: int, worker_id: str,
                               lease_seconds: int) -> None:
    """Charge `fields["credits_cost"]` and insert the task (SUBMITTING, leased to its submitter)
    in one transaction. Raises InsufficientCredits / TooManyActiveTasks with nothing changed, or
    IntegrityError for a reused idempotency key."""
    created = now()
    async with get_async_db() as db:
        await ledger.reserve_for_task(db, fields["user_id"], fields["credits_cost"], max_active, fields["id"],
                                       f"Video task ({fields['model']})")
        db.add(GoogleVideoTask(
            **fields, status=TaskStatus.SUBMITTING, progress=0, cloud_upload_status="pending", credits_refunded=0,
            next_poll_at=created + lease_seconds, deadline_at=created + timeout_seconds,
            lease_owner=worker_id, lease_until=created + lease_seconds,
            poll_count=0, error_streak=0, created_at=created, updated_at=created,
            chat_delivery_at=created if fields.get("chat_id") else None,
        ))
        await db.commit()  # closing the session rolls back on any error, e.g. a reused idempotency key


@retry_when_database_busy
async def mark_submitted(task_id: str, external_task_id: str, first_poll_at: int) -> Optional[GoogleVideoTaskModel]:
    async with get_async_db() as db:
        task = await _update_task(
            db,
            _task_guard(task_id, None, (TaskStatus.SUBMITTING,)),
            dict(status=TaskStatus.SUBMITTED, external_task_id=external_task_id, next_poll_at=first_poll_at,
                 lease_owner=None, lease_until=None),
        )
        await db.commit()
        return task


async def finish_failure(task_id: str, reason: str, owner: Optional[str] = None,
                         audit: Optional[tuple[str, dict]] = None) -> Optional[GoogleVideoTaskModel]:
    """Fail an unfinished task and refund its full price; None if it was already finished.
    `audit` (action, detail): an audit entry committed with the failure (what the admin must know)."""
    return await _finish_refunded(task_id, TaskStatus.FAILURE, reason, owner, audit)


async def finish_cancelled(task_id: str, reason: str) -> Optional[GoogleVideoTaskModel]:
    """End an unfinished task as cancelled by its owner, refunded; None if it finished first
    (a cancel racing the delivery ends one way only, with one ledger entry)."""
    return await _finish_refunded(task_id, TaskStatus.CANCELLED, reason, None)


@retry_when_database_busy
async def _finish_refunded(task_id: str, status: TaskStatus, reason: str, owner: Optional[str],
                           audit: Optional[tuple[str, dict]] = None) -> Optional[GoogleVideoTaskModel]:
    async with get_async_db() as db:
        task = await _update_task(
            db,
            _task_guard(task_id, owner),
            dict(status=status, fail_reason=reason, credits_refunded=GoogleVideoTask.credits_cost,
                 completed_at=now(), lease_owner=None, lease_until=None),
        )
        if task is None:
            await db.rollback()
            return None
        await ledger.release_task(db, task.user_id, task.id, task.credits_cost, f"Refund: {reason}"[:500])
        if audit is not None:
            db.add(audit_entry(SYSTEM_ACTOR, audit[0], audit[1], task.user_id))
        await db.commit()
    log.info("google video task %s ended %s and %d credits were refunded: %s", task_id, status, task.credits_cost, reason)
    return task


@retry_when_database_busy
async def finish_success(task_id: str, owner: str, values: dict[str, Any]) -> Optional[GoogleVideoTaskModel]:
    """Deliver a stored video; the reservation becomes the final charge."""
    async with get_async_db() as db:
        task = await _update_task(
            db,
            _task_guard(task_id, owner),
            dict(status=TaskStatus.SUCCESS, progress=100, completed_at=now(), lease_owner=None, lease_until=None, **values),
        )
        if task is None:
            await db.rollback()
            return None
        await ledger.release_task(db, task.user_id, task.id, 0, "")
        await db.commit()
    return task


async def record_poll(task_id: str, owner: str, values: dict[str, Any]) -> Optional[GoogleVideoTaskModel]:
    """Save a non-terminal poll result and give up the lease."""
    return (await record_polls(owner, [(task_id, values)]))[0]


@retry_when_database_busy
async def record_polls(owner: str, results: list[tuple[str, dict[str, Any]]]) -> list[Optional[GoogleVideoTaskModel]]:
    """record_poll for several tasks in one transaction: at steady state polling costs mostly
    commits, so the poller saves its results together (see poller.PollResultWriter)."""
    async with get_async_db() as db:
        tasks = [
            await _update_task(db, _task_guard(task_id, owner), dict(lease_owner=None, lease_until=None, **values))
            for task_id, values in results
        ]
        await db.commit()
        return tasks


@retry_when_database_busy
async def extend_lease(task_id: str, owner: str, until: int) -> bool:
    async with get_async_db() as db:
        task = await _update_task(db, _task_guard(task_id, owner), dict(lease_until=until))
        await db.commit()
        return task is not None


@retry_when_database_busy
async def claim_due(owner: str, limit: int, lease_seconds: int) -> list[GoogleVideoTaskModel]:
    """Lease up to `limit` unfinished tasks that are due and not leased by a live worker.

    SKIP LOCKED lets PostgreSQL workers claim disjoint rows; SQLite serialises writers, and the
    lease condition is repeated in the outer WHERE so a row claimed meanwhile is skipped.
    """
    t = now()
    free = or_(GoogleVideoTask.lease_until.is_(None), GoogleVideoTask.lease_until < t)
    due_ids = (
        GoogleVideoTask.__table__.select()
        .with_only_columns(GoogleVideoTask.id)
        .where(or_(GoogleVideoTask.status.in_(UNFINISHED_STATUSES), _copy_pending()), GoogleVideoTask.next_poll_at <= t, free)
        .order_by(GoogleVideoTask.next_poll_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    async with get_async_db() as db:
        rows = (
            await db.execute(
                update(GoogleVideoTask)
                .where(GoogleVideoTask.id.in_(due_ids), free)
                .values(lease_owner=owner, lease_until=t + lease_seconds)
                .returning(GoogleVideoTask)
                .execution_options(synchronize_session=False)
            )
        ).scalars().all()
        await db.commit()
        return [GoogleVideoTaskModel.model_validate(r) for r in rows]


@retry_when_database_busy
async def release_leases(owner: str) -> int:
    """On shutdown: make this worker's leased tasks due again at once for the next worker."""
    async with get_async_db() as db:
        result = await db.execute(
            update(GoogleVideoTask)
            .where(GoogleVideoTask.lease_owner == owner, GoogleVideoTask.status != TaskStatus.SUBMITTING)
            .values(lease_owner=None, lease_until=None)
            .execution_options(synchronize_session=False)
        )
        await db.commit()
        return result.rowcount


@retry_when_database_busy
async def record_copy(task_id: str, owner: str, values: dict[str, Any]) -> Optional[GoogleVideoTaskModel]:
    """Save the outcome of retrying a delivered task's copy into storage, and give up the lease."""
    async with get_async_db() as db:
        task = await _update_task(db, [*_task_guard(task_id, owner, (TaskStatus.SUCCESS,)), _copy_pending()],
                                  dict(lease_owner=None, lease_until=None, **values))
        await db.commit()
        return task


async def expired_videos(finished_before: int, limit: int) -> list[GoogleVideoTaskModel]:
    async with get_async_db() as db:
        rows = await db.scalars(
            select(GoogleVideoTask)
            .where(GoogleVideoTask.status == TaskStatus.SUCCESS, GoogleVideoTask.completed_at < finished_before,
                   GoogleVideoTask.video_path.is_not(None))
            .order_by(GoogleVideoTask.completed_at)
            .limit(limit)
        )
        return [GoogleVideoTaskModel.model_validate(r) for r in rows.all()]


@retry_when_database_busy
async def mark_expired(task_id: str, video_path: str) -> bool:
    """Forget a video removed by retention; False if the task changed meanwhile (deleted, re-copied)."""
    async with get_async_db() as db:
        task = await _update_task(
            db, [GoogleVideoTask.id == task_id, GoogleVideoTask.video_path == video_path],
            dict(video_path=None, poster_path=None, cloud_video_url=None, cloud_upload_status="expired"),
        )
        await db.commit()
        return task is not None
