"""A small client for the host's auth API and the module's API, over real HTTP."""

import time
import uuid
from typing import Any, Optional

import httpx

PREFIX = "/api/v1/google-video"


class ApiError(Exception):
    def __init__(self, response: httpx.Response):
        super().__init__(f"HTTP {response.status_code}: {response.text[:500]}")
        self.response = response


class Session:
    """One signed-in user of a running Open WebUI."""

    def __init__(self, base_url: str, token: str, user: dict):
        self.base_url = base_url
        self.token = token
        self.user = user
        self.id = user["id"]
        self.http = httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=60)

    def request(self, method: str, path: str, **kw) -> httpx.Response:
        return self.http.request(method, PREFIX + path, **kw)

    def ok(self, method: str, path: str, **kw) -> Any:
        r = self.request(method, path, **kw)
        if r.status_code != 200:
            raise ApiError(r)
        return r.json()

    def balance(self) -> int:
        return self.ok("GET", "/credits")["credits"]

    def wait_task(self, task_id: str, statuses=("SUCCESS", "FAILURE"), timeout: float = 60) -> dict:
        deadline = time.time() + timeout
        while True:
            task = self.ok("GET", f"/task/{task_id}")["task"]
            if task["status"] in statuses:
                return task
            if time.time() > deadline:
                raise TimeoutError(f"task {task_id} still {task['status']} after {timeout} s")
            time.sleep(0.3)


def signup(base_url: str, name: str, email: str, password: str) -> Session:
    r = httpx.post(f"{base_url}/api/v1/auths/signup", json={"name": name, "email": email, "password": password}, timeout=60)
    if r.status_code != 200:
        raise ApiError(r)
    body = r.json()
    return Session(base_url, body["token"], body)


def signin(base_url: str, email: str, password: str) -> Session:
    r = httpx.post(f"{base_url}/api/v1/auths/signin", json={"email": email, "password": password}, timeout=60)
    if r.status_code != 200:
        raise ApiError(r)
    body = r.json()
    return Session(base_url, body["token"], body)


def add_user(admin: Session, name: Optional[str] = None, role: str = "user", password: str = "pw-123456") -> Session:
    """Create a user through the host's admin API (signup closes after the first user), then sign in."""
    name = name or f"user-{uuid.uuid4().hex[:8]}"
    email = f"{name}@example.com"
    r = admin.http.post("/api/v1/auths/add", json={"name": name, "email": email, "password": password, "role": role})
    if r.status_code != 200:
        raise ApiError(r)
    return signin(admin.base_url, email, password)


# Every setting, so each configure() starts from the same baseline (a save changes only the fields sent).
BASELINE_CONFIG = {
    "enabled": True, "default_text_model": "veo3", "default_image_model": "veo3-pro-frames",
    "default_enhance_prompt": False, "model_credits_config": {}, "model_pricing": {}, "extra_parameters": {},
    "disabled_models": [], "custom_models": [], "host_link_enabled": False,
    "max_concurrent_tasks": 5, "task_timeout_seconds": 120, "poll_interval_seconds": 1,
    "relay_max_requests_per_second": 20,
    # Tests and benchmarks submit in bursts; the rate-limit tests set their own limits.
    "submits_per_minute": 0, "uploads_per_minute": 0,
    "blocked_words": [], "storage_backend": "local", "storage_prefix": "",
    "cos_region": "", "cos_bucket": "", "cos_secret_id": "", "cos_domain": "", "cos_endpoint": "",
    "s3_endpoint_url": "", "s3_region": "", "s3_bucket": "", "s3_access_key_id": "",
    "max_video_mb": 500, "retention_days": 0, "signed_url_seconds": 600,
}


def configure(admin: Session, relay_url: str, api_key: Optional[str], **overrides) -> dict:
    form = {**BASELINE_CONFIG, "base_url": relay_url, "api_key": api_key, **overrides}
    return admin.ok("POST", "/config", json=form)["config"]


def grant(admin: Session, user_id: str, amount: int, reason: str = "test grant") -> int:
    return admin.ok("POST", "/credits/adjust", json={"user_id": user_id, "amount": amount, "reason": reason})["balance"]
