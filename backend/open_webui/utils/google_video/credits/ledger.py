"""Credit operations. Each one changes the balance row with a single conditional UPDATE and adds
its ledger entry in the caller's transaction, so balance == sum(ledger) holds at every commit and
two concurrent requests can never both spend the same credits.

Every function that takes `db` expects the caller to commit (or roll back) the transaction; the
first statement of each is a write so SQLite takes its write lock up front instead of failing a
read-to-write upgrade under concurrency.
"""

from dataclasses import dataclass
from typing import Literal, Optional

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from open_webui.internal.db import get_async_db, get_async_db_context
from open_webui.models.google_video import (
    GoogleVideoBalance,
    GoogleVideoCredit,
    GoogleVideoCreditModel,
    audit_entry,
    fetch_page,
    now,
)
from open_webui.utils.google_video.db_retry import retry_when_database_busy


class InsufficientCredits(Exception):
    def __init__(self, balance: int, price: int):
        super().__init__(f"Insufficient credits: your balance is {balance}, this costs {price}.")
        self.balance = balance
        self.price = price


class TooManyActiveTasks(Exception):
    def __init__(self, active: int, limit: int):
        super().__init__(
            f"You already have {active} unfinished video task(s); the limit is {limit}. "
            "Wait for one to finish, then try again."
        )
        self.active = active
        self.limit = limit


def _ledger_entry(db: AsyncSession, user_id: str, amount: int, balance: int, kind: str, reason: str,
                  task_id: Optional[str] = None, actor_id: Optional[str] = None,
                  idempotency_key: Optional[str] = None) -> None:
    db.add(
        GoogleVideoCredit(
            user_id=user_id,
            amount=amount,
            balance=balance,
            kind=kind,
            reason=reason,
            task_id=task_id,
            actor_id=actor_id,
            idempotency_key=idempotency_key,
            created_at=now(),
        )
    )


async def _balance_row(db: AsyncSession, user_id: str) -> Optional[GoogleVideoBalance]:
    return (await db.execute(select(GoogleVideoBalance).where(GoogleVideoBalance.user_id == user_id))).scalar_one_or_none()


async def _ensure_balance_row(db: AsyncSession, user_id: str) -> None:
    insert = pg_insert if db.bind.dialect.name == "postgresql" else sqlite_insert
    await db.execute(
        insert(GoogleVideoBalance)
        .values(user_id=user_id, balance=0, active_tasks=0, updated_at=now())
        .on_conflict_do_nothing(index_elements=["user_id"])
    )


async def reserve_for_task(db: AsyncSession, user_id: str, price: int, max_active: int, task_id: str, reason: str) -> int:
    """Charge `price` and count one more active task, or raise without changing anything."""
    new_balance = await _take(db, user_id, price, max_active)
    if new_balance is None and price == 0 and await _balance_row(db, user_id) is None:
        await _ensure_balance_row(db, user_id)  # a free model works for a user who never had credits
        new_balance = await _take(db, user_id, price, max_active)
    if new_balance is None:
        row = await _balance_row(db, user_id)
        balance = row.balance if row else 0
        if balance < price:
            raise InsufficientCredits(balance, price)
        raise TooManyActiveTasks(row.active_tasks if row else 0, max_active)
    _ledger_entry(db, user_id, -price, new_balance, "charge", reason, task_id=task_id)
    return new_balance


async def check_affordable(user_id: str, price: int, max_active: int) -> None:
    """A read-only early refusal, so a request that cannot be paid for costs no image work; the
    reservation itself (reserve_for_task) is what enforces both limits exactly."""
    async with get_async_db() as db:
        row = await _balance_row(db, user_id)
    balance, active = (row.balance, row.active_tasks) if row else (0, 0)
    if balance < price:
        raise InsufficientCredits(balance, price)
    if active >= max_active:
        raise TooManyActiveTasks(active, max_active)


async def balance_and_active(user_id: str) -> tuple[int, int]:
    """The user's balance and unfinished tasks, read only (0, 0 for a user without a balance row)."""
    async with get_async_db() as db:
        row = await _balance_row(db, user_id)
    return (row.balance, row.active_tasks) if row else (0, 0)


async def _take(db: AsyncSession, user_id: str, price: int, max_active: int) -> Optional[int]:
    return (
        await db.execute(
            update(GoogleVideoBalance)
            .where(
                GoogleVideoBalance.user_id == user_id,
                GoogleVideoBalance.balance >= price,
                GoogleVideoBalance.active_tasks < max_active,
            )
            .values(
                balance=GoogleVideoBalance.balance - price,
                active_tasks=GoogleVideoBalance.active_tasks + 1,
                updated_at=now(),
            )
            .returning(GoogleVideoBalance.balance)
            .execution_options(synchronize_session=False)
        )
    ).scalar_one_or_none()


async def release_task(db: AsyncSession, user_id: str, task_id: str, refund: int, reason: str) -> int:
    """A task left the active set; refund `refund` credits (0 for a delivered video).

    The ledger's unique (task_id, kind) makes a second refund for the same task fail the whole
    transaction, so a refund can never be paid twice even if a caller's state check were wrong.
    """
    new_balance = (
        await db.execute(
            update(GoogleVideoBalance)
            .where(GoogleVideoBalance.user_id == user_id)
            .values(
                balance=GoogleVideoBalance.balance + refund,
                active_tasks=GoogleVideoBalance.active_tasks - 1,
                updated_at=now(),
            )
            .returning(GoogleVideoBalance.balance)
            .execution_options(synchronize_session=False)
        )
    ).scalar_one()
    if refund:
        _ledger_entry(db, user_id, refund, new_balance, "refund", reason, task_id=task_id)
    return new_balance


