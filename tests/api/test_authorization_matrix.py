"""Every endpoint of the module, read from its own OpenAPI document, called anonymously, as the
owner, as another user and as an admin. A new endpoint fails this test until it is classified."""

import httpx
import pytest

from devstack.api import grant
from helpers import data_uri, png_bytes

PREFIX = "/api/v1/google-video"

# Who may call what: "public", "user" (any signed-in user, on their own data), "admin",
# or "owner" (the owner; `admin_too` lets an admin read it as well).
ACCESS = {
    ("GET", "/health"): "public",
    ("GET", "/models"): "user",
    ("GET", "/config/user"): "user",
    ("GET", "/credits"): "user",
    ("GET", "/credits/ledger"): "user",
    ("GET", "/history"): "user",
    ("POST", "/text-to-video"): "user",
    ("POST", "/image-to-video"): "user",
    ("POST", "/upload-image"): "user",
    ("POST", "/quote"): "user",
    ("GET", "/config"): "admin",
    ("POST", "/config"): "admin",
    ("POST", "/test-connection"): "admin",
    ("GET", "/admin/stats"): "admin",
    ("GET", "/providers"): "admin",
    ("GET", "/admin/audit"): "admin",
    ("POST", "/credits/adjust"): "admin",
    ("POST", "/credits/bulk"): "admin",
    ("GET", "/admin/users"): "admin",
    ("GET", "/admin/groups"): "admin",
    ("GET", "/usage"): "user",
    ("GET", "/gallery"): "user",
    ("GET", "/usage.csv"): "user",
    ("GET", "/credits/ledger.csv"): "user",
    ("GET", "/openapi.json"): "admin",
    ("GET", "/uploads/{upload_id}"): "owner",
    ("GET", "/task/{task_id}"): "owner+admin",
    ("GET", "/task/{task_id}/video"): "owner+admin",
    ("GET", "/task/{task_id}/video-url"): "owner+admin",
    ("DELETE", "/task/{task_id}"): "owner",
    ("POST", "/task/{task_id}/cancel"): "owner",
    ("POST", "/task/{task_id}/remix"): "owner",
    ("POST", "/task/{task_id}/extend"): "owner",
    ("GET", "/task/{task_id}/poster"): "owner+admin",
}
# What the owner gets where it is not 200: the world's task has finished, so there is nothing to
# cancel; its relay model can neither be remixed nor extended.
OWNER_ANSWER = {("POST", "/task/{task_id}/cancel"): 409, ("POST", "/task/{task_id}/remix"): 422,
                ("POST", "/task/{task_id}/extend"): 422}
ADMIN_ANSWER: dict = {}


@pytest.fixture
def world(configured, sim, user, other_user):
    for session in (user, other_user, configured):
        grant(configured, session.id, 1000)
    upload = user.ok("POST", "/upload-image", files={"file": ("a.png", png_bytes(), "image/png")})
    task = user.ok("POST", "/text-to-video", json={"prompt": "matrix", "model": "veo3-fast"})["task"]
    assert user.wait_task(task["id"])["status"] == "SUCCESS"
    config = configured.ok("GET", "/config")
    config_form = {k: config[k] for k in ("enabled", "base_url", "max_concurrent_tasks", "task_timeout_seconds",
                                          "poll_interval_seconds", "submits_per_minute", "uploads_per_minute")}
    return {
        "ids": {"upload_id": upload["id"], "task_id": task["id"]},
        "bodies": {
            ("POST", "/config"): {"json": config_form},
            ("POST", "/test-connection"): {"json": {}},
            ("POST", "/credits/adjust"): {"json": {"user_id": user.id, "amount": 1, "reason": "matrix"}},
            ("POST", "/credits/bulk"): {"json": {"amount": 1, "reason": "matrix", "idempotency_key": "matrix-bulk"}},
            ("POST", "/text-to-video"): {"json": {"prompt": "matrix", "model": "veo3-fast"}},
            ("POST", "/image-to-video"): {"json": {"prompt": "matrix", "model": "veo3-pro-frames", "images": [data_uri()]}},
            ("POST", "/upload-image"): {"files": {"file": ("a.png", png_bytes(), "image/png")}},
            ("POST", "/quote"): {"json": {"model": "veo3"}},
            ("POST", "/task/{task_id}/remix"): {"json": {"prompt": "matrix"}},
            ("POST", "/task/{task_id}/extend"): {"json": {"prompt": "matrix"}},
        },
    }


def expected(access: str, role: str) -> int:
    if access == "public":
        return 200
    if role == "anonymous":
        return 401
    if access == "user":
        return 200
    if access == "admin":
        return 200 if role == "admin" else 401
    if role == "owner":
        return 200
    return 200 if role == "admin" and access == "owner+admin" else 404


def test_every_endpoint_answers_each_role_as_specified(webui, configured, user, other_user, world):
    schema = configured.ok("GET", "/openapi.json")
    endpoints = sorted(
        (method.upper(), path.removeprefix(PREFIX))
        for path, operations in schema["paths"].items()
        for method in operations
    )
    assert set(endpoints) == set(ACCESS), "classify every endpoint in ACCESS"
    callers = {"anonymous": httpx.Client(base_url=webui.url, timeout=60), "owner": user.http,
               "other user": other_user.http, "admin": configured.http}
    # The owner's DELETE goes last: it removes the task the other calls read.
    order = sorted(((e, r) for e in endpoints for r in callers), key=lambda er: (er[0][0] == "DELETE" and er[1] == "owner"))
    results = {}
    for (method, template), role in order:
        path = PREFIX + template.format(**world["ids"])
        r = callers[role].request(method, path, **world["bodies"].get((method, template), {}))
        results[(method, template, role)] = r.status_code
    special = {"owner": OWNER_ANSWER, "admin": ADMIN_ANSWER}
    wrong = {k: v for k, v in results.items()
             if v != special.get(k[2], {}).get(k[:2], expected(ACCESS[k[:2]], k[2]))}
    assert not wrong, wrong
