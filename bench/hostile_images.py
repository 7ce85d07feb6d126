"""Hostile image-to-video bursts against an authenticated host endpoint measured at the same time.

One client sends image-to-video requests with three 40-megapixel PNGs each (veo2-fast-components
takes up to 3 images, a 9.7 MB body) from several coroutines: first floods that are refused, each
for --refused-seconds at --hostile-rate requests per second (a token the host refuses: 401; a user
with 0 credits: 402; a user over the submit rate limit: 429; all answered from the headers, before
the body is read; and, for comparison, the same 402 for a 1 KB body, which the route answers), then
a burst as a user with enough credits (the images are cleaned and the task goes to the relay
simulator, which keeps it in progress). Meanwhile a thread requests GET /api/v1/auths/ as a normal
user at a fixed rate (not one after the other, which would see a 10 s stall as one slow sample
among many fast ones); its latency is printed next to the quiet figure (the same requests with no
other load; also sampled right before each burst, since the machine may be shared), with the server
process's CPU and, for the floods, its CPU per hostile request beyond what the measurer's requests
cost.

    .venv/bin/python bench/hostile_images.py [--requests 4] [--refused-seconds 10] [--hostile-rate 20]
        [--concurrency 4] [--quiet 200] [--near-quiet 100] [--rate 20] [--width 8000] [--height 5000]
        [--database-url URL]
"""

import argparse
import asyncio
import base64
import io
import itertools
import json
import logging
import secrets
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Optional

import httpx
import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.measure import ProcessMeter, percentile, summary  # noqa: E402
from devstack.api import add_user, configure, grant, signup  # noqa: E402
from devstack.processes import Simulator, WebUI  # noqa: E402

log = logging.getLogger("bench.hostile_images")

MODEL = "veo2-fast-components"  # takes up to 3 images
TEXT_MODEL = "veo3-fast"
IMAGES_PER_REQUEST = 3
MAX_IMAGE_BYTES = 10 * 1024 * 1024  # the module's per-image cap (images.MAX_IMAGE_BYTES)
HOST_PATH = "/api/v1/auths/"


def hostile_png(width: int, height: int, seed: int) -> bytes:
    """A PNG of width x height that compresses to a few MB: two gradients and rings (no flat areas)."""
    x = np.arange(width, dtype=np.uint32)[None, :]
    y = np.arange(height, dtype=np.uint32)[:, None]
    rgb = np.empty((height, width, 3), np.uint8)
    rgb[..., 0] = x * 256 // width
    rgb[..., 1] = y * 256 // height
    rgb[..., 2] = ((x * x + y * y + seed * 7919) >> 14) & 0xFF
    out = io.BytesIO()
    Image.fromarray(rgb, "RGB").save(out, format="PNG")
    data = out.getvalue()
    if len(data) > MAX_IMAGE_BYTES:
        raise SystemExit(f"the generated image is {len(data)} bytes, over the module's {MAX_IMAGE_BYTES} cap")
    return data


async def _paced_gets(base_url: str, token: str, rate: float, n: Optional[int],
                      stop: Optional[threading.Event]) -> tuple[list[float], Counter]:
    latencies, errors = [], Counter()
    # keepalive_expiry below uvicorn's 5 s keep-alive: never reuse a connection the server is closing.
    limits = httpx.Limits(max_connections=None, keepalive_expiry=2)
    async with httpx.AsyncClient(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=300,
                                 limits=limits) as c:
        async def one(scheduled: float):
            try:
                r = await c.get(HOST_PATH)
                failed = None if r.status_code == 200 else r.status_code
            except httpx.HTTPError as e:
                failed = type(e).__name__
            latencies.append((time.perf_counter() - scheduled) * 1000)
            if failed:
                errors[failed] += 1
                log.warning("GET %s failed after %.0f ms: %s", HOST_PATH, latencies[-1], failed)
        start, sent = time.perf_counter(), []
        while (n is None or len(sent) < n) and not (stop and stop.is_set()):
            scheduled = start + len(sent) / rate
            await asyncio.sleep(scheduled - time.perf_counter())
            sent.append(asyncio.create_task(one(scheduled)))
        await asyncio.gather(*sent)
    return latencies, errors


def host_latencies(base_url: str, token: str, rate: float, n: Optional[int] = None,
                   stop: Optional[threading.Event] = None) -> tuple[list[float], Counter]:
    """GET /api/v1/auths/ at a fixed rate (a request does not wait for the previous one), n of them or
    until `stop` is set. Returns latencies in ms from each request's scheduled start (a stall of the
    server thus shows in every request that arrives during it, as users would see it) and the
    failures (status code or exception name)."""
    return asyncio.run(_paced_gets(base_url, token, rate, n, stop))


