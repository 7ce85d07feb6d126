"""Large bodies that are refused anyway are refused from the headers, before the body is read
(utils/google_video/early_refusal.py), with the answer the route gives, over real sockets.

How "before it is read" is proven: the request declares a 10 MB body but only its first 16 KB are
sent; the answer arrives although the server cannot have the rest. Without the pre-check the server
waits for the whole body and no answer comes. What happens to the connection then: with a declared
length the client may send the rest (the server discards it unparsed) and send its next request on
the same connection; a chunked body, or a client waiting for `100 Continue`, gets `Connection: close`.
"""

import io
import os
import re
import select
import socket
import uuid
from typing import Optional
from urllib.parse import urlsplit

import httpx
import pytest
from PIL import Image

from devstack.api import add_user, configure, grant

PREFIX = "/api/v1/google-video"
DECLARED = 10 * 1024 * 1024  # within the cap of the routes that take images, far over the 64 KB threshold
LARGE_BODY_ROUTES = ("/image-to-video", "/upload-image")
SMALL_CAP = 1024 * 1024  # every other route's body cap
FIRST_CHUNK = 16 * 1024
ANSWER_WITHIN = 30  # seconds: a bound for a loaded machine, not a wait (the answer ends it)
BOUNDARY = "early-refusal-boundary"
IMAGE_MODEL = "veo3-pro-frames"


def json_start() -> bytes:
    return b'{"prompt": "a large request", "model": "' + IMAGE_MODEL.encode() + b'", "images": ["data:image/png;base64,' \
        + b"A" * FIRST_CHUNK


def multipart_start() -> bytes:
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.png\"\r\n"
            "Content-Type: image/png\r\n\r\n").encode() + b"\0" * FIRST_CHUNK


class EarlyAnswer:
    status: int
    headers: dict
    detail: object
    closed: bool = False  # the server closed the connection after answering
    next_status: Optional[int] = None  # the answer to a request sent after the rest of the body


