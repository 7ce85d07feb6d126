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
