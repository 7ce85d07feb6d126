"""End-to-end tests of the History tab as a gallery, and of the toasts that say a task has ended
(see test_ui_e2e.py, whose fixtures these tests reuse, for the rules: every step waits for what a
person would wait for, never a fixed sleep).

- A user's finished and failed tasks as cards with their posters (no video in the grid), found by
  prompt search and by status, model and date filters; a click on a card opens the player dialog,
  whose video plays.
- A task that ends while the page is open: a toast wherever the user is, with "View" opening its
  player (also above an open player), and a browser notification when the user asked for them.
- 1,000 tasks: the first page's time to show is printed, and scrolling loads the next page."""

import datetime
import re
import secrets
import uuid

import pytest


# The browser drives the API the other tests run on both databases: one is enough here.
pytestmark = pytest.mark.usefixtures("one_database")

import sqlalchemy as sa  # noqa: E402
from helpers import database_url_of  # noqa: E402
from devstack.api import grant  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402
from ui_support import TASK_TIMEOUT_MS, expect_loaded, shot, wait_video_playable  # noqa: E402

PAGE_SIZE = 48

# Runs in the page before the app: records the browser notifications the app shows
# (window.__gvNotifications) and makes the page look unattended (no focus), as when the user has
# gone to another tab; the permission itself is the browser's (granted by the test).
RECORD_NOTIFICATIONS = """(() => {
    const Real = window.Notification;
    window.__gvNotifications = [];
    class Recorded {
        constructor(title, options = {}) { window.__gvNotifications.push({ title, body: options.body ?? '' }); }
        close() {}
        static get permission() { return Real.permission; }
        static requestPermission(...args) { return Real.requestPermission(...args); }
    }
    window.Notification = Recorded;
    document.hasFocus = () => false;
})()"""


def open_gallery(page: Page):
    page.get_by_role("tab", name="History").click()
    grid = page.get_by_test_id("history-list")
    expect_loaded(grid)
    return grid


def card_of(page: Page, task_id: str):
    return page.locator(f'[data-testid=history-item][data-task-id="{task_id}"]')


def submit(session, prompt: str, model: str = "veo3-fast") -> dict:
    return session.ok("POST", "/text-to-video", json={"prompt": prompt, "model": model})["task"]


