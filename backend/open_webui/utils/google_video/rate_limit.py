"""Per-user request rate limits, counted from the rows the requests create.

Counting in the database makes the limit hold across workers and instances without another
store; concurrent requests can overshoot it by the few that race, which is fine for a rate limit
(credits and the concurrency cap are enforced exactly elsewhere).
"""


from open_webui.models.google_video import GoogleVideoTask, GoogleVideoUpload, now, recent_count

WINDOW_SECONDS = 60


class RateLimited(Exception):
    def __init__(self, what: str, per_minute: int, retry_after: int):
        super().__init__(f"Too many {what}: the limit is {per_minute} per minute. Try again in {retry_after} s.")
        self.retry_after = retry_after


async def _check(table, what: str, user_id: str, per_minute: int) -> None:
    if per_minute <= 0:
        return
    count, oldest = await recent_count(table, user_id, WINDOW_SECONDS)
    if count >= per_minute:
        raise RateLimited(what, per_minute, max(1, oldest + WINDOW_SECONDS - now()))


async def check_submits(user_id: str, per_minute: int) -> None:
    await _check(GoogleVideoTask, "video requests", user_id, per_minute)


async def check_uploads(user_id: str, per_minute: int) -> None:
    await _check(GoogleVideoUpload, "image uploads", user_id, per_minute)
