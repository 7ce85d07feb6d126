"""Submit path cost on SQLite and PostgreSQL, against an authenticated host endpoint measured in
the same run (GET /api/v1/auths/, which also resolves the user from the token and the database).

    .venv/bin/python bench/submit.py [--requests 200] [--concurrency 8]
"""

import argparse
import asyncio
import secrets
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.measure import percentile  # noqa: E402
from devstack.api import add_user, configure, grant, signup  # noqa: E402
from devstack.postgres import Postgres  # noqa: E402
from devstack.processes import Simulator, WebUI  # noqa: E402

PER_USER = 100  # max_concurrent_tasks is at most 100 per user


async def measure(base_url: str, tokens: list[str], path: str, body, n: int, concurrency: int):
    """Sequential latencies (ms) of n requests, then throughput (req/s) of n requests at `concurrency`."""
    clients = [httpx.AsyncClient(base_url=base_url, headers={"Authorization": f"Bearer {t}"}, timeout=60) for t in tokens]
    counter = iter(range(10**9))

    async def one(client, i):
        method = "POST" if body else "GET"
        r = await client.request(method, path, json=body(i) if body else None)
        assert r.status_code == 200, r.text
    try:
        latencies = []
        for i in range(n):
            t = time.perf_counter()
            await one(clients[i % len(clients)], next(counter))
            latencies.append((time.perf_counter() - t) * 1000)
        sem = asyncio.Semaphore(concurrency)

        async def limited(i):
            async with sem:
                await one(clients[i % len(clients)], next(counter))
        t = time.perf_counter()
        await asyncio.gather(*(limited(i) for i in range(n)))
        return latencies, n / (time.perf_counter() - t)
    finally:
        for c in clients:
            await c.aclose()


def run_one(kind: str, sim: Simulator, database_url, n: int, concurrency: int) -> None:
    env = {"LOG_LEVEL": "error", **({"DATABASE_URL": database_url} if database_url else {})}
    webui = WebUI(Path(tempfile.mkdtemp(prefix=f"gv-bench-{kind}-")), env=env).start()
    try:
        admin = signup(webui.url, "Admin", "admin@example.com", "admin-password-1")
        configure(admin, sim.url, sim.api_key, max_concurrent_tasks=PER_USER, poll_interval_seconds=300)
        users = [add_user(admin) for _ in range((2 * n + PER_USER - 1) // PER_USER)]
        for u in users:
            grant(admin, u.id, PER_USER * 80)
        tokens = [u.token for u in users]
        auth = asyncio.run(measure(webui.url, tokens, "/api/v1/auths/", None, n, concurrency))
        submit = asyncio.run(measure(webui.url, tokens, "/api/v1/google-video/text-to-video",
                                     lambda i: {"prompt": f"bench {i} [sim:never]", "model": "veo3-fast"}, n, concurrency))
        for name, (lat, rps) in (("GET /api/v1/auths/", auth), ("POST /text-to-video", submit)):
            print(f"{kind:10} {name:22} p50 {percentile(lat, 50):6.1f} ms  p95 {percentile(lat, 95):6.1f} ms  "
                  f"{rps:6.1f} req/s at concurrency {concurrency}")
        print(f"{kind:10} submit/auth p50 ratio {percentile(submit[0], 50) / percentile(auth[0], 50):.2f}, "
              f"throughput ratio {auth[1] / submit[1]:.2f}")
    finally:
        webui.stop()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=8)
    args = ap.parse_args()
    sim = Simulator(api_key="sk-bench-" + secrets.token_hex(6)).start()
    pg = Postgres().start()
    try:
        run_one("sqlite", sim, None, args.requests, args.concurrency)
        run_one("postgresql", sim, pg.create_database(), args.requests, args.concurrency)
    finally:
        pg.stop()
        sim.stop()


if __name__ == "__main__":
    main()
