"""One relay simulator and one Open WebUI (+ module) per test session, over real sockets."""

import os
import secrets
import sys
from pathlib import Path
from typing import Optional

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devstack.api import add_user, configure, signup  # noqa: E402
from devstack.processes import Simulator, WebUI  # noqa: E402

POLL_TICK_SECONDS = "0.3"
# The whole suite runs once per database; GV_TEST_DATABASES=sqlite runs only SQLite.
DATABASES = [d.strip() for d in os.environ.get("GV_TEST_DATABASES", "sqlite,postgresql").split(",") if d.strip()]


@pytest.fixture(scope="session")
def postgres():
    from devstack.postgres import Postgres

    server = Postgres().start()
    yield server
    server.stop()


@pytest.fixture(scope="session", params=DATABASES)
def db_kind(request):
    return request.param


@pytest.fixture(scope="session")
def new_database(db_kind, request):
    """Returns a factory of empty databases of this session's kind: a DATABASE_URL, or None for
    the host's default SQLite file in DATA_DIR."""
    if db_kind == "sqlite":
        return lambda: None
    pg = request.getfixturevalue("postgres")
    return pg.create_database


def server_env(database_url: Optional[str], **extra) -> dict:
    env = {"GOOGLE_VIDEO_POLL_TICK_SECONDS": POLL_TICK_SECONDS, **extra}
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def database_url_of(server: WebUI) -> str:
    return server.extra_env.get("DATABASE_URL") or f"sqlite:///{server.data_dir / 'webui.db'}"


@pytest.fixture(scope="session")
def sim(tmp_path_factory):
    simulator = Simulator(api_key="sk-sim-" + secrets.token_hex(8), log_dir=tmp_path_factory.mktemp("sim")).start()
    yield simulator
    simulator.stop()


@pytest.fixture(scope="session")
def webui(tmp_path_factory, sim, new_database):
    server = WebUI(tmp_path_factory.mktemp("webui"), env=server_env(new_database())).start()
    yield server
    server.stop()
    assert_ledger_consistent(database_url_of(server))


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


def assert_ledger_consistent(database_url: str) -> None:
    """For every user: balance == sum(ledger); active_tasks == unfinished tasks; one charge and at
    most one refund per task, and a refund only for a failed task."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            _check_ledger(lambda sql: conn.execute(sa.text(sql)).all())
    finally:
        engine.dispose()


def _check_ledger(query) -> None:
    balances = dict(query("SELECT user_id, balance FROM google_video_balances"))
    sums = dict(query("SELECT user_id, SUM(amount) FROM google_video_credits GROUP BY user_id"))
    assert balances == {u: s for u, s in sums.items()}, (balances, sums)
    assert all(b >= 0 for b in balances.values())
    active = dict(query("SELECT user_id, active_tasks FROM google_video_balances"))
    unfinished = dict(query(
        "SELECT user_id, COUNT(*) FROM google_video_tasks WHERE status NOT IN ('SUCCESS','FAILURE') GROUP BY user_id"))
    assert {u: n for u, n in active.items() if n} == unfinished
    per_task = query(
        """SELECT t.id, t.status, t.credits_cost, t.credits_refunded,
                  (SELECT COUNT(*) FROM google_video_credits c WHERE c.task_id = t.id AND c.kind = 'charge'),
                  (SELECT COALESCE(SUM(amount), 0) FROM google_video_credits c WHERE c.task_id = t.id AND c.kind = 'refund')
           FROM google_video_tasks t""")
    for task_id, status, cost, refunded, charges, refund_sum in per_task:
        assert charges == 1, f"task {task_id} has {charges} charge entries"
        assert refund_sum == refunded, f"task {task_id}: refunded {refunded} but ledger says {refund_sum}"
        assert refunded in ((cost,) if status == "FAILURE" else (0,)), f"task {task_id} ({status}) refunded {refunded}"


@pytest.fixture
def ledger_check(webui):
    """Call to assert the ledger invariants right now."""
    return lambda: assert_ledger_consistent(database_url_of(webui))
