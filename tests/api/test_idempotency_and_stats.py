"""Repeated submits with one idempotency key charge once; the admin stats add up."""

import asyncio
import time

import httpx

from devstack.api import grant
from helpers import ledger


def test_repeated_submit_with_a_key_returns_the_first_task(admin, user, sim, ledger_check):
    grant(admin, user.id, 500)
    body = {"prompt": "same click twice [sim:polls=1]", "model": "veo3", "idempotency_key": "chat1:msg7"}
    first = user.ok("POST", "/text-to-video", json=body)["task"]
    again = user.ok("POST", "/text-to-video", json=body)["task"]
    assert again["id"] == first["id"] and user.balance() == 400
    conflict = user.request("POST", "/text-to-video", json={**body, "prompt": "something else"})
    assert conflict.status_code == 409 and "different request" in conflict.json()["detail"]
    assert [e["kind"] for e in ledger(user)].count("charge") == 1
    ledger_check()


def test_concurrent_submits_with_one_key_charge_once(admin, user, sim, ledger_check):
    grant(admin, user.id, 1000)
    body = {"prompt": "double click race [sim:polls=1]", "model": "veo3", "idempotency_key": "race-1"}
    before = sim.stats()["submits"]

    async def burst():
        async with httpx.AsyncClient(base_url=user.base_url, headers={"Authorization": f"Bearer {user.token}"},
                                     timeout=60) as client:
            return await asyncio.gather(*(client.post("/api/v1/google-video/text-to-video", json=body) for _ in range(8)))

    responses = asyncio.run(burst())
    assert {r.status_code for r in responses} == {200}
    assert len({r.json()["task"]["id"] for r in responses}) == 1
    assert user.balance() == 900 and sim.stats()["submits"] == before + 1
    ledger_check()


def test_a_key_belongs_to_one_user(admin, user, other_user):
    grant(admin, user.id, 100)
    grant(admin, other_user.id, 100)
    body = {"prompt": "shared key [sim:polls=1]", "model": "veo3", "idempotency_key": "k"}
    a = user.ok("POST", "/text-to-video", json=body)["task"]
    b = other_user.ok("POST", "/text-to-video", json=body)["task"]
    assert a["id"] != b["id"] and user.balance() == 0 and other_user.balance() == 0


def test_bad_idempotency_key_is_refused(admin, user):
    r = user.request("POST", "/text-to-video", json={"prompt": "x", "idempotency_key": "has space"})
    assert r.status_code == 422


UNFINISHED = ("SUBMITTING", "NOT_START", "SUBMITTED", "QUEUED", "IN_PROGRESS")


def test_admin_stats_count_states_and_refunds(admin, user):
    grant(admin, user.id, 1000)
    before = admin.ok("GET", "/admin/stats")
    running = user.ok("POST", "/text-to-video", json={"prompt": "stats running [sim:never]", "model": "veo3"})["task"]
    failed = user.ok("POST", "/text-to-video", json={"prompt": "stats fail [sim:polls=1;fail=x]", "model": "veo3"})["task"]
    user.wait_task(failed["id"])
    after = admin.ok("GET", "/admin/stats")
    assert after["refund_count"] == before["refund_count"] + 1
    assert after["refunded_credits"] == before["refunded_credits"] + 100
    assert after["by_status"].get("FAILURE", 0) == before["by_status"].get("FAILURE", 0) + 1
    # Our never-ending task is unfinished, so the oldest unfinished one is it or an older one.
    oldest = after["oldest_unfinished"]
    assert after["unfinished"] == sum(n for s, n in after["by_status"].items() if s in UNFINISHED)
    assert oldest["created_at"] <= running["created_at"] and oldest["status"] in UNFINISHED
    assert oldest["age_seconds"] >= int(time.time()) - oldest["created_at"] - 1
    assert user.request("GET", "/admin/stats").status_code == 401
    assert running["status"] == "SUBMITTED"
