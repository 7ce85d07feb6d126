"""Small helpers shared by the tests."""

import base64
import io
import secrets
from pathlib import Path
from typing import Optional

from PIL import Image

from devstack.processes import WebUI

POLL_TICK_SECONDS = "0.3"
FAKE_TOKEN = "fk-" + secrets.token_hex(12)  # the fake provider's secret setting
# INFO, so the check that no secret is ever logged reads what an operator's logs would hold.
SERVER_LOG_LEVEL = "info"
SORA = "openai/sora-2"
SORA_IMAGE = "openai/sora-2:image"


def png_bytes(color=(200, 20, 20), size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def data_uri(color=(200, 20, 20)) -> str:
    return "data:image/png;base64," + base64.b64encode(png_bytes(color)).decode()


def ledger(session, **params) -> list[dict]:
    return session.ok("GET", "/credits/ledger", params={"limit": 200, **params})["entries"]


# The direct providers configured against their simulators (fixture `direct` in conftest).
def gemini_settings(gemini_sim, key=None):
    # The API on localhost, so its CDN (the simulator on 127.0.0.1) is another origin.
    return {"api_key": key or gemini_sim.api_key, "base_url": f"http://localhost:{gemini_sim.port}"}


def vertex_settings(vertex_sim, **more):
    return {"service_account_json": vertex_sim.key_text, "location": "us-central1", "api_endpoint": vertex_sim.url,
            "storage_endpoint": vertex_sim.url, **more}


def openai_settings(openai_sim, **more):
    return {"api_key": openai_sim.api_key, "base_url": f"{openai_sim.url}/v1", **more}


def assert_no_secret_in_log(log_path: Path, *secrets_: str) -> None:
    text = log_path.read_text(errors="replace")
    for secret in secrets_:
        assert secret not in text, f"a secret appears in {log_path}"


def server_env(database_url: Optional[str], **extra) -> dict:
    env = {"GOOGLE_VIDEO_POLL_TICK_SECONDS": POLL_TICK_SECONDS, "LOG_LEVEL": SERVER_LOG_LEVEL,
           "GOOGLE_VIDEO_COPY_RETRY_SECONDS": "1", "GOOGLE_VIDEO_RETENTION_SWEEP_SECONDS": "1",
           "GLOBAL_LOG_LEVEL": SERVER_LOG_LEVEL.upper(), **extra}
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def database_url_of(server: WebUI) -> str:
    return server.extra_env.get("DATABASE_URL") or f"sqlite:///{server.data_dir / 'webui.db'}"
