"""One relay simulator and one Open WebUI (+ module) per test session, over real sockets."""

import secrets
import sqlite3
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devstack.api import add_user, configure, signup  # noqa: E402
from devstack.processes import Simulator, WebUI  # noqa: E402

POLL_TICK_SECONDS = "0.3"


@pytest.fixture(scope="session")
def sim(tmp_path_factory):
    simulator = Simulator(api_key="sk-sim-" + secrets.token_hex(8), log_dir=tmp_path_factory.mktemp("sim")).start()
    yield simulator
    simulator.stop()


@pytest.fixture(scope="session")
def webui(tmp_path_factory, sim):
    server = WebUI(tmp_path_factory.mktemp("webui"), env={"GOOGLE_VIDEO_POLL_TICK_SECONDS": POLL_TICK_SECONDS}).start()
    yield server
    server.stop()
    assert_ledger_consistent(server.data_dir / "webui.db")


@pytest.fixture(scope="session")
def admin(webui):
    return signup(webui.url, "Admin", "admin@example.com", "admin-password-1")


@pytest.fixture
def configured(admin, sim):
    """The baseline config, restored before each test that uses it."""
    configure(admin, sim.url, sim.api_key)
    return admin


@pytest.fixture
def user(admin, configured):
    return add_user(admin)


@pytest.fixture
def other_user(admin, configured):
    return add_user(admin)


def assert_ledger_consistent(db_path: Path) -> None:
    """For every user: balance == sum(ledger); active_tasks == unfinished tasks; one charge and at
    most one refund per task, and a refund only for a failed task."""
    with sqlite3.connect(db_path) as db:
        balances = dict(db.execute("SELECT user_id, balance FROM google_video_balances"))
        sums = dict(db.execute("SELECT user_id, SUM(amount) FROM google_video_credits GROUP BY user_id"))
        assert balances == {u: s for u, s in sums.items()}, (balances, sums)
        assert all(b >= 0 for b in balances.values())
        active = dict(db.execute("SELECT user_id, active_tasks FROM google_video_balances"))
        unfinished = dict(db.execute(
            "SELECT user_id, COUNT(*) FROM google_video_tasks WHERE status NOT IN ('SUCCESS','FAILURE') GROUP BY user_id"))
        assert {u: n for u, n in active.items() if n} == unfinished
        bad = db.execute(
            """SELECT t.id, t.status, t.credits_cost, t.credits_refunded,
                      (SELECT COUNT(*) FROM google_video_credits c WHERE c.task_id = t.id AND c.kind = 'charge'),
                      (SELECT COALESCE(SUM(amount), 0) FROM google_video_credits c WHERE c.task_id = t.id AND c.kind = 'refund')
               FROM google_video_tasks t""").fetchall()
        for task_id, status, cost, refunded, charges, refund_sum in bad:
            assert charges == 1, f"task {task_id} has {charges} charge entries"
            assert refund_sum == refunded, f"task {task_id}: refunded {refunded} but ledger says {refund_sum}"
            assert refunded in ((cost,) if status == "FAILURE" else (0,)), f"task {task_id} ({status}) refunded {refunded}"


@pytest.fixture
def ledger_check(webui):
    """Call to assert the ledger invariants right now."""
    return lambda: assert_ledger_consistent(webui.data_dir / "webui.db")
