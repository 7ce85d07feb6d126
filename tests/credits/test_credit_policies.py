"""Credit policies through the real host: welcome credits once per user under concurrency and on two
server processes, grants to all users or a host group applied once however often they are retried,
periodic allowances once per period across a period boundary and restarts; each grant a ledger
entry of kind grant with its reason, and the ledger adding up."""

import secrets
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from helpers import database_url_of, server_env
from devstack.api import add_user, configure, grant, signup
from devstack.processes import WebUI
from helpers import ledger
from ledger_invariants import assert_ledger_consistent

DAY = 86400


def entries(session, reason_part: str) -> list[dict]:
    return [e for e in ledger(session) if reason_part in e["reason"]]


def all_at_once(calls) -> list:
    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(lambda call: call(), calls))


def new_group(admin, members) -> str:
    r = admin.http.post("/api/v1/groups/create", json={"name": f"g-{uuid.uuid4().hex[:6]}", "description": "test"})
    assert r.status_code == 200, r.text
    group_id = r.json()["id"]
    r = admin.http.post(f"/api/v1/groups/id/{group_id}/users/add", json={"user_ids": [m.id for m in members]})
    assert r.status_code == 200, r.text
    return group_id


def test_welcome_credits_once_however_many_requests_race(configured, sim):
    configure(configured, sim.url, None, welcome_credits=50)
    try:
        user = add_user(configured)
        balances = all_at_once([lambda: user.ok("GET", "/credits")["credits"] for _ in range(16)])
        assert set(balances) == {50}
        welcome = entries(user, "welcome credits")
        assert [(e["amount"], e["kind"]) for e in welcome] == [(50, "grant")]
        user.ok("GET", "/models")
        assert len(entries(user, "welcome credits")) == 1
    finally:
        configure(configured, sim.url, None, welcome_credits=0)


def test_group_and_all_user_grants_apply_once_per_retry(configured, sim):
    members = [add_user(configured) for _ in range(3)]
    outsider = add_user(configured)
    group_id = new_group(configured, members)
    key = "bonus-" + uuid.uuid4().hex[:8]
    body = {"amount": 25, "reason": "november bonus", "group_id": group_id, "idempotency_key": key}
    first, second = all_at_once([lambda: configured.ok("POST", "/credits/bulk", json=body)] * 2)
    assert first["users"] == second["users"] == 3 and first["applied"] + second["applied"] == 3
    again = configured.ok("POST", "/credits/bulk", json=body)
    assert (again["applied"], again["replayed"]) == (0, 3)
    for member in members:
        assert [e["amount"] for e in entries(member, "november bonus")] == [25]
    assert outsider.balance() == 0
    # A deduction for everyone never takes a balance below zero: those who have less are named.
    deduct = configured.ok("POST", "/credits/bulk", json={"amount": -20, "reason": "correction",
                                                           "idempotency_key": "fix-" + uuid.uuid4().hex[:8]})
    assert outsider.id in deduct["skipped_insufficient"] and all(m.id not in deduct["skipped_insufficient"] for m in members)
    assert all(m.balance() == 5 for m in members) and outsider.balance() == 0
    audit = configured.ok("GET", "/admin/audit", params={"action": "credits.bulk"})["entries"]
    assert any(a["detail"].get("idempotency_key") == key for a in audit)
    r = configured.request("POST", "/credits/bulk", json={**body, "group_id": "no-such-group"})
    assert r.status_code == 404


def test_an_admin_key_cannot_take_the_place_of_the_module_s_own(configured, sim):
    """Admins' idempotency keys and the module's ledger keys ("welcome:<user>",
    "allowance:<rule>:<period>:<user>") live apart: a bulk grant keyed "welcome" used to write
    "welcome:<user>" for everyone, so a newcomer later got 1 credit instead of the welcome 51."""
    configure(configured, sim.url, None, welcome_credits=51)
    try:
        newcomer = add_user(configured)  # has not used the module yet: no welcome credits so far
        configured.ok("POST", "/credits/bulk", json={"amount": 1, "reason": "keyed like a welcome",
                                                     "idempotency_key": "welcome"})
        configured.ok("POST", "/credits/adjust", json={"user_id": newcomer.id, "amount": 2, "reason": "keyed too",
                                                       "idempotency_key": f"welcome:{newcomer.id}"})
        assert newcomer.balance() == 1 + 2 + 51
        assert [e["amount"] for e in entries(newcomer, "welcome credits")] == [51]
        # The admin's own keys still replay as before.
        again = configured.ok("POST", "/credits/adjust", json={"user_id": newcomer.id, "amount": 2, "reason": "keyed too",
                                                               "idempotency_key": f"welcome:{newcomer.id}"})
        assert again["replayed"] and newcomer.balance() == 54
    finally:
        configure(configured, sim.url, None, welcome_credits=0)


