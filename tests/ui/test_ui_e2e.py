"""End-to-end tests of the web UI at /google-video/: a real Chromium drives the built page against
the session's Open WebUI + module and the relay simulator. Build the UI before the server starts
(`make test` does; by hand: `npm ci && npm run build`), because the module mounts build/google-video
only if it exists at startup.

No test depends on the machine's speed: every step waits for what a person would wait for (the
Generate button to be enabled and say "Generate", a list to finish loading, a status to change)
through Playwright's retrying expectations, never a fixed sleep; time limits are only upper bounds,
generous enough for a busy CI machine, and cost nothing when things are fast."""

import re

import pytest

from devstack.api import configure, grant
from helpers import png_bytes



# The browser drives the API the other tests run on both databases: one is enough here.
pytestmark = pytest.mark.usefixtures("one_database")

from playwright.sync_api import expect  # noqa: E402
from ui_support import (  # noqa: E402
    RECORD_PROGRESS, TASK_TIMEOUT_MS, TIMEOUT_MS, configured_key_last4, expect_loaded, expect_quoted_price,
    expect_studio_ready, posts_made, shot, wait_video_playable,
)

expect.set_options(timeout=TIMEOUT_MS)


def test_admin_configures_and_grants_credits(open_ui, configured, user, restore_config, tmp_path):
    page = open_ui(configured)
    page.get_by_role("tab", name="Admin").click()
    # The form appears once the stored config and the models have arrived.
    expect(page.get_by_role("button", name="Save settings")).to_be_enabled()

    # The stored key is never shown, only its last four characters.
    expect(page.get_by_test_id("api-key-status")).to_contain_text(configured_key_last4(page))
    relay = page.get_by_role("region", name="Veo relay", exact=True)
    relay.get_by_role("button", name="Test connection").click()
    expect(relay.get_by_test_id("connection-result")).to_contain_text("ok", ignore_case=True)

    price = page.get_by_label("Price of veo3-fast", exact=True)
    price.fill("77")
    page.get_by_label("Task timeout (minutes)").fill("3")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_test_id("save-result")).to_have_text("Settings saved.")
    config = configured.ok("GET", "/config")
    assert config["model_credits_config"]["veo3-fast"] == 77
    assert config["task_timeout_seconds"] == 180

    # The user picker: search by e-mail, pick the user, adjust.
    page.get_by_test_id("user-search").fill(user.user["email"])
    page.locator(f'[data-testid=user-result][data-user-id="{user.id}"]').click()
    page.get_by_test_id("adjust-amount").fill("500")
    page.get_by_test_id("adjust-reason").fill("welcome credits")
    page.get_by_test_id("adjust-submit").click()
    expect(page.get_by_test_id("adjust-result")).to_contain_text("500")
    assert user.balance() == 500
    audit_log = page.get_by_test_id("audit-log")
    expect_loaded(audit_log)
    expect(audit_log).to_contain_text("credits.adjust")
    shot(page, tmp_path, "admin", publish=True)


