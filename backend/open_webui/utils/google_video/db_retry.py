"""Retry a whole transaction when SQLite reports its write lock busy for longer than busy_timeout.

That happens under heavy concurrent writes (the host's own requests write too). The failed
transaction was rolled back entirely, so running it again is safe and changes nothing twice.
"""

import asyncio
import functools
import logging

from sqlalchemy.exc import OperationalError

log = logging.getLogger(__name__)

ATTEMPTS = 5


def is_database_busy(error: OperationalError) -> bool:
    return "database is locked" in str(error) or "database is busy" in str(error)


def retry_when_database_busy(fn):
    @functools.wraps(fn)
    async def wrapper(*args, **kwargs):
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return await fn(*args, **kwargs)
            except OperationalError as e:
                if not is_database_busy(e) or attempt == ATTEMPTS:
                    raise
                log.info("database busy in %s (attempt %d), retrying", fn.__name__, attempt)
                await asyncio.sleep(0.2 * attempt)

    return wrapper
