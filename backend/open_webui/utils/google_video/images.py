"""Input images: decode and re-encode what users send, and turn references into relay inputs.

Re-encoding with Pillow proves the bytes are an image, drops EXIF and anything appended to the
file, and lets us cap the pixel count before decoding a decompression bomb.
"""

import base64
import binascii
import io
import re
import uuid
from dataclasses import dataclass
from typing import Optional
from urllib.parse import urlsplit

from PIL import Image, UnidentifiedImageError

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
MAX_URL_LENGTH = 2048
UPLOAD_URL_PREFIX = "/api/v1/google-video/uploads/"

_FORMATS = {"PNG": ("image/png", "png"), "JPEG": ("image/jpeg", "jpg"), "WEBP": ("image/webp", "webp")}
_DATA_URI_RE = re.compile(r"^data:image/(png|jpeg|jpg|webp);base64,(.*)$", re.DOTALL)
_UPLOAD_ID_RE = re.compile(r"^[0-9a-f]{32}$")


class ImageInputError(ValueError):
    """A user-facing message about one input image."""


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    mime_type: str
    extension: str
    width: int
    height: int


def clean_image(raw: bytes) -> CleanImage:
    if len(raw) > MAX_IMAGE_BYTES:
        raise ImageInputError(f"Image is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB.")
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            fmt = probe.format
            width, height = probe.size
            if fmt not in _FORMATS:
                raise ImageInputError("Only PNG, JPEG and WebP images are accepted.")
            if width * height > MAX_IMAGE_PIXELS:
                raise ImageInputError(f"Image has too many pixels ({width}x{height}).")
            probe.load()
            image = probe.copy()
    except ImageInputError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ImageInputError("The file is not a readable PNG, JPEG or WebP image.")
    mime, ext = _FORMATS[fmt]
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, format=fmt, **({"quality": 95} if fmt in ("JPEG", "WEBP") else {}))
    return CleanImage(out.getvalue(), mime, ext, width, height)


def decode_data_uri(value: str) -> bytes:
    m = _DATA_URI_RE.match(value)
    if not m:
        raise ImageInputError("Base64 images must be data URIs of PNG, JPEG or WebP.")
    payload = m.group(2)
    if len(payload) > MAX_IMAGE_BYTES * 4 // 3 + 4:
        raise ImageInputError(f"Image is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB.")
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise ImageInputError("The base64 image data is invalid.")


def upload_id_from_reference(value: str) -> Optional[str]:
    """The upload id in '/api/v1/google-video/uploads/<id>' or a bare id, else None."""
    candidate = value[len(UPLOAD_URL_PREFIX):] if value.startswith(UPLOAD_URL_PREFIX) else value
    return candidate if _UPLOAD_ID_RE.match(candidate) else None


def check_remote_url(value: str) -> str:
    if len(value) > MAX_URL_LENGTH:
        raise ImageInputError("Image URL is too long.")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImageInputError("Image URLs must be http(s) URLs.")
    if parts.username or parts.password:
        raise ImageInputError("Image URLs must not contain credentials.")
    return value


def new_upload_id() -> str:
    return uuid.uuid4().hex


def to_data_uri(data: bytes, mime_type: str) -> str:
    return f"data:{mime_type};base64,{base64.b64encode(data).decode('ascii')}"
