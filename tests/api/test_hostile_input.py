"""Regression tests for what an outside test found under load and hostile input: money and
availability under a busy database, cheap refusals, clear 4xx for hostile text, leaks of keys,
and rules that could be bypassed. Everything through the real host over HTTP."""

import asyncio
import base64
import io
import uuid

import httpx
import pytest
from PIL import Image

from devstack.api import PREFIX, configure, grant
from helpers import data_uri, ledger, png_bytes


def audit(admin, action):
    return admin.ok("GET", "/admin/audit", params={"action": action, "limit": 200})["entries"]


def stored_files(webui) -> int:
    """Input images kept by the module (videos and posters of earlier tests' tasks, which the
    poller may still be storing, are not what a refused request could leave)."""
    root = webui.data_dir / "google_video" / "uploads"
    return sum(1 for p in root.rglob("*") if p.is_file()) if root.exists() else 0


def noisy_png_uri(size=(1000, 750), seed=0) -> str:
    """A photo-like image: costs real decoding work (a flat colour would compress to nothing)."""
    image = Image.effect_noise(size, 60 + seed).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


# 1. Money and availability under a busy database


def test_concurrent_grants_during_an_image_burst_all_apply_once_with_their_audit_entry(admin, configured, sim, webui,
                                                                                       user, other_user, ledger_check):
    configure(admin, sim.url, None, max_concurrent_tasks=50)
    grant(admin, other_user.id, 100_000)
    image = noisy_png_uri()
    keys = [f"grant-{uuid.uuid4().hex}" for _ in range(24)]

    async def burst():
        headers = lambda s: {"Authorization": f"Bearer {s.token}"}  # noqa: E731
        async with httpx.AsyncClient(base_url=webui.url, timeout=120) as client:
            submits = [client.post(f"{PREFIX}/image-to-video", headers=headers(other_user), json={
                "prompt": f"burst {i} [sim:polls=2]", "model": "veo2-fast-components", "images": [image] * 3})
                for i in range(12)]
            grants = [client.post(f"{PREFIX}/credits/adjust", headers=headers(admin), json={
                "user_id": user.id, "amount": 5, "reason": f"burst grant {i}", "idempotency_key": key})
                for i, key in enumerate(keys)]
            return await asyncio.gather(*submits, *grants)

    responses = asyncio.run(burst())
    grant_responses = responses[12:]
    assert all(r.status_code in (200, 503) for r in grant_responses), [r.text for r in grant_responses]
    # A 503 says nothing was changed; the admin retries with the same key.
    for r, key, i in zip(grant_responses, keys, range(24)):
        if r.status_code == 503:
            admin.ok("POST", "/credits/adjust", json={"user_id": user.id, "amount": 5, "reason": f"burst grant {i}",
                                                      "idempotency_key": key})
    assert [r.status_code for r in responses[:12]].count(200) >= 1
    entries = [e for e in ledger(admin, user_id=user.id) if e["kind"] == "grant"]
    # The ledger holds an admin's key in the admin's scope (apart from the module's own keys).
    assert sorted(e["idempotency_key"] for e in entries) == sorted(f"admin:{key}" for key in keys)
    audited = [e["detail"]["idempotency_key"] for e in audit(admin, "credits.adjust") if e["target_user_id"] == user.id]
    assert sorted(audited) == sorted(keys)
    assert user.balance() == 24 * 5
    ledger_check()


def test_a_retried_grant_applies_once_and_a_reused_key_for_another_grant_is_refused(admin, configured, user):
    body = {"user_id": user.id, "amount": 40, "reason": "support ticket 7", "idempotency_key": "ticket-7-" + user.id}
    first = admin.ok("POST", "/credits/adjust", json=body)
    again = admin.ok("POST", "/credits/adjust", json=body)
    assert (first["balance"], first["replayed"], again["balance"], again["replayed"]) == (40, False, 40, True)
    r = admin.request("POST", "/credits/adjust", json={**body, "amount": 41})
    assert r.status_code == 409 and "different adjustment" in r.json()["detail"]
    assert user.balance() == 40
    assert [e["amount"] for e in ledger(admin, user_id=user.id)] == [40]
    assert len([e for e in audit(admin, "credits.adjust") if e["target_user_id"] == user.id]) == 1


# 2 and 3. Refused requests do no expensive work and keep nothing


def test_a_request_refused_for_credits_fetches_decodes_and_stores_nothing(configured, sim, webui, user, public_site):
    before_files, before_hits = stored_files(webui), public_site.hits["/image.png"]
    for images in ([data_uri()] * 3, [f"{public_site.url}/image.png"]):
        r = user.request("POST", "/image-to-video", json={"prompt": "free ride", "model": "veo2-fast-components",
                                                          "images": images})
        assert r.status_code == 402, r.text
    assert public_site.hits["/image.png"] == before_hits  # the URL was never fetched
    assert stored_files(webui) == before_files