def test_gallery_cards_search_filters_and_player(open_ui, configured, user, tmp_path):
    grant(configured, user.id, 1000)
    tag = uuid.uuid4().hex[:6]
    prompts = [f"{tag} a lighthouse at dawn", f"{tag} koi in a rainy pond", f"{tag} a tram crossing the city at night"]
    done = [submit(user, f"{p} [sim:polls=1]") for p in prompts]
    failed = submit(user, f"{tag} a forbidden scene [sim:polls=1;fail=Content policy]")
    done = [user.wait_task(t["id"]) for t in done]
    failed = user.wait_task(failed["id"])
    assert [t["status"] for t in done] == ["SUCCESS"] * 3 and failed["status"] == "FAILURE"
    assert failed["credits_refunded"] == failed["credits_cost"] > 0

    page = open_ui(user)
    grid = open_gallery(page)
    cards = page.get_by_test_id("history-item")
    expect(cards).to_have_count(4)
    expect(page.get_by_test_id("history-total")).to_have_text("4 task(s)")
    # Newest first, each card with the start of its prompt, its status and model.
    expect(cards.first).to_have_attribute("data-task-id", failed["id"])
    for task in done:
        card = card_of(page, task["id"])
        expect(card).to_contain_text(task["prompt"].split(" [sim")[0])
        expect(card.get_by_test_id("task-status")).to_have_attribute("data-status", "SUCCESS")
        expect(card).to_contain_text("veo3-fast")
        if task["video_duration"]:
            expect(card.get_by_test_id("card-duration")).to_have_text(re.compile(r"^\d+:\d\d$"))
    # Posters, not players: the grid holds images (loaded, lazily) and no video.
    posters = grid.get_by_test_id("gallery-card-poster")
    expect(posters).to_have_count(3)
    for i in range(3):
        assert posters.nth(i).get_attribute("loading") == "lazy"
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=posters.nth(i).element_handle())
    expect(grid.locator("video")).to_have_count(0)
    # The failed task has a placeholder with its reason and refund.
    failed_card = card_of(page, failed["id"])
    expect(failed_card.get_by_test_id("gallery-card-poster")).to_have_count(0)
    expect(failed_card.get_by_test_id("fail-reason")).to_contain_text("Content policy")
    expect(failed_card.get_by_test_id("refund-marker")).to_have_text(f"Refunded {failed['credits_refunded']} credits")
    shot(page, tmp_path, "gallery", publish=True)

    # Prompt search (debounced: typing is not a request per key).
    search = page.get_by_test_id("gallery-search")
    search.fill("koi in a rainy")
    expect(cards).to_have_count(1)
    expect(cards.first).to_have_attribute("data-task-id", done[1]["id"])
    expect(page.get_by_test_id("history-total")).to_have_text("1 task(s)")
    search.fill("")
    expect(cards).to_have_count(4)

    # Status: the failed one, with its refund.
    page.get_by_test_id("gallery-status").select_option("FAILURE")
    expect(cards).to_have_count(1)
    expect(cards.first).to_have_attribute("data-task-id", failed["id"])
    expect(cards.first.get_by_test_id("refund-marker")).to_contain_text(str(failed["credits_refunded"]))
    page.get_by_test_id("gallery-status").select_option("SUCCESS")
    expect(cards).to_have_count(3)
    page.get_by_test_id("gallery-status").select_option("")
    expect(cards).to_have_count(4)

    # Model: veo3-fast made them all; another model, none.
    model = page.get_by_test_id("gallery-model")
    expect(model.locator("option[value=veo3]")).to_have_count(1)  # the models have arrived
    model.select_option("veo3")
    expect(cards).to_have_count(0)
    expect(page.get_by_test_id("history-empty")).to_have_text("No videos match these filters.")
    model.select_option("veo3-fast")
    expect(cards).to_have_count(4)

    # Dates: today holds them all; a range that ended yesterday, none (and a reversed one is said so).
    today = datetime.date.today()
    yesterday = today - datetime.timedelta(days=1)
    page.get_by_test_id("gallery-from").fill(today.isoformat())
    page.get_by_test_id("gallery-to").fill(today.isoformat())
    expect_loaded(grid)
    expect(cards).to_have_count(4)
    page.get_by_test_id("gallery-to").fill(yesterday.isoformat())
    expect(cards).to_have_count(0)
    expect(page.get_by_test_id("gallery-range-warning")).to_be_visible()
    page.get_by_test_id("gallery-clear").click()
    expect(cards).to_have_count(4)
    expect(page.get_by_test_id("gallery-from")).to_have_value("")

    # A click on the card opens its player in a dialog; the video plays there.
    lighthouse = card_of(page, done[0]["id"])
    lighthouse.click()
    dialog = page.get_by_test_id("player-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_have_attribute("data-task-id", done[0]["id"])
    player = dialog.get_by_test_id("video-player")
    expect(player).to_have_attribute("poster", done[0]["poster_url"])
    page.wait_for_function("v => v.readyState >= 1", arg=player.element_handle())
    wait_video_playable(page, player)
    assert dialog.get_by_test_id("download-link").get_attribute("href").endswith("?download=true")
    expect(dialog.get_by_test_id("player-prompt")).to_contain_text("a lighthouse at dawn")
    shot(page, tmp_path, "gallery-player")
    # Escape closes it, and the grid still has no video.
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(grid.locator("video")).to_have_count(0)

    # Delete from the player: the card goes.
    card_of(page, done[2]["id"]).click()
    page.once("dialog", lambda d: d.accept())
    page.get_by_test_id("player-dialog").get_by_test_id("player-delete").click()
    expect(page.get_by_test_id("player-dialog")).to_have_count(0)
    expect(cards).to_have_count(3)
    expect(page.get_by_test_id("history-total")).to_have_text("3 task(s)")
    assert [t["id"] for t in user.ok("GET", "/gallery")["tasks"]] == [failed["id"], done[1]["id"], done[0]["id"]]

    # Phone width, dark theme: the grid fits, nothing scrolls sideways.
    phone = open_ui(user, width=390, height=844, theme="dark")
    open_gallery(phone)
    expect(phone.get_by_test_id("history-item")).to_have_count(3)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, tmp_path, "gallery-mobile")