async def hostile_burst(base_url: str, hostile_token: str, measure_token: str, rate: float, body: bytes,
                        concurrency: int, requests: Optional[int] = None, seconds: Optional[float] = None,
                        hostile_rate: float = 0) -> tuple[tuple[list[float], Counter], Counter, list[float]]:
    """Hostile POSTs from `concurrency` clients (`requests` of them, or as many as start within
    `seconds`), at most `hostile_rate` per second (0: each client sends its next as soon as it has
    an answer), while a thread measures the host endpoint.
    Returns (host latencies ms and failures, hostile status codes, hostile latencies s)."""
    stop = threading.Event()
    measuring = asyncio.create_task(asyncio.to_thread(host_latencies, base_url, measure_token, rate, stop=stop))
    await asyncio.sleep(0.2)  # the measurer is running before the first hostile byte is sent
    statuses, hostile_seconds = Counter(), []
    start, numbers = time.perf_counter(), itertools.count()

    def slots():
        """The start time of each request this client sends, while there are any left."""
        while True:
            i = next(numbers)
            at = start + i / hostile_rate if hostile_rate else time.perf_counter()
            if (requests is not None and i >= requests) or (seconds is not None and at - start >= seconds):
                return
            yield at

    headers = {"Authorization": f"Bearer {hostile_token}", "Content-Type": "application/json"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=600,
                                 limits=httpx.Limits(max_connections=concurrency)) as c:
        async def client():
            for at in slots():
                await asyncio.sleep(at - time.perf_counter())
                t = time.perf_counter()
                try:
                    r = await c.post("/api/v1/google-video/image-to-video", content=body)
                    statuses[r.status_code] += 1
                except httpx.HTTPError as e:
                    statuses[type(e).__name__] += 1
                    log.warning("hostile request failed after %.1f s: %r", time.perf_counter() - t, e)
                hostile_seconds.append(time.perf_counter() - t)
        try:
            await asyncio.gather(*(client() for _ in range(concurrency)))
        finally:
            stop.set()
            host = await measuring
    return host, statuses, hostile_seconds


