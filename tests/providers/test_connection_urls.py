"""Test connection tells a wrong base URL from a working one (issue 19, item 9), through the real
host against each provider's wire-format simulator.

A provider's own "not found" (its JSON error envelope for an operation or video that cannot
exist) proves the URL and the key; a 404 from a path the server does not have (Google's HTML
page, OpenAI's "Invalid URL", FastAPI's {"detail": "Not Found"}) says the base URL is wrong,
with a hint when the URL's shape suggests one. Nothing is saved and no task is created.

Wire formats need one database: these run on SQLite only."""

import json

import pytest

pytestmark = pytest.mark.usefixtures("one_database")


def connection_of(admin, provider: str, settings: dict) -> dict:
    """Test connection of unsaved settings, as the admin page sends them."""
    return admin.ok("POST", "/test-connection", json={"provider": provider, "settings": settings})


def assert_wrong_url(result: dict, *needles: str) -> None:
    assert result["success"] is False and result["status"] == "wrong_url", result
    assert "was accepted" not in result["message"]
    for needle in needles:
        assert needle in result["message"], result


def probes(simulator) -> list[dict]:
    return [r for r in simulator.requests() if "connection-test" in json.dumps(r)
            or "video_connection_test" in r["path"]]


def test_gemini_base_url_ending_in_v1beta_is_reported_wrong(admin, gemini_sim):
    gemini_sim.reset()
    root = f"http://localhost:{gemini_sim.port}"
    wrong = connection_of(admin, "gemini", {"api_key": gemini_sim.api_key, "base_url": f"{root}/v1beta"})
    assert_wrong_url(wrong, "HTTP 404", "/v1beta/v1beta/", "without /v1beta")
    assert gemini_sim.api_key not in json.dumps(wrong)
    # The simulator answered like Google's front end: an HTML page, not the API's envelope.
    (asked,) = probes(gemini_sim)
    assert asked["path"].startswith("/v1beta/v1beta/models/")
    # A path the server does not have is reported before the key could be judged.
    assert connection_of(admin, "gemini", {"api_key": "AIza-wrong-key-123", "base_url": f"{root}/v1beta"})["status"] == "wrong_url"
    # The host alone: Google's NOT_FOUND envelope for the made-up operation proves the key.
    ok = connection_of(admin, "gemini", {"api_key": gemini_sim.api_key, "base_url": root})
    assert ok == {"success": True, "status": "ok", "message": "The Gemini API is reachable and the API key was accepted."}
    refused = connection_of(admin, "gemini", {"api_key": "AIza-wrong-key-123", "base_url": root})
    assert refused["success"] is False and refused["status"] == "auth"
    assert "did not accept the credentials" in refused["message"]
    assert gemini_sim.stats()["submits"] == 0


def test_openai_base_url_without_v1_is_reported_wrong(admin, openai_sim):
    openai_sim.reset()
    wrong = connection_of(admin, "openai", {"api_key": openai_sim.api_key, "base_url": openai_sim.url})
    # The gateway answers in OpenAI's envelope, but "Invalid URL (GET /videos/…)" is its word for no such route.
    assert_wrong_url(wrong, "HTTP 404", "usually ends in /v1")
    assert openai_sim.api_key not in json.dumps(wrong)
    ok = connection_of(admin, "openai", {"api_key": openai_sim.api_key, "base_url": f"{openai_sim.url}/v1"})
    assert ok == {"success": True, "status": "ok", "message": "The video gateway is reachable and the API key was accepted."}
    refused = connection_of(admin, "openai", {"api_key": "sk-wrong-key", "base_url": f"{openai_sim.url}/v1"})
    assert refused["success"] is False and refused["status"] == "auth"
    too_long = connection_of(admin, "openai", {"api_key": openai_sim.api_key, "base_url": f"{openai_sim.url}/v1/videos"})
    assert_wrong_url(too_long, "stop before /videos")
    assert [p["path"].split("/video_connection_test_")[0] for p in probes(openai_sim)] == [
        "/videos", "/v1/videos", "/v1/videos", "/v1/videos/videos"]
    assert openai_sim.stats()["submits"] == 0


def test_vertex_endpoint_with_a_path_is_reported_wrong(admin, vertex_sim):
    settings = {"service_account_json": vertex_sim.key_text, "location": "us-central1",
                "storage_endpoint": vertex_sim.url}
    wrong = connection_of(admin, "vertex", {**settings, "api_endpoint": f"{vertex_sim.url}/v1"})
    assert_wrong_url(wrong, "The API endpoint looks wrong", "/v1/v1/projects/", "host only")
    assert json.loads(vertex_sim.key_text)["private_key"] not in json.dumps(wrong)
    ok = connection_of(admin, "vertex", {**settings, "api_endpoint": vertex_sim.url})
    assert ok["success"] is True and ok["status"] == "ok", ok


def test_relay_base_url_with_its_api_path_is_reported_wrong(admin, configured, sim):
    before = sim.stats()["submits"]
    wrong = admin.ok("POST", "/test-connection", json={"base_url": f"{sim.url}/google/v1", "api_key": sim.api_key})
    # FastAPI's {"detail": "Not Found"} is not the relay's {"code", "message", "data"} envelope.
    assert_wrong_url(wrong, "HTTP 404", "/google/v1/google/v1/tasks/", "end at the host")
    assert sim.api_key not in json.dumps(wrong)
    assert admin.ok("POST", "/test-connection")["status"] == "ok"  # the saved relay: task_not_exist
    refused = admin.ok("POST", "/test-connection", json={"api_key": "sk-wrong-key"})
    assert refused["success"] is False and refused["status"] == "auth"
    assert sim.stats()["submits"] == before


def test_a_web_page_or_a_redirect_at_the_base_url_is_reported_wrong(admin, configured, public_site):
    # A plain site answers the made-up task with "not found" as text: not the relay's envelope.
    page = admin.ok("POST", "/test-connection", json={"base_url": public_site.url, "api_key": "sk-typed-for-this-test"})
    assert_wrong_url(page, "HTTP 404")
    # The providers' requests do not follow redirects: the admin is told where it leads.
    target = "https://elsewhere.example/v1"
    moved = connection_of(admin, "openai", {"api_key": "sk-typed-for-this-test",
                                     "base_url": f"{public_site.url}/redirect?to={target}&"})
    assert_wrong_url(moved, "redirect (HTTP 302) to https://elsewhere.example/v1")
