"""Credits are integers in an append-only ledger; balance == sum(ledger) at all times."""

import asyncio

import httpx

from devstack.api import configure, grant
from helpers import ledger


def test_grant_and_deduct_are_recorded(admin, user, ledger_check):
    assert grant(admin, user.id, 300, "welcome") == 300
    assert admin.ok("POST", "/credits/adjust", json={"user_id": user.id, "amount": -120, "reason": "correction"})["balance"] == 180
    entries = ledger(admin, user_id=user.id)
    assert [(e["amount"], e["balance"], e["kind"], e["reason"], e["actor_id"]) for e in entries] == [
        (-120, 180, "deduct", "correction", admin.id), (300, 300, "grant", "welcome", admin.id)]
    assert user.balance() == 180
    ledger_check()


def test_deduction_cannot_make_a_balance_negative(admin, user):
    grant(admin, user.id, 50)
    r = admin.request("POST", "/credits/adjust", json={"user_id": user.id, "amount": -51, "reason": "too much"})
    assert r.status_code == 400 and "balance is only 50" in r.json()["detail"]
    assert user.balance() == 50 and len(ledger(admin, user_id=user.id)) == 1


def test_adjust_rejects_bad_input(admin, user):
    assert admin.request("POST", "/credits/adjust", json={"user_id": user.id, "amount": 0, "reason": "x"}).status_code == 422
    assert admin.request("POST", "/credits/adjust", json={"user_id": user.id, "amount": 5, "reason": " "}).status_code == 422
    assert admin.request("POST", "/credits/adjust", json={"user_id": user.id, "amount": 1.5, "reason": "x"}).status_code == 422
    assert admin.request("POST", "/credits/adjust", json={"user_id": "no-such-user", "amount": 5, "reason": "x"}).status_code == 404
    assert user.request("POST", "/credits/adjust", json={"user_id": user.id, "amount": 5, "reason": "x"}).status_code == 401


def test_users_see_only_their_own_ledger_and_admin_pages_it(admin, user, other_user):
    grant(admin, user.id, 10)
    grant(admin, other_user.id, 20)
    for i in range(3):
        grant(admin, other_user.id, 1, f"bonus {i}")
    assert {e["user_id"] for e in ledger(user)} == {user.id}
    assert {e["user_id"] for e in ledger(user, user_id=other_user.id)} == {user.id}
    page = admin.ok("GET", "/credits/ledger", params={"user_id": other_user.id, "limit": 2, "page": 2})
    assert page["total"] == 4 and [e["reason"] for e in page["entries"]] == ["bonus 0", "test grant"]


def test_thirty_concurrent_submits_against_a_balance_for_seven(admin, configured, user, sim, ledger_check):
    configure(admin, sim.url, None, max_concurrent_tasks=50, model_credits_config={"veo3-fast": 13})
    grant(admin, user.id, 13 * 7 + 12)

    async def burst():
        async with httpx.AsyncClient(base_url=user.base_url, headers={"Authorization": f"Bearer {user.token}"},
                                     timeout=60) as client:
            return await asyncio.gather(*(
                client.post("/api/v1/google-video/text-to-video",
                            json={"prompt": f"race {i} [sim:polls=2]", "model": "veo3-fast"})
                for i in range(30)))

    responses = asyncio.run(burst())
    codes = sorted(r.status_code for r in responses)
    assert codes.count(200) == 7 and codes.count(402) == 23, codes
    assert user.balance() == 12
    ledger_check()
    for r in responses:
        if r.status_code == 402:
            assert "balance is" in r.json()["detail"] and "costs 13" in r.json()["detail"]
    for r in responses:
        if r.status_code == 200:
            assert user.wait_task(r.json()["task"]["id"])["status"] == "SUCCESS"
    assert user.balance() == 12
    charges = [e for e in ledger(user) if e["kind"] == "charge"]
    assert len(charges) == 7 and all(e["amount"] == -13 for e in charges)
    ledger_check()


def test_a_free_model_works_without_any_credits(admin, configured, user, sim, ledger_check):
    configure(admin, sim.url, None, model_credits_config={"veo2-fast": 0})
    task = user.ok("POST", "/text-to-video", json={"prompt": "free [sim:polls=1]", "model": "veo2-fast"})["task"]
    assert task["credits_cost"] == 0 and user.wait_task(task["id"])["status"] == "SUCCESS"
    assert user.balance() == 0 and [e["amount"] for e in ledger(user)] == [0]
    ledger_check()


def test_a_price_raised_after_the_user_saw_it_is_not_charged(admin, configured, user, sim, ledger_check):
    """The studio and the chat send the price the user agreed to (`max_credits`): an admin's price
    change in between is refused with nothing charged and nothing sent, never silently charged."""
    grant(admin, user.id, 1000)
    shown = user.ok("POST", "/quote", json={"model": "veo3-fast"})["price"]
    configure(admin, sim.url, None, model_credits_config={"veo3-fast": shown + 40})
    try:
        submits = sim.stats()["submits"]
        r = user.request("POST", "/text-to-video", json={"prompt": "dearer now", "model": "veo3-fast", "max_credits": shown})
        assert r.status_code == 409, r.text
        assert r.json()["detail"] == (f"The price of 'veo3-fast' is now {shown + 40} credits; you agreed to {shown}. "
                                      "Nothing was charged. Check the new price and submit again.")
        assert user.balance() == 1000 and sim.stats()["submits"] == submits
        assert not [t for t in user.ok("GET", "/history")["tasks"] if t["prompt"] == "dearer now"]
        agreed = user.ok("POST", "/text-to-video", json={"prompt": "dearer now", "model": "veo3-fast",
                                                         "max_credits": shown + 40})["task"]
        cheaper = user.ok("POST", "/text-to-video", json={"prompt": "a lower price is fine", "model": "veo3-fast",
                                                          "max_credits": shown + 100})["task"]
        assert agreed["credits_cost"] == cheaper["credits_cost"] == shown + 40
        assert user.balance() == 1000 - 2 * (shown + 40)
    finally:
        configure(admin, sim.url, None)
    ledger_check()


def test_prices_past_32_bits_are_quoted_charged_and_refunded_exactly(admin, configured, user, sim, ledger_check):
    """A per-second price of 10^9 makes a price past 2^31 - 1 (a 500 on PostgreSQL when a task's
    charge was a 32-bit column): the quote, max_credits, the charge and the refund agree."""
    configure(admin, sim.url, None, model_credits_config={"veo3": 7}, model_pricing={"veo3": {"per_second": 10**9}})
    try:
        for _ in range(20):
            grant(admin, user.id, 10**9)
        quote = user.ok("POST", "/quote", json={"model": "veo3"})
        price = quote["price"]
        assert price == 7 + 10**9 * quote["seconds"] and price > 2**31 - 1 and quote["affordable"]
        task = user.ok("POST", "/text-to-video", json={"prompt": "dear [sim:polls=1]", "model": "veo3",
                                                       "max_credits": price})["task"]
        assert task["credits_cost"] == price and user.wait_task(task["id"])["status"] == "SUCCESS"
        failed = user.ok("POST", "/text-to-video", json={"prompt": "dear and doomed [sim:polls=1;fail=no]",
                                                         "model": "veo3", "max_credits": price})["task"]
        failed = user.wait_task(failed["id"])
        assert failed["status"] == "FAILURE" and failed["refunded"] and failed["credits_refunded"] == price
        assert user.balance() == 20 * 10**9 - price
        assert sorted(e["amount"] for e in ledger(user) if e["task_id"] == failed["id"]) == [-price, price]
    finally:
        configure(admin, sim.url, None)
    ledger_check()
