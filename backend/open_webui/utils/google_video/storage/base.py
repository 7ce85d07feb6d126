"""What every storage backend offers the module: objects under keys the module generates.

Keys look like `videos/<task>-<rand>.mp4` or `uploads/<id>.png` (never from user input); a
backend may put an operator-chosen prefix in front. Cloud objects are private: users reach them
through the module or through short-lived signed URLs.
"""

import re
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Optional

_KEY_RE = re.compile(r"^(videos|uploads|posters)/[A-Za-z0-9_-]{1,80}\.(mp4|webm|png|jpg|webp)$")
CONTENT_TYPES = {"mp4": "video/mp4", "webm": "video/webm", "png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}
VIDEO_MEDIA_TYPES = {k: v for k, v in CONTENT_TYPES.items() if v.startswith("video/")}


class StorageError(Exception):
    """The storage backend failed (unreachable, refused, misconfigured); retrying may help."""


def check_key(key: str) -> str:
    if not _KEY_RE.match(key):
        raise ValueError(f"invalid storage key {key!r}")
    return key


def content_type_of(key: str) -> str:
    return CONTENT_TYPES[key.rsplit(".", 1)[-1]]


class UploadWriter(ABC):
    """Receives an object part by part (each but the last at least 5 MB), so a large video is
    never whole in memory."""

    @abstractmethod
    async def write_part(self, data: bytes) -> None: ...

    @abstractmethod
    async def complete(self, last: bytes) -> None: ...

    @abstractmethod
    async def abort(self) -> None: ...


class ObjectStorage(ABC):
    kind: str

    @abstractmethod
    async def put_bytes(self, key: str, data: bytes) -> None: ...

    @abstractmethod
    async def get_bytes(self, key: str) -> bytes: ...

    @abstractmethod
    async def delete(self, key: str) -> None:
        """Deleting a missing object is not an error."""

    @abstractmethod
    async def start_upload(self, key: str) -> UploadWriter: ...

    def local_path(self, key: str) -> Optional[Path]:
        """The file of `key` for backends on local disk, else None."""
        return None

    async def signed_url(self, key: str, seconds: int, download_name: Optional[str] = None) -> Optional[str]:
        """A time-limited URL for a private cloud object; None where the module serves the file itself."""
        return None

    def object_url(self, key: str) -> Optional[str]:
        """The object's permanent (private, unsigned) address, kept as the task's cloud_video_url."""
        return None
