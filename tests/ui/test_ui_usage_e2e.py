"""End-to-end tests of the usage report: a real Chromium drives the built page (see test_ui_e2e.py,
whose fixtures these tests reuse) against the session's server.

A funded user runs two tasks on veo3-fast (one succeeds, one fails and is refunded). Their Credits
tab shows their usage by model with the numbers of GET /usage, and "Download my ledger (CSV)" saves
their ledger (fetched with the bearer token). The admin's usage report, grouped by user, shows them.

Every step waits for what a person would wait for (a table to finish loading, a download to start)."""

import csv
import re

import pytest


# The browser drives the API the other tests run on both databases: one is enough here.
pytestmark = pytest.mark.usefixtures("one_database")

from devstack.api import add_user, grant  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402
from ui_support import expect_loaded, publish_part, shot  # noqa: E402

MODEL = "veo3-fast"
DURATION = re.compile(r"^(\d+s|\d+m \d{2}s|\d+h \d{2}m|-)$")  # formatSeconds' shapes


def read_download(page: Page, button) -> tuple[str, list[list[str]]]:
    """Clicks a CSV button; the saved file's name and rows (header first)."""
    with page.expect_download() as info:
        button.click()
    download = info.value
    with open(download.path(), newline="", encoding="utf-8") as f:
        return download.suggested_filename, list(csv.reader(f))


def expect_row(row, expected: dict) -> None:
    for col in ("tasks", "successes", "failures", "charged", "refunded"):
        expect(row.locator(f"[data-col={col}]")).to_have_text(str(expected[col]))


def test_usage_in_credits_tab_and_admin_report(open_ui, configured, tmp_path):
    admin = configured
    person = add_user(admin)
    grant(admin, person.id, 500, reason="usage e2e grant")
    ok = person.ok("POST", "/text-to-video", json={"prompt": "a calm lake [sim:polls=1]", "model": MODEL})["task"]
    bad = person.ok("POST", "/text-to-video",
                    json={"prompt": "a storm [sim:polls=1;fail=Content policy]", "model": MODEL})["task"]
    assert person.wait_task(ok["id"])["status"] == "SUCCESS"
    assert person.wait_task(bad["id"])["status"] == "FAILURE"
    expected = {r["key"]: r for r in person.ok("GET", "/usage", params={"group_by": "model"})["rows"]}[MODEL]
    assert (expected["tasks"], expected["successes"], expected["failures"]) == (2, 1, 1)
    assert expected["charged"] > 0 and expected["refunded"] > 0, expected

    # The user's Credits tab: their usage by model, as the API counts it.
    page = open_ui(person)
    page.get_by_role("tab", name="Credits").click()
    table = page.get_by_test_id("usage-table")
    expect_loaded(table)
    rows = table.get_by_test_id("usage-row")
    expect(rows).to_have_count(1)
    row = table.locator(f'[data-testid=usage-row][data-key="{MODEL}"]')
    expect_row(row, expected)
    for col in ("median", "p95"):
        assert DURATION.match(row.locator(f"[data-col={col}]").inner_text()), col

    # Their ledger as CSV: one row per ledger entry (the grant, two charges, a refund).
    entries = person.ok("GET", "/credits/ledger", params={"limit": 100})["total"]
    button = page.get_by_test_id("ledger-csv")
    expect(button).to_have_text("Download my ledger (CSV)")
    name, lines = read_download(page, button)
    assert name == "google-video-ledger.csv"
    assert lines[0][:4] == ["id", "created_at", "user_id", "kind"]
    assert len(lines) - 1 == entries >= 4, lines
    assert {line[2] for line in lines[1:]} == {person.id}
    shot(page, tmp_path, "usage-credits-tab")

    # The admin's report, grouped by user (the default): this user's row, and the totals.
    page = open_ui(admin)
    page.get_by_role("tab", name="Admin").click()
    expect(page.get_by_role("button", name="Save settings")).to_be_enabled()
    expect(page.get_by_test_id("usage-group-by")).to_have_value("user")
    expect(page.get_by_test_id("usage-from")).not_to_have_value("")
    expect(page.get_by_test_id("usage-to")).not_to_have_value("")
    table = page.get_by_test_id("usage-table")
    expect_loaded(table)
    row = table.locator(f'[data-testid=usage-row][data-key="{person.id}"]')
    expect_row(row, {**expected, "key": person.id})
    everyone = admin.ok("GET", "/usage", params={"group_by": "user"})["rows"]
    expect(page.get_by_test_id("usage-total").locator("[data-col=tasks]")).to_have_text(
        str(sum(r["tasks"] for r in everyone)))

    # Grouped by model: the model's row; its report as CSV has the same rows as the table.
    page.get_by_test_id("usage-group-by").select_option("model")
    expect(table.locator(f'[data-testid=usage-row][data-key="{MODEL}"]')).to_be_visible()
    expect_loaded(table)
    name, lines = read_download(page, page.get_by_test_id("usage-csv"))
    assert name == "google-video-usage-model.csv"
    assert lines[0][0] == "key" and MODEL in [line[0] for line in lines[1:]]
    expect(table.get_by_test_id("usage-row")).to_have_count(len(lines) - 1)
    shot(page, tmp_path, "usage-admin-report")
    publish_part(page, "usage-table", "usage-admin-report")