def test_toast_and_notification_when_a_task_ends(open_ui, configured, user, tmp_path):
    grant(configured, user.id, 1000)
    page = open_ui(user)
    # The user asks for browser notifications (the browser allows them) and then leaves the page
    # unattended: the end is told by a notification as well as by the toast.
    page.context.grant_permissions(["notifications"], origin=user.base_url)
    page.context.add_init_script(RECORD_NOTIFICATIONS)
    page.reload()
    toggle = page.get_by_test_id("notify-toggle")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("localStorage.getItem('google-video.notify')") == "on"
    expect(page.locator("html")).to_have_attribute("data-gv-socket", "connected")
    expect(page.get_by_test_id("back-to-chat")).to_have_attribute("href", "/")

    # A task submitted elsewhere (the API) ends while the user is in the studio.
    task = submit(user, "a lantern festival on the river [sim:polls=3]")
    toast = page.locator(f'[data-testid=toast][data-task-id="{task["id"]}"]')
    expect(toast).to_be_visible(timeout=TASK_TIMEOUT_MS)
    toast.hover()  # a toast stays while the pointer is on it
    expect(toast).to_have_attribute("role", "status")
    expect(toast).to_contain_text("Your video is ready")
    expect(toast).to_contain_text("a lantern festival on the river")
    assert page.evaluate("window.__gvNotifications") == [
        {"title": "Your video is ready", "body": "a lantern festival on the river [sim:polls=3]"}]
    shot(page, tmp_path, "toast")
    # "View" opens it in the gallery's player.
    toast.get_by_role("button", name="View").click()
    expect(page.get_by_role("tab", name="History")).to_have_attribute("aria-selected", "true")
    dialog = page.get_by_test_id("player-dialog")
    expect(dialog).to_have_attribute("data-task-id", task["id"])
    expect(toast).to_have_count(0)

    # While that player is open, another task fails: its toast comes above the dialog, says why and
    # what was refunded, and its "View" shows that task in the player instead.
    balance = user.balance()
    failing = submit(user, "a storm at sea [sim:polls=3;fail=Content policy]")
    failed_toast = page.locator(f'[data-testid=toast][data-task-id="{failing["id"]}"]')
    expect(failed_toast).to_be_visible(timeout=TASK_TIMEOUT_MS)
    failed_toast.hover()
    failing = user.ok("GET", f"/task/{failing['id']}")["task"]
    assert "Content policy" in failing["fail_reason"] and failing["credits_refunded"] == failing["credits_cost"] > 0
    expect(failed_toast.get_by_test_id("toast-message")).to_have_text(
        f"The video failed: {failing['fail_reason']} ({failing['credits_refunded']} credits refunded)")
    expect(page.get_by_test_id("credits-value")).to_have_text(str(balance))  # the refund is shown
    failed_toast.get_by_role("button", name="View").click()
    expect(dialog).to_have_attribute("data-task-id", failing["id"])
    expect(dialog.get_by_test_id("fail-reason")).to_contain_text("Content policy")
    expect(dialog.get_by_test_id("video-player")).to_have_count(0)

    # A toast can be dismissed; one that is left goes by itself.
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    third = submit(user, "fireflies in a forest [sim:polls=1]")
    third_toast = page.locator(f'[data-testid=toast][data-task-id="{third["id"]}"]')
    expect(third_toast).to_be_visible(timeout=TASK_TIMEOUT_MS)
    third_toast.get_by_role("button", name="Dismiss").click()
    expect(third_toast).to_have_count(0)
    # The user turns notifications off again: the choice is remembered.
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("localStorage.getItem('google-video.notify')") == "off"


def insert_finished_copies(webui, template_id: str, count: int) -> list[str]:
    """`count` finished copies of a real task of the same user, straight into the database, each
    older than the one before (ids sort by time, as the server makes them), free (credits_cost 0)
    and with the charge entry of 0 the ledger's invariants ask of every task."""
    engine = sa.create_engine(database_url_of(webui))
    try:
        meta = sa.MetaData()
        tasks = sa.Table("google_video_tasks", meta, autoload_with=engine)
        credits = sa.Table("google_video_credits", meta, autoload_with=engine)
        with engine.begin() as conn:
            row = dict(conn.execute(sa.select(tasks).where(tasks.c.id == template_id)).mappings().one())
            balance = conn.execute(sa.select(credits.c.balance).where(credits.c.user_id == row["user_id"])
                                   .order_by(credits.c.id.desc()).limit(1)).scalar_one()
            start_us = int(template_id[:14], 16)
            ids, task_rows, ledger_rows = [], [], []
            for i in range(count):
                created = row["created_at"] - 600 * (i + 1)  # every ten minutes, going back about a week
                task_id = f"{min(start_us - 1 - i, created * 1_000_000):014x}{secrets.token_hex(9)}"
                ids.append(task_id)
                task_rows.append({**row, "id": task_id, "prompt": f"archived clip {i:04d} of a quiet harbour",
                                  "idempotency_key": None, "external_task_id": f"copy-{task_id}", "credits_cost": 0,
                                  "credits_refunded": 0, "created_at": created, "updated_at": created,
                                  "completed_at": created, "submit_time": created, "finish_time": created})
                ledger_rows.append({"user_id": row["user_id"], "amount": 0, "balance": balance, "kind": "charge",
                                    "reason": "video generation (copy)", "task_id": task_id, "created_at": created})
            conn.execute(tasks.insert(), task_rows)
            conn.execute(credits.insert(), ledger_rows)
        return ids
    finally:
        engine.dispose()


