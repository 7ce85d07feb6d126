"""Admin-only configuration: the relay key is never sent back, and the connection test costs nothing."""

import httpx
import pytest

from devstack.api import configure
from devstack.processes import free_port


def test_config_is_admin_only(user):
    assert user.request("GET", "/config").status_code == 401
    assert user.request("POST", "/config", json={"enabled": False}).status_code == 401
    assert user.request("POST", "/test-connection").status_code == 401


def test_config_never_returns_the_key(configured, sim):
    view = configured.ok("GET", "/config")
    assert "api_key" not in view
    assert view["api_key_set"] is True and view["api_key_last4"] == sim.api_key[-4:]
    assert sim.api_key not in configured.request("GET", "/config").text
    assert sim.api_key not in configured.request("GET", "/config/user").text
    assert sim.api_key not in configured.request("GET", "/models").text


def test_saving_without_a_key_keeps_the_stored_one(configured, sim):
    saved = configure(configured, sim.url, None, max_concurrent_tasks=4)
    assert saved["api_key_set"] and saved["max_concurrent_tasks"] == 4
    assert configured.ok("POST", "/test-connection")["status"] == "ok"


@pytest.mark.parametrize("change, needle", [
    ({"base_url": "ftp://relay.example.com"}, "http(s) URL"),
    ({"model_credits_config": {"veo9": 10}}, "Unknown model 'veo9'"),
    ({"model_credits_config": {"veo3": -1}}, "between 0"),
    ({"default_text_model": "veo3-pro-frames"}, "text-to-video model"),
    ({"max_concurrent_tasks": 0}, "max_concurrent_tasks"),
    ({"disabled_models": ["nope"]}, "Unknown model"),
])
def test_bad_config_is_refused_with_a_reason(configured, sim, change, needle):
    r = configured.request("POST", "/config", json={"enabled": True, "base_url": sim.url, **change})
    assert r.status_code == 422 and needle in r.text
    assert configured.ok("GET", "/config")["base_url"] == sim.url  # nothing was saved


def test_connection_test_reports_ok_auth_and_unreachable_without_creating_tasks(configured, sim):
    before = sim.stats()["submits"]
    assert configured.ok("POST", "/test-connection") == {
        "success": True, "status": "ok", "message": "Relay reachable and the API key was accepted."}
    wrong = configured.ok("POST", "/test-connection", json={"api_key": "sk-wrong-key"})
    assert wrong["success"] is False and wrong["status"] == "auth"
    dead = configured.ok("POST", "/test-connection", json={"base_url": f"http://127.0.0.1:{free_port()}",
                                                            "api_key": "sk-key-of-that-relay"})
    assert dead["success"] is False and dead["status"] == "unreachable"
    assert sim.stats()["submits"] == before


def test_user_config_shows_prices_and_defaults(configured, user, sim):
    configure(configured, sim.url, None, model_credits_config={"veo3": 7}, disabled_models=["veo2-pro"])
    cfg = user.ok("GET", "/config/user")
    assert cfg["enabled"] is True and cfg["model_credits_config"]["veo3"] == 7
    assert "veo2-pro" not in cfg["model_credits_config"] and "api_key" not in cfg


def test_models_list_kinds_limits_roles_and_prices(configured, user, sim):
    configure(configured, sim.url, None, model_credits_config={"veo2-fast-frames": 33}, disabled_models=["veo2"])
    body = user.ok("GET", "/models")
    models = {m["id"]: m for m in body["models"]}
    assert len([m for m in models.values() if m["provider"] == "relay"]) == 10
    # Only the models of configured providers are offered (the session's relay; the others unset here).
    assert {m["provider"] for m in body["text_to_video_models"]} == {"relay"}
    assert not models["openai/sora-2"]["available"] and models["veo3"]["available"]
    assert models["veo3"]["kind"] == "text" and models["veo3"]["max_images"] == 0
    assert (models["veo3-pro-frames"]["max_images"], models["veo3-pro-frames"]["image_role"]) == (1, "first_frame")
    assert (models["veo3-fast-frames"]["max_images"], models["veo3-fast-frames"]["image_role"]) == (1, "first_frame")
    assert (models["veo2-fast-frames"]["max_images"], models["veo2-fast-frames"]["image_role"]) == (2, "first_last_frame")
    assert (models["veo2-fast-components"]["max_images"], models["veo2-fast-components"]["image_role"]) == (3, "components")
    assert models["veo2-fast-frames"]["price"] == 33 and models["veo2"]["enabled"] is False
    assert "veo2" not in [m["id"] for m in body["text_to_video_models"]]
    assert {m["id"]: m["maxImages"] for m in body["image_to_video_models"]}["veo2-fast-components"] == 3


def test_models_need_a_signed_in_user(webui):
    assert httpx.get(f"{webui.url}/api/v1/google-video/models").status_code == 401


def test_a_save_changes_only_the_fields_sent(configured, sim):
    configure(configured, sim.url, None, blocked_words=["spoiler"], submits_per_minute=7, max_video_mb=42,
              storage_prefix="videos/gv")
    configured.ok("POST", "/config", json={"max_concurrent_tasks": 9})
    after = configured.ok("GET", "/config")
    assert (after["max_concurrent_tasks"], after["blocked_words"], after["submits_per_minute"],
            after["max_video_mb"], after["storage_prefix"], after["api_key_set"]) == (9, ["spoiler"], 7, 42, "videos/gv", True)


def test_the_seeds_nine_fields_keep_everything_else(configured, sim):
    configure(configured, sim.url, None, blocked_words=["spoiler"], uploads_per_minute=4, retention_days=30)
    seed_form = {"enabled": True, "base_url": sim.url, "api_key": "", "default_text_model": "veo3-fast",
                 "default_image_model": "veo3-pro-frames", "default_enhance_prompt": True,
                 "model_credits_config": {"veo3": 90}, "max_concurrent_tasks": 4, "task_timeout": 600000}
    configured.ok("POST", "/config", json=seed_form)
    after = configured.ok("GET", "/config")
    assert (after["task_timeout_seconds"], after["default_text_model"], after["max_concurrent_tasks"]) == (600, "veo3-fast", 4)
    assert (after["blocked_words"], after["uploads_per_minute"], after["retention_days"], after["storage_backend"],
            after["api_key_set"]) == (["spoiler"], 4, 30, "local", True)
    assert "task_timeout" not in after


def test_a_partial_save_is_checked_against_the_stored_values(configured, sim):
    r = configured.request("POST", "/config", json={"storage_backend": "s3"})  # no bucket stored
    assert r.status_code == 422 and "s3_bucket" in r.text
    assert configured.ok("GET", "/config")["storage_backend"] == "local"
