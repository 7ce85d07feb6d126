"""kill -9 of the server with tasks in flight: after a restart every task resumes from the
database, nothing is submitted to the relay twice and the ledger stays exact."""

import threading
import time
import uuid

import httpx

from conftest import assert_ledger_consistent
from devstack.api import configure, grant, signup
from devstack.processes import WebUI

RELAY_TIMEOUT = "2"  # submit lease = 2 * 2 + 10 = 14 s


def test_kill_and_restart_resumes_tasks(tmp_path, sim):
    env = {"GOOGLE_VIDEO_POLL_TICK_SECONDS": "0.3", "GOOGLE_VIDEO_RELAY_TIMEOUT_SECONDS": RELAY_TIMEOUT}
    first = WebUI(tmp_path / "data", env=env).start()
    marker = uuid.uuid4().hex[:8]
    try:
        admin = signup(first.url, "Admin", "admin@example.com", "admin-password-1")
        configure(admin, sim.url, sim.api_key, max_concurrent_tasks=20)
        grant(admin, admin.id, 1000)
        ids = [admin.ok("POST", "/text-to-video", json={"prompt": f"{marker}-{i} [sim:seconds=8]", "model": "veo3-fast"})["task"]["id"]
               for i in range(6)]
        # One submit is still waiting for the relay when the server dies.
        def submit_until_killed():
            try:
                httpx.post(f"{first.url}/api/v1/google-video/text-to-video",
                           headers={"Authorization": f"Bearer {admin.token}"},
                           json={"prompt": f"{marker}-interrupted [sim:submit_delay=1.5]", "model": "veo3"}, timeout=30)
            except httpx.HTTPError:
                pass  # expected: the server is killed mid-request

        hanging = threading.Thread(target=submit_until_killed, daemon=True)
        hanging.start()
        time.sleep(0.8)
    finally:
        first.kill()

    second = WebUI(tmp_path / "data", port=first.port, env=env).start()
    try:
        for task_id in ids:
            assert admin.wait_task(task_id, timeout=60)["status"] == "SUCCESS"
        history = admin.ok("GET", "/history", params={"limit": 50})["tasks"]
        interrupted = [t for t in history if t["prompt"].startswith(f"{marker}-interrupted")]
        assert len(interrupted) == 1
        done = admin.wait_task(interrupted[0]["id"], timeout=40)
        assert done["status"] == "FAILURE" and "interrupted" in done["fail_reason"] and done["refunded"]
        # Exactly one relay submit per task: the restart re-polled, it did not resubmit.
        prompts = [t["prompt"] for t in sim.stats()["tasks"].values() if t["prompt"].startswith(marker)]
        assert sorted(p for p in prompts if "interrupted" not in p) == sorted(f"{marker}-{i} [sim:seconds=8]" for i in range(6))
        assert admin.balance() == 1000 - 6 * 80
    finally:
        second.stop()
    assert_ledger_consistent(tmp_path / "data" / "webui.db")