FIRST_PAGE_SHOWN = """(n) => {
    const cards = document.querySelectorAll('[data-testid=history-item]');
    if (cards.length < n || document.querySelector('[data-testid=history-list]')?.getAttribute('aria-busy') !== 'false')
        return false;
    // Every poster on the screen has arrived (the others are lazy: asked for as they come near).
    const onScreen = [...document.querySelectorAll('[data-testid=gallery-card-poster]')].filter((img) => {
        const r = img.getBoundingClientRect();
        return r.bottom > 0 && r.top < innerHeight;
    });
    return onScreen.length > 0 && onScreen.every((img) => img.complete && img.naturalWidth > 0) && performance.now();
}"""


def test_gallery_with_a_thousand_tasks(open_ui, configured, user, webui, tmp_path):
    grant(configured, user.id, 100)
    template = user.wait_task(submit(user, "the template of the copies [sim:polls=1]")["id"])
    assert template["status"] == "SUCCESS" and template["poster_url"]
    copies = insert_finished_copies(webui, template["id"], 1000)
    first = user.ok("GET", "/gallery")
    assert len(first["tasks"]) == PAGE_SIZE and first["tasks"][1]["id"] == copies[0] and first["next_cursor"]

    page = open_ui(user)
    # From the start of a page load straight onto the History tab to the first page shown.
    page.evaluate("location.hash = '#history'")
    page.reload()
    shown = page.wait_for_function(FIRST_PAGE_SHOWN, arg=PAGE_SIZE, polling="raf", timeout=TASK_TIMEOUT_MS)
    ms = shown.json_value()
    print(f"gallery with 1,000 tasks: first page visible in {ms:.0f} ms")
    cards = page.get_by_test_id("history-item")
    expect(cards).to_have_count(PAGE_SIZE)
    expect(page.get_by_test_id("history-total")).to_have_text(f"{PAGE_SIZE}+ task(s)")
    requested = page.evaluate("performance.getEntriesByType('resource').filter(e => /\\/poster$/.test(e.name)).length")
    assert 0 < requested < PAGE_SIZE, requested  # the posters far below are not asked for yet
    shot(page, tmp_path, "gallery-1000")

    # Scrolling to the end of the grid loads the next page, and so on.
    page.get_by_test_id("gallery-sentinel").scroll_into_view_if_needed()
    page.wait_for_function("n => document.querySelectorAll('[data-testid=history-item]').length > n", arg=PAGE_SIZE)
    page.get_by_test_id("gallery-sentinel").scroll_into_view_if_needed()
    page.wait_for_function("n => document.querySelectorAll('[data-testid=history-item]').length > n", arg=2 * PAGE_SIZE)
    # The button does the same for those who do not scroll.
    load_more = page.get_by_test_id("gallery-load-more")
    expect(load_more).to_be_enabled()
    before = cards.count()
    load_more.click()
    page.wait_for_function("n => document.querySelectorAll('[data-testid=history-item]').length > n", arg=before)
    ids = page.eval_on_selector_all("[data-testid=history-item]", "els => els.map(e => e.dataset.taskId)")
    assert len(ids) == len(set(ids)) and ids == sorted(ids, reverse=True)  # newest first, none twice
    # The search finds one among the thousand.
    page.get_by_test_id("gallery-search").fill("archived clip 0421")
    expect(cards).to_have_count(1)
    expect(cards.first).to_have_attribute("data-task-id", copies[421])
    expect(page.get_by_test_id("gallery-load-more")).to_have_count(0)
