"""The direct providers through the real host, each against its wire-format simulator: Veo on the
Gemini API and on Vertex AI, and OpenAI-compatible /v1/videos. Every unified parameter is asserted
on what the simulator received, in the provider's own field names; refusals, quota, auth and
server errors end as the README's failure table says; remix and extend are charged once and
linked; downloads never carry the key anywhere but the provider's own origin.

Wire formats need one database: these run on SQLite only."""

import io
import json
import uuid

import pytest
from PIL import Image

from devstack.api import configure
from helpers import SORA, SORA_IMAGE, data_uri, gemini_settings, ledger, openai_settings, png_bytes, vertex_settings

GEMINI_TEXT = "gemini/veo-3.1-generate-preview"
GEMINI_FRAMES = "gemini/veo-3.1-generate-preview:frames"
VERTEX_TEXT = "vertex/veo-3.0-generate-001"
VERTEX_FRAMES = "vertex/veo-3.1-generate-preview:frames"
VERTEX_REFERENCES = "vertex/veo-2.0-generate-001:references"


pytestmark = pytest.mark.usefixtures("one_database")


def submitted(requests: list[dict], suffix: str) -> list[dict]:
    return [r for r in requests if r["method"] == "POST" and r["path"].endswith(suffix)]


def charged_once(user, task: dict) -> None:
    entries = [e for e in ledger(user) if e["task_id"] == task["id"]]
    assert [e["amount"] for e in entries] == [-task["credits_cost"]], entries


def refunded(user, task: dict, balance_before: int) -> None:
    assert task["status"] == "FAILURE" and task["refunded"], task
    assert user.balance() == balance_before


def stored_video(user, task: dict) -> bytes:
    assert task["video_url"] == f"/api/v1/google-video/task/{task['id']}/video", task
    r = user.request("GET", f"/task/{task['id']}/video")
    assert r.status_code == 200 and r.content[4:8] == b"ftyp"
    return r.content


# ---------------------------------------------------------------- Gemini API


def test_gemini_text_to_video_every_parameter_and_a_keyless_cdn_hop(direct, gemini_sim):
    body = {"prompt": "a lighthouse at dusk [sim:polls=2]", "model": GEMINI_TEXT, "duration_seconds": 6,
            "aspect_ratio": "9:16", "resolution": "1080p", "negative_prompt": "blurry", "person_generation": "allow_adult",
            "enhance_prompt": True}
    task = direct.ok("POST", "/text-to-video", json=body)["task"]
    assert task["provider"] == "gemini" and task["model"] == GEMINI_TEXT
    task = direct.wait_task(task["id"])
    assert task["status"] == "SUCCESS", task
    stored_video(direct, task)
    charged_once(direct, task)

    requests = gemini_sim.requests()
    (start,) = submitted(requests, "veo-3.1-generate-preview:predictLongRunning")
    assert start["headers"]["x-goog-api-key"] == gemini_sim.api_key
    assert start["json"] == {"instances": [{"prompt": body["prompt"]}], "parameters": {
        "sampleCount": 1, "durationSeconds": 6, "aspectRatio": "9:16", "resolution": "1080p",
        "personGeneration": "allow_adult", "negativePrompt": "blurry", "enhancePrompt": True}}
    download = [r for r in requests if ":download" in r["path"]]
    cdn = [r for r in requests if r["path"].startswith("/cdn/")]
    assert download and download[0]["headers"].get("x-goog-api-key") == gemini_sim.api_key
    assert cdn, "the download was not redirected to the CDN"
    for hop in cdn:  # the key stays with the API's own origin
        assert "x-goog-api-key" not in hop["headers"] and "key" not in hop["query"]
        assert gemini_sim.api_key not in json.dumps(hop)
    assert gemini_sim.api_key not in json.dumps(direct.ok("GET", f"/task/{task['id']}"))


def test_gemini_first_and_last_frame(direct, gemini_sim):
    images = [{"image": data_uri((10, 200, 10)), "role": "first_frame"}, {"image": data_uri((10, 10, 200)), "role": "last_frame"}]
    task = direct.ok("POST", "/image-to-video", json={"prompt": "morph [sim:polls=1]", "model": GEMINI_FRAMES,
                                                       "images": images})["task"]
    assert direct.wait_task(task["id"])["status"] == "SUCCESS"
    (start,) = submitted(gemini_sim.requests(), ":predictLongRunning")
    instance = start["json"]["instances"][0]
    assert instance["image"]["mimeType"] == "image/png" and instance["lastFrame"]["mimeType"] == "image/png"
    first = Image.open(io.BytesIO(__import__("base64").b64decode(instance["image"]["bytesBase64Encoded"])))
    assert first.convert("RGB").getpixel((1, 1)) == (10, 200, 10)


