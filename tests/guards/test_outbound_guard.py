"""Every URL the module fetches for a user, or from the relay's answer, passes the outbound
guard: real sockets to a stand-in internal service on 127.0.0.1 that must never be reached."""

import pytest

from devstack.api import grant


@pytest.fixture
def funded(admin, user):
    grant(admin, user.id, 1000)
    return user


def submit_image_url(user, url):
    return user.request("POST", "/image-to-video", json={"prompt": "from a URL", "model": "veo3-pro-frames", "images": [url]})


def test_an_image_url_on_an_allowed_site_is_fetched_cleaned_and_sent_as_data(funded, public_site, sim):
    task = funded.ok("POST", "/image-to-video", json={
        "prompt": "from a URL", "model": "veo3-pro-frames", "images": [f"{public_site.url}/image.png"]})["task"]
    assert public_site.hits["/image.png"] >= 1
    # The task keeps the module's own clean copy, not the user's URL.
    assert task["input_images"][0].startswith("/api/v1/google-video/uploads/")
    copy = funded.request("GET", task["input_images"][0].removeprefix("/api/v1/google-video"))
    assert copy.status_code == 200 and copy.headers["content-type"] == "image/png"
    assert funded.wait_task(task["id"])["status"] == "SUCCESS"
    assert sim.stats()["tasks"][task["external_task_id"]]["images"] == 1


BLOCKED_FORMS = [
    "http://127.0.0.1:{port}/image.png",
    "http://localhost:{port}/image.png",
    "http://127.1:{port}/image.png",
    "http://2130706433:{port}/image.png",
    "http://0x7f000001:{port}/image.png",
    "http://0.0.0.0:{port}/image.png",
    "http://[::1]:{port}/image.png",
    "http://[::ffff:127.0.0.1]:{port}/image.png",
    "http://[::ffff:7f00:1]:{port}/image.png",
    "http://[::]:{port}/image.png",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fd00:ec2::254]/latest/meta-data/",
    "http://10.1.2.3/a.png",
    "http://172.16.0.1/a.png",
    "http://192.168.1.1/a.png",
    "http://100.64.0.1/a.png",
    "http://[fe80::1]/a.png",
    "http://[fc00::1]/a.png",
    "http://[2002:7f00:1::]/a.png",  # 6to4 wrapping 127.0.0.1
    "http://[64:ff9b::a00:1]/a.png",  # NAT64 wrapping 10.0.0.1
]


@pytest.mark.parametrize("form", BLOCKED_FORMS)
def test_private_loopback_link_local_and_metadata_addresses_are_refused(funded, internal_site, form):
    before = funded.balance()
    r = submit_image_url(funded, form.format(port=internal_site.port))
    assert r.status_code == 400, r.text
    assert "not allowed" in r.json()["detail"]
    assert funded.balance() == before
    assert sum(internal_site.hits.values()) == 0


def test_a_redirect_to_an_internal_address_is_refused(funded, public_site, internal_site):
    target = f"http://127.0.0.1:{internal_site.port}/image.png"
    r = submit_image_url(funded, f"{public_site.url}/redirect?to={target}")
    assert r.status_code == 400 and "not allowed" in r.json()["detail"]
    assert public_site.hits["/redirect"] >= 1 and sum(internal_site.hits.values()) == 0


@pytest.mark.parametrize("url, message", [
    ("ftp://example.com/a.png", "only http(s)"),
    ("file:///etc/passwd", "only http(s)"),
    ("gopher://127.0.0.1:70/", "only http(s)"),
    ("http://user:secret@{public}/image.png", "credentials"),
    ("http://{public}/oversized.png", "larger than 10 MB"),
    ("http://{public}/page.png", "not a readable PNG, JPEG or WebP"),
    ("http://{public}/missing.png", "HTTP 404"),
    ("http://[::1/a.png", "malformed"),
])
def test_bad_image_urls_get_a_clear_reason_and_cost_nothing(funded, public_site, url, message):
    before = funded.balance()
    r = submit_image_url(funded, url.format(public=f"127.0.0.1:{public_site.port}"))
    assert r.status_code == 400, r.text
    assert message in r.json()["detail"]
    assert funded.balance() == before


def test_a_relay_result_url_pointing_inside_fails_the_task_and_refunds(funded, internal_site, ledger_check):
    before = funded.balance()
    url = f"http://127.0.0.1:{internal_site.port}/video.mp4"
    task = funded.ok("POST", "/text-to-video", json={"prompt": f"inside [sim:polls=1;video_url={url}]", "model": "veo3"})["task"]
    done = funded.wait_task(task["id"])
    assert done["status"] == "FAILURE" and "not allowed" in done["fail_reason"]
    assert done["credits_refunded"] == task["credits_cost"] and funded.balance() == before
    assert sum(internal_site.hits.values()) == 0
    ledger_check()
