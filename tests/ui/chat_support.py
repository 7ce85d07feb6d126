"""Driving the host's own chat page in the browser tests (its selectors: docs/dev/host-chat-ui.md)."""

import json
import re
import time

from devstack.host_chat import CHAT_MODEL
from playwright.sync_api import Page, expect
from ui_support import TASK_TIMEOUT_MS, TIMEOUT_MS

ASSISTANT = "[id^='message-']:has(.chat-assistant)"


def open_chat(browser, session, path: str = f"/?model={CHAT_MODEL}") -> Page:
    """A tab of the host's chat, signed in as `session` the way the host's sign-in leaves a browser
    (the token in localStorage). The token is there before any of the host's scripts run: set from
    its /auth page instead, it was sometimes removed again by that page's own start-up, and the
    next page showed the sign-in form."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(f"localStorage.setItem('token', {json.dumps(session.token)})")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{session.base_url}{path}")
    expect(page.locator("#chat-input")).to_be_visible()
    return page


def ask(page: Page, text: str) -> None:
    """Types a request with the video tool selected (the model row preselects it) and sends it."""
    expect(page.get_by_role("button", name="Available Tools")).to_have_text("1")
    page.locator("#chat-input").click()
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def confirm(page: Page, title: str = "Generate this video?") -> None:
    dialog = page.get_by_role("dialog", name=title)
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog).to_be_hidden()


def last_reply(page: Page):
    message = page.locator(ASSISTANT).last
    expect(message.get_by_role("button", name="Copy")).to_be_visible()  # the reply is done
    return message


def chat_id_of(page: Page) -> str:
    expect(page).to_have_url(re.compile(r"/c/[0-9a-f-]+$"))
    return page.url.rsplit("/", 1)[-1]


def the_task(session, prompt_part: str, timeout: float = TIMEOUT_MS / 1000) -> dict:
    """The one task whose prompt has `prompt_part`, once it exists and is bound to its chat message
    (a confirmed dialog submits it, then binds it)."""
    deadline = time.time() + timeout
    while True:
        tasks = [t for t in session.ok("GET", "/history", params={"limit": 100})["tasks"]
                 if prompt_part in t["prompt"] and t["chat_id"]]
        if tasks or time.time() > deadline:
            assert len(tasks) == 1, tasks
            return tasks[0]
        time.sleep(0.2)


def expect_video(page: Page, message, task_id: str) -> None:
    video = message.locator("#response-content-container video")
    expect(video).to_have_attribute("src", f"/api/v1/google-video/task/{task_id}/video", timeout=TASK_TIMEOUT_MS)
    page.wait_for_function("v => v.readyState >= 1", arg=video.element_handle(), timeout=TIMEOUT_MS)
    expect(message.get_by_role("link", name="Download the video")).to_be_visible()
