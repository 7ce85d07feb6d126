"""Starting a video from the host's own chat page, and what the module writes there (issue 19,
items 7, 8 and 12), in a real Chromium against the chat test double and the relay simulator:

- a temporary chat is refused before any price is asked or anything charged, and the answer says
  where videos can be made instead;
- a prompt and a provider's failure text full of markup are shown as their characters in the price
  dialog and in the message (no heading, image or frame made of them, nothing run, stored escaped);
- the admin chooses in the module's page the models whose new chats start with the video tool on,
  and the host's chat follows (other tools of the model untouched);
- the action proposes a short prompt made from the message, not the whole reply.

Every step waits for what a person would wait for; the host's selectors are in docs/dev/host-chat-ui.md.
"""

import json
import re



from devstack.api import ApiError, configure  # noqa: E402
from devstack.host_chat import CHAT_MODEL, EVERYONE, TOOL_ID, connect_chat_double, hide_changelog  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402
from chat_support import ASSISTANT, ask, chat_id_of, confirm, last_reply, open_chat, the_task  # noqa: E402
from ui_support import TASK_TIMEOUT_MS, TIMEOUT_MS  # noqa: E402

TOOL_NAME = "Video generation"
HOSTILE = "# Total: 0 credits <img src=x onerror=alert(1)>"
HOSTILE_FAILURE = "<img src=x onerror=alert(2)> <iframe src=/x></iframe> # Total: 0 credits"


def tasks_with(session, prompt_part: str) -> list[dict]:
    return [t for t in session.ok("GET", "/history", params={"limit": 100})["tasks"] if prompt_part in t["prompt"]]


def no_alerts(page: Page) -> list[str]:
    """Collects every alert/confirm/prompt a page opens (markup that runs script would open one)."""
    opened: list[str] = []
    page.on("dialog", lambda d: (opened.append(d.message), d.dismiss()))
    return opened


def test_a_temporary_chat_is_refused_before_any_price_or_charge(browser, chat_user):
    balance = chat_user.balance()
    page = open_chat(browser, chat_user)
    page.get_by_role("button", name="Temporary Chat").click()
    expect(page).to_have_url(re.compile(r"temporary-chat=true"))
    ask(page, "make a video of a heron in the reeds")
    reply = last_reply(page)  # the tool answered at once: no price dialog held the reply
    expect(page.get_by_role("dialog", name="Generate this video?")).to_have_count(0)
    expect(reply.locator(".status-description")).to_contain_text("No video in a temporary chat; nothing was charged")
    text = reply.locator("#response-content-container")
    expect(text).to_contain_text("Videos can't be made in a temporary chat")
    expect(text).to_contain_text("Nothing was charged.")
    expect(text.get_by_role("link", name="video studio")).to_have_attribute("href", "/google-video/")
    assert chat_user.balance() == balance
    assert tasks_with(chat_user, "a heron in the reeds") == []
    page.context.close()


def test_markup_in_the_prompt_and_the_failure_is_shown_as_text(browser, chat_user):
    page = open_chat(browser, chat_user)
    alerts = no_alerts(page)
    ask(page, f"make a video of {HOSTILE} [sim:polls=2;fail={HOSTILE_FAILURE}]")
    dialog = page.get_by_role("dialog", name="Generate this video?")
    expect(dialog).to_contain_text(HOSTILE)  # the prompt as typed, on the prompt's own line
    expect(dialog).to_contain_text("credits (balance ")  # the module's own price line is there
    expect(dialog.locator("h1, h2, h3, img, iframe")).to_have_count(0)
    confirm(page)
    reply = last_reply(page)
    chat_id = chat_id_of(page)
    task = the_task(chat_user, "Total: 0 credits")
    text = reply.locator("#response-content-container")
    expect(text).to_contain_text(f"{HOSTILE_FAILURE} Your {task['credits_cost']} credits were refunded",
                                 timeout=TASK_TIMEOUT_MS)
    expect(text).to_contain_text("The video could not be made: ")
    expect(text.locator("img, iframe, h1, h2, h3")).to_have_count(0)
    # Stored escaped, not as markup the host happens to show as text today.
    messages = chat_user.http.get(f"/api/v1/chats/{chat_id}").json()["chat"]["history"]["messages"]
    [stored] = [m for m in messages.values() if m["role"] == "assistant"]
    [block] = [item for item in stored["output"] if item.get("id") == f"gv-{task['id']}"]
    written = block["content"][0]["text"]
    assert "\\<img src=x onerror=alert(2)\\> \\<iframe src=/x\\>\\</iframe\\> \\# Total: 0 credits" in written
    assert written in stored["content"]
    page.reload()  # and so it stays when the page is read again from the server
    text = page.locator(ASSISTANT).last.locator("#response-content-container")
    expect(text).to_contain_text(f"{HOSTILE_FAILURE} Your {task['credits_cost']} credits were refunded")
    expect(text.locator("img, iframe, h1, h2, h3")).to_have_count(0)
    assert alerts == []
    page.context.close()


