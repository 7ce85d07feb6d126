"""Generating videos from the host's own chat UI: a real Chromium drives Open WebUI's chat page
against the chat test double (an OpenAI-compatible model that answers with a call to the video tool)
and the relay simulator. The tool asks the user to confirm the price, the task runs on the module's
poller, and the poller writes the video (or the failure and its refund) into the chat message:
there with the tab open, after a reload, after the tab was closed, and after a server restart.

Every step waits for what a person would wait for (a dialog, a finished reply, the player); the
host's selectors are in docs/dev/host-chat-ui.md."""

import re
import time
from pathlib import Path



from helpers import database_url_of, server_env  # noqa: E402
from devstack.api import add_user, configure, grant, signup  # noqa: E402
from devstack.host_chat import CHAT_MODEL, connect_chat_double, hide_changelog  # noqa: E402
from devstack.processes import WebUI  # noqa: E402
from helpers import ledger  # noqa: E402
from ledger_invariants import assert_ledger_consistent  # noqa: E402
from playwright.sync_api import expect  # noqa: E402
from chat_support import ASSISTANT, ask, chat_id_of, confirm, expect_video, last_reply, open_chat, the_task  # noqa: E402
from ui_support import SCREENSHOTS, TASK_TIMEOUT_MS, TIMEOUT_MS  # noqa: E402


def test_the_tool_asks_the_price_and_the_video_lands_in_the_message(browser, chat_user):
    page = open_chat(browser, chat_user)
    ask(page, "make a video of a fox crossing a frozen river [sim:polls=3]")
    confirm(page)
    reply = last_reply(page)
    expect(reply.locator(".status-description")).to_contain_text("Generating the video")
    # The double repeats the tool's answer to the user, as a model may: it reads as news, not orders.
    text = reply.locator("#response-content-container")
    expect(text).to_contain_text("The video is being made")
    expect(text).to_contain_text("It will appear in this message when it is ready")
    expect(text).not_to_contain_text("Tell the user")
    chat_id = chat_id_of(page)
    task = the_task(chat_user, "a fox crossing a frozen river")
    assert task["chat_id"] == chat_id
    expect_video(page, reply, task["id"])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "chat.png", full_page=True)
    page.reload()  # the delivered message is stored, not only pushed
    expect_video(page, page.locator(ASSISTANT).last, task["id"])
    charges = [e for e in ledger(chat_user) if e["task_id"] == task["id"]]
    assert [e["amount"] for e in charges] == [-task["credits_cost"]]
    page.context.close()


def test_the_video_arrives_after_the_tab_was_closed(browser, chat_user):
    page = open_chat(browser, chat_user)
    ask(page, "make a video of lanterns over a harbour [sim:polls=4]")
    confirm(page)
    last_reply(page)
    chat_id = chat_id_of(page)
    page.context.close()  # the user leaves while the video is being generated
    task = the_task(chat_user, "lanterns over a harbour")
    assert chat_user.wait_task(task["id"], timeout=TASK_TIMEOUT_MS / 1000)["status"] == "SUCCESS"
    page = open_chat(browser, chat_user, f"/c/{chat_id}")
    expect_video(page, page.locator(ASSISTANT).last, task["id"])
    page.context.close()


def test_a_refused_prompt_and_a_failed_task_say_what_happened_to_the_credits(browser, chat_user, admin, sim):
    configure(admin, sim.url, sim.api_key, chat_enabled=True, blocked_words=["forbiddenword"])
    balance = chat_user.balance()
    page = open_chat(browser, chat_user)
    ask(page, "make a video of a forbiddenword parade")
    reply = last_reply(page)
    expect(reply.locator(".status-description")).to_contain_text("blocked term")
    assert chat_user.balance() == balance  # refused before anything was charged or asked

    page.goto(f"{chat_user.base_url}/?model={CHAT_MODEL}")
    ask(page, "make a video of a storm at sea [sim:polls=2;fail=Content policy violation]")
    confirm(page)
    reply = last_reply(page)
    task = the_task(chat_user, "a storm at sea")
    text = reply.locator("#response-content-container")
    expect(text).to_contain_text("The video could not be made", timeout=TASK_TIMEOUT_MS)
    expect(text).to_contain_text(f"Your {task['credits_cost']} credits were refunded")
    assert chat_user.balance() == balance
    page.context.close()


