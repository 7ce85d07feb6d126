"""What a connection test concludes from one answer (providers/probe.py), for the bodies real
servers send that the simulators do not: the same rules go through the real host in
test_connection_urls.py."""

import json

import pytest

from host_env import throwaway_host_env

with throwaway_host_env():
    from open_webui.utils.google_video.providers import openai_videos, probe, veo_wire
    from open_webui.utils.google_video.providers.http import Answer

OK = "reachable and accepted"


def google(status: int, body, headers=None):
    answer = Answer(status, "", body if isinstance(body, str) else json.dumps(body), headers or {})
    return probe.from_answer(answer, error_for=lambda a: veo_wire.error_for("the Gemini API", a),
                             envelope=probe.google_envelope, ok_message=OK, method="GET",
                             url="https://user:pw@proxy.example/v1beta/v1beta/models/m/operations/x?key=k",
                             hint=probe.google_hint("https://proxy.example/v1beta", "https://g.example"))


def openai(status: int, body, base_url="https://gw.example"):
    answer = Answer(status, "", body if isinstance(body, str) else json.dumps(body), {})
    return probe.from_answer(answer, error_for=openai_videos.error_for, envelope=probe.openai_envelope, ok_message=OK,
                             method="GET", url=f"{base_url}/videos/x", hint=probe.openai_hint(base_url))


def test_google_envelope_proves_the_url_anything_else_says_it_is_wrong():
    assert google(404, {"error": {"code": 404, "message": "Operation x not found.", "status": "NOT_FOUND"}}).kind == "ok"
    page = google(404, "<!DOCTYPE html><title>Error 404 (Not Found)!!1</title>")
    assert page.kind == "wrong_url" and "without /v1beta" in page.message
    # Shown without the credentials or query string of the URL.
    assert "user" not in page.message and "pw@" not in page.message and "key=k" not in page.message
    assert google(404, {"error": {"code": 404, "message": "Method not found.", "status": "NOT_FOUND"}}).kind == "wrong_url"
    assert google(405, "<html>405</html>").kind == "wrong_url"
    assert google(200, "<html>a proxy's home page</html>").kind == "wrong_url"
    bad_key = {"error": {"code": 400, "message": "API key not valid.", "status": "INVALID_ARGUMENT",
                         "details": [{"reason": "API_KEY_INVALID"}]}}
    assert google(400, bad_key).kind == "auth"
    assert google(503, "<html>unavailable</html>").kind == "error"


def test_a_redirect_is_a_wrong_url_that_says_where_it_leads():
    moved = google(301, "", {"Location": "https://other.example/new?sig=secret-signature"})
    assert moved.kind == "wrong_url" and "https://other.example/new" in moved.message
    assert "secret-signature" not in moved.message


@pytest.mark.parametrize("body", [
    {"detail": "Not Found"},  # FastAPI (LiteLLM)
    "404 page not found",  # Go's net/http (gin)
    {"error": {"message": "Invalid URL (GET /videos/x)", "type": "invalid_request_error", "param": None, "code": None}},
    {"error": {"code": "404", "message": "Resource not found"}},  # Azure, a path it does not serve
])
def test_openai_no_such_route_is_a_wrong_url(body):
    result = openai(404, body)
    assert result.kind == "wrong_url" and "usually ends in /v1" in result.message


def test_openai_unknown_video_proves_the_url_and_the_key():
    body = {"error": {"message": "Video with id 'x' not found.", "type": "invalid_request_error", "param": None, "code": None}}
    assert openai(404, body, "https://gw.example/v1").kind == "ok"
    refused = {"error": {"message": "Incorrect API key provided.", "type": "invalid_request_error", "code": "invalid_api_key"}}
    assert openai(401, refused, "https://gw.example/v1").kind == "auth"


@pytest.mark.parametrize("base_url, hint", [
    ("https://generativelanguage.googleapis.com/v1beta", "without /v1beta"),
    ("https://proxy.example/gemini/v1", "without /v1"),
    ("https://proxy.example/gemini", "address before /v1beta"),
])
def test_google_hints(base_url, hint):
    assert hint in probe.google_hint(base_url, "https://generativelanguage.googleapis.com")


def test_relay_envelope_and_hint():
    assert probe.relay_envelope({"code": "task_not_exist", "message": "task_not_exist", "data": None})
    assert not probe.relay_envelope({"detail": "Not Found"})
    assert "end at the host" in probe.relay_hint("https://relay.example/google/v1/")
