"""Real server processes on 127.0.0.1: the relay simulator and Open WebUI with the module."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Optional

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float, proc: Optional[subprocess.Popen] = None, log: Optional[Path] = None) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            tail = log.read_text()[-3000:] if log and log.exists() else ""
            raise RuntimeError(f"process exited with {proc.returncode} before {url} answered:\n{tail}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


class Simulator:
    """A provider simulator process speaking one wire format (relay, gemini, vertex, openai)."""

    def __init__(self, api_key: str = "", port: Optional[int] = None, log_dir: Optional[Path] = None,
                 wire: str = "relay", service_account: Optional[Path] = None):
        self.api_key = api_key
        self.wire = wire
        self.service_account = service_account
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = (log_dir or Path("/tmp")) / f"{wire}-simulator-{self.port}.log"
        self.proc: Optional[subprocess.Popen] = None

    def start(self) -> "Simulator":
        env = {**os.environ, "PYTHONPATH": str(ROOT / "simulator")}
        args = [sys.executable, "-m", "relay_simulator", "--wire", self.wire, "--port", str(self.port)]
        args += ["--service-account", str(self.service_account)] if self.service_account else ["--api-key", self.api_key]
        self.proc = subprocess.Popen(args, env=env, stdout=self.log.open("wb"), stderr=subprocess.STDOUT)
        wait_http(f"{self.url}/_sim/health", 30, self.proc, self.log)
        return self

    def stats(self) -> dict:
        return httpx.get(f"{self.url}/_sim/stats", timeout=10).json()

    def requests(self) -> list[dict]:
        """Every request the simulator received, in order (see its /_sim/requests)."""
        return httpx.get(f"{self.url}/_sim/requests", timeout=10).json()["requests"]

    def reset(self) -> None:
        httpx.post(f"{self.url}/_sim/reset", timeout=10).raise_for_status()

    def stop(self) -> None:
        _terminate(self.proc)


class WebUI:
    """Open WebUI + the module, started through scripts/serve.sh like an operator would."""

    def __init__(self, data_dir: Path, port: Optional[int] = None, env: Optional[dict] = None):
        self.data_dir = data_dir
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.extra_env = env or {}
        self.log = data_dir / f"webui-{self.port}.log"
        self.proc: Optional[subprocess.Popen] = None

    def start(self, timeout: float = 180) -> "WebUI":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "VENV": str(Path(sys.executable).parent.parent),
            "DATA_DIR": str(self.data_dir),
            "PORT": str(self.port),
            "HF_HUB_OFFLINE": "1",
            "OFFLINE_MODE": "true",
            "ENABLE_VERSION_UPDATE_CHECK": "false",
            "LOG_LEVEL": "warning",
            **self.extra_env,
        }
        self.proc = subprocess.Popen(
            ["bash", str(ROOT / "scripts" / "serve.sh")], env=env,
            stdout=self.log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
        )
        wait_http(f"{self.url}/api/v1/google-video/health", timeout, self.proc, self.log)
        return self

    def kill(self) -> None:
        """kill -9: no shutdown hook runs, like a crashed or OOM-killed server."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        _terminate(self.proc, group=True)


def _terminate(proc: Optional[subprocess.Popen], group: bool = False) -> None:
    if proc is None or proc.poll() is not None:
        return
    if group:
        os.killpg(proc.pid, signal.SIGTERM)
    else:
        proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        (os.killpg(proc.pid, signal.SIGKILL) if group else proc.kill())
        proc.wait()
