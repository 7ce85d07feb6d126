"""What the browser tests share: where Chromium and the built page are, how long to wait at most,
the script every page runs first, and the waits a person would do (see conftest.py for the fixtures).

No test depends on the machine's speed: every step waits for what a person would wait for (the
Generate button to be enabled and say "Generate", a list to finish loading, a status to change)
through Playwright's retrying expectations, never a fixed sleep; time limits are only upper bounds,
generous enough for a busy CI machine, and cost nothing when things are fast."""

import re
import shutil
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect


ROOT = Path(__file__).resolve().parents[2]


UI_INDEX = ROOT / "build" / "google-video" / "index.html"


SCREENSHOTS = ROOT / "docs" / "screenshots"


CHROMIUM = "/usr/bin/chromium"


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


# Upper bound for anything the page has to load or show (Playwright's own default for expect() is 5 s,
# too short on a busy 2-core machine).
TIMEOUT_MS = 60_000


# Upper bound for a generation to finish: the task timeout of the baseline config (120 s, after which
# the server fails the task itself) plus a margin.
TASK_TIMEOUT_MS = 150_000


# Runs in every page before the app: records in the page every POST the app makes to the generate or
# upload endpoints (window.__gvPosts), so a test can check, with no waiting, that none was made; and
# holds the answer of /models (when localStorage 'gv-test-hold-models' is '1', see open_ui) until the
# test calls window.__gvReleaseModels(); and holds the answers of /quote between
# window.__gvHoldQuotes() and window.__gvReleaseQuotes().
PAGE_INSTRUMENTS = """(() => {
    window.__gvPosts = [];
    let release;
    const modelsGate = new Promise((resolve) => (release = resolve));
    window.__gvReleaseModels = () => release();
    let quotesGate = null, releaseQuotes = null;
    window.__gvHoldQuotes = () => { quotesGate = new Promise((resolve) => (releaseQuotes = resolve)); };
    window.__gvReleaseQuotes = () => { quotesGate = null; releaseQuotes?.(); };
    const original = window.fetch;
    window.fetch = async (input, init) => {
        const request = input instanceof Request ? input : null;
        const url = new URL(request ? request.url : String(input), location.href);
        const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
        if (method === 'POST' && /\\/api\\/v1\\/google-video\\/(text-to-video|image-to-video|upload-image)$/.test(url.pathname))
            window.__gvPosts.push(url.pathname);
        if (localStorage.getItem('gv-test-hold-models') === '1' && /\\/api\\/v1\\/google-video\\/models$/.test(url.pathname))
            await modelsGate;
        if (quotesGate && /\\/api\\/v1\\/google-video\\/quote$/.test(url.pathname)) await quotesGate;
        return original.call(window, input, init);
    };
})();"""


def served_ui_url(server) -> str:
    """The UI's URL on a server, after checking that it was built and that the server serves it."""
    if not UI_INDEX.is_file():
        pytest.fail(f"{UI_INDEX} is missing: build the UI first (make ui, or npm ci && npm run build), "
                    "or set GV_SKIP_UI=1 to skip the UI tests.")
    r = httpx.get(f"{server.url}/google-video/", timeout=30)
    if r.status_code != 200 or 'id="app"' not in r.text:
        pytest.fail("The server does not serve the UI at /google-video/: it was built after the server started. "
                    "Build it before running pytest.")
    return f"{server.url}/google-video/"


def shot(page: Page, tmp_path: Path, name: str, publish: bool = False) -> None:
    """Saves a screenshot in the test's tmp dir; `publish` also refreshes docs/screenshots/."""
    path = tmp_path / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    if publish:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, SCREENSHOTS / f"{name}.png")


def publish_part(page: Page, test_id: str, name: str) -> None:
    """Refreshes docs/screenshots/<name>.png with the innermost section holding `test_id` (a part
    of a long page reads better in the README than the whole of it)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(f"section:has([data-testid={test_id}])").last.screenshot(path=SCREENSHOTS / f"{name}.png")


def expect_studio_ready(page: Page) -> None:
    """What a person waits for before composing a video: the Generate button has stopped saying
    "Loading..." and can be pressed (config, models and balance have arrived)."""
    generate = page.get_by_test_id("generate")
    expect(generate).to_have_attribute("aria-busy", "false")
    expect(generate).to_be_enabled()


def expect_quoted_price(page: Page, price: int) -> None:
    """The price line shows `price` as the server's quote for the current settings (what a person
    waits for: the number has stopped being marked as updating and is the one expected)."""
    quoted = page.locator("[data-testid=price-line][data-quote=ready] [data-testid=price]")
    expect(quoted).to_have_text(str(price))


def expect_loaded(locator) -> None:
    """A list or table that shows aria-busy while its data is on its way has its data."""
    expect(locator).to_have_attribute("aria-busy", "false")


def posts_made(page: Page) -> list[str]:
    """Generate/upload requests the page has made so far (recorded in the page as fetch is called)."""
    return page.evaluate("window.__gvPosts")


def wait_video_playable(page: Page, locator) -> None:
    """The player has decoded data (readyState >= 2) and seeking works."""
    locator.scroll_into_view_if_needed()
    handle = locator.element_handle()
    page.wait_for_function("v => v.readyState >= 1", arg=handle, timeout=TIMEOUT_MS)
    page.evaluate("v => { v.muted = true; v.currentTime = Math.min(1, v.duration / 2); }", handle)
    page.wait_for_function("v => v.readyState >= 2 && !v.seeking && v.currentTime > 0", arg=handle, timeout=TIMEOUT_MS)


def configured_key_last4(page: Page) -> str:
    """Whatever the panel shows must be a masked key: four characters after a mask."""
    text = page.get_by_test_id("api-key-status").inner_text()
    m = re.search(r"[•*]+(\w{4})", text)
    assert m, f"API key status is not masked: {text!r}"
    return m.group(1)


RECORD_PROGRESS = """() => {
    // Every state of the current task's progress bar, as rendered (a MutationObserver sees each
    // DOM update), so the test needs no luck to catch the bar while the task runs.
    window.__gvProgress = [];
    const record = () => {
        const bar = document.querySelector('[data-testid=current-task] [role=progressbar]');
        const text = document.querySelector('[data-testid=current-task] [data-testid=progress-percent]');
        if (bar) window.__gvProgress.push([Number(bar.getAttribute('aria-valuenow')), text?.textContent ?? '']);
    };
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
}"""

expect.set_options(timeout=TIMEOUT_MS)


def open_admin(open_ui, admin) -> Page:
    """The Admin tab, once its form can be used (config, models and providers have arrived)."""
    page = open_ui(admin)
    page.get_by_role("tab", name="Admin").click()
    expect(page.get_by_role("button", name="Save settings")).to_be_enabled()
    return page


def save(page: Page) -> None:
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_test_id("save-result")).to_have_text("Settings saved.")