def test_refused_image_submits_count_against_the_submit_limit_not_the_upload_limit(configured, sim, user):
    configure(configured, sim.url, None, submits_per_minute=2, uploads_per_minute=2)
    body = {"prompt": "no credits", "model": "veo3-pro-frames", "images": [data_uri()]}
    codes = [user.request("POST", "/image-to-video", json=body).status_code for _ in range(6)]
    assert codes == [402, 402, 429, 429, 429, 429]
    files = {"file": ("a.png", png_bytes(), "image/png")}
    assert [user.request("POST", "/upload-image", files=files).status_code for _ in range(3)] == [200, 200, 429]


def test_deleting_tasks_does_not_reset_the_submit_limit(configured, sim, user):
    configure(configured, sim.url, None, submits_per_minute=2)
    grant(configured, user.id, 1000)
    for i in range(2):
        task = user.ok("POST", "/text-to-video", json={"prompt": f"quick {i} [sim:polls=1]", "model": "veo3-fast"})["task"]
        user.wait_task(task["id"])
        user.ok("DELETE", f"/task/{task['id']}")
    r = user.request("POST", "/text-to-video", json={"prompt": "third", "model": "veo3-fast"})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1


# 5 and 6. Hostile text is a clear 4xx


@pytest.mark.parametrize("method, path, kwargs", [
    ("POST", "/text-to-video", {"json": {"prompt": "a\u0000b"}}),
    ("GET", "/task/abc%00def", {}),
    ("GET", "/uploads/abc%00def", {}),
    ("GET", "/credits/ledger", {"params": {"user_id": "a\u0000b"}}),
])
def test_nul_characters_are_refused_with_a_4xx(user, method, path, kwargs):
    r = user.request(method, path, **kwargs)
    assert r.status_code in (400, 422) and "NUL" in r.text, (r.status_code, r.text)


@pytest.mark.parametrize("path, body", [
    ("/credits/adjust", lambda u: {"user_id": u, "amount": 1, "reason": "a\u0000b"}),
    ("/config", lambda u: {"base_url": "http://relay\u0000.example"}),
])
def test_nul_characters_in_admin_bodies_are_refused(configured, user, path, body):
    r = configured.request("POST", path, json=body(user.id))
    assert r.status_code == 422 and "NUL" in r.text
    r = configured.request("GET", "/admin/audit", params={"action": "a\u0000"})
    assert r.status_code == 400 and "NUL" in r.text


