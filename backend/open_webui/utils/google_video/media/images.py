"""Input images: decode and re-encode what users send, and turn references into relay inputs.

Re-encoding with Pillow proves the bytes are an image, drops EXIF and anything appended to the
file, and lets us cap the pixel count before decoding a decompression bomb.
"""

import asyncio
import base64
import binascii
import io
import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Optional, TypeVar

import httpx
from PIL import Image, UnidentifiedImageError

from open_webui.utils.google_video import settings
from open_webui.utils.google_video.guards.net_guard import BlockedAddressError, check_url_form

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
MAX_DATA_URI_CHARS = MAX_IMAGE_BYTES * 4 // 3 + 64
IMAGE_FETCH_SECONDS = 15
UPLOAD_URL_PREFIX = "/api/v1/google-video/uploads/"

# MPO is a JPEG with extra frames (the MPF segment many phone cameras write): its first frame is kept.
_FORMATS = {"PNG": ("image/png", "png"), "JPEG": ("image/jpeg", "jpg"), "MPO": ("image/jpeg", "jpg"),
            "WEBP": ("image/webp", "webp")}
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
    except Image.DecompressionBombError:  # Pillow's own guard, for headers far past our limit
        raise ImageInputError("Image has too many pixels.")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ImageInputError("The file is not a readable PNG, JPEG or WebP image.")
    mime, ext = _FORMATS[fmt]
    fmt = "JPEG" if fmt == "MPO" else fmt
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, format=fmt, **({"quality": 95} if fmt in ("JPEG", "WEBP") else {}))
    return CleanImage(out.getvalue(), mime, ext, width, height)


def clean_data_uri(value: str) -> CleanImage:
    return clean_image(decode_data_uri(value))


def decode_data_uri(value: str) -> bytes:
    m = _DATA_URI_RE.match(value)
    if not m:
        raise ImageInputError("Base64 images must be data URIs of PNG, JPEG or WebP.")
    payload = m.group(2)
    if len(value) > MAX_DATA_URI_CHARS:
        raise ImageInputError(f"Image is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB.")
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise ImageInputError("The base64 image data is invalid.")


def upload_id_from_reference(value: str) -> Optional[str]:
    """The upload id in '/api/v1/google-video/uploads/<id>' or a bare id, else None."""
    candidate = value[len(UPLOAD_URL_PREFIX):] if value.startswith(UPLOAD_URL_PREFIX) else value
    return candidate if _UPLOAD_ID_RE.match(candidate) else None


async def download_image(client: httpx.AsyncClient, url: str) -> bytes:
    """Fetch a user's image URL through the outbound guard, with size and time caps."""
    try:
        check_url_form(url)
        async with asyncio.timeout(IMAGE_FETCH_SECONDS):
            async with client.stream("GET", url) as resp:
                if resp.status_code != 200:
                    raise ImageInputError(f"The image URL answered HTTP {resp.status_code}.")
                chunks, size = [], 0
                async for chunk in resp.aiter_bytes():
                    size += len(chunk)
                    if size > MAX_IMAGE_BYTES:
                        raise ImageInputError(f"Image is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB.")
                    chunks.append(chunk)
                return b"".join(chunks)
    except BlockedAddressError as e:
        raise ImageInputError(f"The image URL is not allowed: {e}.")
    except TimeoutError:
        raise ImageInputError(f"The image URL did not deliver within {IMAGE_FETCH_SECONDS} s.")
    except httpx.TooManyRedirects:
        raise ImageInputError("The image URL redirects too often.")
    except httpx.InvalidURL:
        raise ImageInputError("The image URL is malformed.")
    except httpx.HTTPError:
        raise ImageInputError("The image URL could not be fetched.")


T = TypeVar("T")


class ImageWorkersBusy(Exception):
    """More images are waiting to be decoded than the pool accepts; the caller should retry later."""


class ImageWorkers:
    """A bounded pool for Pillow work, so decoding never runs on the event loop (Pillow releases
    the GIL while it decodes and encodes) and a burst of large images queues instead of piling up
    memory: past `max_waiting` queued images new ones are refused at once."""

    def __init__(self, workers: Optional[int] = None, max_waiting: Optional[int] = None):
        workers = workers or settings.IMAGE_WORKERS
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="google-video-images")
        self._max_waiting = max_waiting or workers * 8
        self._queued = 0

    async def run(self, fn: Callable[..., T], *args) -> T:
        if self._queued >= self._max_waiting:
            raise ImageWorkersBusy()
        self._queued += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)
        finally:
            self._queued -= 1

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def new_upload_id() -> str:
    return uuid.uuid4().hex


def to_data_uri(data: bytes, mime_type: str) -> str:
    return f"data:{mime_type};base64,{base64.b64encode(data).decode('ascii')}"
