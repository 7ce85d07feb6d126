"""End-to-end tests of the admin's credit tools: a real Chromium drives the built page (see test_ui_e2e.py,
whose fixtures these tests reuse) against the session's server.

- The user picker: a user found by name, their balance and ledger, an adjustment made in the page.
- A grant to the members of a host group, once per user even when the form is sent again after its
  answer was lost (the same idempotency key), and nobody outside the group.
- Credit policies saved with the settings: welcome credits a new user gets on first use, and an
  allowance whose id is given on its first save and then kept.

Every step waits for what a person would wait for (a result to show, a list to finish loading)."""

import re
import uuid

import pytest


# The browser drives the API the other tests run on both databases: one is enough here.
pytestmark = pytest.mark.usefixtures("one_database")

from devstack.api import Session, add_user, grant  # noqa: E402
from playwright.sync_api import Route, expect  # noqa: E402
from ui_support import expect_loaded, open_admin, publish_part, save, shot  # noqa: E402

BULK_URL = "**/api/v1/google-video/credits/bulk"
KEY = re.compile(r"^[A-Za-z0-9_.:-]{1,80}$")  # what the server takes as a bulk idempotency key


@pytest.fixture
def no_credit_policies(configured):
    """No welcome credits and no allowances before and after the test (the baseline config of
    devstack.api.configure does not name them), so no user gets credits the test did not grant."""
    off = {"welcome_credits": 0, "credit_allowances": []}
    configured.ok("POST", "/config", json=off)
    yield configured
    configured.ok("POST", "/config", json=off)


def create_group(admin: Session, name: str, members: list[Session]) -> dict:
    """A host group (Open WebUI's own API, as its admin page does) with these members."""
    r = admin.http.post("/api/v1/groups/create", json={"name": name, "description": "credit admin e2e"})
    assert r.status_code == 200, r.text
    group = r.json()
    if members:
        r = admin.http.post(f"/api/v1/groups/id/{group['id']}/users/add", json={"user_ids": [m.id for m in members]})
        assert r.status_code == 200, r.text
    return group


def test_user_picker_shows_balance_and_ledger_and_adjusts(open_ui, no_credit_policies, tmp_path):
    admin = no_credit_policies
    name = f"picker-{uuid.uuid4().hex[:8]}"
    person = add_user(admin, name=name)
    grant(admin, person.id, 42, reason="picker opening grant")
    page = open_admin(open_ui, admin)

    # Found by name: the one match, with its e-mail, role and balance.
    page.get_by_test_id("user-search").fill(name)
    results = page.get_by_test_id("user-results")
    expect_loaded(results)
    expect(page.get_by_test_id("user-result")).to_have_count(1)
    row = page.locator(f'[data-testid=user-result][data-user-id="{person.id}"]')
    expect(row).to_contain_text(name)
    expect(row).to_contain_text(f"{name}@example.com")
    expect(row).to_contain_text("user")
    expect(row).to_contain_text("42")

    # Selected: their balance and their ledger, newest first.
    row.click()
    expect(page.get_by_test_id("selected-user")).to_have_attribute("data-user-id", person.id)
    expect(page.get_by_test_id("user-balance")).to_have_text("42")
    ledger = page.get_by_test_id("user-ledger")
    expect_loaded(ledger)
    entries = ledger.get_by_test_id("user-ledger-entry")
    expect(entries).to_have_count(1)
    expect(entries.first).to_contain_text("picker opening grant")
    expect(entries.first).to_contain_text("+42")

    # +8 in the page: the new balance, the new entry on top, the same in the API.
    page.get_by_test_id("adjust-amount").fill("8")
    page.get_by_test_id("adjust-reason").fill("picker top-up")
    with page.expect_request(lambda r: r.url.endswith("/credits/adjust") and r.method == "POST") as request:
        page.get_by_test_id("adjust-submit").click()
    body = request.value.post_data_json
    assert body["user_id"] == person.id and body["amount"] == 8 and body["reason"] == "picker top-up"
    assert KEY.match(body["idempotency_key"]), body
    expect(page.get_by_test_id("adjust-result")).to_have_text(f"New balance of {name}: 50")
    expect(page.get_by_test_id("user-balance")).to_have_text("50")
    expect(entries).to_have_count(2)
    expect(entries.first).to_contain_text("picker top-up")
    expect(entries.first).to_contain_text("+8")
    expect(row).to_contain_text("50")
    assert person.balance() == 50
    latest = admin.ok("GET", "/credits/ledger", params={"user_id": person.id})["entries"][0]
    assert (latest["amount"], latest["balance"], latest["reason"]) == (8, 50, "picker top-up")
    shot(page, tmp_path, "admin-user-picker")
    publish_part(page, "user-search", "admin-user-picker")


