"""Polling at scale: N tasks in flight on one instance against the relay simulator.

Prints, for the module and for the draft's design (one sleeper per task polling every 60 s):
staleness (relay finished -> status recorded), relay requests per task against the goal
(generation time / interval + 2), and the server's CPU (% of one core) and RSS while polling.

    .venv/bin/python bench/polling.py [--tasks 2000] [--interval 5] [--min-gen 120] [--max-gen 240]
"""

import argparse
import asyncio
import random
import secrets
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.measure import ProcessMeter, summary  # noqa: E402
from devstack.api import add_user, configure, grant, signup  # noqa: E402
from devstack.processes import Simulator, WebUI  # noqa: E402

DRAFT_INTERVAL = 60


def staleness_and_requests(stats: dict, marker: str) -> tuple[list[float], list[tuple[int, float]]]:
    stale, requests = [], []
    for t in stats["tasks"].values():
        if not t["prompt"].startswith(marker):
            continue
        done_seen = min(q for q in t["query_times"] if q >= t["finish_at"])
        stale.append(done_seen - t["finish_at"])
        requests.append((t["queries"], t["finish_at"] - min(t["query_times"][0], t["finish_at"])))
    return stale, requests


async def submit_all(base_url: str, token: str, prompts: list[str], sem: asyncio.Semaphore) -> None:
    async with httpx.AsyncClient(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=120) as c:
        async def one(p):
            async with sem:
                r = await c.post("/api/v1/google-video/text-to-video", json={"prompt": p, "model": "veo3-fast"})
                r.raise_for_status()
        await asyncio.gather(*(one(p) for p in prompts))


async def draft_design(sim: Simulator, prompts: list[str]) -> None:
    """The draft: each task gets its own coroutine that sleeps 60 s between status queries."""
    headers = {"Authorization": f"Bearer {sim.api_key}"}
    async with httpx.AsyncClient(base_url=sim.url, headers=headers, timeout=60,
                                 limits=httpx.Limits(max_connections=50)) as c:
        async def one(prompt):
            task_id = (await c.post("/google/v1/models/veo/videos", json={"prompt": prompt, "model": "veo3-fast"})).json()["data"]
            while True:
                await asyncio.sleep(DRAFT_INTERVAL)
                body = (await c.get(f"/google/v1/tasks/{task_id}")).json()
                if body["data"]["status"] in ("SUCCESS", "FAILURE"):
                    return
        await asyncio.gather(*(one(p) for p in prompts))


def report(name: str, stale: list[float], requests: list[tuple[int, float]], interval: int) -> None:
    over = sum(1 for n, gen in requests if n > gen / interval + 2)
    per_task = [n for n, _ in requests]
    print(f"{name}: {len(stale)} tasks")
    print(f"  staleness s      {summary(stale)}")
    print(f"  requests/task    {summary(per_task)}  (tasks above gen/{interval}+2: {over})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tasks", type=int, default=2000)
    ap.add_argument("--interval", type=int, default=5, help="poll_interval_seconds (the module's default is 5)")
    ap.add_argument("--min-gen", type=float, default=120)
    ap.add_argument("--max-gen", type=float, default=240)
    args = ap.parse_args()
    rng = random.Random(7)
    gens = [rng.uniform(args.min_gen, args.max_gen) for _ in range(args.tasks)]

    sim = Simulator(api_key="sk-bench-" + secrets.token_hex(6)).start()
    webui = WebUI(Path(tempfile.mkdtemp(prefix="gv-bench-")), env={"LOG_LEVEL": "error"}).start()
    try:
        admin = signup(webui.url, "Admin", "admin@example.com", "admin-password-1")
        configure(admin, sim.url, sim.api_key, max_concurrent_tasks=100, poll_interval_seconds=args.interval,
                  task_timeout_seconds=3600, relay_max_requests_per_second=0)
        meter = ProcessMeter(webui.proc.pid)
        marker = "m" + uuid.uuid4().hex[:6]
        users = []
        for _ in range((args.tasks + 99) // 100):  # max_concurrent_tasks is per user
            u = add_user(admin)
            grant(admin, u.id, 100 * 80)
            users.append(u)
        t0 = time.time()
        prompts = [f"{marker}-{i} [sim:seconds={g:.1f}]" for i, g in enumerate(gens)]
        async def submit_everything():
            sem = asyncio.Semaphore(16)  # 16 requests in flight in all
            await asyncio.gather(*(submit_all(webui.url, u.token, prompts[k * 100:(k + 1) * 100], sem)
                                   for k, u in enumerate(users)))
        asyncio.run(submit_everything())
        submitted = time.time()
        print(f"submitted {args.tasks} tasks in {submitted - t0:.1f} s ({args.tasks / (submitted - t0):.0f}/s)")
        # Idle polling: every task in flight, none finished yet, no submits.
        idle_start = time.time() + 5
        idle_end = t0 + args.min_gen - 2
        if idle_end - idle_start >= 10:
            time.sleep(idle_start - time.time())
            cpu_idle0, relay0 = meter.cpu_seconds(), sim.stats()["queries"]
            time.sleep(idle_end - time.time())
            idle = time.time() - idle_start
            print(f"idle polling ({args.tasks} in flight, {idle:.0f} s): server CPU "
                  f"{(meter.cpu_seconds() - cpu_idle0) / idle * 100:.1f}% of one core, "
                  f"{(sim.stats()['queries'] - relay0) / idle:.1f} relay requests/s, RSS {meter.rss_mb():.0f} MB")
        cpu0, rss_max = meter.cpu_seconds(), 0.0
        while admin.ok("GET", "/admin/stats")["unfinished"] > 0:
            rss_max = max(rss_max, meter.rss_mb())
            time.sleep(2)
            if time.time() - submitted > args.max_gen + 300:
                raise TimeoutError("tasks did not finish")
        window = time.time() - submitted
        cpu = (meter.cpu_seconds() - cpu0) / window * 100
        stale, requests = staleness_and_requests(sim.stats(), marker)
        report(f"module (interval {args.interval} s, ETA scheduling)", stale, requests, args.interval)
        print(f"  server CPU       {cpu:.1f}% of one core from the last submit to the last delivery "
              f"({window:.0f} s, includes {args.tasks} video downloads); RSS max {rss_max:.0f} MB")

        draft_marker = "d" + uuid.uuid4().hex[:6]
        t1 = time.time()
        asyncio.run(draft_design(sim, [f"{draft_marker}-{i} [sim:seconds={g:.1f}]" for i, g in enumerate(gens)]))
        stale, requests = staleness_and_requests(sim.stats(), draft_marker)
        report(f"draft design (one sleeper per task, every {DRAFT_INTERVAL} s)", stale, requests, args.interval)
        print(f"  ran {time.time() - t1:.0f} s")
    finally:
        webui.stop()
        sim.stop()


if __name__ == "__main__":
    main()