def test_admin_user_picker_finds_users_with_their_balances(configured, sim):
    name = "picker-" + uuid.uuid4().hex[:6]
    user = add_user(configured, name=name)
    grant(configured, user.id, 42)
    found = configured.ok("GET", "/admin/users", params={"query": name})
    assert [(u["id"], u["balance"], u["email"]) for u in found["users"]] == [(user.id, 42, f"{name}@example.com")]
    assert user.request("GET", "/admin/users").status_code == 401


def test_a_user_added_to_a_group_mid_period_gets_its_allowance_on_the_next_request(configured, sim):
    user = add_user(configured)
    team = new_group(configured, [add_user(configured)])
    rule = {"id": f"team-{uuid.uuid4().hex[:6]}", "group_id": team, "mode": "add", "amount": 7, "period": "month"}
    configure(configured, sim.url, sim.api_key, credit_allowances=[rule])
    try:
        assert user.balance() == 0  # not a member yet
        r = configured.http.post(f"/api/v1/groups/id/{team}/users/add", json={"user_ids": [user.id]})
        assert r.status_code == 200, r.text
        assert user.balance() == 7
        assert user.balance() == 7 and len(entries(user, "monthly allowance")) == 1
    finally:
        configure(configured, sim.url, sim.api_key, credit_allowances=[])


def test_a_monthly_allowance_once_per_period_across_a_boundary_and_restarts(tmp_path, sim, new_database):
    rule = {"id": "monthly", "group_id": None, "mode": "top_up", "amount": 100, "period": "month"}
    weekly = {"id": "team-weekly", "mode": "add", "amount": 5, "period": "week"}
    url, data = new_database(), tmp_path / "data"
    server = WebUI(data, env=server_env(url)).start()
    try:
        admin = signup(server.url, "Admin", "admin@example.com", "admin-password-1")
        user = add_user(admin)
        team = new_group(admin, [user])
        configure(admin, sim.url, sim.api_key, credit_allowances=[rule, {**weekly, "group_id": team}])
        assert set(all_at_once([lambda: user.ok("GET", "/credits")["credits"] for _ in range(8)])) == {105}
        user_admin = admin.ok("POST", "/credits/adjust", json={"user_id": user.id, "amount": -30, "reason": "spent"})
        assert user_admin["balance"] == 75 and user.balance() == 75  # the same period: no second top-up
    finally:
        server.stop()
    # Restarted 35 days later (a new month and a new week): each rule applies once more, and only
    # once although 8 requests race on a process that remembers nothing yet (the ledger keys decide).
    later = server_env(url, GOOGLE_VIDEO_TEST_CLOCK_OFFSET_SECONDS=str(35 * DAY))
    server = WebUI(data, port=server.port, env=later).start()
    try:
        assert set(all_at_once([lambda: user.ok("GET", "/credits")["credits"] for _ in range(8)])) == {105}
        monthly = entries(user, "monthly allowance")
        assert sorted(e["amount"] for e in monthly) == [25, 100] and all(e["kind"] == "grant" for e in monthly)
        assert [e["amount"] for e in entries(user, "weekly allowance")] == [5, 5]
    finally:
        server.stop()
    assert_ledger_consistent(database_url_of(server))


def test_two_processes_grant_welcome_and_allowance_once(tmp_path, sim, db_kind, new_database):
    if db_kind != "postgresql":
        pytest.skip("several processes share a PostgreSQL database; SQLite is single-host")
    url = new_database()
    env = server_env(url, WEBUI_SECRET_KEY=secrets.token_hex(16))
    a = WebUI(tmp_path / "shared", env=env).start()
    b = WebUI(tmp_path / "shared", env=env).start()
    try:
        admin = signup(a.url, "Admin", "admin@example.com", "admin-password-1")
        configure(admin, sim.url, sim.api_key, welcome_credits=10,
                  credit_allowances=[{"id": "daily", "mode": "add", "amount": 3, "period": "day"}])
        user = add_user(admin)
        on_b = type(user)(b.url, user.token, user.user)
        calls = [lambda s=s: s.ok("GET", "/credits")["credits"] for s in (user, on_b) for _ in range(10)]
        assert set(all_at_once(calls)) == {13}
        assert len(entries(user, "welcome credits")) == 1 and len(entries(user, "daily allowance")) == 1
    finally:
        a.stop()
        b.stop()
    assert_ledger_consistent(url)