def test_text_to_video_progress_playback_and_history(open_ui, configured, user, tmp_path):
    grant(configured, user.id, 1000)
    page = open_ui(user)
    expect(page.get_by_test_id("credits-value")).to_have_text("1000")
    # The live channel (socket.io through the host) is up; polling is only the fallback.
    expect(page.locator("html")).to_have_attribute("data-gv-socket", "connected")
    page.get_by_label("Prompt", exact=True).fill("a red fox running through snow [sim:seconds=4]")
    page.get_by_label("Model", exact=True).select_option("veo3-fast")
    expect(page.get_by_label("Model", exact=True)).to_have_value("veo3-fast")
    price = user.ok("POST", "/quote", json={"model": "veo3-fast"})["price"]
    assert price > 0
    expect_quoted_price(page, price)
    page.evaluate(RECORD_PROGRESS)
    page.get_by_test_id("generate").click()

    status = page.get_by_test_id("current-task").get_by_test_id("task-status")
    expect(status).to_have_attribute("data-status", "SUCCESS", timeout=TASK_TIMEOUT_MS)
    # Live progress: the bar was shown, with a percentage, before the task finished (recorded by
    # the page as it rendered, however fast or slow the task went).
    progress = page.evaluate("window.__gvProgress")
    assert progress, "no progress bar was shown before the task finished"
    assert all(0 <= value <= 100 and text == f"{value}%" for value, text in progress), progress
    expect(page.get_by_role("progressbar")).to_have_count(0)
    expect(page.get_by_test_id("credits-value")).to_have_text(str(1000 - price))
    wait_video_playable(page, page.get_by_test_id("current-task").get_by_test_id("video-player"))
    download = page.get_by_test_id("download-link").get_attribute("href")
    assert download.endswith("?download=true")
    shot(page, tmp_path, "studio", publish=True)

    page.get_by_role("tab", name="History").click()
    expect_loaded(page.get_by_test_id("history-list"))
    item = page.get_by_test_id("history-item").first
    expect(item).to_contain_text("a red fox running through snow")
    expect(item.get_by_test_id("task-status")).to_have_attribute("data-status", "SUCCESS")
    item.click()  # the gallery card opens the player
    wait_video_playable(page, item.get_by_test_id("video-player"))
    shot(page, tmp_path, "history", publish=True)

    # Phone width and the host's dark theme: the page follows both and does not scroll sideways.
    phone = open_ui(user, width=390, height=844, theme="dark")
    expect(phone.locator("html")).to_have_class(re.compile(r"\bdark\b"))
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, tmp_path, "studio-mobile", publish=True)
    # The language switcher (Chinese glyphs need a CJK font, which test machines may lack).
    phone.get_by_label("Language").select_option("zh")
    expect(phone.get_by_role("tab", name="创作")).to_be_visible()
    expect(phone.locator("html")).to_have_attribute("lang", "zh-CN")


def test_a_price_changed_by_the_admin_is_shown_before_it_is_charged(open_ui, configured, user, sim, tmp_path):
    """The studio never charges more than the price on the screen: an admin raising it meanwhile
    makes Generate say so (nothing charged) and show the new price; a second press pays that."""
    grant(configured, user.id, 1000)
    page = open_ui(user)
    page.get_by_label("Prompt", exact=True).fill("a heron in the reeds [sim:polls=1]")
    page.get_by_label("Model", exact=True).select_option("veo3-fast")
    price = user.ok("POST", "/quote", json={"model": "veo3-fast"})["price"]
    expect_quoted_price(page, price)
    configure(configured, sim.url, None, model_credits_config={"veo3-fast": price + 30})
    page.get_by_test_id("generate").click()
    expect(page.get_by_test_id("studio-error")).to_contain_text(f"is now {price + 30} credits; you agreed to {price}")
    expect_quoted_price(page, price + 30)
    assert user.balance() == 1000
    page.get_by_test_id("generate").click()
    status = page.get_by_test_id("current-task").get_by_test_id("task-status")
    expect(status).to_have_attribute("data-status", "SUCCESS", timeout=TASK_TIMEOUT_MS)
    expect(page.get_by_test_id("credits-value")).to_have_text(str(1000 - price - 30))
    charges = [e["amount"] for e in user.ok("GET", "/credits/ledger")["entries"] if e["kind"] == "charge"]
    assert charges == [-(price + 30)]
    # Coming back to the page after the admin changed it again shows the new price at once.
    configure(configured, sim.url, None, model_credits_config={"veo3-fast": price + 5})
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")  # the tab is visible again
    expect_quoted_price(page, price + 5)


def test_image_to_video_with_uploaded_image(open_ui, configured, user, tmp_path):
    grant(configured, user.id, 1000)
    image = tmp_path / "first-frame.png"
    image.write_bytes(png_bytes((20, 120, 220)))
    page = open_ui(user)
    page.get_by_test_id("mode-image").click()
    page.get_by_label("Model", exact=True).select_option("veo3-fast-frames")
    expect(page.get_by_test_id("model-image-info")).to_contain_text("first frame")
    page.get_by_test_id("image-file-input").set_input_files(image)
    expect(page.get_by_test_id("image-list").locator("li")).to_have_count(1)
    page.get_by_label("Prompt", exact=True).fill("the blue square starts to spin [sim:polls=2]")
    page.get_by_test_id("generate").click()
    status = page.get_by_test_id("current-task").get_by_test_id("task-status")
    expect(status).to_have_attribute("data-status", "SUCCESS", timeout=TASK_TIMEOUT_MS)
    wait_video_playable(page, page.get_by_test_id("current-task").get_by_test_id("video-player"))
    shot(page, tmp_path, "studio-image", publish=True)

    task = user.ok("GET", "/history")["tasks"][0]
    assert task["task_type"] == "image_to_video" and task["model"] == "veo3-fast-frames"
    assert len(task["input_images"]) == 1