def test_the_action_button_makes_a_video_of_a_message(browser, chat_user):
    page = open_chat(browser, chat_user)
    ask(page, "make a video of a paper crane [sim:polls=2]")
    confirm(page)
    reply = last_reply(page)
    first = the_task(chat_user, "a paper crane")
    expect_video(page, reply, first["id"])
    page.reload()  # action buttons come with the model list
    reply = page.locator(ASSISTANT).last
    reply.hover()
    reply.get_by_role("button", name="Make a video of this").click()
    dialog = page.get_by_role("dialog", name="Make a video of this")
    expect(dialog).to_be_visible()
    dialog.get_by_role("textbox").fill("a paper crane taking flight at dawn [sim:polls=2]")
    dialog.get_by_role("button", name="Confirm").click()
    confirm(page)
    second = the_task(chat_user, "taking flight at dawn")
    assert second["chat_id"] == first["chat_id"]
    videos = reply.locator("#response-content-container video")
    expect(videos).to_have_count(2, timeout=TASK_TIMEOUT_MS)
    expect(videos.nth(1)).to_have_attribute("src", f"/api/v1/google-video/task/{second['id']}/video")
    page.context.close()


def test_a_restart_in_the_middle_still_delivers(browser, tmp_path: Path, sim, chat_sim, new_database, one_database):
    # One database: what survives the kill is the task's delivery row, written the same way on both
    # (the other chat tests deliver from the database on both).
    env = server_env(new_database())
    server = WebUI(tmp_path / "data", env=env).start()
    try:
        admin = signup(server.url, "Admin", "admin@example.com", "admin-password-1")
        hide_changelog(admin)
        configure(admin, sim.url, sim.api_key, chat_enabled=True, chat_tool_models=[CHAT_MODEL])
        connect_chat_double(admin, chat_sim.url, chat_sim.api_key)
        grant(admin, admin.id, 500)
        page = open_chat(browser, admin)
        ask(page, "make a video of a lighthouse in fog [sim:polls=6]")
        confirm(page)
        last_reply(page)
        chat_id = chat_id_of(page)
        page.context.close()
    finally:
        server.kill()  # kill -9 while the video is being generated
    server = WebUI(tmp_path / "data", port=server.port, env=env).start()
    try:
        task = the_task(admin, "a lighthouse in fog")
        assert admin.wait_task(task["id"], timeout=TASK_TIMEOUT_MS / 1000)["status"] == "SUCCESS"
        page = open_chat(browser, admin, f"/c/{chat_id}")
        expect_video(page, page.locator(ASSISTANT).last, task["id"])
        page.context.close()
    finally:
        server.stop()
        assert_ledger_consistent(database_url_of(server))


def test_a_deleted_chat_ends_the_delivery(browser, chat_user):
    page = open_chat(browser, chat_user)
    ask(page, "make a video of a kite over dunes [sim:polls=4]")
    confirm(page)
    last_reply(page)
    chat_id = chat_id_of(page)
    page.context.close()
    assert chat_user.http.delete(f"/api/v1/chats/{chat_id}").status_code == 200
    task = the_task(chat_user, "a kite over dunes")
    assert chat_user.wait_task(task["id"], timeout=TASK_TIMEOUT_MS / 1000)["status"] == "SUCCESS"
    deadline = time.time() + TIMEOUT_MS / 1000
    while chat_user.ok("GET", f"/task/{task['id']}")["task"]["chat_delivery"] == "pending" and time.time() < deadline:
        time.sleep(0.3)
    assert chat_user.ok("GET", f"/task/{task['id']}")["task"]["chat_delivery"] == "gone"


