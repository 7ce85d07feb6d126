"""Mount the Google Video module into a stock Open WebUI without editing any host file.

Run with: uvicorn google_video_loader:app --app-dir backend   (see scripts/serve.sh)

1. Extend the `open_webui` package path so open_webui.models/routers/utils.google_video resolve
   to this repository's files, exactly where a fork would put them.
2. Import the host app (that runs the host's own migrations), then the module's migrations with
   their own version table.
3. Insert the module's routes before the host's SPA catch-all mount, which would shadow them,
   and cap request bodies on them while they stream in.
4. Wrap the host lifespan to start and stop the module's runtime and poller, and install what the
   module adds to the host (chat tool and action, banner) as configured.
"""

import gc
import logging
import os
from contextlib import asynccontextmanager
from pathlib import Path

os.environ.setdefault("FROM_INIT_PY", "true")

from google_video_bootstrap import extend_package_path, run_module_migrations  # noqa: E402

extend_package_path()

from starlette.routing import Mount  # noqa: E402
from starlette.staticfiles import StaticFiles  # noqa: E402

from open_webui.env import DATA_DIR  # noqa: E402
from open_webui.main import app  # noqa: E402  (builds the host app and migrates its tables)
from open_webui.routers import google_video  # noqa: E402
from open_webui.utils.google_video.guards.body_limit import RequestBodyLimit  # noqa: E402
from open_webui.models.google_video import GoogleVideoConfigs  # noqa: E402
from open_webui.utils.google_video import host_link  # noqa: E402
from open_webui.utils.google_video.chat import plugins as chat_plugins  # noqa: E402
from open_webui.utils.google_video.worker.poller import TaskPoller  # noqa: E402
from open_webui.utils.google_video.runtime import GoogleVideoRuntime  # noqa: E402
from open_webui.utils.google_video.settings import UI_DIR, UI_MOUNT  # noqa: E402

log = logging.getLogger(__name__)


def _insert_before_spa(add) -> None:
    """Run `add` (which appends routes) and move the new routes in front of the SPA mount."""
    routes = app.router.routes
    count = len(routes)
    add()
    new = routes[count:]
    del routes[count:]
    spa = next((i for i, r in enumerate(routes) if isinstance(r, Mount) and r.path == ""), len(routes))
    routes[spa:spa] = new


async def _sync_host_entries() -> None:
    """The chat tool and action and the host banner: extras the module runs without, so no failure
    here (a busy database included) stops the server from starting."""
    try:
        config = await GoogleVideoConfigs.get()
    except Exception:
        log.exception("google video: could not read the settings; the chat tool and the banner stay as they are")
        return
    try:
        await chat_plugins.sync(config.chat_enabled, config.chat_tool_models)
    except Exception:
        log.exception("google video: could not install the chat tool and action")
    await host_link.sync_from_config(config)


def mount_module() -> None:
    _insert_before_spa(lambda: app.include_router(google_video.router, prefix=google_video.PREFIX, tags=["google-video"]))
    app.add_middleware(RequestBodyLimit, prefix=google_video.PREFIX, limit_for=google_video.body_limit_for)
    if UI_DIR.is_dir():
        _insert_before_spa(lambda: app.mount(UI_MOUNT, StaticFiles(directory=UI_DIR, html=True), name="google-video-ui"))
    else:
        log.info("google video UI not built (%s missing); the API is available without it", UI_DIR)

    host_lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a):
        async with host_lifespan(a) as state:
            runtime = GoogleVideoRuntime(Path(DATA_DIR), app=a)
            await _sync_host_entries()
            poller = TaskPoller(runtime)
            a.state.google_video_runtime = runtime
            a.state.google_video_poller = poller
            poller.start()
            # The host holds over a million objects once started; a full garbage collection scans them
            # all (0.7-1.5 s here) and stalls every request meanwhile. What start-up made stays for the
            # process's life: moved out of the collector's scans, a full collection takes milliseconds.
            gc.freeze()
            log.info("google video module started (worker %s)", runtime.worker_id)
            try:
                yield state
            finally:
                await poller.stop()
                a.state.google_video_runtime = None
                a.state.google_video_poller = None
                await runtime.close()

    app.router.lifespan_context = lifespan


run_module_migrations()
mount_module()