def test_failure_shows_reason_and_refund(open_ui, configured, user, tmp_path):
    grant(configured, user.id, 1000)
    page = open_ui(user)
    page.get_by_label("Prompt", exact=True).fill("anything [sim:fail=Content policy]")
    page.get_by_test_id("generate").click()
    current = page.get_by_test_id("current-task")
    expect(current.get_by_test_id("task-status")).to_have_attribute("data-status", "FAILURE", timeout=TASK_TIMEOUT_MS)
    expect(current.get_by_test_id("fail-reason")).to_contain_text("Content policy")
    expect(current.get_by_test_id("refund-marker")).to_be_visible()
    # The refund brings the balance back to where it was.
    expect(page.get_by_test_id("credits-value")).to_have_text("1000")
    shot(page, tmp_path, "studio-failure", publish=True)

    # The ledger shows the charge and its refund.
    page.get_by_role("tab", name="Credits").click()
    ledger = page.get_by_test_id("ledger")
    expect_loaded(ledger)
    expect(ledger.locator("tbody tr")).to_have_count(3)  # grant, charge, refund
    expect(ledger.locator("tbody tr").first).to_contain_text("refund")
    shot(page, tmp_path, "ledger", publish=True)

    # History keeps the failed task with its refund marker, under the FAILURE filter; it can be deleted.
    page.get_by_role("tab", name="History").click()
    history_list = page.get_by_test_id("history-list")
    expect_loaded(history_list)
    page.get_by_label("Status", exact=True).select_option("FAILURE")
    expect_loaded(history_list)
    expect(page.get_by_test_id("history-total")).to_have_text("1 task(s)")
    item = page.get_by_test_id("history-item")
    expect(item).to_have_count(1)
    expect(item.get_by_test_id("refund-marker")).to_be_visible()
    expect(item.get_by_test_id("fail-reason")).to_contain_text("Content policy")
    page.once("dialog", lambda dialog: dialog.accept())
    item.get_by_role("button", name="Delete").click()
    expect(page.get_by_test_id("history-total")).to_have_text("0 task(s)")
    expect(page.get_by_test_id("history-item")).to_have_count(0)
    assert user.ok("GET", "/history")["total"] == 0


def test_too_many_images_blocked_before_submit(open_ui, configured, user, tmp_path):
    grant(configured, user.id, 1000)
    files = []
    for i, color in enumerate([(200, 0, 0), (0, 200, 0), (0, 0, 200)]):
        files.append(tmp_path / f"img{i}.png")
        files[-1].write_bytes(png_bytes(color))
    page = open_ui(user)
    page.get_by_test_id("mode-image").click()
    page.get_by_label("Prompt", exact=True).fill("three things")

    # A one-image model refuses the second image when it is added.
    page.get_by_label("Model", exact=True).select_option("veo3-pro-frames")
    page.get_by_test_id("image-file-input").set_input_files(files[:2])
    expect(page.get_by_test_id("image-limit-message")).to_contain_text("at most 1")
    expect(page.get_by_test_id("image-list").locator("li")).to_have_count(1)

    # Three components, then a switch to a one-image model: submit is refused with the reason.
    page.get_by_label("Model", exact=True).select_option("veo2-fast-components")
    page.get_by_test_id("image-file-input").set_input_files(files[1:])
    expect(page.get_by_test_id("image-list").locator("li")).to_have_count(3)
    page.get_by_label("Model", exact=True).select_option("veo3-fast-frames")
    page.get_by_test_id("generate").click()
    expect(page.get_by_test_id("studio-error")).to_contain_text("at most 1")
    shot(page, tmp_path, "studio-too-many")
    # The refusal is decided before any request would be made, so the page's own record is complete
    # by the time the message shows: no waiting for requests that might still come.
    assert posts_made(page) == [], "requests were made despite the image limit"
    assert user.ok("GET", "/history")["total"] == 0


