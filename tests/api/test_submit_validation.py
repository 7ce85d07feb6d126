"""Bad input gets a clear 4xx and costs nothing: no charge, no ledger entry, no relay call."""

import pytest

from devstack.api import add_user, configure, grant
from helpers import data_uri, ledger, png_bytes

IMG = data_uri()


@pytest.fixture
def funded(admin, user):
    grant(admin, user.id, 1000)
    return user


def assert_refused(user, sim, path, body, status, needle):
    before_submits, before_balance, before_ledger = sim.stats()["submits"], user.balance(), len(ledger(user))
    r = user.request("POST", path, json=body)
    assert r.status_code == status, r.text
    detail = r.json()["detail"]
    assert needle in (detail if isinstance(detail, str) else str(detail)), detail
    assert user.balance() == before_balance and len(ledger(user)) == before_ledger
    assert sim.stats()["submits"] == before_submits
    return detail


@pytest.mark.parametrize("path, body, status, needle", [
    ("/text-to-video", {"prompt": ""}, 400, "prompt is empty"),
    ("/text-to-video", {"prompt": "   \n "}, 400, "prompt is empty"),
    ("/text-to-video", {"prompt": "x" * 2501}, 400, "limit is 2500"),
    ("/text-to-video", {"prompt": "a cat", "model": "veo9"}, 400, "Unknown model 'veo9'"),
    ("/text-to-video", {"prompt": "a cat", "model": "veo3-pro-frames"}, 400, "image-to-video model"),
    ("/text-to-video", {"prompt": "a cat", "aspect_ratio": "4:3"}, 422, "aspect_ratio: 'veo3' takes 16:9, 9:16; you sent 4:3"),
    ("/text-to-video", {"prompt": "a cat", "model": "veo2-fast", "aspect_ratio": "9:16"}, 422, "does not take an aspect ratio"),
    ("/image-to-video", {"prompt": "a cat", "model": "veo3", "images": [IMG]}, 400, "takes no images"),
    ("/image-to-video", {"prompt": "a cat", "model": "veo3-pro-frames", "images": []}, 400, "needs at least one image"),
    ("/image-to-video", {"prompt": "a cat", "model": "veo3-pro-frames", "images": [IMG, IMG]}, 400, "at most 1 image"),
    ("/image-to-video", {"prompt": "a cat", "model": "veo3-fast-frames", "images": [IMG, IMG]}, 400, "at most 1 image"),
    ("/image-to-video", {"prompt": "a cat", "model": "veo2-fast-frames", "images": [IMG] * 3}, 400, "at most 2 image"),
    ("/image-to-video", {"prompt": "a cat", "model": "veo2-fast-components", "images": [IMG] * 4}, 400, "at most 3 image"),
    ("/image-to-video", {"prompt": "a cat", "model": "veo3-pro-frames", "images": ["data:image/png;base64,@@@"]}, 400, "Image 1"),
    ("/image-to-video", {"prompt": "a cat", "model": "veo3-pro-frames", "images": ["data:image/png;base64,aGVsbG8="]}, 400, "not a readable"),
    ("/image-to-video", {"prompt": "a cat", "model": "veo3-pro-frames", "images": ["ftp://x.example/a.png"]}, 400, "http(s)"),
    ("/image-to-video", {"prompt": "a cat", "model": "veo3-pro-frames", "images": ["https://u:p@x.example/a.png"]}, 400, "credentials"),
    ("/image-to-video", {"prompt": "a cat", "model": "veo3-pro-frames", "images": ["0" * 32]}, 400, "not found"),
])
def test_bad_input_is_refused_for_free(funded, sim, path, body, status, needle):
    assert_refused(funded, sim, path, body, status, needle)


def test_disabled_model(configured, funded, sim):
    configure(configured, sim.url, None, disabled_models=["veo3"])
    assert_refused(funded, sim, "/text-to-video", {"prompt": "a", "model": "veo3"}, 400, "disabled by the administrator")


def test_service_disabled_and_not_configured(configured, funded, sim):
    configure(configured, sim.url, None, enabled=False)
    assert_refused(funded, sim, "/text-to-video", {"prompt": "a"}, 400, "disabled by the administrator")
    configure(configured, "", None)
    assert_refused(funded, sim, "/text-to-video", {"prompt": "a"}, 400, "not configured")


def test_insufficient_credits_says_balance_and_price(admin, user, sim):
    grant(admin, user.id, 99)
    detail = assert_refused(user, sim, "/text-to-video", {"prompt": "a", "model": "veo3"}, 402, "balance is 99")
    assert "costs 100" in detail
    fresh = add_user(admin)
    assert "balance is 0" in assert_refused(fresh, sim, "/text-to-video", {"prompt": "a"}, 402, "Insufficient credits")


def test_more_running_tasks_than_allowed(configured, funded, sim, ledger_check):
    configure(configured, sim.url, None, max_concurrent_tasks=2, task_timeout_seconds=8)
    ids = [funded.ok("POST", "/text-to-video", json={"prompt": f"slow {i} [sim:never]"})["task"]["id"] for i in range(2)]
    assert_refused(funded, sim, "/text-to-video", {"prompt": "third"}, 429, "limit is 2")
    ledger_check()
    for task_id in ids:  # the timeout frees the slots again
        assert funded.wait_task(task_id, timeout=30)["status"] == "FAILURE"
    assert funded.ok("POST", "/text-to-video", json={"prompt": "now there is room"})["success"]


def test_someone_elses_upload_cannot_be_used(funded, other_user, sim):
    upload = other_user.ok("POST", "/upload-image", files={"file": ("a.png", png_bytes(), "image/png")})
    assert_refused(funded, sim, "/image-to-video",
                   {"prompt": "steal", "model": "veo3-pro-frames", "images": [upload["url"]]}, 400, "not found")
    assert funded.request("GET", f"/uploads/{upload['id']}").status_code == 404
    assert other_user.request("GET", f"/uploads/{upload['id']}").status_code == 200


def test_upload_rejects_non_images_and_oversize(funded):
    r = funded.request("POST", "/upload-image", files={"file": ("a.png", b"GIF89a not really", "image/png")})
    assert r.status_code == 400 and "not a readable" in r.json()["detail"]
    big = b"\x89PNG" + b"\0" * (10 * 1024 * 1024)
    r = funded.request("POST", "/upload-image", files={"file": ("big.png", big, "image/png")})
    assert r.status_code == 413