def test_gemini_refuses_what_the_api_does_not_take_before_charging(direct, gemini_sim):
    balance = direct.balance()
    r = direct.request("POST", "/text-to-video", json={"prompt": "p", "model": GEMINI_TEXT, "seed": 7})
    assert r.status_code == 422 and r.json()["detail"].startswith("seed: ")
    r = direct.request("POST", "/text-to-video", json={"prompt": "p", "model": GEMINI_TEXT, "person_generation": "everyone"})
    assert r.status_code == 422 and "dont_allow, allow_adult" in r.json()["detail"]
    assert direct.balance() == balance and not gemini_sim.requests()


def test_gemini_safety_filter_ends_failure_refunded(direct):
    balance = direct.balance()
    task = direct.ok("POST", "/text-to-video", json={"prompt": "x [sim:polls=1;refuse]", "model": GEMINI_TEXT})["task"]
    task = direct.wait_task(task["id"])
    refunded(direct, task, balance)
    assert "refused the content" in task["fail_reason"] and "safety filters" in task["fail_reason"]


def test_gemini_quota_auth_and_server_errors(direct, admin, sim, gemini_sim):
    balance = direct.balance()
    r = direct.request("POST", "/text-to-video", json={"prompt": "x [sim:submit_http=429]", "model": GEMINI_TEXT})
    assert r.status_code == 502 and "quota exhausted or rate limited" in r.json()["detail"]
    assert "refunded" in r.json()["detail"] and "try again" in r.json()["detail"] and direct.balance() == balance
    # 5xx while polling: retried with backoff, then delivered.
    task = direct.ok("POST", "/text-to-video", json={"prompt": "x [sim:polls=1;query_http=503*2]", "model": GEMINI_TEXT})["task"]
    assert direct.wait_task(task["id"])["status"] == "SUCCESS"
    # A bad key: Google answers 400 API_KEY_INVALID; the user reads that the service is misconfigured
    # (test_provider_failures.py: what the admin reads).
    configure(admin, sim.url, None, provider_settings={"gemini": gemini_settings(gemini_sim, key="AIza-wrong-key-123")})
    balance = direct.balance()
    r = direct.request("POST", "/text-to-video", json={"prompt": "x", "model": GEMINI_TEXT})
    assert r.status_code == 502 and "not set up correctly" in r.json()["detail"] and direct.balance() == balance
    probe = admin.ok("POST", "/test-connection", json={"provider": "gemini"})
    assert probe["status"] == "auth"
    configure(admin, sim.url, None, provider_settings={"gemini": gemini_settings(gemini_sim)})
    assert admin.ok("POST", "/test-connection", json={"provider": "gemini"})["status"] == "ok"


def test_gemini_extend_is_charged_once_and_linked(direct, gemini_sim):
    source = direct.ok("POST", "/text-to-video", json={"prompt": "a fox runs [sim:polls=1]", "model": GEMINI_TEXT})["task"]
    source = direct.wait_task(source["id"])
    balance = direct.balance()
    extended = direct.ok("POST", f"/task/{source['id']}/extend", json={"prompt": "it jumps [sim:polls=1]"})["task"]
    assert extended["operation"] == "extend" and extended["source_task_id"] == source["id"]
    assert direct.balance() == balance - extended["credits_cost"]
    assert direct.wait_task(extended["id"])["status"] == "SUCCESS"
    charged_once(direct, extended)
    starts = submitted(gemini_sim.requests(), ":predictLongRunning")
    video = starts[-1]["json"]["instances"][0]["video"]
    assert video["uri"].startswith(f"http://localhost:{gemini_sim.port}/v1beta/files/")
    # Remix is not something Veo does; a running or foreign task cannot be extended.
    r = direct.request("POST", f"/task/{source['id']}/remix", json={"prompt": "p"})
    assert r.status_code == 422 and "cannot be remixed" in r.json()["detail"]


# ---------------------------------------------------------------- Vertex AI