def test_generate_waits_until_the_models_have_loaded(open_ui, configured, user, tmp_path):
    """A click before the models have arrived used to answer "No model is available." and the
    message stayed after the list had loaded. Now nothing can be submitted until the page is ready."""
    grant(configured, user.id, 1000)
    default_model = user.ok("GET", "/config/user")["default_text_model"]
    page = open_ui(user, hold_models=True)
    generate = page.get_by_test_id("generate")
    model = page.get_by_label("Model", exact=True)
    # The models' answer is held: the studio says it is loading and offers nothing to press.
    expect(generate).to_have_text("Loading...")
    expect(generate).to_have_attribute("aria-busy", "true")
    expect(generate).to_be_disabled()
    expect(model).to_be_disabled()
    expect(page.get_by_test_id("price")).to_have_text("-")
    page.get_by_label("Prompt", exact=True).fill("a quick click [sim:polls=1]")
    shot(page, tmp_path, "studio-loading")
    generate.click(force=True)  # a disabled button ignores the click
    # A submit that arrives another way (a script, an assistive tool) is ignored too.
    page.get_by_role("form", name="New video").evaluate("form => form.requestSubmit()")
    assert posts_made(page) == []

    page.evaluate("window.__gvReleaseModels()")
    expect_studio_ready(page)
    expect(generate).to_have_text("Generate")
    expect(model).to_be_enabled()
    expect(model).to_have_value(default_model)
    expect(page.get_by_test_id("price")).not_to_have_text("-")
    # Nothing said while loading is left behind.
    expect(page.get_by_test_id("studio-error")).to_have_count(0)
    expect(page.get_by_test_id("no-model")).to_have_count(0)
    assert posts_made(page) == []
    assert user.ok("GET", "/history")["total"] == 0


def test_studio_builds_its_form_from_the_capabilities_and_shows_the_server_price(open_ui, configured, user, sim, tmp_path):
    """The controls are the selected model's capabilities (GET /models), and the price line shows the
    server's quote (POST /quote), which the submit then charges exactly. The admin's per-second price
    is one the page cannot know how to apply: only the server's answer gives the right number."""
    configure(configured, sim.url, sim.api_key, model_credits_config={"veo3": 90, "veo2-fast": 40},
              model_pricing={"veo3": {"per_second": 2}})
    expected = user.ok("POST", "/quote", json={"model": "veo3", "task_type": "text_to_video"})
    assert expected["price"] == 90 + 2 * 8 and expected["seconds"] == 8
    grant(configured, user.id, 1000)
    page = open_ui(user)
    model = page.get_by_label("Model", exact=True)
    aspect = page.get_by_label("Aspect ratio", exact=True)
    expect(model).to_have_value("veo3")
    # veo3 takes an aspect ratio (16:9 or 9:16) and nothing else of the unified parameters.
    expect(aspect).to_be_visible()
    assert aspect.locator("option").all_inner_texts() == ["Default", "16:9", "9:16"]
    for hidden in ("Duration", "Resolution", "Seed", "Negative prompt", "Generate audio"):
        expect(page.get_by_label(hidden, exact=True)).to_have_count(0)
    expect_quoted_price(page, 106)
    expect(page.get_by_test_id("price-breakdown")).to_contain_text("8 s × 2")
    expect(model.locator("option[value=veo3]")).to_contain_text("from 90 credits")
    aspect.select_option("9:16")

    # veo2-fast takes no aspect ratio: the control goes, and the chosen value with it.
    model.select_option("veo2-fast")
    expect(aspect).to_have_count(0)
    expect_quoted_price(page, 40)
    model.select_option("veo3")
    expect(aspect).to_have_value("")
    expect_quoted_price(page, 106)
    shot(page, tmp_path, "studio-capabilities")

    # What is sent is only what was set, and the charge is the quoted price.
    aspect.select_option("9:16")
    page.get_by_label("Prompt", exact=True).fill("a tall lighthouse [sim:polls=1]")
    page.get_by_test_id("generate").click()
    current = page.get_by_test_id("current-task")
    expect(current.get_by_test_id("task-status")).to_have_attribute("data-status", "SUCCESS", timeout=TASK_TIMEOUT_MS)
    task = user.ok("GET", "/history")["tasks"][0]
    assert task["model"] == "veo3" and task["credits_cost"] == 106 and task["parameters"] == {"aspect_ratio": "9:16"}
    expect(page.get_by_test_id("credits-value")).to_have_text(str(1000 - 106))

    # A quote the server refuses is shown with its reason. (The server's models never offer what it
    # refuses, so the page is given a veo3 that claims a resolution it does not take.)
    def claim_a_resolution(route):
        body = route.fetch().json()
        for m in body["models"]:
            if m["id"] == "veo3":
                m["capabilities"]["resolutions"] = ["720p", "1080p"]
        route.fulfill(json=body)

    page.route(re.compile(r"/api/v1/google-video/models$"), claim_a_resolution)
    page.reload()
    expect_studio_ready(page)
    page.get_by_label("Resolution", exact=True).select_option("1080p")
    expect(page.get_by_test_id("price-line")).to_have_attribute("data-quote", "refused")
    expect(page.get_by_test_id("quote-error")).to_contain_text("resolution: 'veo3' does not take")
    expect(page.get_by_test_id("price")).to_have_text("-")
    shot(page, tmp_path, "studio-quote-refused")


