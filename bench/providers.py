"""What one status poll and one delivery cost per provider: each provider's own code (the module's
providers over one aiohttp session, as the poller uses them) against its simulator on 127.0.0.1.

Status polls are the steady load of a busy server (one per running task every few seconds), so
the CPU per poll in this process is the number that matters; the simulators run in their own
processes. Delivery: the finished video copied into local storage (Gemini through its redirect,
Vertex inline as base64 in the operation, OpenAI from /content).

    .venv/bin/python bench/providers.py [--polls 500] [--duration 8]
"""

import argparse
import asyncio
import secrets
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
from bench.measure import percentile  # noqa: E402
from devstack.processes import Simulator, free_port  # noqa: E402
from devstack.service_account import write_service_account  # noqa: E402
from host_env import throwaway_host_env  # noqa: E402

with throwaway_host_env():
    from open_webui.utils.google_video.guards.net_guard import GuardedNetworkBackend, guarded_client
    from open_webui.utils.google_video.providers.base import ProviderContext, VideoJob
    from open_webui.utils.google_video.providers.gemini import GeminiProvider
    from open_webui.utils.google_video.providers.openai_videos import OpenAIVideosProvider
    from open_webui.utils.google_video.providers.relay import RelayProvider
    from open_webui.utils.google_video.providers.vertex import VertexProvider
    from open_webui.utils.google_video.storage import LocalStorage, copy_video

import httpx  # noqa: E402


def config_for(name: str, sim: Simulator, key_text: str = ""):
    """A stand-in for the module's config with just what build() reads."""
    settings = {
        "gemini": {"api_key": sim.api_key, "base_url": f"http://localhost:{sim.port}"},
        "vertex": {"service_account_json": key_text, "location": "us-central1", "api_endpoint": sim.url,
                   "storage_endpoint": sim.url},
        "openai": {"api_key": sim.api_key, "base_url": f"{sim.url}/v1"},
    }
    return SimpleNamespace(provider_settings={name: settings.get(name, {})}, base_url=sim.url, api_key=sim.api_key)


async def bench_one(name: str, provider_cls, sim: Simulator, key_text: str, polls: int, duration: float,
                    storage: LocalStorage, result_http: httpx.AsyncClient) -> dict:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=64), trust_env=False) as session:
        provider = provider_cls.build(config_for(name, sim, key_text), ProviderContext(session, 30))
        model = {"relay": "veo3", "gemini": "veo-3.0-generate-001", "vertex": "veo-3.0-generate-001",
                 "openai": "sora-2"}[name]
        running = await provider.submit(VideoJob(model=model, prompt="bench [sim:never]"))
        cpu0, wall0 = time.process_time(), time.perf_counter()
        latencies = []
        for _ in range(polls):
            t = time.perf_counter()
            await provider.query(running)
            latencies.append((time.perf_counter() - t) * 1000)
        cpu = (time.process_time() - cpu0) / polls * 1000
        wall = (time.perf_counter() - wall0) / polls * 1000
        done = await provider.submit(VideoJob(model=model, prompt=f"bench [sim:polls=1;duration={duration}]"))
        status = await provider.query(done)
        t = time.perf_counter()
        stored = await copy_video(result_http, await provider.result_source(status.video_url), storage, f"bench-{name}")
        delivery = (time.perf_counter() - t) * 1000
    return {"provider": name, "cpu_ms": cpu, "wall_ms": wall, "p50": percentile(latencies, 50),
            "p95": percentile(latencies, 95), "video_kb": stored.size / 1024, "delivery_ms": delivery}


async def main_async(args) -> None:
    work = Path(tempfile.mkdtemp(prefix="gv-bench-providers-"))
    key = "bench-" + secrets.token_hex(8)
    vertex_port = free_port()
    account = work / "sa.json"
    write_service_account(account, f"http://127.0.0.1:{vertex_port}/token")
    sims = {"relay": Simulator(api_key=key, log_dir=work), "gemini": Simulator(api_key=key, wire="gemini", log_dir=work),
            "vertex": Simulator(port=vertex_port, wire="vertex", service_account=account, log_dir=work),
            "openai": Simulator(api_key=key, wire="openai", log_dir=work)}
    classes = {"relay": RelayProvider, "gemini": GeminiProvider, "vertex": VertexProvider, "openai": OpenAIVideosProvider}
    for sim in sims.values():
        sim.start()
    storage = LocalStorage(work / "storage")
    trusted = {(h, s.port) for s in sims.values() for h in ("127.0.0.1", "localhost")}
    result_http = guarded_client(GuardedNetworkBackend(trusted, trusted=lambda: trusted), httpx.Timeout(60.0))
    try:
        rows = [await bench_one(name, classes[name], sim, account.read_text(), args.polls, args.duration, storage,
                                result_http) for name, sim in sims.items()]
    finally:
        await result_http.aclose()
        for sim in sims.values():
            sim.stop()
    print(f"{args.polls} status polls of a running task each, then one {args.duration:.0f} s video delivered:")
    print(f"{'provider':9} {'CPU/poll':>9} {'wall/poll':>10} {'p50':>7} {'p95':>7} {'video':>9} {'delivery':>9}")
    for r in rows:
        print(f"{r['provider']:9} {r['cpu_ms']:7.2f}ms {r['wall_ms']:8.2f}ms {r['p50']:5.2f}ms {r['p95']:5.2f}ms "
              f"{r['video_kb']:7.0f}KB {r['delivery_ms']:7.0f}ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--polls", type=int, default=500)
    parser.add_argument("--duration", type=float, default=8.0)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
