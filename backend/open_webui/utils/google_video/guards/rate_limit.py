"""Per-user request rate limits, counted from the attempts they admitted.

Each admitted request adds a row to google_video_attempts in the transaction that counted the
window, so the limit holds across workers and instances and deleting tasks or uploads cannot
reset it. Concurrent requests on PostgreSQL can overshoot by the few that race, which is fine for
a rate limit (credits and the concurrency cap are enforced exactly elsewhere).
"""

from typing import Literal, Optional

from sqlalchemy import delete, func, select

from open_webui.internal.db import get_async_db
from open_webui.models.google_video import GoogleVideoAttempt, now
from open_webui.utils.google_video.db_retry import retry_when_database_busy

WINDOW_SECONDS = 60
AttemptKind = Literal["submit", "upload"]
_WHAT = {"submit": "video requests", "upload": "image uploads"}


class RateLimited(Exception):
    def __init__(self, what: str, per_minute: int, retry_after: int):
        super().__init__(f"Too many {what}: the limit is {per_minute} per minute. Try again in {retry_after} s.")
        self.retry_after = retry_after


@retry_when_database_busy
async def admit(user_id: str, kind: AttemptKind, per_minute: int) -> None:
    """Count this request against the user's limit, or raise RateLimited (nothing recorded)."""
    if per_minute <= 0:
        return
    t = now()
    async with get_async_db() as db:
        # The delete comes first so SQLite takes its write lock before the count is read.
        await db.execute(delete(GoogleVideoAttempt).where(
            GoogleVideoAttempt.user_id == user_id, GoogleVideoAttempt.kind == kind,
            GoogleVideoAttempt.created_at <= t - WINDOW_SECONDS))
        count, oldest = (await db.execute(
            select(func.count(), func.min(GoogleVideoAttempt.created_at))
            .where(GoogleVideoAttempt.user_id == user_id, GoogleVideoAttempt.kind == kind)
        )).one()
        if count >= per_minute:
            await db.commit()
            raise RateLimited(_WHAT[kind], per_minute, max(1, int(oldest) + WINDOW_SECONDS - t))
        db.add(GoogleVideoAttempt(user_id=user_id, kind=kind, created_at=t))
        await db.commit()


@retry_when_database_busy
async def peek(user_id: str, kind: AttemptKind, per_minute: int) -> Optional[RateLimited]:
    """What `admit` would answer now, recording nothing: its refusal, or None when it would admit.
    (Read only: the attempts of the window are the ones newer than WINDOW_SECONDS, as admit counts.)"""
    if per_minute <= 0:
        return None
    t = now()
    async with get_async_db() as db:
        count, oldest = (await db.execute(
            select(func.count(), func.min(GoogleVideoAttempt.created_at))
            .where(GoogleVideoAttempt.user_id == user_id, GoogleVideoAttempt.kind == kind,
                   GoogleVideoAttempt.created_at > t - WINDOW_SECONDS)
        )).one()
    if count < per_minute:
        return None
    return RateLimited(_WHAT[kind], per_minute, max(1, int(oldest) + WINDOW_SECONDS - t))
