"""kill -9 of the server with 50 tasks in flight: after a restart every task resumes from the
database on schedule (overdue ones at once), nothing is submitted to the relay twice and the
ledger stays exact."""

import threading
import time
import uuid

import httpx
import sqlalchemy as sa

from helpers import database_url_of, server_env
from ledger_invariants import assert_ledger_consistent
from devstack.api import configure, grant, signup
from devstack.processes import WebUI

TASKS = 50
POLL_INTERVAL = 3  # 50 tasks at the default cap of 20 relay requests/s take 2.5 s
# Leases last the relay timeout + 10 s = 12 s, less than a restart takes, so no task waits on one.
ENV = {"GOOGLE_VIDEO_RELAY_TIMEOUT_SECONDS": "2"}
# The relay finishes the tasks after the kill (submits + 2.8 s) and around the restart, so the test
# proves they are polled again without waiting long after it.
GENERATION = "seconds=20"


def wait_until(condition, what: str, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while not condition():
        assert time.time() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def tasks_of(admin, marker: str) -> list[dict]:
    return [t for t in admin.ok("GET", "/history", params={"limit": 100})["tasks"] if t["prompt"].startswith(marker)]


def test_kill_9_with_50_tasks_in_flight_and_restart(tmp_path, sim, new_database):
    first = WebUI(tmp_path / "data", env=server_env(new_database(), **ENV)).start()
    marker = uuid.uuid4().hex[:8]
    try:
        admin = signup(first.url, "Admin", "admin@example.com", "admin-password-1")
        configure(admin, sim.url, sim.api_key, max_concurrent_tasks=100, poll_interval_seconds=POLL_INTERVAL)
        grant(admin, admin.id, 10_000)
        ids = [admin.ok("POST", "/text-to-video", json={"prompt": f"{marker}-{i} [sim:{GENERATION}]", "model": "veo3-fast"})["task"]["id"]
               for i in range(TASKS)]
        # The poller works on them: every task has been polled at least once.
        wait_until(lambda: all(sim.stats()["tasks"].get(t["external_task_id"], {}).get("queries", 0) >= 1
                               for t in tasks_of(admin, marker)), "every task polled before the kill")

        def submit_until_killed():  # one submit is still waiting for the relay when the server dies
            try:
                httpx.post(f"{first.url}/api/v1/google-video/text-to-video",
                           headers={"Authorization": f"Bearer {admin.token}"},
                           json={"prompt": f"{marker}-interrupted [sim:submit_delay=1.5]", "model": "veo3"}, timeout=30)
            except httpx.HTTPError:
                pass  # expected: the server is killed mid-request

        threading.Thread(target=submit_until_killed, daemon=True).start()
        # Killed while the relay holds that submit: its task is charged and waits in SUBMITTING.
        wait_until(lambda: any(t["prompt"].startswith(f"{marker}-interrupted") and t["status"] == "SUBMITTING"
                               for t in tasks_of(admin, marker)), "the interrupted submit in flight")
    finally:
        first.kill()
    killed_at = time.time()
    engine = sa.create_engine(database_url_of(first))
    with engine.connect() as conn:  # each task's schedule as the dead server left it
        scheduled = dict(conn.execute(sa.text("SELECT external_task_id, next_poll_at FROM google_video_tasks")).all())
    engine.dispose()

    second = WebUI(tmp_path / "data", port=first.port, env=first.extra_env).start()
    ready_at = time.time()
    try:
        for task_id in ids:
            assert admin.wait_task(task_id, timeout=90)["status"] == "SUCCESS"
        history = admin.ok("GET", "/history", params={"limit": 100})["tasks"]
        interrupted = [t for t in history if t["prompt"].startswith(f"{marker}-interrupted")]
        assert len(interrupted) == 1
        done = admin.wait_task(interrupted[0]["id"], timeout=40)
        assert done["status"] == "FAILURE" and "interrupted" in done["fail_reason"] and done["refunded"]

        relay_tasks = [t for t in sim.stats()["tasks"].values() if t["prompt"].startswith(marker)]
        # Exactly one relay submit per task: the restart re-polled, it did not resubmit.
        assert sorted(t["prompt"] for t in relay_tasks if "interrupted" not in t["prompt"]) == \
            sorted(f"{marker}-{i} [sim:{GENERATION}]" for i in range(TASKS))
        # Every task was polled again when it was due (at once if overdue), give or take one poll
        # interval: no task waited for the dead server's leases.
        lateness = [min(q for q in t["query_times"] if q > killed_at) - max(ready_at, scheduled[task_id])
                    for task_id, t in sim.stats()["tasks"].items() if task_id in scheduled]
        assert len(lateness) == TASKS and max(lateness) <= POLL_INTERVAL + 1, sorted(lateness)[-5:]
        assert admin.balance() == 10_000 - TASKS * 80
    finally:
        second.stop()
    assert_ledger_consistent(database_url_of(second))
