"""Shared behaviour of the object-store backends: blocking SDK calls run in threads, large
objects go up as multipart uploads part by part, and SDK errors become StorageError."""

import asyncio
import functools
import logging
from abc import abstractmethod
from typing import Optional

from open_webui.utils.google_video.storage.base import (
    ObjectStorage,
    StorageError,
    UploadWriter,
    check_key,
    content_type_of,
)

log = logging.getLogger(__name__)


class CloudStorage(ObjectStorage):
    def __init__(self, prefix: str):
        self.prefix = prefix.strip("/")

    def name_of(self, key: str) -> str:
        check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    async def _call(self, what: str, fn, *args, **kwargs):
        try:
            return await asyncio.to_thread(functools.partial(fn, *args, **kwargs))
        except StorageError:
            raise
        except Exception as e:  # SDK errors carry request details, never the secret key
            log.warning("google video %s storage: %s failed: %s", self.kind, what, type(e).__name__)
            raise StorageError(f"{self.kind} storage: {what} failed ({type(e).__name__})") from e

    async def put_bytes(self, key: str, data: bytes) -> None:
        await self._call("upload", self._put, self.name_of(key), data, content_type_of(key))

    async def get_bytes(self, key: str) -> bytes:
        return await self._call("download", self._get, self.name_of(key))

    async def delete(self, key: str) -> None:
        await self._call("delete", self._delete, self.name_of(key))

    async def start_upload(self, key: str) -> UploadWriter:
        return _MultipartWriter(self, key)

    async def signed_url(self, key: str, seconds: int, download_name: Optional[str] = None) -> Optional[str]:
        return await self._call("signing", self._presign, self.name_of(key), seconds, download_name)

    # The SDK-specific primitives (blocking).
    @abstractmethod
    def _put(self, name: str, data: bytes, content_type: str) -> None: ...

    @abstractmethod
    def _get(self, name: str) -> bytes: ...

    @abstractmethod
    def _delete(self, name: str) -> None: ...

    @abstractmethod
    def _create_multipart(self, name: str, content_type: str) -> str: ...

    @abstractmethod
    def _upload_part(self, name: str, upload_id: str, number: int, data: bytes) -> str: ...

    @abstractmethod
    def _complete_multipart(self, name: str, upload_id: str, etags: list[str]) -> None: ...

    @abstractmethod
    def _abort_multipart(self, name: str, upload_id: str) -> None: ...

    @abstractmethod
    def _presign(self, name: str, seconds: int, download_name: Optional[str]) -> str: ...


class _MultipartWriter(UploadWriter):
    """Starts a multipart upload with the first full part; an object smaller than one part is a
    single PUT."""

    def __init__(self, storage: CloudStorage, key: str):
        self.storage = storage
        self.key = key
        self.name = storage.name_of(key)
        self.upload_id: Optional[str] = None
        self.etags: list[str] = []

    async def write_part(self, data: bytes) -> None:
        s = self.storage
        if self.upload_id is None:
            self.upload_id = await s._call("starting an upload", s._create_multipart, self.name, content_type_of(self.key))
        etag = await s._call("uploading a part", s._upload_part, self.name, self.upload_id, len(self.etags) + 1, data)
        self.etags.append(etag)

    async def complete(self, last: bytes) -> None:
        s = self.storage
        if self.upload_id is None:
            await s.put_bytes(self.key, last)
            return
        if last:
            await self.write_part(last)
        await s._call("completing an upload", s._complete_multipart, self.name, self.upload_id, self.etags)

    async def abort(self) -> None:
        if self.upload_id is not None:
            try:
                await self.storage._call("aborting an upload", self.storage._abort_multipart, self.name, self.upload_id)
            except StorageError:
                pass  # the bucket's lifecycle rules clean up abandoned parts