def test_vertex_service_account_token_and_every_parameter(direct, admin, sim, vertex_sim):
    # A key this server has no token for yet (tokens are cached per key for the process's life, and
    # earlier tests may have used the session's key), so the grant is seen on the wire.
    fresh_key = json.dumps({**json.loads(vertex_sim.key_text), "test_nonce": uuid.uuid4().hex})
    configure(admin, sim.url, None, provider_settings={
        "vertex": vertex_settings(vertex_sim, storage_uri="", service_account_json=fresh_key)})
    body = {"prompt": "a harbour [sim:polls=2]", "model": VERTEX_TEXT, "duration_seconds": 8, "aspect_ratio": "16:9",
            "resolution": "720p", "negative_prompt": "rain", "person_generation": "dont_allow", "seed": 1234,
            "generate_audio": False}
    task = direct.wait_task(direct.ok("POST", "/text-to-video", json=body)["task"]["id"])
    assert task["status"] == "SUCCESS", task
    stored_video(direct, task)  # the result came inline (base64 in the operation)
    requests = vertex_sim.requests()
    tokens = [r for r in requests if r["path"] == "/token"]
    assert tokens and tokens[0]["form"]["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    (start,) = submitted(requests, "veo-3.0-generate-001:predictLongRunning")
    assert start["path"].startswith("/v1/projects/gv-demo-project/locations/us-central1/publishers/google/models/")
    assert start["headers"]["authorization"].startswith("Bearer ya29.")
    assert start["json"]["parameters"] == {"sampleCount": 1, "durationSeconds": 8, "aspectRatio": "16:9",
                                           "resolution": "720p", "personGeneration": "dont_allow",
                                           "negativePrompt": "rain", "seed": 1234, "generateAudio": False}
    polls = submitted(requests, ":fetchPredictOperation")
    assert polls and polls[0]["json"] == {"operationName": task["external_task_id"]}


def test_vertex_results_in_cloud_storage_and_frames(direct, admin, sim, vertex_sim):
    configure(admin, sim.url, None, provider_settings={"vertex": vertex_settings(vertex_sim, storage_uri="gs://gv-results/videos/")})
    images = [{"image": data_uri((200, 200, 10)), "role": "first_frame"}, {"image": data_uri((10, 10, 10)), "role": "last_frame"}]
    task = direct.ok("POST", "/image-to-video", json={"prompt": "sunrise [sim:polls=1]", "model": VERTEX_FRAMES,
                                                       "images": images})["task"]
    task = direct.wait_task(task["id"])
    assert task["status"] == "SUCCESS", task
    stored_video(direct, task)
    requests = vertex_sim.requests()
    (start,) = submitted(requests, ":predictLongRunning")
    assert start["json"]["parameters"]["storageUri"] == "gs://gv-results/videos/"
    assert {"image", "lastFrame"} <= set(start["json"]["instances"][0])
    downloads = [r for r in requests if r["path"].startswith("/storage/v1/b/gv-results/o/")]
    assert downloads and downloads[0]["query"].get("alt") == "media"
    assert downloads[0]["headers"]["authorization"].startswith("Bearer ya29.")


def test_vertex_style_reference_and_refusal(direct, vertex_sim):
    task = direct.ok("POST", "/image-to-video", json={"prompt": "in this style [sim:polls=1]", "model": VERTEX_REFERENCES,
                                                       "images": [{"image": data_uri(), "role": "style_reference"}]})["task"]
    assert direct.wait_task(task["id"])["status"] == "SUCCESS"
    (start,) = submitted(vertex_sim.requests(), ":predictLongRunning")
    assert [r["referenceType"] for r in start["json"]["instances"][0]["referenceImages"]] == ["STYLE"]
    balance = direct.balance()
    task = direct.wait_task(direct.ok("POST", "/text-to-video", json={"prompt": "x [sim:polls=1;refuse]",
                                                                       "model": VERTEX_TEXT})["task"]["id"])
    refunded(direct, task, balance)


def test_vertex_bad_service_account_is_an_auth_error(direct, admin, sim, vertex_sim):
    info = json.loads(vertex_sim.key_text)
    other = json.loads(vertex_sim.key_text)
    other["client_email"] = "someone-else@" + info["project_id"] + ".iam.gserviceaccount.com"
    configure(admin, sim.url, None, provider_settings={"vertex": vertex_settings(vertex_sim, service_account_json=json.dumps(other))})
    result = admin.ok("POST", "/test-connection", json={"provider": "vertex"})
    assert result["status"] == "auth" and "refused the service-account key" in result["message"]
    assert info["private_key"] not in json.dumps(result)
    configure(admin, sim.url, None, provider_settings={"vertex": vertex_settings(vertex_sim)})
    assert admin.ok("POST", "/test-connection", json={"provider": "vertex"})["status"] == "ok"


# ---------------------------------------------------------------- OpenAI-compatible videos


def test_openai_text_to_video_multipart_download_and_poster(direct, openai_sim):
    task = direct.ok("POST", "/text-to-video", json={"prompt": "a koi pond [sim:polls=2]", "model": SORA,
                                                      "duration_seconds": 8, "aspect_ratio": "16:9"})["task"]
    task = direct.wait_task(task["id"])
    assert task["status"] == "SUCCESS", task
    stored_video(direct, task)
    requests = openai_sim.requests()
    (create,) = submitted(requests, "/v1/videos")
    assert create["form"] == {"prompt": "a koi pond [sim:polls=2]", "model": "sora-2", "seconds": "8", "size": "1280x720"}
    assert create["headers"]["authorization"] == f"Bearer {openai_sim.api_key}"
    content = [r for r in requests if r["path"].endswith("/content")]
    assert {r["query"].get("variant") for r in content} == {"video", "thumbnail"}
    assert task["poster_url"] == f"/api/v1/google-video/task/{task['id']}/poster"
    poster = direct.request("GET", f"/task/{task['id']}/poster")
    assert poster.status_code == 200 and poster.headers["content-type"] == "image/webp"
    assert Image.open(io.BytesIO(poster.content)).format == "WEBP"


def test_openai_input_reference_is_fitted_to_the_size(direct, openai_sim):
    image = "data:image/png;base64," + __import__("base64").b64encode(png_bytes(size=(640, 480))).decode()
    task = direct.ok("POST", "/image-to-video", json={"prompt": "wave [sim:polls=1]", "model": SORA_IMAGE, "images": [image],
                                                       "aspect_ratio": "9:16"})["task"]
    assert direct.wait_task(task["id"])["status"] == "SUCCESS"
    (create,) = submitted(openai_sim.requests(), "/v1/videos")
    reference = create["form"]["input_reference"]
    assert (reference["width"], reference["height"]) == (720, 1280) and create["form"]["size"] == "720x1280"


def test_openai_remix_is_a_new_linked_task_charged_once(direct, openai_sim):
    source = direct.wait_task(direct.ok("POST", "/text-to-video", json={"prompt": "a cat [sim:polls=1]", "model": SORA})["task"]["id"])
    r = direct.request("POST", f"/task/{source['id']}/remix", json={"prompt": "make it night [sim:polls=1]",
                                                                   "max_credits": source["credits_cost"] - 1})
    assert r.status_code == 409 and "Nothing was charged" in r.json()["detail"]  # dearer than the user agreed to
    remix = direct.ok("POST", f"/task/{source['id']}/remix", json={"prompt": "make it night [sim:polls=1]",
                                                                    "idempotency_key": "remix-1"})["task"]
    again = direct.ok("POST", f"/task/{source['id']}/remix", json={"prompt": "make it night [sim:polls=1]",
                                                                    "idempotency_key": "remix-1"})["task"]
    assert again["id"] == remix["id"] and remix["source_task_id"] == source["id"] and remix["operation"] == "remix"
    assert direct.wait_task(remix["id"])["status"] == "SUCCESS"
    charged_once(direct, remix)
    (call,) = submitted(openai_sim.requests(), f"/videos/{source['external_task_id']}/remix")
    assert call["json"] == {"prompt": "make it night [sim:polls=1]"}
    r = direct.request("POST", f"/task/{source['id']}/extend", json={"prompt": "p"})
    assert r.status_code == 422


def test_openai_azure_header_and_api_version(direct, admin, sim, openai_sim):
    configure(admin, sim.url, None, provider_settings={"openai": openai_settings(
        openai_sim, base_url=f"{openai_sim.url}/openai/v1", auth_header="api-key", api_version="preview")})
    task = direct.wait_task(direct.ok("POST", "/text-to-video", json={"prompt": "azure [sim:polls=1]", "model": SORA})["task"]["id"])
    assert task["status"] == "SUCCESS"
    for request in openai_sim.requests():
        assert request["path"].startswith("/openai/v1/videos") and request["query"].get("api-version") == "preview"
        assert request["headers"]["api-key"] == openai_sim.api_key and "authorization" not in request["headers"]


def test_openai_refusals_and_no_cancel(direct, openai_sim):
    balance = direct.balance()
    r = direct.request("POST", "/text-to-video", json={"prompt": "x [sim:refuse_submit]", "model": SORA})
    assert r.status_code == 502 and "refused the content" in r.json()["detail"] and direct.balance() == balance
    task = direct.ok("POST", "/text-to-video", json={"prompt": "x [sim:polls=3;refuse]", "model": SORA})["task"]
    r = direct.request("POST", f"/task/{task['id']}/cancel")
    assert r.status_code == 409 and "no way to stop" in r.json()["detail"]
    refunded(direct, direct.wait_task(task["id"]), balance)


def test_vertex_extend_sends_the_stored_video_when_the_result_came_inline(direct, vertex_sim):
    source = direct.wait_task(direct.ok("POST", "/text-to-video", json={"prompt": "waves [sim:polls=1]",
                                                                         "model": "vertex/veo-3.1-generate-preview"})["task"]["id"])
    stored = stored_video(direct, source)
    extended = direct.ok("POST", f"/task/{source['id']}/extend", json={"prompt": "then a boat [sim:polls=1]"})["task"]
    assert direct.wait_task(extended["id"])["status"] == "SUCCESS"
    video = submitted(vertex_sim.requests(), ":predictLongRunning")[-1]["json"]["instances"][0]["video"]
    assert video["mimeType"] == "video/mp4" and __import__("base64").b64decode(video["bytesBase64Encoded"]) == stored


# ---------------------------------------------------------------- the admin's model list


def test_admins_add_and_replace_models_with_capabilities_and_prices(direct, admin, sim, gemini_sim):
    lite = {"id": "gemini/veo-3.1-lite", "provider": "gemini", "name": "Veo 3.1 Lite", "kind": "text",
            "default_price": 30, "wire_id": "veo-3.1-lite-generate-preview", "aspect_ratios": ["16:9"],
            "durations": [4, 8], "default_duration": 8, "resolutions": ["720p"]}
    narrowed = {"id": GEMINI_TEXT, "provider": "gemini", "name": "Veo 3.1 (16:9 only)", "kind": "text",
                "default_price": 170, "wire_id": "veo-3.1-generate-preview", "aspect_ratios": ["16:9"],
                "durations": [8], "default_duration": 8, "resolutions": ["720p", "1080p"], "operations": ["extend"]}
    configure(admin, sim.url, None, custom_models=[lite, narrowed], model_pricing={"gemini/veo-3.1-lite": {"per_second": 1}})
    models = {m["id"]: m for m in direct.ok("GET", "/models")["models"]}
    assert models["gemini/veo-3.1-lite"]["provider"] == "gemini" and models["gemini/veo-3.1-lite"]["price"] == 30
    assert models[GEMINI_TEXT]["capabilities"]["aspect_ratios"] == ["16:9"] and models[GEMINI_TEXT]["name"] == "Veo 3.1 (16:9 only)"
    assert direct.ok("POST", "/quote", json={"model": "gemini/veo-3.1-lite", "duration_seconds": 4})["price"] == 34
    r = direct.request("POST", "/text-to-video", json={"prompt": "p", "model": GEMINI_TEXT, "aspect_ratio": "9:16"})
    assert r.status_code == 422
    # The lite model is not one the simulator serves: Google's 404 for an unknown model, refunded;
    # the user reads that the service is misconfigured, the admin's audit names the model.
    balance = direct.balance()
    r = direct.request("POST", "/text-to-video", json={"prompt": "p", "model": "gemini/veo-3.1-lite"})
    assert r.status_code == 502 and "not set up correctly" in r.json()["detail"] and direct.balance() == balance
    audit = admin.ok("GET", "/admin/audit", params={"action": "provider.failure", "limit": 1})["entries"][0]
    assert "veo-3.1-lite-generate-preview" in audit["detail"]["detail"] and audit["detail"]["kind"] == "not_found"
    assert submitted(gemini_sim.requests(), "veo-3.1-lite-generate-preview:predictLongRunning")
    for bad, says in (({**lite, "provider": "nope"}, "unknown provider"), ({**lite, "kind": "image"}, "image model needs"),
                      ({**lite, "default_duration": 5}, "default_duration")):
        r = admin.request("POST", "/config", json={"custom_models": [bad]})
        assert r.status_code == 422 and says in r.text, r.text
    # Removing an entry removes its prices and switches too (a declared model keeps its own).
    admin.ok("POST", "/config", json={"model_credits_config": {"gemini/veo-3.1-lite": 31, GEMINI_TEXT: 99},
                                      "disabled_models": ["gemini/veo-3.1-lite"]})
    saved = admin.ok("POST", "/config", json={"custom_models": []})["config"]
    assert "gemini/veo-3.1-lite" not in saved["model_pricing"] and saved["disabled_models"] == []
    assert saved["model_credits_config"][GEMINI_TEXT] == 99 and "gemini/veo-3.1-lite" not in saved["model_credits_config"]
    assert "gemini/veo-3.1-lite" not in {m["id"] for m in direct.ok("GET", "/models")["models"]}
