"""Usage reports and CSV exports for the people who pay for the module.

Counts come from the tasks, credits from the ledger (charges and refunds joined to their tasks), so
a report's credit columns are sums over the ledger by construction. Exports stream: rows are read
in keyset pages (by id) and written as they come, so memory stays flat however long the ledger is.
"""

import csv
import io
import math
from typing import AsyncIterator, Literal, Optional

from sqlalchemy import case, func, select

from open_webui.internal.db import get_async_db
from open_webui.models.google_video import GoogleVideoCredit, GoogleVideoTask, TaskStatus, in_window

GroupBy = Literal["user", "model", "provider", "day"]
EXPORT_PAGE = 5000
REPORT_COLUMNS = ("key", "tasks", "successes", "failures", "charged", "refunded", "median_seconds", "p95_seconds")
LEDGER_COLUMNS = ("id", "created_at", "user_id", "kind", "amount", "balance", "task_id", "reason", "actor_id")
_FAILED = (TaskStatus.FAILURE, TaskStatus.CANCELLED)


def _key_column(group_by: GroupBy):
    if group_by == "day":  # UTC day number; shown as a date
        return GoogleVideoTask.created_at // 86400
    return {"user": GoogleVideoTask.user_id, "model": GoogleVideoTask.model, "provider": GoogleVideoTask.provider}[group_by]


def _filter(table, user_id: Optional[str], since: Optional[int], until: Optional[int]) -> list:
    return [*([table.user_id == user_id] if user_id else []), *in_window(table.created_at, since, until)]


def percentile(sorted_values: list[float], p: float) -> Optional[float]:
    """Nearest-rank percentile of an ascending list (None when empty)."""
    if not sorted_values:
        return None
    return sorted_values[max(0, math.ceil(p / 100 * len(sorted_values)) - 1)]


def _label(group_by: GroupBy, key) -> str:
    if group_by == "day":
        from datetime import datetime, timezone

        return datetime.fromtimestamp(int(key) * 86400, timezone.utc).strftime("%Y-%m-%d")
    return str(key)


async def usage(group_by: GroupBy, user_id: Optional[str] = None, since: Optional[int] = None,
                until: Optional[int] = None) -> list[dict]:
    """One row per user, model, provider or UTC day of the tasks created in [since, until)."""
    key = _key_column(group_by).label("key")
    conditions = _filter(GoogleVideoTask, user_id, since, until)
    charged = func.coalesce(func.sum(case((GoogleVideoCredit.kind == "charge", -GoogleVideoCredit.amount), else_=0)), 0)
    refunded = func.coalesce(func.sum(case((GoogleVideoCredit.kind == "refund", GoogleVideoCredit.amount), else_=0)), 0)
    async with get_async_db() as db:
        counts = (await db.execute(
            select(key, func.count(), func.sum(case((GoogleVideoTask.status == TaskStatus.SUCCESS, 1), else_=0)),
                   func.sum(case((GoogleVideoTask.status.in_(_FAILED), 1), else_=0)))
            .where(*conditions).group_by(key))).all()
        money = dict((k, (c, r)) for k, c, r in (await db.execute(
            select(key, charged, refunded)
            .join(GoogleVideoCredit, GoogleVideoCredit.task_id == GoogleVideoTask.id)
            .where(*conditions).group_by(key))).all())
        durations: dict = {}
        rows = await db.stream(
            select(key, GoogleVideoTask.completed_at - GoogleVideoTask.created_at)
            .where(*conditions, GoogleVideoTask.status == TaskStatus.SUCCESS, GoogleVideoTask.completed_at.isnot(None))
            .execution_options(yield_per=EXPORT_PAGE))
        async for k, seconds in rows:
            durations.setdefault(k, []).append(float(seconds))
    report = []
    for k, tasks, successes, failures in sorted(counts, key=lambda row: str(row[0])):
        times = sorted(durations.get(k, []))
        charged_k, refunded_k = money.get(k, (0, 0))
        report.append({"key": _label(group_by, k), "tasks": int(tasks), "successes": int(successes or 0),
                       "failures": int(failures or 0), "charged": int(charged_k), "refunded": int(refunded_k),
                       "median_seconds": percentile(times, 50), "p95_seconds": percentile(times, 95)})
    return report


def _cell(value):
    """A CSV cell; text that a spreadsheet would run as a formula gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_line(values) -> str:
    out = io.StringIO()
    csv.writer(out).writerow([_cell(v) for v in values])
    return out.getvalue()


async def report_csv(rows: list[dict]) -> AsyncIterator[str]:
    yield csv_line(REPORT_COLUMNS)
    for row in rows:
        yield csv_line(row[c] for c in REPORT_COLUMNS)


async def ledger_csv(user_id: Optional[str], since: Optional[int] = None, until: Optional[int] = None) -> AsyncIterator[str]:
    """The ledger in id order, a page of EXPORT_PAGE rows per short transaction (keyset paging)."""
    yield csv_line(LEDGER_COLUMNS)
    conditions = _filter(GoogleVideoCredit, user_id, since, until)
    columns = [getattr(GoogleVideoCredit, c) for c in LEDGER_COLUMNS]
    last_id = 0
    while True:
        async with get_async_db() as db:
            page = (await db.execute(select(*columns).where(*conditions, GoogleVideoCredit.id > last_id)
                                     .order_by(GoogleVideoCredit.id).limit(EXPORT_PAGE))).all()
        if not page:
            return
        out = io.StringIO()
        writer = csv.writer(out)
        for row in page:
            writer.writerow([_cell(v) for v in row])
        yield out.getvalue()
        last_id = page[-1][0]