def test_a_user_in_another_chat_gets_the_hosts_notice(browser, chat_user):
    """Away from the chat (here a second tab on a new chat), the host's own "reply finished" toast
    says the video is ready and opens the chat it belongs to."""
    page = open_chat(browser, chat_user)
    elsewhere = page.context.new_page()
    elsewhere.goto(f"{chat_user.base_url}/")
    expect(elsewhere.locator("#chat-input")).to_be_visible()
    ask(page, "make a video of swallows over a wheat field [sim:polls=3]")
    confirm(page)
    chat_id = chat_id_of(page)
    task = the_task(chat_user, "swallows over a wheat field")
    notice = elsewhere.get_by_text("Your video is ready.")
    expect(notice).to_be_visible(timeout=TASK_TIMEOUT_MS)
    notice.click()
    expect(elsewhere).to_have_url(re.compile(rf"/c/{chat_id}$"))
    expect_video(elsewhere, elsewhere.locator(ASSISTANT).last, task["id"])
    page.context.close()


def test_a_host_banner_links_to_the_studio(browser, webui, admin, sim, one_database):
    """The host's banners are the one place in its UI for a link without a host file edited: the
    module adds its own beside the admin's, a user follows it to the studio, and switching it (or the
    module) off takes only ours away."""
    host = admin.http  # the host's own API, outside the module's prefix
    own = {"id": "admin-notice", "type": "warning", "title": "", "content": "Maintenance on Sunday.",
           "dismissible": True, "timestamp": 1_800_000_000}
    assert host.post("/api/v1/configs/banners", json={"banners": [own]}).status_code == 200

    def banner_ids() -> list[str]:
        return [b["id"] for b in host.get("/api/v1/configs/banners").json()]

    configure(admin, sim.url, sim.api_key, enabled=True, host_link_enabled=True)
    try:
        assert banner_ids() == ["admin-notice", "google-video-studio"]
        configure(admin, sim.url, sim.api_key, enabled=True, host_link_enabled=True)  # saving again adds no second one
        assert banner_ids() == ["admin-notice", "google-video-studio"]

        user = add_user(admin)
        page = open_chat(browser, user, path="/")
        expect(page.get_by_text("Maintenance on Sunday.")).to_be_visible()
        # The banners fade in: the picture is taken once the link is fully shown.
        page.wait_for_function("""() => {
            for (let e = document.querySelector('a[href="/google-video/"]'); e; e = e.parentElement)
                if (getComputedStyle(e).opacity !== '1') return false;
            return !!document.querySelector('a[href="/google-video/"]');
        }""")
        page.screenshot(path=SCREENSHOTS / "host-banner.png")
        page.get_by_role("link", name="video studio").click()
        expect(page).to_have_url(re.compile(r"/google-video/$"))
        expect(page.get_by_test_id("generate")).to_be_visible()
        page.context.close()

        configure(admin, sim.url, sim.api_key, enabled=False, host_link_enabled=True)
        assert banner_ids() == ["admin-notice"]
        configure(admin, sim.url, sim.api_key, enabled=True, host_link_enabled=True)
        assert banner_ids() == ["admin-notice", "google-video-studio"]
        configure(admin, sim.url, sim.api_key, enabled=True, host_link_enabled=False)
        assert banner_ids() == ["admin-notice"]
        # Removed in the host's own settings while the switch is on: the next module save puts it back.
        configure(admin, sim.url, sim.api_key, enabled=True, host_link_enabled=True)
        host.post("/api/v1/configs/banners", json={"banners": [own]})
        configure(admin, sim.url, sim.api_key, enabled=True, host_link_enabled=True, max_concurrent_tasks=4)
        assert banner_ids() == ["admin-notice", "google-video-studio"]
    finally:
        configure(admin, sim.url, sim.api_key, enabled=True, host_link_enabled=False)
        host.post("/api/v1/configs/banners", json={"banners": []})
