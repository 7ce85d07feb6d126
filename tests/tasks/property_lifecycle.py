"""Property test of the credit/task state machine, run against a real database.

Usage: python tests/property_lifecycle.py DATABASE_URL  (run by test_property.py in a fresh
process per database, because the host binds its engine to DATABASE_URL at import time).

Hypothesis drives random interleavings of submits, relay answers, polls by several workers,
timeouts, races between transitions and restarts (all leases lost) through the module's own
functions, and checks after every step that balance == sum(ledger), nothing is negative, the
active-task counter matches, and each task has one charge and at most one refund (only if failed).
"""

import asyncio
import os
import sys
import tempfile
from typing import Optional
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
os.environ["DATABASE_URL"] = sys.argv[1]
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="gv-prop-"))
os.environ.setdefault("WEBUI_SECRET_KEY", "property-test")
os.environ.setdefault("FROM_INIT_PY", "true")

sys.path[:0] = [str(ROOT / "backend"), str(ROOT / "tests")]
from google_video_bootstrap import extend_package_path, run_module_migrations  # noqa: E402

extend_package_path()

from hypothesis import HealthCheck, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule  # noqa: E402
from sqlalchemy import text, update  # noqa: E402

from ledger_invariants import check_ledger  # noqa: E402
from open_webui.internal.db import get_async_db  # noqa: E402
from open_webui.models.google_video import (  # noqa: E402
    TERMINAL_STATUSES, GoogleVideoConfigModel, GoogleVideoTask, GoogleVideoTasks,
)
from open_webui.utils.google_video.credits import ledger  # noqa: E402
from open_webui.utils.google_video.tasks import lifecycle  # noqa: E402
from open_webui.utils.google_video.providers import catalog  # noqa: E402
from open_webui.utils.google_video.tasks.checks import SubmitError  # noqa: E402
from open_webui.utils.google_video.tasks.plan import Plan  # noqa: E402
from open_webui.utils.google_video.tasks.request import VideoRequest  # noqa: E402
from open_webui.utils.google_video.tasks.submit import reserve_task  # noqa: E402

run_module_migrations()

loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
run = loop.run_until_complete
USERS = ["alice", "bob"]
WORKERS = ["w1", "w2"]
MAX_ACTIVE = 3
CONFIG = GoogleVideoConfigModel(max_concurrent_tasks=MAX_ACTIVE, task_timeout_seconds=600)
REQUEST = VideoRequest(prompt="p")
PLAN = Plan(catalog.models([])["veo3"], "p", "text_to_video", None)
OUTCOMES = st.sampled_from(["success", "failure", "progress", "timeout"])
TASK_INDEX = st.integers(0, 1_000)  # a task of self.tasks, modulo its length


async def _query(sql: str):
    async with get_async_db() as db:
        return (await db.execute(text(sql))).all()


def check_database() -> None:
    rows_by_sql = {}

    def query(sql):
        if sql not in rows_by_sql:
            rows_by_sql[sql] = run(_query(sql))
        return rows_by_sql[sql]

    check_ledger(query)


