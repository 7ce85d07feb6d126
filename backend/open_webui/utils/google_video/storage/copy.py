"""Copy a finished video from the provider into storage as it streams: the container is
checked by its magic bytes, the size is capped, the SHA-256 and the MP4 duration are computed
on the way, and at most two parts (one being uploaded, one filling) are in memory."""

import asyncio
import hashlib
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import AsyncIterator, Optional

import httpx

from open_webui.utils.google_video.guards.net_guard import MAX_REDIRECTS, BlockedAddressError, check_url_form
from open_webui.utils.google_video.providers.base import ResultSource, origin_of
from open_webui.utils.google_video.storage.base import ObjectStorage, UploadWriter
from open_webui.utils.google_video.media.video_file import MoovCatcher, sniff_container

DEFAULT_MAX_VIDEO_BYTES = 500 * 1024 * 1024
PART_BYTES = 8 * 1024 * 1024  # S3 and COS take parts of 5 MB and more
_READ_CHUNK = 256 * 1024
_SNIFF_BYTES = 16
HEAD_BYTES = 8 * 1024 * 1024  # a faststart MP4's first frame is in here (moov first, then the first samples)


class VideoFetchError(Exception):
    """The source failed. `permanent` means retrying the same URL cannot help (not a video, 404,
    too large, not allowed)."""

    def __init__(self, message: str, permanent: bool):
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class StoredVideo:
    key: str
    size: int
    duration_ms: Optional[int]
    sha256: str
    head: bytes = field(default=b"", repr=False)  # the first bytes, for the poster frame (not stored)


async def copy_video(
    http: httpx.AsyncClient, source: ResultSource, storage: ObjectStorage, task_id: str,
    max_bytes: int = DEFAULT_MAX_VIDEO_BYTES,
) -> StoredVideo:
    """Raises VideoFetchError for source problems and StorageError for destination problems.

    Each attempt gets its own key, so a worker that lost its lease never overwrites or deletes
    the copy another worker delivered.
    """
    stem = f"videos/{task_id}-{uuid.uuid4().hex[:8]}"
    if source.data is not None:
        return await _store_chunks(_chunks_of(source.data), storage, stem, max_bytes)
    try:
        async with open_source(http, source) as resp:
            if 400 <= resp.status_code < 500 and resp.status_code != 429:
                raise VideoFetchError(f"video URL answered HTTP {resp.status_code}", permanent=True)
            if resp.status_code != 200:
                raise VideoFetchError(f"video URL answered HTTP {resp.status_code}", permanent=False)
            return await _store_chunks(resp.aiter_bytes(_READ_CHUNK), storage, stem, max_bytes)
    except BlockedAddressError as e:
        raise VideoFetchError(f"the video URL is not allowed: {e}", permanent=True)
    except httpx.TooManyRedirects:
        raise VideoFetchError("the video URL redirects too often", permanent=True)
    except httpx.InvalidURL:
        raise VideoFetchError("the video URL is malformed", permanent=True)
    except httpx.HTTPError as e:
        raise VideoFetchError(f"video download failed: {type(e).__name__}", permanent=False)


@asynccontextmanager
async def open_source(http: httpx.AsyncClient, source: ResultSource) -> AsyncIterator[httpx.Response]:
    """The response for `source` after its redirects (each hop through the client's address
    guard); the source's headers (a key) go to its own origin only, never to a redirect target."""
    url, headers = check_url_form(source.url), dict(source.headers)
    for _ in range(MAX_REDIRECTS + 1):
        async with http.stream("GET", url, headers=headers, follow_redirects=False) as resp:
            if not resp.is_redirect:
                yield resp
                return
            target = str(resp.url.join(resp.headers["location"]))
        if origin_of(target) != origin_of(url):
            headers = {}
        url = check_url_form(target)
    raise httpx.TooManyRedirects("too many redirects")


async def _chunks_of(data: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(data), _READ_CHUNK):
        yield data[start:start + _READ_CHUNK]


async def _store_chunks(chunks: AsyncIterator[bytes], storage: ObjectStorage, stem: str, max_bytes: int) -> StoredVideo:
    """Streams `chunks` into storage: the container sniffed from the first bytes, the size capped,
    the SHA-256 and MP4 duration computed on the way, at most two parts in memory."""
    writer: Optional[UploadWriter] = None
    uploading: Optional[asyncio.Task] = None
    digest, moov = hashlib.sha256(), MoovCatcher()
    buffer, size, container, head = bytearray(), 0, None, bytearray()
    try:
        async for chunk in chunks:
            if len(head) < HEAD_BYTES:
                head += chunk[:HEAD_BYTES - len(head)]
            size += len(chunk)
            if size > max_bytes:
                raise VideoFetchError(f"video is larger than the {max_bytes // (1024 * 1024)} MB limit", permanent=True)
            digest.update(chunk)
            moov.feed(chunk)
            buffer += chunk
            if container is None and len(buffer) >= _SNIFF_BYTES:
                container = _container_of(bytes(buffer[:_SNIFF_BYTES]))
                writer = await storage.start_upload(f"{stem}.{container}")
            if writer is not None and len(buffer) >= PART_BYTES:
                if uploading is not None:
                    await uploading  # back-pressure: at most one part uploading while the next fills
                uploading = asyncio.create_task(writer.write_part(bytes(buffer)))
                buffer = bytearray()
        if container is None:
            _container_of(bytes(buffer))  # raises: empty or too short to be a video
        if uploading is not None:
            await uploading
        await writer.complete(bytes(buffer))
        writer = None
    finally:
        if uploading is not None and not uploading.done():
            uploading.cancel()
            await asyncio.gather(uploading, return_exceptions=True)
        if writer is not None:
            await writer.abort()
    duration = moov.duration_seconds() if container == "mp4" else None
    return StoredVideo(f"{stem}.{container}", size, int(duration * 1000) if duration is not None else None,
                       digest.hexdigest(), bytes(head))


def _container_of(head: bytes) -> str:
    container = sniff_container(head)
    if container is None:
        raise VideoFetchError("the provider's file is empty or not an MP4, MOV or WebM video", permanent=True)
    return container

