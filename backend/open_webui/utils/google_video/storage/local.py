"""Local-disk storage under the host's DATA_DIR (the default backend)."""

import asyncio
import os
import uuid
from pathlib import Path
from typing import BinaryIO

from open_webui.utils.google_video.storage.base import ObjectStorage, StorageError, UploadWriter, check_key


class LocalStorage(ObjectStorage):
    kind = "local"

    def __init__(self, root: Path):
        self.root = root

    def local_path(self, key: str) -> Path:
        return self.root / check_key(key)

    async def put_bytes(self, key: str, data: bytes) -> None:
        writer = await self.start_upload(key)
        await writer.complete(data)

    async def get_bytes(self, key: str) -> bytes:
        try:
            return await asyncio.to_thread(self.local_path(key).read_bytes)
        except FileNotFoundError:
            raise StorageError(f"{key} is missing from local storage")

    async def delete(self, key: str) -> None:
        try:
            self.local_path(key).unlink()
        except FileNotFoundError:
            pass

    async def start_upload(self, key: str) -> UploadWriter:
        path = self.local_path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.part")
            return _FileWriter(path, temp, open(temp, "wb"))
        except OSError as e:
            raise StorageError(f"local storage is not writable: {e.strerror}")


class _FileWriter(UploadWriter):
    """Writes to a temporary file renamed into place on completion, so readers never see half a file."""

    def __init__(self, path: Path, temp: Path, file: BinaryIO):
        self.path, self.temp, self.file = path, temp, file

    async def write_part(self, data: bytes) -> None:
        try:
            await asyncio.to_thread(self.file.write, data)
        except OSError as e:
            raise StorageError(f"writing to local storage failed: {e.strerror}")

    async def complete(self, last: bytes) -> None:
        await self.write_part(last)
        self.file.close()
        os.replace(self.temp, self.path)

    async def abort(self) -> None:
        self.file.close()
        self.temp.unlink(missing_ok=True)