@dataclass(frozen=True)
class Adjustment:
    balance: int  # the user's balance right after this adjustment
    replayed: bool  # True when the idempotency key had already been applied


class IdempotencyConflict(Exception):
    """The key was already used for a different adjustment."""


# The ledger's keys are unique across all entries. The module writes its own ("welcome:<user>",
# "allowance:<rule>:<period>:<user>"); an admin's key is stored under the scope of the action that
# took it ("admin:<key>", "bulk:<key>:<user>"), so no key an admin types can take the place of one
# of the module's (and block a user's welcome credits), nor a bulk grant's that of an adjustment.
AdminKeyScope = Literal["admin", "bulk"]


@retry_when_database_busy
async def adjust(user_id: str, amount: int, reason: str, actor_id: str,
                 idempotency_key: Optional[str] = None, audit: bool = True,
                 key_scope: AdminKeyScope = "admin") -> Adjustment:
    """Admin grant (amount > 0) or deduction (amount < 0, never below zero), with its audit entry,
    in one transaction. Repeating an idempotency key returns the first outcome and changes nothing."""
    typed_key, idempotency_key = idempotency_key, f"{key_scope}:{idempotency_key}" if idempotency_key else None
    async with get_async_db() as db:
        await _ensure_balance_row(db, user_id)  # a write first: SQLite takes its lock up front
        if idempotency_key and (previous := await _by_idempotency_key(db, idempotency_key)):
            replay = _replay(previous, user_id, amount, reason)  # before the rollback expires the row
            await db.rollback()
            return replay
        new_balance = (
            await db.execute(
                update(GoogleVideoBalance)
                .where(GoogleVideoBalance.user_id == user_id, GoogleVideoBalance.balance + amount >= 0)
                .values(balance=GoogleVideoBalance.balance + amount, updated_at=now())
                .returning(GoogleVideoBalance.balance)
                .execution_options(synchronize_session=False)
            )
        ).scalar_one_or_none()
        if new_balance is None:
            balance = (await _balance_row(db, user_id)).balance
            await db.rollback()
            raise InsufficientCredits(balance, -amount)
        _ledger_entry(db, user_id, amount, new_balance, "grant" if amount > 0 else "deduct", reason,
                      actor_id=actor_id, idempotency_key=idempotency_key)
        if audit:  # a bulk grant audits itself once
            db.add(audit_entry(actor_id, "credits.adjust", {"amount": amount, "reason": reason, "balance": new_balance,
                                                             "idempotency_key": typed_key}, user_id))
        try:
            await db.commit()
        except IntegrityError:
            # The same key committed concurrently: report that adjustment instead of a second one.
            await db.rollback()
            previous = await _by_idempotency_key(db, idempotency_key) if idempotency_key else None
            if previous is None:
                raise
            return _replay(previous, user_id, amount, reason)
        return Adjustment(new_balance, False)


@retry_when_database_busy
async def grant_once(user_id: str, key: str, reason: str, amount: Optional[int] = None,
                     top_up_to: Optional[int] = None) -> Optional[int]:
    """A policy grant applied at most once per `key` (unique in the ledger, so across processes
    too): `amount` credits, or what brings the balance up to `top_up_to` (0 when it is already
    there: the entry still marks the grant as done). Returns the new balance, None if already done."""
    async with get_async_db() as db:
        await _ensure_balance_row(db, user_id)  # a write first: SQLite takes its lock up front
        if await _by_idempotency_key(db, key) is not None:
            await db.rollback()
            return None
        current = await db.scalar(select(GoogleVideoBalance.balance).where(GoogleVideoBalance.user_id == user_id)
                                  .with_for_update())
        granted = amount if amount is not None else max(0, (top_up_to or 0) - current)
        new_balance = (await db.execute(
            update(GoogleVideoBalance)
            .where(GoogleVideoBalance.user_id == user_id, GoogleVideoBalance.balance == current)
            .values(balance=GoogleVideoBalance.balance + granted, updated_at=now())
            .returning(GoogleVideoBalance.balance)
            .execution_options(synchronize_session=False)
        )).scalar_one()
        _ledger_entry(db, user_id, granted, new_balance, "grant", reason, actor_id="system", idempotency_key=key)
        try:
            await db.commit()
        except IntegrityError:  # another process granted it first
            await db.rollback()
            return None
        return new_balance


async def _by_idempotency_key(db: AsyncSession, key: str) -> Optional[GoogleVideoCredit]:
    return await db.scalar(select(GoogleVideoCredit).where(GoogleVideoCredit.idempotency_key == key))


def _replay(entry: GoogleVideoCredit, user_id: str, amount: int, reason: str) -> Adjustment:
    if (entry.user_id, entry.amount, entry.reason) != (user_id, amount, reason):
        raise IdempotencyConflict()
    return Adjustment(entry.balance, True)


async def get_balances(user_ids: list[str], db: Optional[AsyncSession] = None) -> dict[str, int]:
    async with get_async_db_context(db) as db:
        rows = await db.execute(select(GoogleVideoBalance.user_id, GoogleVideoBalance.balance)
                                .where(GoogleVideoBalance.user_id.in_(user_ids)))
        return dict(rows.all())


async def get_balance(user_id: str, db: Optional[AsyncSession] = None) -> int:
    async with get_async_db_context(db) as db:
        row = await _balance_row(db, user_id)
        return row.balance if row else 0


async def list_ledger(user_id: Optional[str], offset: int, limit: int,
                      db: Optional[AsyncSession] = None) -> tuple[list[GoogleVideoCreditModel], int]:
    conditions = [GoogleVideoCredit.user_id == user_id] if user_id else []
    return await fetch_page(GoogleVideoCredit, GoogleVideoCreditModel, conditions, offset, limit, db)
