"""The direct providers' wire parsing as plain functions: Google's operations and error envelope,
OpenAI's video object and sizes. The same shapes go through the real host in test_direct_providers."""

import io
import json

import pytest
from PIL import Image

from helpers import png_bytes
from host_env import throwaway_host_env

with throwaway_host_env():
    from open_webui.utils.google_video.providers import failures
    from open_webui.utils.google_video.providers import openai_videos, veo_wire
    from open_webui.utils.google_video.providers.base import ProviderError, VideoJob, origin_of
    from open_webui.utils.google_video.guards.redaction import provider_text, redact, scrub
    from open_webui.utils.google_video.providers.http import Answer
    from open_webui.utils.google_video.task_status import TaskStatus

NAME = "models/veo-3.0-generate-001/operations/abc123"


def answer(status: int, body) -> Answer:
    return Answer(status, "", json.dumps(body), {})


def test_an_operation_runs_until_done_then_succeeds_fails_or_is_filtered():
    assert veo_wire.parse_operation({"name": NAME}, vertex=False).status == TaskStatus.IN_PROGRESS
    assert veo_wire.parse_operation({"name": NAME, "done": False}, vertex=False).status == TaskStatus.IN_PROGRESS
    uri = "https://generativelanguage.googleapis.com/v1beta/files/f1:download?alt=media"
    done = {"name": NAME, "done": True, "response": {"generateVideoResponse": {"generatedSamples": [{"video": {"uri": uri}}]}}}
    status = veo_wire.parse_operation(done, vertex=False)
    assert (status.status, status.video_url) == (TaskStatus.SUCCESS, uri)
    failed = veo_wire.parse_operation({"name": NAME, "done": True, "error": {"code": 13, "message": "internal"}}, vertex=False)
    assert failed.status == TaskStatus.FAILURE and failed.fail_reason == "internal (code 13)" and not failed.content_refused
    filtered = {"name": NAME, "done": True, "response": {"videos": [], "raiMediaFilteredCount": 1,
                                                          "raiMediaFilteredReasons": ["blocked: celebrity"]}}
    status = veo_wire.parse_operation(filtered, vertex=True)
    assert status.status == TaskStatus.FAILURE and status.content_refused and status.fail_reason == "blocked: celebrity"


def test_vertex_results_are_inline_or_in_cloud_storage():
    inline = {"name": NAME, "done": True, "response": {"videos": [{"bytesBase64Encoded": "AAAA", "mimeType": "video/mp4"}]}}
    status = veo_wire.parse_operation(inline, vertex=True)
    assert status.video_url == veo_wire.INLINE_PREFIX + NAME
    assert veo_wire.inline_video(inline, vertex=True) == b"\0\0\0"
    gcs = {"name": NAME, "done": True, "response": {"videos": [{"gcsUri": "gs://b/p/sample_0.mp4"}]}}
    assert veo_wire.parse_operation(gcs, vertex=True).video_url == "gs://b/p/sample_0.mp4"


@pytest.mark.parametrize("status, body, kind", [
    (400, {"error": {"code": 400, "status": "INVALID_ARGUMENT", "message": "API key not valid.",
                     "details": [{"reason": "API_KEY_INVALID"}]}}, "auth"),
    (400, {"error": {"code": 400, "status": "INVALID_ARGUMENT", "message": "bad duration"}}, "rejected"),
    (403, {"error": {"code": 403, "status": "PERMISSION_DENIED", "message": "no"}}, "auth"),
    (429, {"error": {"code": 429, "status": "RESOURCE_EXHAUSTED", "message": "quota"}}, "rate_limited"),
    (503, {"error": {"code": 503, "status": "UNAVAILABLE", "message": "busy"}}, "server"),
    (404, {"error": {"code": 404, "status": "NOT_FOUND", "message": "gone"}}, "not_found"),
])
def test_google_errors_map_to_kinds(status, body, kind):
    error = veo_wire.error_for("the Gemini API", answer(status, body))
    assert error.kind == kind and body["error"]["message"] in error.message


@pytest.mark.parametrize("status, code, kind, retryable", [
    (401, "invalid_api_key", "auth", False), (429, "insufficient_quota", "rate_limited", True),
    (400, "moderation_blocked", "rejected", False), (500, None, "server", True),
])
def test_openai_errors_map_to_kinds(status, code, kind, retryable):
    error = openai_videos.error_for(answer(status, {"error": {"message": "m", "type": "t", "param": None, "code": code}}))
    assert (error.kind, error.retryable) == (kind, retryable)
    if code == "moderation_blocked":
        assert "refused the content" in error.message


