"""The demo: relay simulator + Open WebUI with the module on http://127.0.0.1:8080, configured
for the simulator, with a credited admin account. Ctrl-C stops everything."""

import logging
import os
import secrets
import signal
from pathlib import Path

from devstack.api import ApiError, configure, grant, signin, signup
from devstack.processes import ROOT, Simulator, WebUI

log = logging.getLogger("demo")

ADMIN_EMAIL = os.environ.get("DEMO_ADMIN_EMAIL", "admin@example.com")
ADMIN_PASSWORD = os.environ.get("DEMO_ADMIN_PASSWORD", "admin-demo-password")
DEMO_CREDITS = 1000


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    data_dir = Path(os.environ.get("DATA_DIR", ROOT / ".data" / "demo"))
    port = int(os.environ.get("PORT", "8080"))
    key_file = data_dir / "simulator.key"
    data_dir.mkdir(parents=True, exist_ok=True)
    if not key_file.exists():
        key_file.write_text("sk-sim-" + secrets.token_hex(12))
    sim = Simulator(api_key=key_file.read_text().strip(), port=int(os.environ.get("SIM_PORT", "9100")), log_dir=data_dir)
    webui = WebUI(data_dir, port=port)
    try:
        log.info("Starting the relay simulator on %s ...", sim.url)
        sim.start()
        log.info("Starting Open WebUI with the Google Video module on %s (about 30 s) ...", webui.url)
        webui.start()
        try:
            admin = signup(webui.url, "Demo Admin", ADMIN_EMAIL, ADMIN_PASSWORD)
            grant(admin, admin.id, DEMO_CREDITS, "demo credits")
        except ApiError:  # a second run reuses the data directory and its admin
            admin = signin(webui.url, ADMIN_EMAIL, ADMIN_PASSWORD)
        configure(admin, sim.url, sim.api_key, task_timeout_seconds=600, poll_interval_seconds=2,
                  submits_per_minute=10, uploads_per_minute=30)
        log.info(
            "\nReady.\n  Open WebUI:   %s\n  Video studio: %s/google-video/\n"
            "  Sign in as:   %s / %s  (%d credits)\n  Data:         %s\nPress Ctrl-C to stop.",
            webui.url, webui.url, ADMIN_EMAIL, ADMIN_PASSWORD, admin.balance(), data_dir,
        )
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        signal.sigwait({signal.SIGINT, signal.SIGTERM})
    finally:
        webui.stop()
        sim.stop()


if __name__ == "__main__":
    main()
