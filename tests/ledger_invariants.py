"""The credit invariants, checked straight in the database (SQLite or PostgreSQL)."""

import sqlalchemy as sa


def assert_ledger_consistent(database_url: str) -> None:
    """For every user: balance == sum(ledger); active_tasks == unfinished tasks; one charge and at
    most one refund per task, and a refund only for a failed task."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            check_ledger(lambda sql: conn.execute(sa.text(sql)).all())
    finally:
        engine.dispose()


def check_ledger(query) -> None:
    balances = dict(query("SELECT user_id, balance FROM google_video_balances"))
    sums = dict(query("SELECT user_id, SUM(amount) FROM google_video_credits GROUP BY user_id"))
    for user in set(balances) | set(sums):
        assert balances.get(user, 0) == sums.get(user, 0), (user, balances.get(user), sums.get(user))
    assert all(b >= 0 for b in balances.values())
    active = dict(query("SELECT user_id, active_tasks FROM google_video_balances"))
    unfinished = dict(query(
        "SELECT user_id, COUNT(*) FROM google_video_tasks WHERE status NOT IN ('SUCCESS','FAILURE','CANCELLED') GROUP BY user_id"))
    assert {u: n for u, n in active.items() if n} == unfinished
    per_task = query(
        """SELECT t.id, t.status, t.credits_cost, t.credits_refunded,
                  (SELECT COUNT(*) FROM google_video_credits c WHERE c.task_id = t.id AND c.kind = 'charge'),
                  (SELECT COALESCE(SUM(amount), 0) FROM google_video_credits c WHERE c.task_id = t.id AND c.kind = 'refund')
           FROM google_video_tasks t""")
    for task_id, status, cost, refunded, charges, refund_sum in per_task:
        assert charges == 1, f"task {task_id} has {charges} charge entries"
        assert refund_sum == refunded, f"task {task_id}: refunded {refunded} but ledger says {refund_sum}"
        assert refunded in ((cost,) if status in ("FAILURE", "CANCELLED") else (0,)), f"task {task_id} ({status}) refunded {refunded}"