def request_body(prompt: str, data_uris: list[str]) -> bytes:
    return json.dumps({"prompt": prompt, "model": MODEL, "images": data_uris}).encode()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=4, help="hostile requests in the accepted burst")
    ap.add_argument("--refused-seconds", type=float, default=10,
                    help="how long each refused flood lasts (its requests are answered from the headers)")
    ap.add_argument("--hostile-rate", type=float, default=20,
                    help="refused requests per second offered (0: as fast as answers come). 20 x 9.7 MB is about "
                         "what one client pushed through the host before refusals were made from the headers")
    ap.add_argument("--concurrency", type=int, default=4, help="hostile client coroutines")
    ap.add_argument("--quiet", type=int, default=200, help="host requests with no other load")
    ap.add_argument("--near-quiet", type=int, default=100, help="host requests with no other load before each burst")
    ap.add_argument("--rate", type=float, default=20, help="host requests per second")
    ap.add_argument("--width", type=int, default=8000)
    ap.add_argument("--height", type=int, default=5000)
    ap.add_argument("--database-url", help="e.g. postgresql://...; SQLite in a temporary DATA_DIR when omitted")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)

    started = time.time()
    log.info("making %d PNGs of %dx%d", IMAGES_PER_REQUEST, args.width, args.height)
    pngs = [hostile_png(args.width, args.height, seed) for seed in range(IMAGES_PER_REQUEST)]
    data_uris = ["data:image/png;base64," + base64.b64encode(p).decode("ascii") for p in pngs]
    tiny_uri = "data:image/png;base64," + base64.b64encode(hostile_png(16, 16, 0)).decode("ascii")
    log.info("PNG sizes %s MB, request body %.1f MB",
             [round(len(p) / 1e6, 2) for p in pngs], len(request_body("x", data_uris)) / 1e6)

    env = {"LOG_LEVEL": "error", **({"DATABASE_URL": args.database_url} if args.database_url else {})}
    sim = Simulator(api_key="sk-bench-" + secrets.token_hex(6)).start()
    webui = WebUI(Path(tempfile.mkdtemp(prefix="gv-bench-hostile-")), env=env)
    try:
        log.info("starting Open WebUI")
        webui.start()
        log.info("Open WebUI up after %.0f s", time.time() - started)
        admin = signup(webui.url, "Admin", "admin@example.com", "admin-password-1")
        settings = dict(max_concurrent_tasks=100, poll_interval_seconds=300, submits_per_minute=0, uploads_per_minute=0)
        config = configure(admin, sim.url, sim.api_key, **settings)
        measurer, broke, rich, limited = add_user(admin), add_user(admin), add_user(admin), add_user(admin)
        grant(admin, rich.id, config["model_credits_config"][MODEL] * args.requests)
        grant(admin, limited.id, config["model_credits_config"][TEXT_MODEL])

        def over_the_limit():
            """One submit a minute, and `limited` has made it (its task stays in progress)."""
            configure(admin, sim.url, None, **{**settings, "submits_per_minute": 1})
            limited.ok("POST", "/text-to-video", json={"prompt": "the one a minute [sim:never]", "model": TEXT_MODEL})

        def no_limit():
            configure(admin, sim.url, None, **settings)

        meter = ProcessMeter(webui.proc.pid)  # serve.sh execs the server: the same process
        host_latencies(webui.url, measurer.token, args.rate, n=10)  # warm-up
        cpu, t = meter.cpu_seconds(), time.perf_counter()
        quiet = host_latencies(webui.url, measurer.token, args.rate, n=args.quiet)
        quiet_cpu_rate = (meter.cpu_seconds() - cpu) / (time.perf_counter() - t)  # the measurer's own requests
        quiet_p95 = percentile(quiet[0], 95)
        rows = [("quiet", quiet, None, None, quiet_cpu_rate, None, quiet_p95)]
        large, small = request_body("hostile refused", data_uris), request_body("hostile refused", [tiny_uri])
        for name, token, body, count, before, after in (
            ("refused 401, bad token", "not-a-token", large, None, None, None),
            ("refused 402, 0 credits", broke.token, large, None, None, None),
            # The same refusal of a small body (its checks run in the route): what any refused request costs.
            ("402 with a 1 KB body", broke.token, small, None, None, None),
            ("refused 429, over limit", limited.token, large, None, over_the_limit, no_limit),
            # [sim:never]: the relay keeps the task in progress, so no video is rendered or fetched.
            ("accepted, funded", rich.token, request_body("hostile accepted [sim:never]", data_uris), args.requests,
             None, None),
        ):
            log.info("%s: %s at concurrency %d", name, f"{count} requests" if count else f"{args.refused_seconds} s",
                     args.concurrency)
            if before:
                before()
            # The machine may be shared: a quiet sample right before each flood shows what changed meanwhile.
            near_p95 = percentile(host_latencies(webui.url, measurer.token, args.rate, n=args.near_quiet)[0], 95)
            cpu, t = meter.cpu_seconds(), time.perf_counter()
            host, statuses, seconds = asyncio.run(hostile_burst(
                webui.url, token, measurer.token, args.rate, body, args.concurrency,
                requests=count, seconds=None if count else args.refused_seconds,
                hostile_rate=0 if count else args.hostile_rate))
            cpu, wall = meter.cpu_seconds() - cpu, time.perf_counter() - t
            log.info("%s took %.1f s", name, wall)
            if after:
                after()
            # Server CPU beyond what the measurer's requests cost when quiet, per hostile request.
            per_request = (cpu - quiet_cpu_rate * wall) / max(1, sum(statuses.values()))
            rows.append((name, host, statuses, seconds, cpu / wall, per_request, near_p95))

        body_mb = len(request_body("x", data_uris)) / 1e6
        print(f"GET {HOST_PATH} latency (ms) while one client sends {MODEL} requests with "
              f"{IMAGES_PER_REQUEST} images of {args.width}x{args.height} ({body_mb:.1f} MB) at concurrency "
              f"{args.concurrency}; refused floods offered at {args.hostile_rate or 'unpaced'} requests/s "
              f"for {args.refused_seconds} s each")
        print("goal: p95 within 2x of quiet")
        for name, (host, host_errors), statuses, seconds, cpu_rate, per_request, near_p95 in rows:
            p95 = percentile(host, 95)
            print(f"{name:24} n {len(host):4}  {summary(host)}  p95/quiet {p95 / quiet_p95:5.1f}x"
                  f" (quiet just before: p95 {near_p95:.1f}, {p95 / near_p95:.1f}x)  server CPU {100 * cpu_rate:3.0f}%"
                  + (f"  host failures {dict(host_errors)}" if host_errors else ""))
            if statuses is not None:
                sent = sum(statuses.values())
                print(f"{'':24} hostile: {sent} sent, status {dict(statuses)}, each took s: {summary(seconds)}; "
                      f"server CPU per request {1000 * per_request:.1f} ms")
        log.info("whole run %.0f s", time.time() - started)
    finally:
        webui.stop()
        sim.stop()


if __name__ == "__main__":
    main()
