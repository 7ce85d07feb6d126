"""Task lifecycle through the real host and the simulator: every end state leaves exact credits."""

import io
import time

import av
import pytest

from devstack.api import configure, grant
from devstack.processes import free_port
from helpers import data_uri, ledger, png_bytes


@pytest.fixture
def funded(admin, user):
    grant(admin, user.id, 2000)
    return user


def submit_text(user, prompt, **kw):
    return user.ok("POST", "/text-to-video", json={"prompt": prompt, "model": "veo3", **kw})["task"]


def refunds_of(user, task_id):
    return [e for e in ledger(user) if e["task_id"] == task_id and e["kind"] == "refund"]


def first_frame_rgb(mp4: bytes):
    with av.open(io.BytesIO(mp4)) as c:
        return next(c.decode(video=0)).to_ndarray(format="rgb24")[90, 160].tolist()


def test_image_to_video_with_an_uploaded_image(funded, sim, ledger_check):
    upload = funded.ok("POST", "/upload-image", files={"file": ("frame.png", png_bytes((20, 200, 40)), "image/png")})
    assert upload["url"] == f"/api/v1/google-video/uploads/{upload['id']}" and upload["width"] == 64
    task = funded.ok("POST", "/image-to-video", json={
        "prompt": "the meadow comes alive", "model": "veo3-pro-frames", "images": [upload["url"]]})["task"]
    assert task["task_type"] == "image_to_video" and task["credits_cost"] == 200
    assert task["input_images"] == [upload["url"]]
    done = funded.wait_task(task["id"])
    assert done["status"] == "SUCCESS"
    video = funded.request("GET", f"/task/{task['id']}/video").content
    r, g, b = first_frame_rgb(video)
    assert g > 150 and r < 80 and b < 90  # the relay got the user's image as the first frame
    assert sim.stats()["tasks"][done["external_task_id"]]["images"] == 1
    ledger_check()


@pytest.mark.parametrize("model, count", [("veo2-fast-frames", 2), ("veo2-fast-components", 3), ("veo3-fast-frames", 1)])
def test_image_models_accept_their_maximum_as_data_uris(funded, sim, model, count):
    task = funded.ok("POST", "/image-to-video", json={
        "prompt": "frames", "model": model, "images": [data_uri((i * 60, 0, 0)) for i in range(count)]})["task"]
    assert len(task["input_images"]) == count
    assert all(ref.startswith("/api/v1/google-video/uploads/") for ref in task["input_images"])
    assert funded.wait_task(task["id"])["status"] == "SUCCESS"
    assert sim.stats()["tasks"][task["external_task_id"]]["images"] == count


@pytest.mark.parametrize("directive, reason_part", [
    ("submit_http=500", "HTTP 500"),
    ("submit_http=400", "HTTP 400"),
    ("submit_code=quota_exhausted", "did not accept"),
])
def test_relay_refusing_a_submit_refunds_at_once(funded, directive, reason_part, ledger_check):
    before = funded.balance()
    r = funded.request("POST", "/text-to-video", json={"prompt": f"x [sim:{directive}]", "model": "veo3"})
    assert r.status_code == 502 and "100 credits were refunded" in r.json()["detail"] and reason_part in r.json()["detail"]
    assert funded.balance() == before
    task = funded.ok("GET", "/history", params={"limit": 1})["tasks"][0]
    assert task["status"] == "FAILURE" and task["refunded"] and reason_part in task["fail_reason"]
    assert len(refunds_of(funded, task["id"])) == 1
    ledger_check()


def test_unreachable_relay_and_wrong_key_refund(configured, funded, sim, ledger_check):
    before = funded.balance()
    configure(configured, f"http://127.0.0.1:{free_port()}", sim.api_key)
    r = funded.request("POST", "/text-to-video", json={"prompt": "nobody home"})
    assert r.status_code == 502 and "unreachable" in r.json()["detail"]
    configure(configured, sim.url, "sk-not-the-key")
    r = funded.request("POST", "/text-to-video", json={"prompt": "bad key"})
    assert r.status_code == 502 and "not set up correctly" in r.json()["detail"] and "API key" not in r.json()["detail"]
    assert funded.balance() == before
    ledger_check()


@pytest.mark.parametrize("directive, reason_part", [
    ("fail=Content policy violation", "reported a failure: Content policy violation"),
    ("novideo", "returned no video"),
    ("video=notvideo", "not an MP4"),
    ("video=missing", "HTTP 404"),
])
def test_failures_after_submit_refund_exactly_once(funded, directive, reason_part, ledger_check):
    before = funded.balance()
    task = submit_text(funded, f"doomed [sim:polls=2;{directive}]")
    done = funded.wait_task(task["id"])
    assert done["status"] == "FAILURE" and reason_part in done["fail_reason"], done
    assert done["refunded"] and done["credits_refunded"] == 100 and done["video_url"] is None
    assert funded.balance() == before
    assert len(refunds_of(funded, task["id"])) == 1
    # Later poller ticks change nothing: a task submitted after it is polled to its end meanwhile.
    later = submit_text(funded, "after it [sim:polls=2]")
    assert funded.wait_task(later["id"])["status"] == "SUCCESS"
    assert funded.balance() == before - later["credits_cost"] and len(refunds_of(funded, task["id"])) == 1
    ledger_check()