def test_openai_video_object_and_sizes():
    done = openai_videos.parse_video({"id": "video_1", "status": "completed", "progress": 100, "created_at": 5,
                                      "completed_at": 9})
    assert (done.status, done.video_url, done.submit_time, done.finish_time) == (TaskStatus.SUCCESS, "video_1", 5, 9)
    refused = openai_videos.parse_video({"id": "video_1", "status": "failed",
                                         "error": {"code": "moderation_blocked", "message": "blocked"}})
    assert refused.status == TaskStatus.FAILURE and refused.content_refused
    assert openai_videos.video_size(VideoJob(model="sora-2", prompt="p")) == "720x1280"
    assert openai_videos.video_size(VideoJob(model="sora-2-pro", prompt="p", aspect_ratio="16:9", resolution="1024p")) == "1792x1024"
    data, mime = openai_videos.fit_image(png_bytes(size=(300, 100)), "720x1280")
    assert mime == "image/png" and Image.open(io.BytesIO(data)).size == (720, 1280)


def test_origins_compare_with_default_ports():
    assert origin_of("https://a.example/x") == origin_of("https://A.example:443/y")
    assert origin_of("http://localhost:9101/a") != origin_of("http://127.0.0.1:9101/a")


def test_a_secret_hidden_by_json_escapes_is_scrubbed_after_decoding():
    key = "AIzaSyExampleKey0123456789"
    escaped = "\\u0041" + key[1:]  # JSON for the same text: redacting the raw answer cannot see it
    raw = '{"error": {"code": 400, "status": "INVALID_ARGUMENT", "message": "bad key ' + escaped + '"}}'
    google = veo_wire.error_for("the Gemini API", Answer(400, "", raw, {}, (key,)))
    openai = openai_videos.error_for(Answer(400, "", raw.replace('"status"', '"type"'), {}, (key,)))
    for error in (google, openai):
        assert key not in error.message and "[redacted]" in error.message


KEY = "sk-oai-0123456789abcdefQQQQ"


def escaped(text: str, upper: bool = False) -> str:
    return "".join((f"\\u{ord(c):04X}" if upper else f"\\u{ord(c):04x}") for c in text)


@pytest.mark.parametrize("form", [
    escaped(KEY), escaped(KEY, upper=True), KEY[:5] + escaped(KEY[5:9]) + KEY[9:],  # whole, upper hex, mixed
    json.dumps("a/b")[1:-1],  # ordinary text around
])
def test_a_secret_in_any_json_escape_form_is_redacted_in_raw_and_decoded_text(form):
    raw = '{"error": {"message": "' + "padding " * 10_000 + "key " + form + '"}}'  # past 64 KB
    decoded = json.loads(raw)
    whole = (redact(raw, (KEY,)), str(scrub(decoded, (KEY,))))
    cut = (provider_text(raw, (KEY,), limit=10**6), provider_text(decoded["error"]["message"], (KEY,), limit=10**6))
    for text in whole + cut:
        assert KEY not in text and escaped(KEY)[:12] not in text
    if form != json.dumps("a/b")[1:-1]:
        assert all("[redacted]" in text for text in whole)


def test_long_provider_text_is_cut_before_scrubbing_but_never_inside_a_secret():
    for at in range(16 * 1024 - len(KEY) - 2, 16 * 1024 + 2):
        text = "a" * at + escaped(KEY) + " tail"
        out = provider_text(text, (KEY,), limit=10**6)
        assert "\\u" not in out[-200:] and KEY not in out
    assert len(provider_text("word " * 10**6, (KEY,))) == 300


def test_a_secret_in_a_long_openai_error_is_scrubbed_from_its_message():
    raw = '{"error": {"message": "' + "x" * 70_000 + " " + escaped(KEY) + '", "type": "invalid_request_error"}}'
    error = openai_videos.error_for(Answer(400, "", raw, {}, (KEY,)))
    assert KEY not in error.message and len(error.message) < 400


class _Scripted:
    """The errors a provider answers submits with, in order (a pure test of the retry rule)."""

    name = "scripted"

    def __init__(self, *errors):
        self.errors, self.calls = list(errors), 0

    async def submit(self, job):
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "task-1"


def _retry(provider, **kw):
    import asyncio

    return asyncio.run(failures.submit_with_rate_limit_retries(
        provider, VideoJob(model="m", prompt="p"), max_wait=kw.get("max_wait", 5), start_attempts_within=kw.get("within", 30)))


def test_only_an_answered_429_with_a_short_wait_is_submitted_again():
    busy = ProviderError("rate_limited", "busy", 429, retry_after=0.01)
    provider = _Scripted(busy, busy)
    assert _retry(provider) == "task-1" and provider.calls == 3
    for error in (ProviderError("timeout", "no answer"),  # the outcome is unknown: never again
                  ProviderError("rate_limited", "busy", 429),  # no time to wait given
                  ProviderError("rate_limited", "busy", 429, retry_after=60),  # longer than the budget
                  ProviderError("server", "oops", 500, retry_after=0.01)):
        provider = _Scripted(error)
        with pytest.raises(ProviderError):
            _retry(provider)
        assert provider.calls == 1
    provider = _Scripted(busy, busy, busy)  # at most three attempts
    with pytest.raises(ProviderError):
        _retry(provider)
    assert provider.calls == 3
    provider = _Scripted(ProviderError("rate_limited", "busy", 429, retry_after=2))
    with pytest.raises(ProviderError):
        _retry(provider, within=1)  # no time left in the submit lease for another attempt
    assert provider.calls == 1
