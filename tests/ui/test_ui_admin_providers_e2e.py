"""End-to-end tests of the admin page's provider sections and price extras: a real Chromium drives the
built page (see test_ui_e2e.py, whose fixtures these tests reuse) against the session's servers.

- On the main server (the relay configured): the relay's section with its state, models and connection
  test, and a per-second price saved in the page that GET /config returns and POST /quote charges.
- On the server with the fake provider: a section generated from the provider's declared settings,
  its own connection test (posting {provider, settings}), its secret removed and set again, and a
  per-resolution price.

Every step waits for what a person would wait for (a result to show, a button to be enabled)."""


import pytest


# The browser drives the API the other tests run on both databases: one is enough here.
pytestmark = pytest.mark.usefixtures("one_database")

from helpers import FAKE_TOKEN  # noqa: E402
from devstack.api import add_user, configure, grant  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402
from ui_support import configured_key_last4, open_admin, save, shot  # noqa: E402


def provider_section(page: Page, label: str):
    return page.get_by_role("region", name=label, exact=True)


def test_relay_section_and_per_second_price(open_ui, configured, restore_config, tmp_path):
    user = add_user(configured)
    grant(configured, user.id, 1000)
    page = open_admin(open_ui, configured)

    # One section per registered provider; the relay is configured by the baseline, with its models.
    expect(page.get_by_test_id("provider-section")).to_have_count(4)
    relay = provider_section(page, "Veo relay")
    expect(relay).to_have_attribute("data-provider", "relay")
    expect(relay.get_by_test_id("provider-configured")).to_have_attribute("data-configured", "true")
    expect(relay.get_by_test_id("provider-configured")).to_have_text("Configured")
    expect(relay.get_by_test_id("provider-models")).to_contain_text("veo3-fast")
    expect(relay.get_by_label("Relay base URL")).to_have_value(configured.ok("GET", "/config")["base_url"])
    configured_key_last4(page)  # masked
    relay.get_by_role("button", name="Test connection").click()
    expect(relay.get_by_test_id("connection-result")).to_contain_text("ok:")
    expect(relay.get_by_test_id("connection-result")).to_have_class("alert-ok")

    # A base price and a per-second price, saved with the rest (veo3-fast takes no resolution).
    page.get_by_label("Price of veo3-fast", exact=True).fill("50")
    page.get_by_label("Price per second of veo3-fast", exact=True).fill("3")
    expect(page.get_by_label("Extra price of veo3-fast at 720p", exact=True)).to_have_count(0)
    save(page)
    config = configured.ok("GET", "/config")
    assert config["model_credits_config"]["veo3-fast"] == 50
    assert config["model_pricing"] == {"veo3-fast": {"per_second": 3, "resolutions": {}}}
    quote = user.ok("POST", "/quote", json={"model": "veo3-fast", "task_type": "text_to_video"})
    assert quote["per_second"] == 3 and quote["seconds"] > 0
    assert quote["price"] == 50 + 3 * quote["seconds"]
    # The relay's models report the same pricing, and the page shows what was saved after a reload.
    veo3_fast = next(m for m in user.ok("GET", "/models")["models"] if m["id"] == "veo3-fast")
    assert veo3_fast["pricing"] == {"base": 50, "per_second": 3, "resolutions": {}}
    page.reload()
    page.get_by_role("tab", name="Admin").click()
    expect(page.get_by_label("Price per second of veo3-fast", exact=True)).to_have_value("3")

    # Back to no extra: the model leaves model_pricing.
    page.get_by_label("Price per second of veo3-fast", exact=True).fill("0")
    save(page)
    assert configured.ok("GET", "/config")["model_pricing"] == {}
    assert user.ok("POST", "/quote", json={"model": "veo3-fast", "task_type": "text_to_video"})["price"] == 50
    shot(page, tmp_path, "admin-relay")


@pytest.fixture
def fake_server_admin(fake_admin, sim):
    """The fake-provider server's admin with the baseline config (token set); restored afterwards."""
    baseline = dict(max_concurrent_tasks=50, provider_settings={"fake": {"token": FAKE_TOKEN}})
    configure(fake_admin, sim.url, sim.api_key, **baseline)
    yield fake_admin
    configure(fake_admin, sim.url, sim.api_key, **baseline)