@pytest.mark.parametrize("directive", [
    "query_http=500*2", "query_http=502*1", "query_http=429*2", "query_malformed=2", "query_code=2",
    "statuses=QUEUED,UNKNOWN,QUEUED",
])
def test_relay_hiccups_while_polling_do_not_fail_the_task(funded, sim, directive, ledger_check):
    before = funded.balance()
    task = submit_text(funded, f"bumpy [sim:polls=3;{directive}]")
    done = funded.wait_task(task["id"], timeout=90)
    assert done["status"] == "SUCCESS" and not done["refunded"], done
    assert funded.balance() == before - 100
    assert sim.stats()["tasks"][task["external_task_id"]]["queries"] >= 3
    ledger_check()


def test_poll_errors_are_logged_once_per_streak(webui, funded, one_database):
    task = submit_text(funded, "noisy [sim:polls=2;query_http=500*3]")
    funded.wait_task(task["id"], timeout=120)
    lines = [line for line in webui.log.read_text().splitlines() if task["id"] in line and "relay poll failed" in line]
    assert len(lines) == 1, lines


def test_progress_is_reported_while_running(funded):
    task = submit_text(funded, "long [sim:seconds=6]")
    seen = set()
    deadline = time.time() + 60
    while time.time() < deadline:
        t = funded.ok("GET", f"/task/{task['id']}")["task"]
        seen.add((t["status"], t["progress"]))
        if t["status"] == "SUCCESS":
            break
        time.sleep(0.2)
    running = {p for s, p in seen if s == "IN_PROGRESS"}
    assert running and all(p.endswith("%") and 0 < int(p[:-1]) < 100 for p in running), seen
    assert ("SUCCESS", "100%") in seen


def test_timeout_refunds(configured, funded, sim, ledger_check):
    configure(configured, sim.url, None, task_timeout_seconds=5)
    before = funded.balance()
    task = submit_text(funded, "forever [sim:never]")
    done = funded.wait_task(task["id"], timeout=30)
    assert done["status"] == "FAILURE" and "not ready within 5 s" in done["fail_reason"]
    assert funded.balance() == before and len(refunds_of(funded, task["id"])) == 1
    ledger_check()


def test_video_streams_with_range_requests(funded):
    task = submit_text(funded, "seekable [sim:polls=1;duration=3]")
    funded.wait_task(task["id"])
    full = funded.request("GET", f"/task/{task['id']}/video")
    assert full.headers["accept-ranges"] == "bytes" and "inline" in full.headers["content-disposition"]
    part = funded.request("GET", f"/task/{task['id']}/video", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == full.content[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{len(full.content)}"
    dl = funded.request("GET", f"/task/{task['id']}/video", params={"download": "true"})
    assert "attachment" in dl.headers["content-disposition"]


def test_tasks_are_private_to_their_owner(admin, funded, other_user):
    task = submit_text(funded, "mine [sim:polls=1]")
    funded.wait_task(task["id"])
    for method, path in [("GET", f"/task/{task['id']}"), ("DELETE", f"/task/{task['id']}"),
                         ("GET", f"/task/{task['id']}/video")]:
        r = other_user.request(method, path)
        assert r.status_code == 404 and r.json()["detail"] == "Task not found.", (method, path)
    assert other_user.ok("GET", "/history")["total"] == 0
    assert admin.ok("GET", f"/task/{task['id']}")["task"]["user_id"] == funded.id
    assert admin.request("GET", f"/task/{task['id']}/video").status_code == 200
    assert funded.ok("GET", f"/task/{task['id']}")["task"]["status"] == "SUCCESS"


def test_delete_refuses_unfinished_and_removes_finished(webui, funded):
    running = submit_text(funded, "busy [sim:never]")
    r = funded.request("DELETE", f"/task/{running['id']}")
    assert r.status_code == 409 and "still being generated" in r.json()["detail"]
    task = submit_text(funded, "short-lived [sim:polls=1]")
    funded.wait_task(task["id"])
    files_before = set((webui.data_dir / "google_video" / "videos").iterdir())
    assert funded.ok("DELETE", f"/task/{task['id']}")["success"]
    assert funded.request("GET", f"/task/{task['id']}").status_code == 404
    gone = files_before - set((webui.data_dir / "google_video" / "videos").iterdir())
    assert len(gone) == 1 and task["id"] in gone.pop().name


def test_history_pages_filters_and_counts(admin, user):
    grant(admin, user.id, 1000)
    ids = [submit_text(user, f"h{i} [sim:polls=1{';fail=nope' if i % 2 else ''}]")["id"] for i in range(5)]
    for task_id in ids:
        user.wait_task(task_id)
    page1 = user.ok("GET", "/history", params={"limit": 2})
    page3 = user.ok("GET", "/history", params={"limit": 2, "page": 3})
    assert page1["total"] == 5 and len(page1["tasks"]) == 2 and len(page3["tasks"]) == 1
    assert [t["id"] for t in page1["tasks"]] == ids[::-1][:2]
    assert user.ok("GET", "/history", params={"status": "FAILURE"})["total"] == 2
    assert user.ok("GET", "/history", params={"status": "success"})["total"] == 3
    assert user.ok("GET", "/history", params={"status": "RUNNING"})["total"] == 0
    assert user.request("GET", "/history", params={"status": "BOGUS"}).status_code == 400
