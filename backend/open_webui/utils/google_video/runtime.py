"""Process-wide resources of the module: one HTTP client, the storage, this worker's identity and
the push channel to browsers. Created in the app's lifespan, closed on shutdown."""

import logging
import os
import socket
import uuid
from pathlib import Path

import httpx

from open_webui.models.google_video import GoogleVideoConfigModel, GoogleVideoTaskModel
from open_webui.utils.google_video.relay_client import RelayClient
from open_webui.utils.google_video.storage import LocalStorage

log = logging.getLogger(__name__)

RELAY_TIMEOUT_SECONDS = float(os.environ.get("GOOGLE_VIDEO_RELAY_TIMEOUT_SECONDS", "30"))
PROGRESS_EVENT = "google-video:progress"


class GoogleVideoRuntime:
    def __init__(self, data_dir: Path):
        self.worker_id = f"{socket.gethostname()[:30]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.http = httpx.AsyncClient(
            follow_redirects=True,
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
            trust_env=False,
        )
        self.storage = LocalStorage(data_dir / "google_video")

    def relay_client(self, config: GoogleVideoConfigModel) -> RelayClient:
        return RelayClient(self.http, config.base_url, config.api_key, timeout=RELAY_TIMEOUT_SECONDS)

    async def notify(self, task: GoogleVideoTaskModel) -> None:
        """Push the task's new state to its owner's browser tabs (socket.io room user:{id})."""
        try:
            from open_webui.socket.main import sio

            await sio.emit(PROGRESS_EVENT, task.public_dict(), room=f"user:{task.user_id}")
        except Exception:  # a push is best effort; the UI also polls
            log.debug("could not push progress for task %s", task.id, exc_info=True)

    async def close(self) -> None:
        await self.http.aclose()