def open_module_admin(browser, admin) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(f"localStorage.setItem('token', {json.dumps(admin.token)})")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{admin.base_url}/google-video/")
    page.get_by_role("tab", name="Admin").click()
    expect(page.get_by_role("button", name="Save settings")).to_be_enabled()
    return page


def choose_tool_model(page: Page, name: str, on: bool) -> None:
    choices = page.get_by_role("group", name="Video tool on by default in new chats with these models")
    box = choices.get_by_role("checkbox", name=name)
    box.set_checked(on)
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_test_id("save-result")).to_have_text("Settings saved.")


def tool_checked_in_a_new_chat(browser, session, model_id: str, name: str) -> str:
    """aria-checked of the video tool in the tools menu of a new chat with the model (the host's
    own preselection, once the page shows the model chosen)."""
    page = open_chat(browser, session, f"/?model={model_id}")
    expect(page.locator("#model-selector-model-button")).to_have_attribute("aria-label", f"Selected model: {name}")
    page.locator("#integration-menu-button").click()
    page.get_by_role("menuitem", name="Tools").click()
    item = page.get_by_role("menuitemcheckbox", name=TOOL_NAME, exact=True)
    expect(item).to_be_visible()
    checked = item.get_attribute("aria-checked")
    page.context.close()
    return checked


def delete_model(admin, model_id: str) -> None:
    """Removes the host's model entry (a connection's model stays, for admins only)."""
    r = admin.http.post("/api/v1/models/model/delete", json={"id": model_id})
    if r.status_code != 200:
        raise ApiError(r)


def model_tool_ids(admin, model_id: str) -> list:
    r = admin.http.get("/api/v1/models/model", params={"id": model_id})
    assert r.status_code == 200, r.text
    return r.json()["meta"].get("toolIds")


def test_the_admin_puts_the_tool_on_by_default_for_chosen_models(browser, chat_user, admin, sim):
    helper, name = "video-helper", "Video Helper"
    r = admin.http.post("/api/v1/models/create", json={
        "id": helper, "base_model_id": CHAT_MODEL, "name": name, "params": {}, "access_grants": EVERYONE,
        "is_active": True, "meta": {"description": "The double under another name", "toolIds": ["other_tool"]}})
    if r.status_code != 200:
        raise ApiError(r)
    try:
        assert tool_checked_in_a_new_chat(browser, chat_user, helper, name) == "false"
        page = open_module_admin(browser, admin)
        choose_tool_model(page, name, True)
        assert model_tool_ids(admin, helper) == ["other_tool", TOOL_ID]  # the model's other tool kept
        assert admin.ok("GET", "/config")["chat_tool_models"] == sorted([CHAT_MODEL, helper])

        chat = open_chat(browser, chat_user, f"/?model={helper}")
        ask(chat, "make a video of a heron taking off")  # ask() waits for the tool's badge first
        dialog = chat.get_by_role("dialog", name="Generate this video?")
        expect(dialog).to_be_visible()
        dialog.get_by_role("button", name="Cancel").click()
        expect(last_reply(chat).locator(".status-description")).to_contain_text("Video not started")
        chat.context.close()

        choose_tool_model(page, name, False)
        assert model_tool_ids(admin, helper) == ["other_tool"]
        assert model_tool_ids(admin, CHAT_MODEL) == [TOOL_ID]  # a model still chosen keeps it
        assert tool_checked_in_a_new_chat(browser, chat_user, helper, name) == "false"
        page.context.close()
    finally:
        delete_model(admin, helper)
        configure(admin, sim.url, sim.api_key, chat_enabled=True, chat_tool_models=[CHAT_MODEL])


