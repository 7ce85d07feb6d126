"""The demo: a simulator per provider wire format (the relay, the Gemini API, Vertex AI, OpenAI
videos) + Open WebUI with the module on http://127.0.0.1:8080, configured for all of them, with a
credited admin account. Ctrl-C stops everything."""

import logging
import os
import secrets
import signal
from pathlib import Path

from devstack.api import ApiError, configure, grant, signin, signup
from devstack.host_chat import CHAT_MODEL, connect_chat_double, hide_changelog
from devstack.processes import ROOT, Simulator, WebUI
from devstack.service_account import write_service_account

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
    key = key_file.read_text().strip()
    sim_port = int(os.environ.get("SIM_PORT", "9100"))
    account_file = data_dir / "vertex-service-account.json"
    write_service_account(account_file, f"http://127.0.0.1:{sim_port + 2}/token")  # fresh: its token_uri names this run's port
    sims = [Simulator(api_key=key, port=sim_port, log_dir=data_dir),
            Simulator(api_key=key, port=sim_port + 1, log_dir=data_dir, wire="gemini"),
            Simulator(port=sim_port + 2, log_dir=data_dir, wire="vertex", service_account=account_file),
            Simulator(api_key=key, port=sim_port + 3, log_dir=data_dir, wire="openai"),
            Simulator(api_key=key, port=sim_port + 4, log_dir=data_dir, wire="chat")]
    relay, gemini, vertex, openai, chat = sims
    # The Gemini simulator redirects downloads to its "CDN" on 127.0.0.1, a loopback address the
    # module refuses unless told (on the internet Google's CDN is public).
    webui = WebUI(data_dir, port=port, env={"GOOGLE_VIDEO_TEST_ALLOW_FETCH_FROM": f"127.0.0.1:{gemini.port}"})
    try:
        for simulator in sims:
            log.info("Starting the %s simulator on %s ...", simulator.wire, simulator.url)
            simulator.start()
        log.info("Starting Open WebUI with the Google Video module on %s (about 30 s) ...", webui.url)
        webui.start()
        try:
            admin = signup(webui.url, "Demo Admin", ADMIN_EMAIL, ADMIN_PASSWORD)
            grant(admin, admin.id, DEMO_CREDITS, "demo credits")
        except ApiError:  # a second run reuses the data directory and its admin
            admin = signin(webui.url, ADMIN_EMAIL, ADMIN_PASSWORD)
        configure(admin, relay.url, relay.api_key, task_timeout_seconds=600, poll_interval_seconds=2,
                  submits_per_minute=10, uploads_per_minute=30, provider_settings={
                      "gemini": {"api_key": key, "base_url": f"http://localhost:{gemini.port}"},
                      "vertex": {"service_account_json": account_file.read_text(), "location": "us-central1",
                                 "api_endpoint": vertex.url, "storage_endpoint": vertex.url},
                      "openai": {"api_key": key, "base_url": f"{openai.url}/v1"}}, chat_enabled=True,
                  chat_tool_models=[CHAT_MODEL], host_link_enabled=True)
        # A chat model without an LLM key: it answers every message with a call to the video tool.
        connect_chat_double(admin, chat.url, key, name="Video Demo (test double, no LLM)")
        hide_changelog(admin)
        log.info(
            "\nReady.\n  Open WebUI:   %s  (chat: model '%s', ask for a video)\n  Video studio: %s/google-video/\n"
            "  Sign in as:   %s / %s  (%d credits)\n  Data:         %s\nPress Ctrl-C to stop.",
            webui.url, CHAT_MODEL, webui.url, ADMIN_EMAIL, ADMIN_PASSWORD, admin.balance(), data_dir,
        )
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        signal.sigwait({signal.SIGINT, signal.SIGTERM})
    finally:
        webui.stop()
        for simulator in sims:
            simulator.stop()


if __name__ == "__main__":
    main()