@pytest.mark.parametrize("path, raw", [
    ("/text-to-video", b'{"prompt": "\\ud800"}'),
    ("/text-to-video", b'{"prompt": 5, "model": "\\ud800"}'),
    ("/image-to-video", b'{"prompt": "a", "images": ["\\udfff"]}'),
    ("/credits/adjust", b'{"user_id": "\\ud800", "amount": "x", "reason": "r"}'),
    ("/config", b'{"blocked_words": ["\\ud800"]}'),
    ("/test-connection", b'{"api_key": "\\ud800"}'),
])
def test_a_lone_surrogate_in_a_json_body_is_a_422(configured, path, raw):
    r = configured.request("POST", path, content=raw, headers={"Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    assert isinstance(r.json()["detail"], list)


# 7 and 8. Keys never leave for somewhere else


def test_test_connection_never_sends_the_stored_key_to_another_url(configured, sim, public_site):
    r = configured.request("POST", "/test-connection", json={"base_url": public_site.url})
    assert r.status_code == 400 and "API key" in r.json()["detail"]
    assert sim.api_key not in "".join(public_site.authorizations)
    configured.ok("POST", "/test-connection", json={"base_url": public_site.url, "api_key": "sk-typed-for-this-test"})
    assert public_site.authorizations[-1] == "Bearer sk-typed-for-this-test"
    assert sim.api_key not in "".join(public_site.authorizations)


def test_relay_text_echoing_the_key_is_redacted_everywhere(configured, sim, user):
    grant(configured, user.id, 1000)
    r = user.request("POST", "/text-to-video", json={"prompt": "echo [sim:submit_http=400;echo_auth]", "model": "veo3"})
    assert r.status_code == 502 and sim.api_key not in r.text and "[redacted]" in r.text
    task = user.ok("POST", "/text-to-video", json={"prompt": "echo [sim:polls=1;fail=nope;echo_auth]", "model": "veo3"})["task"]
    failed = user.wait_task(task["id"])
    assert failed["status"] == "FAILURE" and "nope" in failed["fail_reason"]
    everything = str(user.ok("GET", "/history", params={"limit": 100})) + str(ledger(user))
    assert sim.api_key not in everything and "[redacted]" in everything
    # The server log is searched for the key at the end of the session (conftest).


# 9 and 10. Invisible characters


@pytest.mark.parametrize("prompt", ["a b\u200bomb", "a b\u00adomb", "a b\u2060omb", "爆\u200b炸", "a bo\ufe0fmb"])
def test_blocked_words_hidden_by_invisible_characters_are_refused(configured, sim, user, prompt):
    configure(configured, sim.url, None, blocked_words=["bomb", "爆炸"])
    grant(configured, user.id, 500)
    r = user.request("POST", "/text-to-video", json={"prompt": prompt, "model": "veo3"})
    assert r.status_code == 400 and "blocked term" in r.json()["detail"]
    assert user.balance() == 500


@pytest.mark.parametrize("prompt", ["\u200b\u200b", "\ufeff", "\u202e\u2066\u200f", " \u2060 "])
def test_prompts_of_invisible_characters_only_are_blank(configured, user, prompt):
    grant(configured, user.id, 500)
    r = user.request("POST", "/text-to-video", json={"prompt": prompt, "model": "veo3"})
    assert r.status_code == 400 and "prompt is empty" in r.json()["detail"]
    assert user.balance() == 500


# 11. Idempotency compares the whole request


@pytest.mark.parametrize("change", [
    {"aspect_ratio": "9:16"},
    {"enhance_prompt": True},
    {"model": "veo3-fast"},
])
def test_an_idempotency_key_reused_with_other_parameters_is_a_409(configured, sim, user, change):
    grant(configured, user.id, 1000)
    body = {"prompt": "same words", "model": "veo3", "aspect_ratio": "16:9", "enhance_prompt": False,
            "idempotency_key": "k-" + uuid.uuid4().hex}
    user.ok("POST", "/text-to-video", json=body)
    r = user.request("POST", "/text-to-video", json={**body, **change})
    assert r.status_code == 409, r.text
    assert user.ok("POST", "/text-to-video", json=body)["task"]["aspect_ratio"] == "16:9"  # the same request replays


def test_an_idempotency_key_reused_with_another_image_is_a_409(configured, sim, user):
    grant(configured, user.id, 1000)
    body = {"prompt": "same words", "model": "veo3-pro-frames", "images": [data_uri((1, 2, 3))],
            "idempotency_key": "k-" + uuid.uuid4().hex}
    user.ok("POST", "/image-to-video", json=body)
    assert user.request("POST", "/image-to-video", json={**body, "images": [data_uri((9, 9, 9))]}).status_code == 409


# 12. Strict numbers


@pytest.mark.parametrize("amount", [True, "7", 5.0, 1e3])
def test_credit_amounts_must_be_integers(configured, user, amount):
    r = configured.request("POST", "/credits/adjust", json={"user_id": user.id, "amount": amount, "reason": "x"})
    assert r.status_code == 422
    assert user.balance() == 0


@pytest.mark.parametrize("change", [
    {"model_credits_config": {"veo3": True}},
    {"model_credits_config": {"veo3": "5"}},
    {"max_concurrent_tasks": 3.0},
    {"submits_per_minute": "10"},
])
def test_prices_and_limits_must_be_integers(configured, sim, change):
    before = configured.ok("GET", "/config")
    r = configured.request("POST", "/config", json={"enabled": True, "base_url": sim.url, **change})
    assert r.status_code == 422, r.text
    assert configured.ok("GET", "/config")["model_credits_config"] == before["model_credits_config"]


# 13. The timeout reason names the task's own limit


def test_the_timeout_reason_names_the_limit_the_task_was_submitted_under(configured, sim, user):
    configure(configured, sim.url, None, task_timeout_seconds=5)
    grant(configured, user.id, 1000)
    task = user.ok("POST", "/text-to-video", json={"prompt": "slow [sim:never]", "model": "veo3"})["task"]
    configure(configured, sim.url, None, task_timeout_seconds=600)
    failed = user.wait_task(task["id"], timeout=120)
    assert failed["status"] == "FAILURE" and "within 5 s" in failed["fail_reason"] and failed["refunded"]


# 14. Phone JPEGs with several frames (MPF / MPO)


def test_a_phone_jpeg_with_an_mpf_segment_is_accepted_as_its_first_frame(configured, user):
    first, second = Image.new("RGB", (80, 60), (200, 30, 30)), Image.new("RGB", (40, 30), (30, 30, 200))
    out = io.BytesIO()
    first.save(out, format="MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(out.getvalue())).format == "MPO"
    upload = user.ok("POST", "/upload-image", files={"file": ("phone.jpg", out.getvalue(), "image/jpeg")})
    assert (upload["mime_type"], upload["width"], upload["height"]) == ("image/jpeg", 80, 60)
    stored = Image.open(io.BytesIO(user.request("GET", f"/uploads/{upload['id']}").content))
    assert stored.format == "JPEG" and stored.getpixel((40, 30))[0] > 150
