"""What the benchmarks that write rows straight into the host's SQLite file share: a fresh data
directory with an admin signed up, and the server stopped so the file can be filled."""

import tempfile
from pathlib import Path

from devstack.api import Session, signup
from devstack.processes import WebUI


def stopped_host_with_admin(prefix: str) -> tuple[Path, int, Session]:
    """(data directory, port to start the server on again, the admin)."""
    data = Path(tempfile.mkdtemp(prefix=prefix))
    server = WebUI(data).start()
    try:
        admin = signup(server.url, "Admin", "admin@example.com", "admin-password-1")
    finally:
        server.stop()
    return data, server.port, admin