def test_studio_sends_every_parameter_a_model_takes(open_ui, fake_ui_url, fake_admin, fake_user, sim, tmp_path):
    """On the server with the fake provider: fake-video takes every unified parameter. The studio
    offers each, the price follows duration and resolution as the server prices them, and the task
    carries exactly the parameters that were set."""
    configure(fake_admin, sim.url, sim.api_key, max_concurrent_tasks=50, default_text_model="fake-video",
              model_pricing={"fake-video": {"per_second": 2, "resolutions": {"1080p": 15}}})
    page = open_ui(fake_user)
    model = page.get_by_label("Model", exact=True)
    expect(model).to_have_value("fake-video")
    duration = page.get_by_label("Duration", exact=True)
    resolution = page.get_by_label("Resolution", exact=True)
    assert duration.locator("option").all_inner_texts() == ["Default (8 s)", "4 s", "6 s", "8 s"]
    assert resolution.locator("option").all_inner_texts() == ["Default (720p)", "720p", "1080p"]
    expect_quoted_price(page, 10 + 2 * 8)
    # While the new price is on its way the last one stays, marked as updating, and the button waits.
    page.evaluate("window.__gvHoldQuotes()")
    duration.select_option("4")
    expect(page.get_by_test_id("price-line")).to_have_attribute("data-quote", "updating")
    expect(page.get_by_test_id("price-updating")).to_be_visible()
    expect(page.get_by_test_id("price")).to_have_text(str(10 + 2 * 8))
    expect(page.get_by_test_id("generate")).to_be_disabled()
    page.evaluate("window.__gvReleaseQuotes()")
    expect_quoted_price(page, 10 + 2 * 4)
    expect(page.get_by_test_id("price-updating")).to_have_count(0)
    expect(page.get_by_test_id("generate")).to_be_enabled()
    resolution.select_option("1080p")
    expect_quoted_price(page, 10 + 2 * 4 + 15)
    page.get_by_label("Negative prompt", exact=True).fill("blur")
    page.get_by_label("Seed", exact=True).fill("42")
    audio = page.get_by_label("Generate audio")
    expect(audio).to_have_js_property("indeterminate", True)  # the model's default: nothing sent
    audio.click()
    expect(audio).to_be_checked()
    shot(page, tmp_path, "studio-parameters")

    page.get_by_label("Prompt", exact=True).fill("a cat on a piano [fake:progress=30]")
    page.get_by_test_id("generate").click()
    current = page.get_by_test_id("current-task")
    expect(current.get_by_test_id("task-status")).to_have_attribute("data-status", "IN_PROGRESS", timeout=TASK_TIMEOUT_MS)
    expect(page.get_by_test_id("credits-value")).to_have_text(str(10_000 - 33))
    task = fake_user.ok("GET", "/history")["tasks"][0]
    assert task["credits_cost"] == 33
    assert task["parameters"] == {"duration_seconds": 4, "resolution": "1080p", "negative_prompt": "blur", "seed": 42,
                                  "generate_audio": True}
    # The fake provider can stop a generation: the studio offers it, and the credits come back.
    current.get_by_test_id("cancel-task").click()
    expect(current.get_by_test_id("task-status")).to_have_attribute("data-status", "CANCELLED")
    expect(page.get_by_test_id("credits-value")).to_have_text("10000")

    # veo3 takes none of them: they go, and the durations and resolution chosen are dropped.
    model.select_option("veo3")
    for hidden in ("Duration", "Resolution", "Seed", "Negative prompt", "Generate audio"):
        expect(page.get_by_label(hidden, exact=True)).to_have_count(0)
    model.select_option("fake-video")
    expect(duration).to_have_value("")
    expect(resolution).to_have_value("")
    expect_quoted_price(page, 10 + 2 * 8)