def test_provider_sections_from_declared_settings(open_ui, fake_ui_url, fake_server_admin, tmp_path):
    admin = fake_server_admin
    page = open_admin(open_ui, admin)

    # One section per registered provider, each with its state and models.
    sections = page.get_by_test_id("provider-section")
    expect(sections).to_have_count(5)  # relay, gemini, vertex, openai, fake
    relay = provider_section(page, "Veo relay")
    fake = provider_section(page, "Fake (tests)")
    expect(fake.get_by_test_id("provider-configured")).to_have_attribute("data-configured", "true")
    expect(fake.get_by_test_id("provider-models")).to_contain_text("fake-video")
    expect(fake.get_by_test_id("provider-models")).to_contain_text("fake-frames")
    expect(fake.get_by_test_id("provider-models")).to_contain_text("Running tasks can be cancelled.")
    expect(relay.get_by_test_id("provider-models")).to_contain_text("Running tasks cannot be cancelled.")
    # The secret setting is masked: its last four characters, never the value.
    status = fake.get_by_test_id("fake-token-status")
    expect(status).to_contain_text(FAKE_TOKEN[-4:])
    assert FAKE_TOKEN not in page.content()
    token_input = fake.get_by_label("token", exact=True)
    expect(token_input).to_have_value("")

    # Its own connection test, with the stored token (nothing typed: nothing sent).
    with page.expect_request(lambda r: r.url.endswith("/test-connection")) as request:
        fake.get_by_role("button", name="Test connection").click()
    assert request.value.post_data_json == {"provider": "fake", "settings": {}}
    expect(fake.get_by_test_id("connection-result")).to_contain_text("ok:")
    expect(relay.get_by_test_id("connection-result")).to_have_count(0)

    # Remove the token: the provider is no longer configured, and its test says so.
    fake.get_by_role("button", name="Remove: token").click()
    expect(status).to_have_text("Will be removed when you save.")
    expect(token_input).to_be_disabled()
    save(page)
    fake_settings = admin.ok("GET", "/config")["provider_settings"]["fake"]
    assert fake_settings["token_set"] is False
    expect(fake.get_by_test_id("provider-configured")).to_have_attribute("data-configured", "false")
    expect(status).to_have_text("Not set")
    fake.get_by_role("button", name="Test connection").click()
    expect(fake.get_by_test_id("connection-result")).to_contain_text("not_configured:")
    assert next(p for p in admin.ok("GET", "/providers")["providers"] if p["name"] == "fake")["configured"] is False

    # A new token: tested as typed before it is saved, then saved.
    new_token = "fk-new-token-4321"
    token_input.fill(new_token)
    with page.expect_request(lambda r: r.url.endswith("/test-connection")) as request:
        fake.get_by_role("button", name="Test connection").click()
    assert request.value.post_data_json == {"provider": "fake", "settings": {"token": new_token}}
    expect(fake.get_by_test_id("connection-result")).to_contain_text("ok:")
    save(page)
    fake_settings = admin.ok("GET", "/config")["provider_settings"]["fake"]
    assert fake_settings == {"token_set": True, "token_last4": "4321"}
    expect(fake.get_by_test_id("provider-configured")).to_have_attribute("data-configured", "true")
    expect(status).to_contain_text("4321")
    expect(token_input).to_have_value("")

    # Price extras per second and per resolution tier (fake-video takes 720p and 1080p).
    page.get_by_label("Price per second of fake-video", exact=True).fill("2")
    page.get_by_label("Extra price of fake-video at 1080p", exact=True).fill("15")
    expect(page.get_by_label("Extra price of fake-video at 720p", exact=True)).to_have_value("0")
    save(page)
    assert admin.ok("GET", "/config")["model_pricing"] == {"fake-video": {"per_second": 2, "resolutions": {"1080p": 15}}}
    user = add_user(admin)
    quote = user.ok("POST", "/quote", json={"model": "fake-video", "task_type": "text_to_video", "duration_seconds": 4,
                                            "resolution": "1080p"})
    assert (quote["base"], quote["per_second"], quote["seconds"], quote["resolution_price"]) == (10, 2, 4, 15)
    assert quote["price"] == 10 + 2 * 4 + 15
    assert user.ok("POST", "/quote", json={"model": "fake-video", "task_type": "text_to_video", "duration_seconds": 4,
                                           "resolution": "720p"})["price"] == 10 + 2 * 4
    shot(page, tmp_path, "admin-providers")
