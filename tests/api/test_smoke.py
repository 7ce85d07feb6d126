"""The happy path through the real host: sign in, get credits, generate, fetch the MP4."""

from devstack.api import grant


def test_health_needs_no_auth(webui):
    import httpx

    r = httpx.get(f"{webui.url}/api/v1/google-video/health")
    assert r.status_code == 200 and r.json()["service"] == "google_video"


def test_text_to_video_end_to_end(admin, user, sim, ledger_check):
    grant(admin, user.id, 500)
    r = user.ok("POST", "/text-to-video", json={"prompt": "A red fox in snow", "model": "veo3"})
    task = r["task"]
    assert task["status"] == "SUBMITTED" and task["credits_cost"] == 100 and r["credits"] == 400
    done = user.wait_task(task["id"])
    assert done["status"] == "SUCCESS", done
    assert done["video_duration"] == 2.0 and done["video_size"] > 1000
    video = user.request("GET", f"/task/{task['id']}/video")
    assert video.status_code == 200 and video.headers["content-type"] == "video/mp4"
    assert video.content[4:8] == b"ftyp"
    assert user.balance() == 400
    ledger_check()
