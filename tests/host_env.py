"""Importing the module's code that needs the host (models, poller) in the test process itself.

The host reads its environment once, at import, and refuses to start without WEBUI_SECRET_KEY:
give it a throwaway one, then put ours back so the servers other tests start do not inherit it.
"""

import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "backend"))
from google_video_bootstrap import extend_package_path  # noqa: E402

extend_package_path()


@contextmanager
def throwaway_host_env():
    saved = dict(os.environ)
    os.environ.update(DATA_DIR=tempfile.mkdtemp(prefix="gv-units-"), WEBUI_SECRET_KEY="unit-tests-only-" + "x" * 32)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
