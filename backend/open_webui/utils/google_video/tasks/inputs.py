"""The request's images: checked, cleaned off the event loop and kept in storage with their rows.
Nothing is stored for a refused request: images are prepared first and stored once the task is charged."""

import logging
from dataclasses import dataclass
from typing import Optional

from open_webui.models.google_video import GoogleVideoConfigModel, GoogleVideoUploadModel, GoogleVideoUploads, now
from open_webui.utils.google_video.media import images
from open_webui.utils.google_video.runtime import GoogleVideoRuntime
from open_webui.utils.google_video.storage import StorageError
from open_webui.utils.google_video.tasks.checks import SubmitError

log = logging.getLogger(__name__)


async def store_clean_image(
    runtime: GoogleVideoRuntime, config: GoogleVideoConfigModel, user_id: str, upload_id: str, clean: images.CleanImage
) -> GoogleVideoUploadModel:
    """Keep a cleaned image in the configured storage with its row; nothing is left behind if either fails.
    Raises StorageError."""
    key = f"uploads/{upload_id}.{clean.extension}"
    storage = runtime.storage(config)
    await storage.put_bytes(key, clean.data)
    upload = GoogleVideoUploadModel(
        id=upload_id, user_id=user_id, storage_key=key, storage_backend=config.storage_backend,
        mime_type=clean.mime_type, size=len(clean.data),
        width=clean.width, height=clean.height, created_at=now(),
    )
    try:
        await GoogleVideoUploads.insert(upload)
    except BaseException:
        try:
            await storage.delete(key)
        except StorageError:
            log.warning("google video: could not remove the image %s after its row failed to save", key)
        raise
    return upload


async def clean_in_pool(runtime: GoogleVideoRuntime, fn, *args) -> images.CleanImage:
    """Run an image cleaning function on the image workers. Raises ImageInputError or SubmitError 503."""
    try:
        return await runtime.image_workers.run(fn, *args)
    except images.ImageWorkersBusy:
        raise SubmitError(503, "The server is busy processing images; nothing was charged. Please try again shortly.",
                          retry_after=5)


@dataclass
class PreparedImage:
    """One input image, checked and cleaned but not stored yet (nothing is kept for a refused request)."""

    upload_id: str
    mime_type: str
    data: bytes
    clean: Optional[images.CleanImage] = None  # set for a new image, stored once the task is reserved


async def prepare_images(
    runtime: GoogleVideoRuntime, config: GoogleVideoConfigModel, user_id: str, refs: list[str]
) -> list[PreparedImage]:
    prepared = []
    for index, ref in enumerate(refs, start=1):
        try:
            if not isinstance(ref, str) or not ref.strip():
                raise images.ImageInputError("Empty image reference.")
            ref = ref.strip()
            if upload_id := images.upload_id_from_reference(ref):
                upload = await GoogleVideoUploads.get_for_user(upload_id, user_id)
                if upload is None:
                    raise images.ImageInputError("Uploaded image not found.")
                data = await runtime.storage(config, upload.storage_backend).get_bytes(upload.storage_key)
                prepared.append(PreparedImage(upload.id, upload.mime_type, data))
                continue
            if ref.startswith("data:"):
                clean = await clean_in_pool(runtime, images.clean_data_uri, ref)
            else:
                # Fetched and re-encoded here, so the relay only ever sees a clean copy.
                raw = await images.download_image(runtime.user_fetch_http, ref)
                clean = await clean_in_pool(runtime, images.clean_image, raw)
            prepared.append(PreparedImage(images.new_upload_id(), clean.mime_type, clean.data, clean))
        except images.ImageInputError as e:
            raise SubmitError(400, f"Image {index}: {e}")
        except StorageError:
            raise SubmitError(503, f"Image {index} could not be read right now; nothing was charged. Please try again.")
    return prepared
