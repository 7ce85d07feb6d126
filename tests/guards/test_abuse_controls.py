"""Per-user rate limits, the blocked-words list and the audit log, through the real API."""

import pytest

from devstack.api import configure, grant
from helpers import png_bytes


@pytest.fixture
def funded(admin, user):
    grant(admin, user.id, 5000)
    return user


def audit(admin, action):
    return admin.ok("GET", "/admin/audit", params={"action": action, "limit": 200})["entries"]


def test_submits_over_the_rate_limit_get_429_with_retry_after_and_cost_nothing(configured, sim, funded, other_user):
    configure(configured, sim.url, None, submits_per_minute=3)
    for i in range(3):
        funded.ok("POST", "/text-to-video", json={"prompt": f"clip {i}", "model": "veo3-fast"})
    before = funded.balance()
    r = funded.request("POST", "/text-to-video", json={"prompt": "one too many", "model": "veo3-fast"})
    assert r.status_code == 429 and "3 per minute" in r.json()["detail"] and "Nothing was charged" in r.json()["detail"]
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    assert funded.balance() == before
    grant(configured, other_user.id, 100)
    assert other_user.request("POST", "/text-to-video", json={"prompt": "mine", "model": "veo3-fast"}).status_code == 200


def test_an_idempotent_retry_is_not_rate_limited(configured, sim, funded):
    configure(configured, sim.url, None, submits_per_minute=1)
    body = {"prompt": "once", "model": "veo3-fast", "idempotency_key": "retry-1"}
    first = funded.ok("POST", "/text-to-video", json=body)["task"]
    assert funded.ok("POST", "/text-to-video", json=body)["task"]["id"] == first["id"]


def test_uploads_over_the_rate_limit_get_429(configured, sim, user):
    configure(configured, sim.url, None, uploads_per_minute=2)
    files = {"file": ("a.png", png_bytes(), "image/png")}
    assert [user.request("POST", "/upload-image", files=files).status_code for _ in range(3)] == [200, 200, 429]
    r = user.request("POST", "/upload-image", files=files)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1


@pytest.mark.parametrize("prompt, word", [
    ("a FORBIDDEN   thing in the park", "forbidden thing"),
    ("ａ ｆｏｒｂｉｄｄｅｎ ｔｈｉｎｇ", "forbidden thing"),  # full-width letters
    ("一个暴力场景", "暴力"),
])
def test_blocked_words_are_refused_before_charging_and_audited(configured, sim, funded, prompt, word):
    configure(configured, sim.url, None, blocked_words=["Forbidden Thing", "暴力", "ass"])
    before = funded.balance()
    r = funded.request("POST", "/text-to-video", json={"prompt": prompt, "model": "veo3"})
    assert r.status_code == 400 and f"'{word}'" in r.json()["detail"] and "nothing was charged" in r.json()["detail"]
    assert funded.balance() == before
    refusal = audit(configured, "prompt.refused")[0]
    assert refusal["actor_id"] == funded.id and refusal["detail"]["blocked_word"] == word


def test_latin_blocked_words_match_whole_words_only(configured, sim, funded):
    configure(configured, sim.url, None, blocked_words=["ass"])
    assert funded.request("POST", "/text-to-video", json={"prompt": "a classy glass house", "model": "veo3"}).status_code == 200


def test_admin_changes_are_audited_without_secrets(configured, sim, user):
    configure(configured, sim.url, sim.api_key, max_concurrent_tasks=9)
    change = audit(configured, "config.update")[0]
    assert change["actor_id"] == configured.id
    assert change["detail"]["changed"]["max_concurrent_tasks"]["to"] == 9
    assert sim.api_key not in str(audit(configured, "config.update"))
    grant(configured, user.id, 77, "welcome bonus")
    adjust = audit(configured, "credits.adjust")[0]
    assert (adjust["target_user_id"], adjust["detail"]["amount"], adjust["detail"]["reason"]) == (user.id, 77, "welcome bonus")
    assert user.request("GET", "/admin/audit").status_code == 401


def test_rate_limits_and_word_list_are_validated(configured):
    r = configured.request("POST", "/config", json={"submits_per_minute": -1})
    assert r.status_code == 422
    r = configured.request("POST", "/config", json={"blocked_words": ["x" * 101]})
    assert r.status_code == 422 and "100 characters" in r.text
