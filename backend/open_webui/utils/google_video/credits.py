"""Credit operations. Each one changes the balance row with a single conditional UPDATE and adds
its ledger entry in the caller's transaction, so balance == sum(ledger) holds at every commit and
two concurrent requests can never both spend the same credits.

Every function that takes `db` expects the caller to commit (or roll back) the transaction; the
first statement of each is a write so SQLite takes its write lock up front instead of failing a
read-to-write upgrade under concurrency.
"""

from typing import Optional

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from open_webui.internal.db import get_async_db_context
from open_webui.models.google_video import (
    GoogleVideoBalance,
    GoogleVideoCredit,
    GoogleVideoCreditModel,
    fetch_page,
    now,
)


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
                  task_id: Optional[str] = None, actor_id: Optional[str] = None) -> None:
    db.add(
        GoogleVideoCredit(
            user_id=user_id,
            amount=amount,
            balance=balance,
            kind=kind,
            reason=reason,
            task_id=task_id,
            actor_id=actor_id,
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


async def adjust(user_id: str, amount: int, reason: str, actor_id: str, db: Optional[AsyncSession] = None) -> int:
    """Admin grant (amount > 0) or deduction (amount < 0); a deduction never goes below zero."""
    async with get_async_db_context(db) as db:
        await _ensure_balance_row(db, user_id)
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
            balance = await get_balance(user_id, db)
            await db.rollback()
            raise InsufficientCredits(balance, -amount)
        _ledger_entry(db, user_id, amount, new_balance, "grant" if amount > 0 else "deduct", reason, actor_id=actor_id)
        await db.commit()
        return new_balance


async def get_balance(user_id: str, db: Optional[AsyncSession] = None) -> int:
    async with get_async_db_context(db) as db:
        row = await _balance_row(db, user_id)
        return row.balance if row else 0


async def list_ledger(user_id: Optional[str], offset: int, limit: int,
                      db: Optional[AsyncSession] = None) -> tuple[list[GoogleVideoCreditModel], int]:
    conditions = [GoogleVideoCredit.user_id == user_id] if user_id else []
    return await fetch_page(GoogleVideoCredit, GoogleVideoCreditModel, conditions, offset, limit, db)
