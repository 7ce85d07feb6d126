"""Result storage on local disk, Tencent COS (the official SDK) and S3 (boto3), the last two
against a real S3-API server on 127.0.0.1: streamed copies, private objects behind signed URLs,
retries while storage is down, retention and deletion."""

import hashlib
import secrets
import time

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import create_engine, text

from helpers import database_url_of
from devstack.api import configure, grant
from helpers import ledger, png_bytes


@pytest.fixture
def funded(admin, user):
    grant(admin, user.id, 5000)
    return user


def new_bucket(object_store) -> str:
    return object_store.create_bucket(f"gv-{secrets.token_hex(4)}-1250000000")


def generate(user, prompt="a lighthouse at dusk [sim:polls=1]"):
    task = user.ok("POST", "/text-to-video", json={"prompt": prompt, "model": "veo3-fast"})["task"]
    return user.wait_task(task["id"])


def execute(webui, sql, **params):
    engine = create_engine(database_url_of(webui))
    try:
        with engine.begin() as conn:
            conn.execute(text(sql), params)
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", ["cos", "s3"])
def test_videos_go_to_private_cloud_storage_and_play_through_signed_urls(configured, sim, funded, object_store, backend):
    bucket = new_bucket(object_store)
    settings = getattr(object_store, f"{backend}_settings")(bucket, prefix="openwebui")
    configure(configured, sim.url, None, **settings)
    done = generate(funded)
    assert done["status"] == "SUCCESS" and done["cloud_upload_status"] == "uploaded", done
    # Filtered by task: a task of an earlier test may finish into this bucket meanwhile.
    [poster, key] = sorted(k for k in object_store.keys(bucket) if done["id"] in k)
    assert key.startswith("openwebui/videos/") and key.endswith(".mp4")
    assert poster.startswith("openwebui/posters/") and poster.endswith(".jpg")  # beside the video, same storage
    r = funded.request("GET", f"/task/{done['id']}/poster")
    assert r.status_code == 200 and r.content == object_store.get(bucket, poster)
    stored = object_store.get(bucket, key)
    assert hashlib.sha256(stored).hexdigest() == done["video_sha256"] and len(stored) == done["video_size"]
    assert done["video_duration"] == 2.0 and done["cloud_video_url"].endswith(key)
    # Private: the object's plain URL is refused by the object store.
    assert httpx.get(done["cloud_video_url"]).status_code == 403
    r = funded.request("GET", f"/task/{done['id']}/video")
    assert r.status_code == 307 and r.headers["cache-control"] == "no-store"
    signed = r.headers["location"]
    link = funded.ok("GET", f"/task/{done['id']}/video-url")
    assert link["expires_in"] == 600
    if backend == "s3":
        played = httpx.get(signed, headers={"Range": "bytes=0-99"})
        assert played.status_code == 206 and played.content == stored[:100]
        assert httpx.get(link["url"]).content == stored
        download = funded.request("GET", f"/task/{done['id']}/video", params={"download": "true"}).headers["location"]
        assert "attachment" in httpx.get(download).headers["content-disposition"]
    else:
        # The local S3 server cannot check COS signatures (q-sign-*), so here we check the URL the
        # official SDK signed: the object's path and a validity of signed_url_seconds.
        query = parse_qs(urlsplit(signed).query)
        assert urlsplit(signed).path.endswith(key) and query["q-signature"][0]
        start, end = map(int, query["q-sign-time"][0].split(";"))
        assert start <= time.time() and abs(end - time.time() - 600) < 30
    funded.ok("DELETE", f"/task/{done['id']}")
    assert [k for k in object_store.keys(bucket) if done["id"] in k] == []


@pytest.mark.parametrize("backend", ["cos", "s3"])
def test_input_images_are_kept_in_the_same_storage(configured, sim, funded, object_store, backend):
    bucket = new_bucket(object_store)
    configure(configured, sim.url, None, **getattr(object_store, f"{backend}_settings")(bucket))
    upload = funded.ok("POST", "/upload-image", files={"file": ("a.png", png_bytes((0, 90, 0)), "image/png")})
    assert [k for k in object_store.keys(bucket) if k.startswith("uploads/")] == [f"uploads/{upload['id']}.png"]
    assert funded.request("GET", f"/uploads/{upload['id']}").content == object_store.get(bucket, f"uploads/{upload['id']}.png")
    task = funded.ok("POST", "/image-to-video", json={"prompt": "grow [sim:polls=1]", "model": "veo3-pro-frames",
                                                      "images": [upload["url"]]})["task"]
    assert funded.wait_task(task["id"])["status"] == "SUCCESS"
    assert sim.stats()["tasks"][task["external_task_id"]]["images"] == 1


def test_storage_secrets_are_masked_and_kept(configured, sim, object_store):
    bucket = new_bucket(object_store)
    view = configure(configured, sim.url, None, **object_store.cos_settings(bucket))
    assert "cos_secret_key" not in view and view["cos_secret_key_set"] is True
    assert view["cos_secret_key_last4"] == object_store.cos_settings(bucket)["cos_secret_key"][-4:]
    settings = {**object_store.cos_settings(bucket), "cos_secret_key": None}
    view = configure(configured, sim.url, None, **settings)  # saving without the secret keeps it
    assert view["cos_secret_key_set"] is True
    assert object_store.cos_settings(bucket)["cos_secret_key"] not in configured.request("GET", "/config").text
    view = configure(configured, sim.url, None, **{**settings, "clear_secrets": ["cos_secret_key"]})
    assert view["cos_secret_key_set"] is False and view["api_key_set"] is True


