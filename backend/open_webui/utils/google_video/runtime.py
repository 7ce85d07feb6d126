"""Process-wide resources of the module: one HTTP client, the storage, this worker's identity and
the push channel to browsers. Created in the app's lifespan, closed on shutdown."""

import asyncio
import logging
import os
import time
import socket
import uuid
from pathlib import Path
from typing import Optional

import aiohttp
import httpx

from open_webui.models.google_video import SECRET_CONFIG_FIELDS, GoogleVideoConfigModel, GoogleVideoTaskModel
from open_webui.utils.google_video import settings
from open_webui.utils.google_video.media.images import ImageWorkers
from open_webui.utils.google_video.guards.net_guard import GuardedNetworkBackend, guarded_client, test_allow_list_from_env
from open_webui.utils.google_video.providers import PROVIDERS, provider_class
from open_webui.utils.google_video.providers.base import ProviderContext, VideoProvider, origin_of
from open_webui.utils.google_video.storage import ObjectStorage, build_storage, storage_settings

log = logging.getLogger(__name__)

RELAY_TIMEOUT_SECONDS = settings.RELAY_TIMEOUT_SECONDS
PROGRESS_EVENT = "google-video:progress"


def all_secrets(config: GoogleVideoConfigModel) -> tuple[str, ...]:
    """Every secret the module holds, to scrub from any provider's text."""
    return (*(getattr(config, f) for f in SECRET_CONFIG_FIELDS),
            *(value for provider in PROVIDERS.values() for value in provider.secret_values(config)))


class RequestPacer:
    """Spaces relay requests of this process to at most `per_second` (0 = no cap)."""

    def __init__(self):
        self._next_slot = 0.0
        self._lock = asyncio.Lock()

    async def wait(self, per_second: int) -> None:
        if per_second <= 0:
            return
        async with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_slot)
            self._next_slot = slot + 1.0 / per_second
        if slot > now:
            await asyncio.sleep(slot - now)


class GoogleVideoRuntime:
    def __init__(self, data_dir: Path, app=None):
        self.app = app  # the host app (its state holds the host's Redis, used by chat delivery)
        self.worker_id = f"{socket.gethostname()[:30]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        # Requests to the admin-configured providers (trusted; see net_guard for the untrusted URLs).
        self.provider_session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=64, limit_per_host=64, keepalive_timeout=30), trust_env=False
        )
        allowed = test_allow_list_from_env()
        # Result URLs may live on their provider's own (admin-configured) host; anything else is
        # checked. One client per provider, so one provider's answer never names another's host.
        self._allowed = allowed
        self._provider_endpoints: dict[str, set[tuple[str, int]]] = {}
        self._result_clients: dict[str, httpx.AsyncClient] = {}
        # Image URLs typed by users: nothing is trusted.
        self.user_fetch_http = guarded_client(GuardedNetworkBackend(allowed), httpx.Timeout(10.0))
        self.data_dir = data_dir
        self._storages: dict[str, tuple[tuple, ObjectStorage]] = {}
        self.poll_pacer = RequestPacer()
        self.image_workers = ImageWorkers()  # Pillow work off the event loop

    def result_client(self, config: GoogleVideoConfigModel, provider: str) -> httpx.AsyncClient:
        """The guarded client for `provider`'s result URLs, trusting only the endpoints `config` gives it."""
        endpoints = set()
        for url in provider_class(provider).trusted_origins(config):
            _, host, port = origin_of(url)
            if host and port:
                endpoints.add((host, port))
        self._provider_endpoints[provider] = endpoints
        if provider not in self._result_clients:
            self._result_clients[provider] = guarded_client(
                GuardedNetworkBackend(self._allowed, trusted=lambda: self._provider_endpoints.get(provider, set())),
                httpx.Timeout(30.0, read=60.0))
        return self._result_clients[provider]

    def provider(self, name: str, config: GoogleVideoConfigModel) -> VideoProvider:
        """Provider `name` with its settings from `config`, on this process's HTTP session."""
        context = ProviderContext(
            self.provider_session, RELAY_TIMEOUT_SECONDS,
            pace_queries=lambda: self.poll_pacer.wait(config.relay_max_requests_per_second),
            secrets=all_secrets(config),
        )
        return provider_class(name).build(config, context)

    def storage(self, config: GoogleVideoConfigModel, kind: Optional[str] = None) -> ObjectStorage:
        """Backend `kind` (default: the configured one), rebuilt when its settings change."""
        kind = kind or config.storage_backend
        settings = storage_settings(kind, config)
        cached = self._storages.get(kind)
        if cached is None or cached[0] != settings:
            cached = (settings, build_storage(kind, config, self.data_dir))
            self._storages[kind] = cached
        return cached[1]

    async def notify(self, task: GoogleVideoTaskModel) -> None:
        """Push the task's new state to its owner's browser tabs (socket.io room user:{id})."""
        try:
            from open_webui.socket.main import sio

            await sio.emit(PROGRESS_EVENT, task.public_dict(), room=f"user:{task.user_id}")
        except Exception:  # a push is best effort; the UI also polls
            log.debug("could not push progress for task %s", task.id, exc_info=True)

    async def close(self) -> None:
        self.image_workers.close()
        await self.provider_session.close()
        for client in (*self._result_clients.values(), self.user_fetch_http):
            await client.aclose()
