"""Usage reports and CSV exports through the real host: the credit columns equal sums over the
ledger, users see only their own usage, and the ledger export streams every entry as CSV."""

import csv
import io
import time

from devstack.api import add_user, grant
from helpers import ledger


def test_the_report_is_the_ledger_summed_and_scoped_to_the_user(configured, sim):
    user, other = add_user(configured), add_user(configured)
    for session in (user, other):
        grant(configured, session.id, 2000)
    since = int(time.time()) - 5
    prompts = ["ok-1 [sim:polls=1]", "ok-2 [sim:polls=2]", "bad [sim:polls=1;fail=Content policy]"]
    ids = [user.ok("POST", "/text-to-video", json={"prompt": p, "model": "veo3-fast"})["task"]["id"] for p in prompts]
    ids.append(user.ok("POST", "/text-to-video", json={"prompt": "ok-3 [sim:polls=1]", "model": "veo3"})["task"]["id"])
    other.ok("POST", "/text-to-video", json={"prompt": "theirs [sim:polls=1]", "model": "veo3"})
    for task_id in ids:
        user.wait_task(task_id)
    entries = [e for e in ledger(user) if e["task_id"] in ids]
    by_model = {r["key"]: r for r in user.ok("GET", "/usage", params={"group_by": "model", "since": since})["rows"]}
    assert set(by_model) == {"veo3-fast", "veo3"}  # the other user's task is not in it
    fast = by_model["veo3-fast"]
    assert (fast["tasks"], fast["successes"], fast["failures"]) == (3, 2, 1)
    tasks = {t: user.ok("GET", f"/task/{t}")["task"] for t in ids}
    fast_ids = {t for t, task in tasks.items() if task["model"] == "veo3-fast"}
    assert fast["charged"] == -sum(e["amount"] for e in entries if e["kind"] == "charge" and e["task_id"] in fast_ids)
    assert fast["refunded"] == sum(e["amount"] for e in entries if e["kind"] == "refund" and e["task_id"] in fast_ids) > 0
    assert fast["median_seconds"] is not None and fast["p95_seconds"] >= fast["median_seconds"]
    total = user.ok("GET", "/usage", params={"group_by": "day", "since": since})["rows"]
    assert sum(r["charged"] for r in total) == -sum(e["amount"] for e in entries if e["kind"] == "charge")
    # A user asking for someone else's usage still gets their own; an admin gets anyone's.
    assert user.ok("GET", "/usage", params={"group_by": "user", "user_id": other.id, "since": since})["rows"][0]["key"] == user.id
    theirs = configured.ok("GET", "/usage", params={"group_by": "user", "user_id": other.id, "since": since})["rows"]
    assert [r["key"] for r in theirs] == [other.id]
    exported = list(csv.DictReader(io.StringIO(user.request("GET", "/usage.csv", params={
        "group_by": "model", "since": since}).text)))
    assert {r["key"]: int(r["charged"]) for r in exported} == {k: r["charged"] for k, r in by_model.items()}


def test_the_ledger_export_is_every_entry_and_defuses_formulas(configured):
    user = add_user(configured)
    for amount, reason in ((5, "first"), (7, "=HYPERLINK(\"http://evil\")"), (-3, "correction")):
        configured.ok("POST", "/credits/adjust", json={"user_id": user.id, "amount": amount, "reason": reason})
    r = user.request("GET", "/credits/ledger.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [int(row["amount"]) for row in rows] == [5, 7, -3]
    assert rows[1]["reason"] == "'=HYPERLINK(\"http://evil\")"
    assert {row["user_id"] for row in rows} == {user.id}
    everyone = list(csv.DictReader(io.StringIO(configured.request("GET", "/credits/ledger.csv").text)))
    assert len(everyone) > len(rows) and {row["user_id"] for row in everyone} > {user.id}