def test_while_storage_is_down_the_task_succeeds_and_the_copy_lands_later(configured, sim, funded, object_store, ledger_check):
    bucket = f"gv-later-{secrets.token_hex(4)}"  # does not exist yet: every upload fails
    configure(configured, sim.url, None, **object_store.s3_settings(bucket))
    pending_before = configured.ok("GET", "/admin/stats")["stored_videos_by_status"].get("pending", 0)
    before = funded.balance()
    done = generate(funded)
    assert done["status"] == "SUCCESS" and done["cloud_upload_status"] == "pending"
    assert done["video_url"].startswith(sim.url)  # the relay's URL until our copy exists
    assert funded.request("GET", f"/task/{done['id']}/video").status_code == 404
    # No copy can land while the bucket is missing: exactly this task was added to the backlog.
    assert configured.ok("GET", "/admin/stats")["stored_videos_by_status"].get("pending", 0) == pending_before + 1
    object_store.create_bucket(bucket)
    deadline = time.time() + 30
    while (task := funded.ok("GET", f"/task/{done['id']}")["task"])["cloud_upload_status"] == "pending":
        assert time.time() < deadline, "the copy was not retried"
        time.sleep(0.5)
    assert task["cloud_upload_status"] == "uploaded" and len([k for k in object_store.keys(bucket) if done["id"] in k]) == 1
    assert task["video_url"] == f"/api/v1/google-video/task/{done['id']}/video"
    charges = [e for e in ledger(funded) if e["task_id"] == done["id"]]
    assert [e["kind"] for e in charges] == ["charge"] and funded.balance() == before - done["credits_cost"]
    ledger_check()


def test_a_video_over_the_size_cap_is_refused_and_refunded(configured, sim, funded):
    configure(configured, sim.url, None, max_video_mb=1)
    before = funded.balance()
    done = generate(funded, "too big [sim:polls=1;video=big:3]")
    assert done["status"] == "FAILURE" and "larger than the 1 MB limit" in done["fail_reason"]
    assert funded.balance() == before


def test_retention_removes_only_expired_videos(webui, configured, sim, funded):
    old, recent = generate(funded), generate(funded)
    storage_root = webui.data_dir / "google_video"
    old_file = next(storage_root.glob(f"videos/{old['id']}-*.mp4"))
    execute(webui, "UPDATE google_video_tasks SET completed_at = :t WHERE id = :id", t=int(time.time()) - 3 * 86400, id=old["id"])
    configure(configured, sim.url, None, retention_days=2)
    deadline = time.time() + 20
    while funded.ok("GET", f"/task/{old['id']}")["task"]["cloud_upload_status"] != "expired":
        assert time.time() < deadline, "retention did not run"
        time.sleep(0.5)
    assert not old_file.exists()
    assert funded.request("GET", f"/task/{old['id']}/video").status_code == 404
    assert funded.request("GET", f"/task/{recent['id']}/video").status_code == 200
    assert funded.ok("GET", f"/task/{recent['id']}")["task"]["cloud_upload_status"] == "uploaded"


def test_bad_storage_settings_are_refused(configured, sim):
    r = configured.request("POST", "/config", json={"storage_backend": "cos", "cos_bucket": ""})
    assert r.status_code == 422 and "COS storage needs" in r.text
    r = configured.request("POST", "/config", json={"storage_backend": "ftp"})
    assert r.status_code == 422
    r = configured.request("POST", "/config", json={"storage_backend": "s3", "s3_bucket": "b", "s3_endpoint_url": "file:///x"})
    assert r.status_code == 422


def test_every_stored_video_gets_a_first_frame_poster(configured, user, sim, webui):
    """Made when the video is stored (beside it in storage), and for videos stored before, on request."""
    from io import BytesIO

    from devstack.api import grant

    from PIL import Image

    from helpers import data_uri

    grant(configured, user.id, 500)
    task = user.ok("POST", "/image-to-video", json={"prompt": "poster [sim:polls=1]", "model": "veo3-pro-frames",
                                                    "images": [data_uri((20, 180, 40))]})["task"]
    task = user.wait_task(task["id"])
    assert task["poster_url"] == f"/api/v1/google-video/task/{task['id']}/poster"
    r = user.request("GET", f"/task/{task['id']}/poster")
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
    image = Image.open(BytesIO(r.content)).convert("RGB")
    r_, g, b = image.getpixel((image.width // 2, image.height // 2))
    assert g > 120 and r_ < 90 and b < 90  # the input image is the video's first frame
    # A video stored before posters existed gets one on its first request, kept for the next.
    import sqlalchemy as sa

    from helpers import database_url_of

    engine = sa.create_engine(database_url_of(webui))
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE google_video_tasks SET poster_path = NULL WHERE id = :id"), {"id": task["id"]})
    again = user.request("GET", f"/task/{task['id']}/poster")
    assert again.status_code == 200 and again.content[:3] == b"\xff\xd8\xff"
    with engine.connect() as conn:
        kept = conn.execute(sa.text("SELECT poster_path FROM google_video_tasks WHERE id = :id"), {"id": task["id"]}).scalar()
    engine.dispose()
    assert kept and kept.startswith("posters/")
