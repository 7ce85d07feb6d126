"""Hostile image-to-video bursts against an authenticated host endpoint measured at the same time.

One client sends image-to-video requests with three 40-megapixel PNGs each (veo2-fast-components
takes up to 3 images) from several coroutines, first as a user with 0 credits (every request is
refused with 402), then as a user with enough credits (the images are cleaned and the task goes
to the relay simulator, which keeps it in progress). Meanwhile a thread requests GET /api/v1/auths/ as a normal user at a fixed
rate (not one after the other, which would see a 10 s stall as one slow sample among many fast
ones); its latency is printed next to the quiet figure (the same requests with no other load).

    .venv/bin/python bench/hostile_images.py [--requests 4] [--refused-requests 60] [--concurrency 4] [--quiet 200] [--rate 20]
        [--width 8000] [--height 5000] [--database-url URL]
"""

import argparse
import asyncio
import base64
import io
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
from bench.measure import percentile, summary  # noqa: E402
from devstack.api import add_user, configure, grant, signup  # noqa: E402
from devstack.processes import Simulator, WebUI  # noqa: E402

log = logging.getLogger("bench.hostile_images")

MODEL = "veo2-fast-components"  # takes up to 3 images
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
                        requests: int, concurrency: int) -> tuple[tuple[list[float], Counter], Counter, list[float]]:
    """`requests` hostile POSTs at `concurrency` while a thread measures the host endpoint.
    Returns (host latencies ms and failures, hostile status codes, hostile latencies s)."""
    stop = threading.Event()
    measuring = asyncio.create_task(asyncio.to_thread(host_latencies, base_url, measure_token, rate, stop=stop))
    await asyncio.sleep(0.2)  # the measurer is running before the first hostile byte is sent
    statuses, hostile_seconds = Counter(), []
    queue = iter(range(requests))
    headers = {"Authorization": f"Bearer {hostile_token}", "Content-Type": "application/json"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=600,
                                 limits=httpx.Limits(max_connections=concurrency)) as c:
        async def client():
            for _ in queue:
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
    ap.add_argument("--refused-requests", type=int, default=60,
                    help="hostile requests in the refused burst (each is cheap now: enough to last seconds)")
    ap.add_argument("--concurrency", type=int, default=4, help="hostile client coroutines")
    ap.add_argument("--quiet", type=int, default=200, help="host requests with no other load")
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
        config = configure(admin, sim.url, sim.api_key, max_concurrent_tasks=100, poll_interval_seconds=300,
                           submits_per_minute=0, uploads_per_minute=0)
        measurer, broke, rich = add_user(admin), add_user(admin), add_user(admin)
        grant(admin, rich.id, config["model_credits_config"][MODEL] * args.requests)

        host_latencies(webui.url, measurer.token, args.rate, n=10)  # warm-up
        quiet = host_latencies(webui.url, measurer.token, args.rate, n=args.quiet)
        quiet_p95 = percentile(quiet[0], 95)
        rows = [("quiet", quiet, None, None)]
        for name, user, prompt, count in (
            ("hostile burst, refused", broke, "hostile refused", args.refused_requests),
            # [sim:never]: the relay keeps the task in progress, so no video is rendered or fetched.
            ("hostile burst, accepted", rich, "hostile accepted [sim:never]", args.requests),
        ):
            log.info("%s: %d requests at concurrency %d", name, count, args.concurrency)
            t = time.time()
            host, statuses, seconds = asyncio.run(hostile_burst(
                webui.url, user.token, measurer.token, args.rate, request_body(prompt, data_uris),
                count, args.concurrency))
            log.info("%s took %.1f s", name, time.time() - t)
            rows.append((name, host, statuses, seconds))

        print(f"GET {HOST_PATH} latency (ms) while one client sends {MODEL} requests with "
              f"{IMAGES_PER_REQUEST} images of {args.width}x{args.height} at concurrency {args.concurrency}")
        print("goal: p95 within 2x of quiet")
        for name, (host, host_errors), statuses, seconds in rows:
            print(f"{name:24} n {len(host):4}  {summary(host)}  p95/quiet {percentile(host, 95) / quiet_p95:6.1f}x"
                  + (f"  host failures {dict(host_errors)}" if host_errors else ""))
            if statuses is not None:
                print(f"{'':24} hostile: {sum(statuses.values())} sent, status {dict(statuses)}, "
                      f"each took s: {summary(seconds)}")
        log.info("whole run %.0f s", time.time() - started)
    finally:
        webui.stop()
        sim.stop()


if __name__ == "__main__":
    main()
