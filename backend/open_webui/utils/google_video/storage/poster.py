"""A finished video's poster image: the provider's own (OpenAI's thumbnail variant), else the
video's first frame, made when the video is stored (from its first bytes, on the image workers)
or, for videos stored before, on first request. Kept beside the video in the same storage.

Best effort: a missing or odd poster never holds up or fails a delivered video. Only PNG, JPEG
and WebP (judged by their magic bytes) are kept, since the poster is served from our origin.
"""

import io
import logging
import uuid
from pathlib import Path
from typing import Optional, Union

import httpx

from open_webui.utils.google_video.guards.net_guard import BlockedAddressError
from open_webui.utils.google_video.providers.base import ProviderError, VideoProvider
from open_webui.utils.google_video.storage.base import ObjectStorage, StorageError
from open_webui.utils.google_video.storage.copy import open_source

log = logging.getLogger(__name__)

MAX_POSTER_BYTES = 5 * 1024 * 1024


def image_extension(head: bytes) -> Optional[str]:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


async def store_poster(provider: VideoProvider, http: httpx.AsyncClient, storage: ObjectStorage, task,
                       ref: str) -> Optional[str]:
    """The storage key of the task's poster, or None when the provider has none (or it failed)."""
    try:
        source = await provider.poster_source(task.external_task_id, ref)
        if source is None:
            return None
        data = bytearray()
        async with open_source(http, source) as resp:
            if resp.status_code != 200:
                raise ValueError(f"HTTP {resp.status_code}")
            async for chunk in resp.aiter_bytes():
                data += chunk
                if len(data) > MAX_POSTER_BYTES:
                    raise ValueError("larger than 5 MB")
        extension = image_extension(bytes(data[:12]))
        if extension is None:
            raise ValueError("not a PNG, JPEG or WebP image")
        key = f"posters/{task.id}-{uuid.uuid4().hex[:8]}.{extension}"
        await storage.put_bytes(key, bytes(data))
        return key
    except (ProviderError, BlockedAddressError, httpx.HTTPError, StorageError, ValueError) as e:
        log.info("google video task %s: no poster image (%s)", task.id, e)
        return None
    except Exception:  # a poster must never fail the delivery of the video it illustrates
        log.warning("google video task %s: the poster image failed unexpectedly", task.id, exc_info=True)
        return None


POSTER_WIDTH = 640
MAX_FULL_READ_BYTES = 64 * 1024 * 1024  # a cloud video is read whole for its poster only up to this


def first_frame_jpeg(source: Union[bytes, Path]) -> bytes:
    """The first video frame as a JPEG at most POSTER_WIDTH wide (CPU work: run it on the image
    workers). Raises ValueError when there is no decodable frame (e.g. the moov is at the end of a
    truncated head)."""
    import av

    try:
        with av.open(io.BytesIO(source) if isinstance(source, bytes) else str(source)) as container:
            for frame in container.decode(video=0):
                image = frame.to_image()
                image.thumbnail((POSTER_WIDTH, POSTER_WIDTH))
                out = io.BytesIO()
                image.convert("RGB").save(out, "JPEG", quality=82)
                return out.getvalue()
    except (av.FFmpegError, OSError, IndexError) as e:
        raise ValueError(f"no decodable frame: {type(e).__name__}")
    raise ValueError("the video has no frames")


async def store_first_frame(run_on_workers, storage: ObjectStorage, task_id: str, video_key: str,
                            head: bytes = b"", video_size: Optional[int] = None) -> Optional[str]:
    """The storage key of a poster made from the video's first frame, or None (logged)."""
    try:
        try:
            if not head:
                raise ValueError("no head")
            data = await run_on_workers(first_frame_jpeg, head)
        except ValueError:
            local = storage.local_path(video_key)
            if local is not None:
                data = await run_on_workers(first_frame_jpeg, local)
            elif video_size is not None and video_size <= MAX_FULL_READ_BYTES:
                data = await run_on_workers(first_frame_jpeg, await storage.get_bytes(video_key))
            else:
                raise
        key = f"posters/{task_id}-{uuid.uuid4().hex[:8]}.jpg"
        await storage.put_bytes(key, data)
        return key
    except Exception as e:  # a poster must never fail what it illustrates
        log.info("google video task %s: no first-frame poster (%s)", task_id, e)
        return None
