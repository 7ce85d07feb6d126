"""A throwaway PostgreSQL server on 127.0.0.1 (Debian's `postgresql` package), for tests and
benchmarks. It runs as the `postgres` system user when we are root, as PostgreSQL requires."""

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from typing import Optional

from devstack.processes import free_port


def _bin_dir() -> str:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        raise RuntimeError("PostgreSQL server binaries not found: apt-get install postgresql (done by .ci/run)")
    return os.path.dirname(found[-1])


class Postgres:
    def __init__(self):
        self.port = free_port()
        self.bin = _bin_dir()
        self.base = tempfile.mkdtemp(prefix="gv-pg-")
        self.data = os.path.join(self.base, "data")
        self._as_user: Optional[str] = "postgres" if os.geteuid() == 0 else None

    def _run(self, *args: str) -> None:
        cmd = list(args)
        if self._as_user:
            cmd = ["runuser", "-u", self._as_user, "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=self.base)

    def start(self) -> "Postgres":
        if self._as_user:
            pw = pwd.getpwnam(self._as_user)
            os.chmod(self.base, 0o755)
            os.chown(self.base, pw.pw_uid, pw.pw_gid)
        self._run(f"{self.bin}/initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self._run(
            f"{self.bin}/pg_ctl", "-D", self.data, "-l", os.path.join(self.base, "server.log"), "-w", "start", "-o",
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.base} -c max_connections=300 -c fsync=off",
        )
        return self

    def create_database(self) -> str:
        """A new empty database; returns its SQLAlchemy URL (psycopg 3, which the host ships)."""
        name = f"gv_{uuid.uuid4().hex[:10]}"
        self._run(f"{self.bin}/createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        try:
            self._run(f"{self.bin}/pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)