class CreditStateMachine(RuleBasedStateMachine):
    @initialize()
    def clean_slate(self):
        async def wipe():
            async with get_async_db() as db:
                for table in ("google_video_credits", "google_video_tasks", "google_video_balances"):
                    await db.execute(text(f"DELETE FROM {table}"))
                await db.commit()
        run(wipe())
        self.tasks: list[str] = []
        self.generation = 0  # bumped by a restart: workers get new identities
        self.terminal: dict[str, str] = {}

    def worker(self, name: str) -> str:
        return f"{name}-{self.generation}"

    @rule(user=st.sampled_from(USERS), amount=st.integers(1, 300))
    def grant(self, user, amount):
        run(ledger.adjust(user, amount, "grant", actor_id="admin"))

    @rule(user=st.sampled_from(USERS), amount=st.integers(1, 300))
    def deduct(self, user, amount):
        try:
            run(ledger.adjust(user, -amount, "deduct", actor_id="admin"))
        except ledger.InsufficientCredits:
            pass

    @rule(user=st.sampled_from(USERS), price=st.integers(0, 150), concurrent=st.integers(1, 3),
          fund_first=st.booleans())
    def submit(self, user, price, concurrent, fund_first):
        if fund_first and price:
            run(ledger.adjust(user, price * concurrent, "top-up", actor_id="admin"))

        async def one():
            try:
                return await reserve_task(user, REQUEST, PLAN, price, [], CONFIG, self.worker("api"))
            except SubmitError as e:
                assert e.status_code in (402, 429)
                return None
        self.tasks += [t for t in run(asyncio.gather(*(one() for _ in range(concurrent)))) if t]

    def ids(self, where: str) -> list[str]:
        return [r[0] for r in run(_query(f"SELECT id FROM google_video_tasks WHERE {where} ORDER BY id"))]

    def report(self, task_id: str, owner: str, outcome: str) -> None:
        if outcome == "success":
            run(lifecycle.finish_success(task_id, owner, {"video_path": "videos/x.mp4"}))
        elif outcome == "progress":
            run(lifecycle.record_poll(task_id, owner, {"status": "IN_PROGRESS", "next_poll_at": 0}))
        else:
            run(lifecycle.finish_failure(task_id, outcome, owner))

    # Every draw below has a fixed shape, whatever the database holds: which of several concurrent
    # transactions wins differs between runs (on PostgreSQL especially), and hypothesis refuses a
    # test whose draws depend on such outside state (FlakyStrategyDefinition).
    @rule(answers=st.lists(st.integers(0, 3), min_size=8, max_size=8))
    def relay_answers_submits(self, answers):
        for i, task_id in enumerate(self.ids("status = 'SUBMITTING'")):
            if answers[i % len(answers)]:  # mostly accepted
                run(lifecycle.mark_submitted(task_id, f"ext-{task_id}", 0))
            else:
                run(lifecycle.finish_failure(task_id, "relay refused"))

    def pick(self, index: int) -> Optional[str]:
        return self.tasks[index % len(self.tasks)] if self.tasks else None

    @rule(index=TASK_INDEX)
    def late_submit_refusal(self, index):
        """The submit path refunds without a lease: it must not touch a task that moved on."""
        if task_id := self.pick(index):
            run(lifecycle.finish_failure(task_id, "relay refused late"))

    @rule(outcomes=st.lists(OUTCOMES, min_size=5, max_size=5), worker=st.sampled_from(WORKERS))
    def poll_cycle(self, outcomes, worker):
        """What the poller does: lease due tasks, then report on each."""
        for task, outcome in zip(run(lifecycle.claim_due(self.worker(worker), 5, 60)), outcomes):
            self.report(task.id, self.worker(worker), outcome)

    @rule(index=TASK_INDEX, outcome=OUTCOMES, stale_worker=st.sampled_from(WORKERS))
    def stale_report(self, index, outcome, stale_worker):
        """A worker that lost its lease (or never had it) reports anyway."""
        if task_id := self.pick(index):
            self.report(task_id, f"{stale_worker}-{self.generation - 1}", outcome)

    @rule(index=TASK_INDEX)
    def race(self, index):
        """Success, failure, timeout and a late submit refusal for one task, all at once."""
        if not (task_id := self.pick(index)):
            return
        holders = [self.worker(w) for w in WORKERS]
        results = run(asyncio.gather(
            lifecycle.finish_success(task_id, holders[0], {"video_path": "videos/y.mp4"}),
            lifecycle.finish_failure(task_id, "failed", holders[1]),
            lifecycle.finish_failure(task_id, "timed out", holders[0]),
            lifecycle.finish_failure(task_id, "refused"),
            return_exceptions=True,
        ))
        winners = [r for r in results if r is not None and not isinstance(r, Exception)]
        assert len(winners) <= 1, winners
        errors = [r for r in results if isinstance(r, Exception)]
        assert all("locked" in str(e).lower() or "could not serialize" in str(e).lower() for e in errors), errors

    @rule()
    def restart(self):
        """kill -9 and time passing: every lease is gone and workers come back with new names."""
        async def expire():
            async with get_async_db() as db:
                await db.execute(update(GoogleVideoTask).values(lease_until=0))
                await db.commit()
        run(expire())
        self.generation += 1

    @invariant()
    def ledger_adds_up(self):
        check_database()

    @invariant()
    def terminal_states_are_final(self):
        for task_id in self.tasks:
            task = run(GoogleVideoTasks.get(task_id))
            if task_id in self.terminal:
                assert task.status == self.terminal[task_id], (task_id, self.terminal[task_id], task.status)
            elif task.status in TERMINAL_STATUSES:
                self.terminal[task_id] = task.status


CreditStateMachine.TestCase.settings = settings(
    max_examples=int(os.environ.get("GV_PROPERTY_EXAMPLES", "60")), stateful_step_count=50, deadline=None,
    suppress_health_check=list(HealthCheck), database=None,
)

if __name__ == "__main__":
    import unittest

    result = unittest.TextTestRunner(verbosity=1).run(
        unittest.defaultTestLoader.loadTestsFromTestCase(CreditStateMachine.TestCase))
    sys.exit(0 if result.wasSuccessful() else 1)
