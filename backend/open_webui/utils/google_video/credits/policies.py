"""Credit policies applied when a user uses the module: welcome credits (once per user) and periodic
allowances per group (once per user per period: a top-up to N, or +N).

Each grant's ledger idempotency key names the user, the rule and the period, and the ledger keeps
keys unique: a grant is applied exactly once whatever the concurrency or the number of server
processes, and a restart changes nothing. Grants are made lazily on use, so a user who never opens
the module costs nothing; this process remembers what it already granted in the current periods to
skip the database (forgotten when the period ends). Group membership is asked on every use until
the grant is made, so a user added to a group mid-period gets its allowance on their next request.
"""

import logging
import time
from datetime import datetime, timezone
from typing import Optional

from open_webui.models.google_video import GoogleVideoConfigModel
from open_webui.utils.google_video import settings
from open_webui.utils.google_video.credits import ledger

log = logging.getLogger(__name__)

PERIODS = ("day", "week", "month")
_ADJECTIVE = {"day": "daily", "week": "weekly", "month": "monthly"}
_welcomed: set[str] = set()  # users whose welcome credits this process has seen settled
_granted: dict[str, set[tuple[str, str]]] = {}  # period key -> {(user, rule)} granted in it


def clock() -> float:
    return time.time() + settings.TEST_CLOCK_OFFSET_SECONDS


def period_key(period: str, at: float) -> str:
    day = datetime.fromtimestamp(at, timezone.utc)
    if period == "day":
        return day.strftime("%Y-%m-%d")
    if period == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return day.strftime("%Y-%m")


async def _group_ids(user_id: str) -> set[str]:
    from open_webui.models.groups import Groups

    return {g.id for g in await Groups.get_groups_by_member_id(user_id)}


async def on_use(user_id: str, config: GoogleVideoConfigModel) -> None:
    """Apply the welcome credits and the allowances due to `user_id` (errors are logged, never raised:
    a policy must not stop the request that triggered it)."""
    try:
        await _welcome(user_id, config.welcome_credits)
        if config.credit_allowances:
            await _allowances(user_id, config.credit_allowances)
    except Exception:
        log.exception("google video: applying credit policies for user %s failed; retried on the next request", user_id)


async def _welcome(user_id: str, amount: int) -> None:
    if amount <= 0 or user_id in _welcomed:
        return
    balance = await ledger.grant_once(user_id, f"welcome:{user_id}", "welcome credits", amount=amount)
    if balance is not None:
        log.info("google video: welcome credits (%d) granted to %s", amount, user_id)
    _welcomed.add(user_id)


def _forget_ended_periods(now: float) -> None:
    """Forget the grants of periods that have ended (the ledger keys still hold them)."""
    current = {period_key(p, now) for p in PERIODS}
    for key in [k for k in _granted if k not in current]:
        del _granted[key]


async def _allowances(user_id: str, rules: list[dict]) -> None:
    now = clock()
    _forget_ended_periods(now)
    due = [(r, period_key(r["period"], now)) for r in rules]
    due = [(r, p) for r, p in due if (user_id, r["id"]) not in _granted.get(p, ())]
    if not due:
        return
    groups: Optional[set[str]] = None
    for rule, period in due:
        if rule.get("group_id"):
            groups = await _group_ids(user_id) if groups is None else groups
            if rule["group_id"] not in groups:
                continue
        key = f"allowance:{rule['id']}:{period}:{user_id}"
        reason = f"{_ADJECTIVE[rule['period']]} allowance ({period}): " + (
            f"top-up to {rule['amount']}" if rule["mode"] == "top_up" else f"+{rule['amount']}")
        if rule["mode"] == "top_up":
            await ledger.grant_once(user_id, key, reason, top_up_to=rule["amount"])
        else:
            await ledger.grant_once(user_id, key, reason, amount=rule["amount"])
        _granted.setdefault(period, set()).add((user_id, rule["id"]))


class UnknownGroup(LookupError):
    pass


async def _target_user_ids(group_id: Optional[str]) -> list[str]:
    from open_webui.models.groups import Groups
    from open_webui.models.users import Users

    if group_id:
        if await Groups.get_group_by_id(group_id) is None:
            raise UnknownGroup(group_id)
        return sorted(await Groups.get_group_user_ids_by_id(group_id))
    found = await Users.get_users()
    return sorted(u.id for u in found["users"])


async def bulk_adjust(amount: int, reason: str, group_id: Optional[str], key: str, actor_id: str) -> dict:
    """`amount` for every user (or the group's members). Each user's entry carries `key:user`, so a
    retry applies only what is missing; a deduction skips users who have less than it (never below
    zero). One audit entry records the whole action."""
    from open_webui.models.google_video import GoogleVideoAudits

    applied, replayed, skipped = 0, 0, []
    users = await _target_user_ids(group_id)
    for user_id in users:
        try:
            result = await ledger.adjust(user_id, amount, reason, actor_id, f"{key}:{user_id}", audit=False,
                                          key_scope="bulk")
        except ledger.InsufficientCredits:
            skipped.append(user_id)
            continue
        except ledger.IdempotencyConflict:
            replayed += 1  # this key already did something else for this user: leave it
            continue
        if result.replayed:
            replayed += 1
        else:
            applied += 1
    await GoogleVideoAudits.record(actor_id, "credits.bulk", {
        "amount": amount, "reason": reason, "group_id": group_id, "idempotency_key": key, "users": len(users),
        "applied": applied, "replayed": replayed, "skipped_insufficient": len(skipped)})
    return {"users": len(users), "applied": applied, "replayed": replayed, "skipped_insufficient": skipped}
