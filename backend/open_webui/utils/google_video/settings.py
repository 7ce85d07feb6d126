"""Every environment variable the module reads, in one place (the README's table lists them).

Read once at import, like the host's own open_webui.env.
"""

import os
from pathlib import Path

RELAY_TIMEOUT_SECONDS = float(os.environ.get("GOOGLE_VIDEO_RELAY_TIMEOUT_SECONDS", "30"))
# A submit answered 429 is tried again when the provider asks to wait at most this long.
SUBMIT_RETRY_MAX_WAIT_SECONDS = float(os.environ.get("GOOGLE_VIDEO_SUBMIT_RETRY_MAX_WAIT_SECONDS", "10"))
POLL_TICK_SECONDS = float(os.environ.get("GOOGLE_VIDEO_POLL_TICK_SECONDS", "1"))
COPY_RETRY_SECONDS = float(os.environ.get("GOOGLE_VIDEO_COPY_RETRY_SECONDS", "30"))
RETENTION_SWEEP_SECONDS = float(os.environ.get("GOOGLE_VIDEO_RETENTION_SWEEP_SECONDS", "600"))
# 0: half the CPU cores, at least one (the other half stays with the event loop).
IMAGE_WORKERS = int(os.environ.get("GOOGLE_VIDEO_IMAGE_WORKERS", "0")) or max(1, (os.cpu_count() or 2) // 2)
UI_MOUNT = "/google-video"  # the module's page on the host's origin: UI_MOUNT + "/"
UI_DIR = Path(os.environ.get("GOOGLE_VIDEO_UI_DIR", Path(__file__).resolve().parents[4] / "build" / "google-video"))

# Tests only: `ip:port` pairs the outbound guard lets through although private, and the
# in-process fake provider. No endpoint can set either.
TEST_ALLOW_FETCH_FROM = os.environ.get("GOOGLE_VIDEO_TEST_ALLOW_FETCH_FROM", "")
FAKE_PROVIDER = os.environ.get("GOOGLE_VIDEO_FAKE_PROVIDER") == "1"
# Tests only: shifts the clock that decides credit allowance periods (a period boundary without waiting).
TEST_CLOCK_OFFSET_SECONDS = int(os.environ.get("GOOGLE_VIDEO_TEST_CLOCK_OFFSET_SECONDS", "0"))