def test_grant_to_a_group_once_per_member(open_ui, no_credit_policies, tmp_path):
    admin = no_credit_policies
    members = [add_user(admin), add_user(admin)]
    outsider = add_user(admin)
    group = create_group(admin, f"bulk-{uuid.uuid4().hex[:8]}", members)
    page = open_admin(open_ui, admin)

    # The group is offered as a target (with its member count); 7 credits to it.
    target = page.get_by_test_id("bulk-target")
    expect(target.locator(f'option[value="{group["id"]}"]')).to_have_text(f"{group['name']} (2 members)")
    target.select_option(group["id"])
    page.get_by_test_id("bulk-amount").fill("7")
    page.get_by_test_id("bulk-reason").fill("group launch grant")
    with page.expect_request(lambda r: r.url.endswith("/credits/bulk")) as request:
        page.get_by_test_id("bulk-submit").click()
    first = request.value.post_data_json
    assert (first["amount"], first["reason"], first["group_id"]) == (7, "group launch grant", group["id"])
    assert KEY.match(first["idempotency_key"]), first
    result = page.get_by_test_id("bulk-result")
    expect(result).to_have_text("Applied to 2 users (0 already had it; 0 skipped: not enough credits)")
    assert [m.balance() for m in members] == [7, 7]
    assert outsider.balance() == 0

    # Another grant whose answer is lost on the way back (the server applied it): sent again as the
    # same form, with the same key, it is not applied twice.
    sent: list[dict] = []

    def lose_first_answer(route: Route) -> None:
        sent.append(route.request.post_data_json)
        if len(sent) > 1:
            route.continue_()
            return
        route.fetch()  # the server applies it...
        route.fulfill(status=503, json={"detail": "The answer was lost on the way back."})  # ...the page never hears

    page.route(BULK_URL, lose_first_answer)
    page.get_by_test_id("bulk-amount").fill("3")
    page.get_by_test_id("bulk-reason").fill("second grant")
    page.get_by_test_id("bulk-submit").click()
    expect(page.get_by_test_id("bulk-error")).to_have_text("The answer was lost on the way back.")
    expect(page.get_by_test_id("bulk-submit")).to_be_enabled()
    page.get_by_test_id("bulk-submit").click()
    expect(result).to_have_text("Applied to 0 users (2 already had it; 0 skipped: not enough credits)")
    assert len(sent) == 2 and sent[0] == sent[1], sent
    assert sent[0]["idempotency_key"] != first["idempotency_key"]  # a new form after the first success
    assert [m.balance() for m in members] == [10, 10]
    assert outsider.balance() == 0
    page.unroute(BULK_URL)
    shot(page, tmp_path, "admin-bulk-grant")


def test_credit_policies_saved_with_the_settings(open_ui, no_credit_policies, restore_config, tmp_path):
    admin = no_credit_policies
    # An allowance target nobody is in: saving it grants nothing to the session's other users.
    group = create_group(admin, f"policy-target-{uuid.uuid4().hex[:8]}", [])
    page = open_admin(open_ui, admin)

    # Welcome credits: saved with the settings; a new user gets them on first use.
    welcome = page.get_by_test_id("welcome-credits")
    expect(welcome).to_have_value("0")
    welcome.fill("15")
    save(page)
    assert admin.ok("GET", "/config")["welcome_credits"] == 15
    newcomer = add_user(admin)
    assert newcomer.balance() == 15
    assert newcomer.ok("GET", "/credits/ledger")["entries"][0]["reason"] == "welcome credits"

    # An allowance: its id is given on the first save (slug of the target, period, random part).
    expect(page.get_by_test_id("allowance-row")).to_have_count(0)
    page.get_by_test_id("allowance-add").click()
    rule = page.get_by_test_id("allowance-row")
    expect(rule).to_have_count(1)
    expect(rule).to_have_attribute("data-allowance-id", "")
    rule.get_by_test_id("allowance-target").select_option(group["id"])
    rule.get_by_test_id("allowance-mode").select_option("add")
    rule.get_by_test_id("allowance-amount").fill("5")
    rule.get_by_test_id("allowance-period").select_option("week")
    # A second row without credits is refused before anything is sent; removed again.
    page.get_by_test_id("allowance-add").click()
    expect(page.get_by_test_id("allowance-row")).to_have_count(2)
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_test_id("admin-error")).to_have_text("Allowance 2: the credits must be a whole number, 1 or more.")
    page.get_by_test_id("allowance-row").nth(1).get_by_test_id("allowance-remove").click()
    expect(page.get_by_test_id("allowance-row")).to_have_count(1)
    save(page)
    saved = admin.ok("GET", "/config")["credit_allowances"]
    assert len(saved) == 1, saved
    rule_id = saved[0]["id"]
    assert re.fullmatch(r"policy-target-[a-z0-9-]*-week-[0-9a-f]{6}", rule_id) and len(rule_id) <= 40, rule_id
    assert saved[0] == {"id": rule_id, "group_id": group["id"], "mode": "add", "amount": 5, "period": "week"}
    expect(rule.first).to_have_attribute("data-allowance-id", rule_id)

    # Changed later, it keeps its id (part of each grant's key); the page shows it after a reload.
    rule.first.get_by_test_id("allowance-amount").fill("6")
    save(page)
    assert admin.ok("GET", "/config")["credit_allowances"] == [{**saved[0], "amount": 6}]
    page.reload()
    page.get_by_role("tab", name="Admin").click()
    expect(page.get_by_role("button", name="Save settings")).to_be_enabled()
    rule = page.get_by_test_id("allowance-row")
    expect(rule).to_have_count(1)
    expect(rule).to_have_attribute("data-allowance-id", rule_id)
    expect(rule.get_by_test_id("allowance-target")).to_have_value(group["id"])
    expect(rule.get_by_test_id("allowance-amount")).to_have_value("6")
    expect(page.get_by_test_id("welcome-credits")).to_have_value("15")
    shot(page, tmp_path, "admin-credit-policies")

    # Removed and welcome credits off again, in the page.
    rule.get_by_test_id("allowance-remove").click()
    expect(page.get_by_test_id("allowance-row")).to_have_count(0)
    page.get_by_test_id("welcome-credits").fill("0")
    save(page)
    config = admin.ok("GET", "/config")
    assert (config["welcome_credits"], config["credit_allowances"]) == (0, [])
    assert add_user(admin).balance() == 0
