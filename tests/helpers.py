"""Small helpers shared by the tests."""

import base64
import io

from PIL import Image


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
