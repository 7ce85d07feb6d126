"""Fixtures of the browser tests: one Chromium per module, a signed-in page on the module's UI, the
chat user. GV_SKIP_UI=1 leaves this whole folder out (no browser on the machine)."""

import os
from pathlib import Path

import pytest

if os.environ.get("GV_SKIP_UI") == "1":
    collect_ignore_glob = ["test_*.py"]
else:
    from devstack.api import add_user, configure, grant
    from devstack.host_chat import CHAT_MODEL, connect_chat_double
    from playwright.sync_api import Page, expect, sync_playwright
    from ui_support import CHROMIUM, CHROMIUM_ARGS, PAGE_INSTRUMENTS, TIMEOUT_MS, expect_studio_ready, served_ui_url


@pytest.fixture(scope="module")
def ui_url(webui):
    return served_ui_url(webui)


@pytest.fixture(scope="module")
def fake_ui_url(fake_webui):
    """The UI on the server with the fake provider (whose fake-video model takes every parameter)."""
    return served_ui_url(fake_webui)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install the Debian package chromium (scripts/system-deps.sh does).")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def open_ui(browser, ui_url, tmp_path):
    """Returns open(session, width=1280, height=900) -> a signed-in page on the UI, with the studio
    ready to use (see expect_studio_ready). hold_models=True: the models' answer is held until the
    test calls window.__gvReleaseModels(), and the page is returned without waiting."""
    contexts = []

    def open_(session, width=1280, height=900, lang="en-US", theme="light", hold_models=False) -> Page:
        context = browser.new_context(viewport={"width": width, "height": height}, locale=lang)
        context.add_init_script(PAGE_INSTRUMENTS)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        # The UI of the server the session belongs to (the session's server, or the one with the
        # fake provider registered).
        page.goto(f"{session.base_url}/google-video/")
        # The host's sign-in stores the token in localStorage; do the same, then load the app.
        page.evaluate("([t, theme, hold]) => { localStorage.setItem('token', t); localStorage.setItem('theme', theme);"
                      " localStorage.setItem('gv-test-hold-models', hold ? '1' : '0'); }",
                      [session.token, theme, hold_models])
        page.reload()
        expect(page.get_by_test_id("credits-badge")).to_be_visible()
        if not hold_models:
            expect_studio_ready(page)
        return page

    yield open_
    for c in contexts:
        c.close()


@pytest.fixture
def restore_config(configured, sim):
    """The admin test saves settings through the page; put the baseline back for later tests."""
    yield
    configure(configured, sim.url, sim.api_key)


@pytest.fixture
def chat_user(webui, admin, sim, chat_sim):
    """Chat integration on, the double as the chat model offering the tool, a user with credits."""
    configure(admin, sim.url, sim.api_key, chat_enabled=True, chat_tool_models=[CHAT_MODEL], max_concurrent_tasks=10)
    connect_chat_double(admin, chat_sim.url, chat_sim.api_key)
    user = add_user(admin)
    grant(admin, user.id, 1000)
    yield user
    configure(admin, sim.url, sim.api_key, chat_enabled=False)