def read_response(sock: socket.socket) -> tuple[int, dict, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"the connection closed without an answer: {data!r}"
        data += chunk
    head_text, _, body = data.partition(b"\r\n\r\n")
    lines = head_text.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    while len(body) < int(headers.get("content-length", 0)):
        chunk = sock.recv(65536)
        assert chunk, "the connection closed in the middle of the answer"
        body += chunk
    return int(lines[0].split()[1]), headers, body


def send_first_chunk(base_url: str, path: str, authorization: Optional[str], *, upload: bool = False,
                     cookie: Optional[str] = None, framing: str = "length", finish: bool = False) -> EarlyAnswer:
    """Declare a large body (10 MB; 1 MB on routes capped there; or chunked), send its first 16 KB,
    and read the answer that comes before the rest. Fails if no answer comes (the server is waiting
    for the body). `framing`: "length", "chunked", or "expect" (Content-Length and Expect:
    100-continue, the first chunk not sent). `finish`: then send the rest of the body and a GET
    /health on the same connection."""
    declared = DECLARED if path in LARGE_BODY_ROUTES else SMALL_CAP
    parts = urlsplit(base_url)
    first = multipart_start() if upload else json_start()
    head = (f"POST {PREFIX}{path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            + ("Transfer-Encoding: chunked\r\n" if framing == "chunked" else f"Content-Length: {declared}\r\n")
            + ("Expect: 100-continue\r\n" if framing == "expect" else "")
            + (f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n" if upload else "Content-Type: application/json\r\n")
            + (f"Authorization: {authorization}\r\n" if authorization else "")
            + (f"Cookie: token={cookie}\r\n" if cookie else "") + "\r\n").encode()
    sent = {"length": head + first, "chunked": head + f"{len(first):x}\r\n".encode() + first + b"\r\n",
            "expect": head}[framing]
    answer = EarlyAnswer()
    with socket.create_connection((parts.hostname, parts.port), timeout=ANSWER_WITHIN) as sock:
        sock.sendall(sent)
        ready, _, _ = select.select([sock], [], [], ANSWER_WITHIN)
        assert ready, f"no answer within {ANSWER_WITHIN} s: the server is waiting for the rest of the body"
        answer.status, answer.headers, body = read_response(sock)
        answer.detail = httpx.Response(200, content=body).json()["detail"]
        if answer.headers.get("connection") == "close":
            answer.closed = sock.recv(65536) == b""  # the server closes once it has answered
        elif finish:
            rest = declared - len(first)
            sock.sendall(b"\0" * rest + f"GET {PREFIX}/health HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n".encode())
            answer.next_status = read_response(sock)[0]
    return answer


def assert_refused_before_reading(answer: EarlyAnswer, status: int, closes: bool = False) -> None:
    """The answer came before the body (send_first_chunk checks that); with `closes`, the server
    also said `Connection: close` and closed."""
    assert answer.status == status, (answer.status, answer.detail)
    if closes:
        assert answer.headers.get("connection") == "close" and answer.closed
    else:
        assert "connection" not in answer.headers, "a body of declared length is discarded, the connection kept"


def small_answer(base_url: str, path: str, authorization: Optional[str], *, upload: bool = False) -> httpx.Response:
    """The route's own answer to the same request with a small, well-formed body."""
    headers = {"Authorization": authorization} if authorization else {}
    if upload:
        return httpx.post(base_url + PREFIX + path, headers=headers, timeout=60,
                          files={"file": ("a.png", noise_png(16), "image/png")})
    return httpx.post(base_url + PREFIX + path, headers=headers, timeout=60,
                      json={"prompt": "a small request", "model": IMAGE_MODEL, "images": [data_uri(noise_png(16))]})


def noise_png(side: int) -> bytes:
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, format="PNG")
    return out.getvalue()


def data_uri(png: bytes) -> str:
    import base64

    return "data:image/png;base64," + base64.b64encode(png).decode()


def large_image_body(prompt: str, **extra) -> dict:
    """A well-formed image-to-video body of about 260 KB (one PNG of noise)."""
    return {"prompt": prompt, "model": IMAGE_MODEL, "images": [data_uri(noise_png(280))], **extra}


def large_upload() -> dict:
    return {"file": ("noise.png", noise_png(280), "image/png")}


def price_of(admin, model: str = IMAGE_MODEL) -> int:
    return admin.ok("GET", "/config")["model_credits_config"][model]


def without_retry_after(detail: str) -> str:
    return re.sub(r"Try again in \d+ s", "Try again in N s", detail)


# 1. The token: refused as the host refuses it


@pytest.mark.parametrize("path, upload", [("/image-to-video", False), ("/upload-image", True), ("/quote", False)])
def test_a_large_body_without_a_valid_token_gets_the_hosts_401_before_it_is_read(webui, admin, configured, path, upload):
    deleted = add_user(admin)
    assert admin.http.delete(f"/api/v1/users/{deleted.id}").status_code == 200
    for authorization in (None, "Bearer not-a-jwt", "Bearer sk-not-a-key", f"Bearer {deleted.token}"):
        early = send_first_chunk(webui.url, path, authorization, upload=upload)
        assert_refused_before_reading(early, 401)
        route = small_answer(webui.url, path, authorization, upload=upload)
        assert (early.status, early.detail) == (route.status_code, route.json()["detail"]), authorization


def test_a_user_token_on_an_admin_route_gets_the_hosts_answer_before_the_body_is_read(webui, user):
    early = send_first_chunk(webui.url, "/config", f"Bearer {user.token}")
    assert_refused_before_reading(early, 401)
    route = user.request("POST", "/config", json={"enabled": True})
    assert (early.status, early.detail) == (route.status_code, route.json()["detail"])


def test_a_token_cookie_is_checked_like_the_bearer_header(webui, user):
    early = send_first_chunk(webui.url, "/image-to-video", None, cookie="not-a-jwt")
    assert_refused_before_reading(early, 401)


def test_the_connection_after_an_early_refusal(webui, user):
    # A declared length: the rest of the body is discarded unparsed, the connection carries on.
    early = send_first_chunk(webui.url, "/image-to-video", None, finish=True)
    assert_refused_before_reading(early, 401)
    assert early.next_status == 200
    # No length to end at, or a client that has not sent its body: answered, then closed.
    assert_refused_before_reading(send_first_chunk(webui.url, "/image-to-video", None, framing="chunked"), 401, closes=True)
    expecting = send_first_chunk(webui.url, "/upload-image", "Bearer not-a-jwt", upload=True, framing="expect")
    assert_refused_before_reading(expecting, 401, closes=True)  # the final answer, no "100 Continue" first
    # A client that sends the whole body before it reads (httpx, browsers) gets the answer, not a reset.
    r = httpx.post(webui.url + PREFIX + "/image-to-video", content=json_start() + b"A" * (DECLARED - FIRST_CHUNK - 200),
                   headers={"Content-Type": "application/json"}, timeout=60)
    assert r.status_code == 401


def test_a_large_remix_of_a_task_that_is_not_the_users_gets_404_before_it_is_read(webui, user):
    early = send_first_chunk(webui.url, "/task/0123456789abcdef/remix", f"Bearer {user.token}")
    assert_refused_before_reading(early, 404)
    route = user.request("POST", "/task/0123456789abcdef/remix", json={"prompt": "at night"})
    assert (early.status, early.detail) == (route.status_code, route.json()["detail"])


# 2. The rate limit, looked up without counting


def test_a_rate_limited_users_large_body_gets_429_before_it_is_read(webui, admin, configured, sim, user):
    configure(admin, sim.url, None, submits_per_minute=2)
    grant(admin, user.id, 2 * price_of(admin))
    first = user.ok("POST", "/image-to-video", json=large_image_body("first [sim:never]"))["task"]
    # The pre-check looked the limit up without counting: this large request is the second attempt.
    second = user.ok("POST", "/image-to-video", json=large_image_body("second [sim:never]"))["task"]
    assert first["id"] != second["id"] and user.balance() == 0
    early = send_first_chunk(webui.url, "/image-to-video", f"Bearer {user.token}")
    assert_refused_before_reading(early, 429)
    assert 1 <= int(early.headers["retry-after"]) <= 60
    route = small_answer(webui.url, "/image-to-video", f"Bearer {user.token}")
    assert route.status_code == 429
    assert without_retry_after(early.detail) == without_retry_after(route.json()["detail"])
    assert "2 per minute" in early.detail and "Nothing was charged" in early.detail


def test_an_upload_over_the_limit_gets_429_before_it_is_read(webui, admin, configured, sim, user):
    configure(admin, sim.url, None, uploads_per_minute=1)
    assert user.request("POST", "/upload-image", files=large_upload()).status_code == 200
    early = send_first_chunk(webui.url, "/upload-image", f"Bearer {user.token}", upload=True)
    assert_refused_before_reading(early, 429)
    route = small_answer(webui.url, "/upload-image", f"Bearer {user.token}", upload=True)
    assert route.status_code == 429
    assert without_retry_after(early.detail) == without_retry_after(route.json()["detail"])


# 3. The balance


def test_a_broke_users_large_body_gets_402_before_it_is_read_and_counts_as_the_route_would(
        webui, admin, configured, sim, user):
    configure(admin, sim.url, None, submits_per_minute=2)
    answers = [send_first_chunk(webui.url, "/image-to-video", f"Bearer {user.token}") for _ in range(3)]
    # As through the route: a submit refused for credits is an attempt, so the third is over the limit.
    for answer, status in zip(answers, (402, 402, 429)):
        assert_refused_before_reading(answer, status)
    cheapest = min(m["price"] for m in user.ok("GET", "/models")["image_to_video_models"])
    assert answers[0].detail == f"Insufficient credits: your balance is 0 and the cheapest video here costs {cheapest}."
    assert user.balance() == 0


def test_a_disabled_service_answers_before_the_body_is_read(webui, admin, configured, sim, user):
    configure(admin, sim.url, None, enabled=False)
    early = send_first_chunk(webui.url, "/image-to-video", f"Bearer {user.token}")
    assert_refused_before_reading(early, 400)
    route = small_answer(webui.url, "/image-to-video", f"Bearer {user.token}")
    assert (early.status, early.detail) == (route.status_code, route.json()["detail"])


def test_welcome_credits_are_granted_before_the_balance_is_checked(admin, configured, sim):
    configure(admin, sim.url, None, welcome_credits=price_of(admin))
    try:
        newcomer = add_user(admin)
        r = newcomer.request("POST", "/image-to-video", json=large_image_body("welcome [sim:never]"))
        assert r.status_code == 200, r.text
        assert newcomer.balance() == 0
    finally:
        configure(admin, sim.url, None, welcome_credits=0)


def test_an_idempotent_retry_of_a_large_submit_that_spent_the_last_credits_gets_its_task(admin, configured, user):
    grant(admin, user.id, price_of(admin))
    body = large_image_body("the last credits [sim:never]", idempotency_key=f"last-{uuid.uuid4().hex}")
    first = user.ok("POST", "/image-to-video", json=body)
    assert first["credits"] == 0
    again = user.ok("POST", "/image-to-video", json=body)  # its task is unfinished: the route replays it
    assert again["task"]["id"] == first["task"]["id"] and user.balance() == 0


# 4. Requests that pass are served as before


def test_large_valid_requests_still_work(admin, configured, user):
    grant(admin, user.id, price_of(admin))
    uploaded = user.ok("POST", "/upload-image", files=large_upload())
    assert uploaded["width"] == 280
    task = user.ok("POST", "/image-to-video", json=large_image_body("accepted [sim:never]"))["task"]
    assert task["status"] != "FAILURE" and user.balance() == 0


def test_an_api_key_works_on_large_bodies_as_the_host_allows_it(webui, admin, configured):
    auths = admin.http.get("/api/v1/auths/admin/config").json()
    try:
        admin.http.post("/api/v1/auths/admin/config", json={**auths, "ENABLE_API_KEYS": True}).raise_for_status()
        key = admin.http.post("/api/v1/auths/api_key").json()["api_key"]
        r = httpx.post(webui.url + PREFIX + "/upload-image", headers={"Authorization": f"Bearer {key}"},
                       files=large_upload(), timeout=60)
        assert r.status_code == 200, r.text
        assert_refused_before_reading(send_first_chunk(webui.url, "/upload-image", "Bearer sk-wrong", upload=True), 401)

        admin.http.post("/api/v1/auths/admin/config", json={**auths, "ENABLE_API_KEYS": False}).raise_for_status()
        early = send_first_chunk(webui.url, "/upload-image", f"Bearer {key}", upload=True)
        assert_refused_before_reading(early, 403)  # API keys switched off: the host's own 403
        route = small_answer(webui.url, "/upload-image", f"Bearer {key}", upload=True)
        assert (early.status, early.detail) == (route.status_code, route.json()["detail"])
    finally:
        admin.http.post("/api/v1/auths/admin/config", json=auths).raise_for_status()


def test_a_small_body_keeps_the_routes_whole_order(webui, admin, configured, sim, user):
    """Below the threshold nothing changes: a broke user's malformed small body is still a 422."""
    r = user.request("POST", "/image-to-video", json={"prompt": "x", "model": IMAGE_MODEL, "images": "not a list"})
    assert r.status_code == 422
