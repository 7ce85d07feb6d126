"""Schemathesis fuzzes the module's own OpenAPI schema against a dedicated server (the fuzzer
rewrites the config, so it must not share the session's server): no input may cause a 5xx or an
unhandled exception."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import server_env
from devstack.api import configure, grant, signup
from devstack.processes import WebUI

EXAMPLES_PER_OPERATION = os.environ.get("GV_FUZZ_EXAMPLES", "30")


@pytest.fixture
def fuzz_server(tmp_path, sim, db_kind):
    if db_kind != "sqlite":
        pytest.skip("the API surface is the same on PostgreSQL; fuzzed once")
    server = WebUI(tmp_path / "fuzz", env=server_env(None)).start()
    yield server
    server.stop()


def test_no_input_makes_the_api_fail(fuzz_server, sim, tmp_path):
    admin = signup(fuzz_server.url, "Fuzz Admin", "fuzz@example.com", "fuzz-password-1")
    configure(admin, sim.url, sim.api_key)
    grant(admin, admin.id, 1_000_000)
    schemathesis = Path(sys.executable).parent / "schemathesis"
    startup_log_size = len(fuzz_server.log.read_bytes())  # the host logs its own start-up warnings
    run = subprocess.run(
        [str(schemathesis), "run", f"{fuzz_server.url}/api/v1/google-video/openapi.json",
         "--url", fuzz_server.url, "-H", f"Authorization: Bearer {admin.token}",
         "--checks", "not_a_server_error", "--max-examples", EXAMPLES_PER_OPERATION,
         "--seed", "20261125", "--suppress-health-check", "all", "--request-timeout", "60"],
        capture_output=True, text=True, timeout=900, cwd=tmp_path,
    )
    report = run.stdout[-6000:] + run.stderr[-2000:]
    assert run.returncode == 0, report
    cases = re.search(r"(\d+) generated, (\d+) passed", run.stdout)
    assert cases and int(cases[1]) == int(cases[2]) > 0, report
    log = fuzz_server.log.read_bytes()[startup_log_size:].decode(errors="replace")
    assert "Traceback" not in log and "Exception in ASGI application" not in log, log[-6000:]
    assert '" 500' not in log, log[-6000:]
