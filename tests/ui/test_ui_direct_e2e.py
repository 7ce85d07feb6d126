"""The web UI with the direct providers (see test_ui_e2e.py for the fixtures and the rules: every
step waits for what a person would wait for): models grouped by provider with only the controls a
model takes, a remix from the history charged at the quoted price and linked to its source, and the
provider's poster on the player. Runs on SQLite only, against the OpenAI-videos and Gemini simulators."""


import pytest


from helpers import ledger  # noqa: E402
from playwright.sync_api import expect  # noqa: E402
from helpers import SORA  # noqa: E402
pytestmark = pytest.mark.usefixtures("one_database")

from ui_support import TASK_TIMEOUT_MS, expect_studio_ready, shot  # noqa: E402


def test_models_grouped_by_provider_with_their_own_controls(open_ui, direct):
    page = open_ui(direct)
    expect_studio_ready(page)
    model = page.locator("#model")
    for label in ("Veo relay", "Google Veo (Gemini API)", "Google Veo (Vertex AI)", "OpenAI-compatible videos"):
        expect(model.locator(f'optgroup[label="{label}"]')).to_have_count(1)
    model.select_option("gemini/veo-3.1-generate-preview")
    expect(page.get_by_test_id("person-generation")).to_be_visible()
    model.select_option(SORA)
    expect(page.get_by_test_id("person-generation")).to_have_count(0)


def test_remix_from_history_is_charged_as_quoted_and_linked(open_ui, direct, tmp_path):
    source = direct.ok("POST", "/text-to-video", json={"prompt": "a paper boat [sim:polls=1]", "model": SORA})["task"]
    source = direct.wait_task(source["id"])
    page = open_ui(direct)
    page.get_by_role("tab", name="History").click()
    item = page.get_by_test_id("history-item").filter(has_text="a paper boat")
    item.click()  # the gallery card opens the player
    expect(item.get_by_test_id("video-player")).to_have_attribute("poster", source["poster_url"])
    item.get_by_test_id("remix-button").click()
    item.get_by_test_id("derive-prompt").fill("the boat at night [sim:polls=1]")
    price = item.get_by_test_id("derive-price")
    expect(price).to_have_text(str(source["credits_cost"]))
    balance = direct.balance()
    item.get_by_test_id("derive-submit").click()
    remix = page.get_by_test_id("history-item").filter(has_text="the boat at night")
    expect(remix.get_by_test_id("task-origin")).to_have_attribute("data-source-task-id", source["id"])
    expect(remix.get_by_test_id("task-status")).to_have_attribute("data-status", "SUCCESS", timeout=TASK_TIMEOUT_MS)
    shot(page, tmp_path, "history-remix")
    remixes = [e for e in ledger(direct) if e["task_id"] and e["task_id"] != source["id"] and e["amount"] < 0]
    assert len(remixes) == 1 and remixes[0]["amount"] == -source["credits_cost"], remixes
    assert direct.balance() == balance - source["credits_cost"]
