"""Polling at scale: N tasks in flight on one instance against the relay simulator.

Prints, per progress scenario, for the module and for the draft's design (one sleeper per task
polling every 60 s): staleness (relay finished -> status recorded), relay requests per task against
the goal (generation time / interval + 2), and the server's CPU (% of one core) and RSS while polling.

Scenarios (how the simulated relay reports progress, see simulator/relay_simulator/scenario.py):
    time   the figure grows with the time since submit (the default)
    stuck  each task reports one figure (random 1-95%) on every poll until it is done
    jumpy  the figure holds for 3-30 s, then jumps to the real figure +-25 points (ahead, back)
    none   no progress field at all
    all    each of the above in turn, each with a fresh server and simulator

    .venv/bin/python bench/polling.py [--scenario time] [--tasks 2000] [--interval 5]
                                      [--min-gen 120] [--max-gen 240] [--no-draft]
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
from bench.measure import ProcessMeter, percentile, summary  # noqa: E402
from devstack.api import add_user, configure, grant, signup  # noqa: E402
from devstack.processes import Simulator, WebUI  # noqa: E402

DRAFT_INTERVAL = 60
SCENARIOS = {
    "time": "progress grows with time",
    "stuck": "progress stuck at one figure (random 1-95% per task) until done",
    "jumpy": "progress holds 3-30 s, then jumps to the real figure +-25 points",
    "none": "no progress field",
}
# uvicorn closes a connection idle for 5 s; a client that keeps it longer sometimes sends a
# request on a connection the server is closing ("Server disconnected without sending a
# response"). Shorter keep-alive, and a retry for what still slips through.
KEEPALIVE_SECONDS = 2.0
LIMITS = httpx.Limits(max_connections=32, max_keepalive_connections=32, keepalive_expiry=KEEPALIVE_SECONDS)
RETRIES = 8


def directive(scenario: str, rng: random.Random) -> str:
    return {"time": "", "stuck": f";progress=stuck:{rng.randint(1, 95)}", "jumpy": ";progress=jumpy",
            "none": ";progress=none"}[scenario]


async def with_retries(send, what: str) -> httpx.Response:
    """send() again after a dropped connection or an overloaded answer (503), with backoff."""
    for attempt in range(RETRIES):
        try:
            r = await send()
            if r.status_code != 503:
                return r
        except httpx.TransportError:
            if attempt == RETRIES - 1:
                raise
        await asyncio.sleep(min(10.0, 0.2 * 2 ** attempt))
    raise RuntimeError(f"{what}: still 503 after {RETRIES} attempts")


def staleness_and_requests(stats: dict, marker: str) -> tuple[list[float], list[tuple[int, float]], int]:
    """Per finished task: seconds from the relay's finish to the first query that saw it, and
    (requests, generation time counted from the first query). Also how many of the marker's relay
    tasks were never queried (a submit whose answer was lost and was sent again)."""
    stale, requests, orphans = [], [], 0
    for t in stats["tasks"].values():
        if not t["prompt"].startswith(marker):
            continue
        if not t["query_times"]:
            orphans += 1
            continue
        done_seen = min(q for q in t["query_times"] if q >= t["finish_at"])
        stale.append(done_seen - t["finish_at"])
        requests.append((t["queries"], t["finish_at"] - min(t["query_times"][0], t["finish_at"])))
    return stale, requests, orphans


async def submit_all(base_url: str, token: str, prompts: list[tuple[str, str]], sem: asyncio.Semaphore) -> None:
    async with httpx.AsyncClient(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=120,
                                 limits=LIMITS) as c:
        async def one(key, prompt):
            async with sem:  # the idempotency key makes a resend return the first task
                r = await with_retries(lambda: c.post("/api/v1/google-video/text-to-video", json={
                    "prompt": prompt, "model": "veo3-fast", "idempotency_key": key}), "submit")
                r.raise_for_status()
        await asyncio.gather(*(one(k, p) for k, p in prompts))


async def draft_design(sim: Simulator, prompts: list[str]) -> int:
    """The draft: each task gets its own coroutine that sleeps 60 s between status queries.
    Submits go 16 at a time over a few reused connections; returns how many submits were resent."""
    headers = {"Authorization": f"Bearer {sim.api_key}"}
    resent = 0
    sem = asyncio.Semaphore(16)
    async with httpx.AsyncClient(base_url=sim.url, headers=headers, timeout=60, limits=LIMITS) as c:
        async def submit(prompt):
            nonlocal resent
            for attempt in range(RETRIES):
                try:
                    async with sem:
                        r = await c.post("/google/v1/models/veo/videos", json={"prompt": prompt, "model": "veo3-fast"})
                    r.raise_for_status()
                    return r.json()["data"]
                except httpx.TransportError:
                    # The simulator may or may not have taken it: a resent submit can leave one
                    # relay task nobody polls (counted apart, see staleness_and_requests).
                    if attempt == RETRIES - 1:
                        raise
                    resent += 1
                    await asyncio.sleep(0.2 * 2 ** attempt)

        async def one(prompt):
            task_id = await submit(prompt)
            while True:
                await asyncio.sleep(DRAFT_INTERVAL)
                r = await with_retries(lambda: c.get(f"/google/v1/tasks/{task_id}"), "draft poll")
                if r.json()["data"]["status"] in ("SUCCESS", "FAILURE"):
                    return
        await asyncio.gather(*(one(p) for p in prompts))
    return resent


def report(name: str, stale: list[float], requests: list[tuple[int, float]], interval: int) -> dict:
    over = sum(1 for n, gen in requests if n > gen / interval + 2)
    per_task = [n for n, _ in requests]
    print(f"{name}: {len(stale)} tasks")
    print(f"  staleness s      {summary(stale)}")
    print(f"  requests/task    {summary(per_task)}  (tasks above gen/{interval}+2: {over})")
    return dict(stale_p50=percentile(stale, 50), stale_p95=percentile(stale, 95), stale_max=max(stale),
                req_mean=sum(per_task) / len(per_task), req_p95=percentile(per_task, 95), over=over)


def run_scenario(scenario: str, args, gens: list[float]) -> dict:
    print(f"=== scenario {scenario}: {SCENARIOS[scenario]}; {args.tasks} tasks, generation "
          f"{args.min_gen:.0f}-{args.max_gen:.0f} s, poll_interval_seconds {args.interval}", flush=True)
    rng = random.Random(11)
    extra = [directive(scenario, rng) for _ in gens]
    result: dict = {}
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
        prompts = [(f"{marker}-{i}", f"{marker}-{i} [sim:seconds={g:.1f}{x}]") for i, (g, x) in enumerate(zip(gens, extra))]

        async def submit_everything():
            sem = asyncio.Semaphore(16)  # 16 requests in flight in all
            await asyncio.gather(*(submit_all(webui.url, u.token, prompts[k * 100:(k + 1) * 100], sem)
                                   for k, u in enumerate(users)))
        asyncio.run(submit_everything())
        submitted = time.time()
        print(f"submitted {args.tasks} tasks in {submitted - t0:.1f} s ({args.tasks / (submitted - t0):.0f}/s)", flush=True)
        # Idle polling: every task in flight, none finished yet, no submits.
        idle_start = time.time() + 5
        idle_end = t0 + args.min_gen - 2
        if idle_end - idle_start >= 10:
            time.sleep(idle_start - time.time())
            cpu_idle0, relay0 = meter.cpu_seconds(), sim.stats()["queries"]
            time.sleep(max(0.0, idle_end - time.time()))
            idle = time.time() - idle_start
            result.update(idle_cpu=(meter.cpu_seconds() - cpu_idle0) / idle * 100,
                          idle_rps=(sim.stats()["queries"] - relay0) / idle, idle_rss=meter.rss_mb())
            print(f"idle polling ({args.tasks} in flight, {idle:.0f} s): server CPU {result['idle_cpu']:.1f}% of one "
                  f"core, {result['idle_rps']:.1f} relay requests/s, RSS {result['idle_rss']:.0f} MB", flush=True)
        cpu0, rss_max = meter.cpu_seconds(), 0.0
        while admin.ok("GET", "/admin/stats")["unfinished"] > 0:
            rss_max = max(rss_max, meter.rss_mb())
            time.sleep(2)
            if time.time() - submitted > args.max_gen + 300:
                raise TimeoutError("tasks did not finish")
        window = time.time() - submitted
        cpu = (meter.cpu_seconds() - cpu0) / window * 100
        stale, requests, orphans = staleness_and_requests(sim.stats(), marker)
        result["module"] = report(f"module (interval {args.interval} s, ETA scheduling)", stale, requests, args.interval)
        if orphans or len(stale) != args.tasks:
            print(f"  WARNING: {len(stale)} of {args.tasks} tasks measured, {orphans} relay task(s) never polled")
        print(f"  server CPU       {cpu:.1f}% of one core from the last submit to the last delivery "
              f"({window:.0f} s, includes {args.tasks} video downloads); RSS max {rss_max:.0f} MB", flush=True)
        result.update(cpu=cpu, window=window, rss_max=rss_max)

        if args.draft:
            draft_marker = "d" + uuid.uuid4().hex[:6]
            t1 = time.time()
            resent = asyncio.run(draft_design(sim, [f"{draft_marker}-{i} [sim:seconds={g:.1f}{x}]"
                                                    for i, (g, x) in enumerate(zip(gens, extra))]))
            stale, requests, orphans = staleness_and_requests(sim.stats(), draft_marker)
            result["draft"] = report(f"draft design (one sleeper per task, every {DRAFT_INTERVAL} s)",
                                     stale, requests, args.interval)
            print(f"  ran {time.time() - t1:.0f} s; {resent} submit(s) resent after a dropped connection, "
                  f"{orphans} relay task(s) left unpolled by that", flush=True)
    finally:
        webui.stop()
        sim.stop()
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", choices=[*SCENARIOS, "all"], default="time",
                    help="how the simulated relay reports progress (default: time-based)")
    ap.add_argument("--tasks", type=int, default=2000)
    ap.add_argument("--interval", type=int, default=5, help="poll_interval_seconds (the module's default is 5)")
    ap.add_argument("--min-gen", type=float, default=120)
    ap.add_argument("--max-gen", type=float, default=240)
    ap.add_argument("--no-draft", dest="draft", action="store_false", help="skip the draft design's half")
    args = ap.parse_args()
    rng = random.Random(7)
    gens = [rng.uniform(args.min_gen, args.max_gen) for _ in range(args.tasks)]
    scenarios = list(SCENARIOS) if args.scenario == "all" else [args.scenario]
    results = {s: run_scenario(s, args, gens) for s in scenarios}
    if len(results) > 1:
        print(f"=== summary ({args.tasks} tasks, interval {args.interval} s; staleness in s; "
              f"over = tasks above gen/{args.interval}+2)")
        for s, r in results.items():
            for half in ("module", "draft"):
                if half in r:
                    m = r[half]
                    print(f"{s:6s} {half:6s} staleness p50 {m['stale_p50']:6.2f} p95 {m['stale_p95']:6.2f} "
                          f"max {m['stale_max']:6.2f} | requests/task mean {m['req_mean']:5.2f} p95 {m['req_p95']:3d} "
                          f"over {m['over']}" + (f" | idle CPU {r['idle_cpu']:.1f}%, {r['idle_rps']:.1f} req/s"
                                                 if half == "module" and "idle_cpu" in r else ""))


if __name__ == "__main__":
    main()
