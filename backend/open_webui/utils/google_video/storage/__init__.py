"""Where finished videos and input images are kept: local disk (default), Tencent COS or
S3-compatible storage, chosen in the admin config."""

from pathlib import Path

from open_webui.utils.google_video.storage.base import (
    VIDEO_MEDIA_TYPES,
    ObjectStorage,
    StorageError,
    content_type_of,
)
from open_webui.utils.google_video.storage.copy import StoredVideo, VideoFetchError, copy_video
from open_webui.utils.google_video.storage.local import LocalStorage

BACKENDS = ("local", "cos", "s3")


def build_storage(kind: str, config, data_dir: Path) -> ObjectStorage:
    """The backend `kind` with the settings in `config` (a GoogleVideoConfigModel)."""
    if kind == "cos":
        from open_webui.utils.google_video.storage.cos import CosStorage

        return CosStorage(config.cos_bucket, config.cos_region, config.cos_secret_id, config.cos_secret_key,
                          domain=config.cos_domain, endpoint=config.cos_endpoint, prefix=config.storage_prefix)
    if kind == "s3":
        from open_webui.utils.google_video.storage.s3 import S3Storage

        return S3Storage(config.s3_bucket, config.s3_region, config.s3_access_key_id, config.s3_secret_access_key,
                         endpoint_url=config.s3_endpoint_url, prefix=config.storage_prefix)
    return LocalStorage(data_dir / "google_video")


def storage_settings(kind: str, config) -> tuple:
    """The settings a backend is built from, to know when a cached one is stale."""
    fields = {"cos": ("cos_bucket", "cos_region", "cos_secret_id", "cos_secret_key", "cos_domain", "cos_endpoint"),
              "s3": ("s3_bucket", "s3_region", "s3_access_key_id", "s3_secret_access_key", "s3_endpoint_url")}
    return (kind, config.storage_prefix, *(getattr(config, f) for f in fields.get(kind, ())))


__all__ = [
    "BACKENDS", "VIDEO_MEDIA_TYPES", "LocalStorage", "ObjectStorage", "StorageError", "StoredVideo", "VideoFetchError",
    "build_storage", "content_type_of", "copy_video", "storage_settings",
]
