"""Two server processes on one PostgreSQL database: each unfinished task is polled by exactly one
of them at a time, and both share the work."""

import secrets
import uuid

import pytest

from helpers import server_env
from ledger_invariants import assert_ledger_consistent
from devstack.api import configure, grant, signup
from devstack.processes import WebUI

POLLS = 6


def test_two_instances_poll_each_task_exactly_once_at_a_time(tmp_path, sim, db_kind, new_database):
    if db_kind != "postgresql":
        pytest.skip("several instances share a PostgreSQL database; SQLite is single-host")
    url = new_database()
    env = server_env(url, WEBUI_SECRET_KEY=secrets.token_hex(16))
    shared_data = tmp_path / "shared"  # like a shared volume between replicas
    a = WebUI(shared_data, env=env).start()
    b = WebUI(shared_data, env=env).start()
    try:
        admin = signup(a.url, "Admin", "admin@example.com", "admin-password-1")
        configure(admin, sim.url, sim.api_key, max_concurrent_tasks=100)
        grant(admin, admin.id, 10_000)
        marker = uuid.uuid4().hex[:8]
        ids = [admin.ok("POST", "/text-to-video", json={"prompt": f"{marker}-{i} [sim:polls={POLLS}]", "model": "veo3"})["task"]["id"]
               for i in range(30)]
        for task_id in ids:
            assert admin.wait_task(task_id, timeout=90)["status"] == "SUCCESS"
        relay_tasks = [t for t in sim.stats()["tasks"].values() if t["prompt"].startswith(marker)]
        assert len(relay_tasks) == 30
        for t in relay_tasks:
            assert t["queries"] == POLLS, t  # no task was queried by both instances
            gaps = [b - a for a, b in zip(t["query_times"], t["query_times"][1:])]
            assert min(gaps) > 0.5, gaps  # never two polls of one task at the same time
        # The video is served by either instance (shared storage), with the same token.
        b_session = type(admin)(b.url, admin.token, admin.user)
        assert b_session.request("GET", f"/task/{ids[0]}/video").status_code == 200
        polls = [s.ok("GET", "/admin/stats")["this_worker"]["polls"] for s in (admin, b_session)]
        assert all(p > 0 for p in polls) and sum(polls) == 30 * POLLS, polls
    finally:
        a.stop()
        b.stop()
    assert_ledger_consistent(url)
