"""A finished video's poster image, from providers that make one (OpenAI's thumbnail variant).

Best effort: a missing or odd poster never holds up or fails a delivered video. Only PNG, JPEG
and WebP (judged by their magic bytes) are kept, since the poster is served from our origin.
"""

import logging
import uuid
from typing import Optional

import httpx

from open_webui.utils.google_video.net_guard import BlockedAddressError
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