def test_a_chosen_connection_model_without_an_entry_gets_one(browser, chat_user, admin, chat_sim):
    """A connection's model nobody edited in the host has no entry to hold its tool list: choosing it
    makes the entry the host's model editor would (its name, no access grants: still admins only)."""
    delete_model(admin, CHAT_MODEL)
    try:
        assert admin.http.get("/api/v1/models/model", params={"id": CHAT_MODEL}).status_code != 200
        [listed] = [m for m in admin.http.get("/api/models").json()["data"] if m["id"] == CHAT_MODEL]
        page = open_module_admin(browser, admin)
        choose_tool_model(page, listed["name"], False)  # it was chosen (the fixture): take it out ...
        choose_tool_model(page, listed["name"], True)  # ... and choose it again: the entry is made
        page.context.close()
        entry = admin.http.get("/api/v1/models/model", params={"id": CHAT_MODEL}).json()
        assert (entry["name"], entry["base_model_id"], entry["meta"].get("toolIds"), entry["access_grants"]) == \
            (listed["name"], None, [TOOL_ID], [])
        assert CHAT_MODEL not in [m["id"] for m in chat_user.http.get("/api/models").json()["data"]]
        hide_changelog(admin)  # no "What's New" over an admin's first chat page
        assert tool_checked_in_a_new_chat(browser, admin, CHAT_MODEL, listed["name"]) == "true"
    finally:
        if admin.http.get("/api/v1/models/model", params={"id": CHAT_MODEL}).status_code == 200:
            delete_model(admin, CHAT_MODEL)
        connect_chat_double(admin, chat_sim.url, chat_sim.api_key)


def test_the_action_proposes_a_short_prompt_made_from_the_message(browser, chat_user):
    page = open_chat(browser, chat_user)
    # This chat without the tool: the double then only repeats the message.
    expect(page.get_by_role("button", name="Available Tools")).to_have_text("1")
    page.locator("#integration-menu-button").click()
    page.get_by_role("menuitem", name="Tools").click()
    page.get_by_role("menuitemcheckbox", name=TOOL_NAME, exact=True).click()
    page.keyboard.press("Escape")
    expect(page.get_by_role("button", name="Available Tools")).to_have_count(0)
    page.locator("#chat-input").click()
    page.keyboard.type("A paper crane folds itself on a desk at dawn. It flies out of the open window! "
                       "Then it circles the rooftops for a long while, " + "over and over, " * 8 + "and lands.")
    page.keyboard.press("Enter")
    reply = last_reply(page)
    expect(reply.locator("#response-content-container")).to_contain_text("Echo: A paper crane")
    page.reload()  # action buttons come with the model list
    reply = page.locator(ASSISTANT).last
    reply.hover()
    reply.get_by_role("button", name="Make a video of this").click()
    dialog = page.get_by_role("dialog", name="Make a video of this")
    field = dialog.get_by_role("textbox")
    expect(field).to_have_value("Echo: A paper crane folds itself on a desk at dawn. It flies out of the open window!")
    field.press("End")
    field.type(" [sim:polls=2]")
    dialog.get_by_role("button", name="Confirm").click()
    confirm(page)
    task = the_task(chat_user, "It flies out of the open window!")
    assert task["prompt"].startswith("Echo: A paper crane folds itself")
    video = reply.locator("#response-content-container video")
    expect(video).to_have_attribute("src", f"/api/v1/google-video/task/{task['id']}/video", timeout=TASK_TIMEOUT_MS)
    page.context.close()
