"""A long model list: the module's GET /models and GET /config/user with 0, 50 and 200 custom
models (200 is the most a config save accepts), and the host's own GET /api/v1/auths/ while
several users load the module's page (both requests at once, as the page does) again and again.

The catalogue (catalog.py) is built once per config change; this shows what a request still
costs per model (latency and the server's CPU time) and that a long list does not stall the host.
Each user reloads the page --page-rate times a second (far more than a person does), at a fixed
pace and out of step with the others, from a child process; the host endpoint is requested at a
fixed rate by a thread (bench/hostile_images.py's measurer), quiet and then under that load, with
0 and with 200 custom models in turn (--rounds times), so a noisy moment on the machine shows as
one odd row rather than as the list's cost.

    .venv/bin/python bench/catalog.py [--users 8] [--page-rate 1] [--seconds 10] [--rounds 2] [--repeat 30]
        [--quiet 200] [--rate 20] [--database-url URL]
"""

import argparse
import asyncio
import logging
import multiprocessing
import secrets
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.hostile_images import HOST_PATH, host_latencies  # noqa: E402
from bench.measure import ProcessMeter, percentile, summary  # noqa: E402
from devstack.api import PREFIX, Session, add_user, configure, signup  # noqa: E402
from devstack.processes import Simulator, WebUI  # noqa: E402

log = logging.getLogger("bench.catalog")

MAX_CUSTOM_MODELS = 200  # forms.ConfigFields.custom_models
PAGE_PATHS = ("/models", "/config/user")


def custom_models(n: int) -> list[dict]:
    """n relay models (the configured provider, so each is listed as available), one in four an
    image model, with the capabilities the relay takes."""
    return [
        {"id": f"bench/model-{i:03}", "provider": "relay", "name": f"Bench model {i}", "default_price": 10 + i,
         "wire_id": "veo3-fast", "aspect_ratios": ["16:9", "9:16"], "default_duration": 8,
         **({"kind": "image", "max_images": 1, "image_role": "first_frame"} if i % 4 == 3 else {"kind": "text"})}
        for i in range(n)
    ]


def timed_gets(session: Session, path: str, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        session.ok("GET", path)
        times.append((time.perf_counter() - t) * 1000)
    return times


async def page_loads(base_url: str, tokens: list[str], rate: float, seconds: float) -> tuple[list[float], Counter]:
    """Each user loads the page (GET /models and /config/user at once, as the page does) `rate`
    times a second for `seconds`, the users' schedules spread over one period. A load does not
    wait for the previous one, so a slow server gets more loads at once, as it would from people.
    Returns each load's latency in ms (from its scheduled start) and the status codes."""
    latencies, statuses = [], Counter()
    start, period = time.perf_counter(), 1 / rate

    async def load(c: httpx.AsyncClient, scheduled: float) -> None:
        for r in await asyncio.gather(*(c.get(path) for path in PAGE_PATHS)):
            statuses[r.status_code] += 1
        latencies.append((time.perf_counter() - scheduled) * 1000)

    async def user(token: str, offset: float) -> None:
        async with httpx.AsyncClient(base_url=base_url + PREFIX, headers={"Authorization": f"Bearer {token}"},
                                     timeout=120, limits=httpx.Limits(max_connections=None, keepalive_expiry=2)) as c:
            sent = []
            while (scheduled := start + offset + len(sent) * period) < start + seconds:
                await asyncio.sleep(scheduled - time.perf_counter())
                sent.append(asyncio.create_task(load(c, scheduled)))
            await asyncio.gather(*sent)

    await asyncio.gather(*(user(token, i * period / len(tokens)) for i, token in enumerate(tokens)))
    return latencies, statuses


def _page_loads_in_child(base_url: str, tokens: list[str], rate: float, seconds: float, go, results) -> None:
    go.wait()
    results.put(asyncio.run(page_loads(base_url, tokens, rate, seconds)))


def loaded_host(base_url: str, measure_token: str, rate: float, tokens: list[str], page_rate: float,
                seconds: float) -> tuple[tuple[list[float], Counter], tuple[list[float], Counter]]:
    """The host endpoint's latencies while the users load the page; then the page loads'. The
    users' client runs in a child process (forked, so it imports nothing while measured): reading
    their responses must not hold the measurer's GIL."""
    fork = multiprocessing.get_context("fork")
    go, results = fork.Event(), fork.Queue()
    child = fork.Process(target=_page_loads_in_child, args=(base_url, tokens, page_rate, seconds, go, results))
    child.start()
    stop, measured = threading.Event(), []
    measuring = threading.Thread(target=lambda: measured.append(host_latencies(base_url, measure_token, rate, stop=stop)))
    measuring.start()
    try:
        time.sleep(0.2)  # the measurer is running before the load starts
        go.set()
        loads = results.get(timeout=seconds + 300)
    finally:
        stop.set()
        measuring.join()
        child.join()
    return measured[0], loads


def compare_loaded(base_url: str, meter: ProcessMeter, measure_token: str, tokens: list[str], n: int,
                   args: argparse.Namespace) -> None:
    """The host endpoint quiet, then under the page loads, with n custom models; prints both."""
    quiet = host_latencies(base_url, measure_token, args.rate, n=args.quiet)[0]
    log.info("%d custom models: %d users loading the page %.1f times a second for %.0f s",
             n, len(tokens), args.page_rate, args.seconds)
    cpu = meter.cpu_seconds()
    (host, host_errors), (loads, statuses) = loaded_host(base_url, measure_token, args.rate, tokens, args.page_rate,
                                                         args.seconds)
    cpu_seconds = meter.cpu_seconds() - cpu
    print(f"  {n:3} custom models  quiet   n {len(quiet):4}  {summary(quiet)}")
    print(f"  {n:3} custom models  loaded  n {len(host):4}  {summary(host)}  "
          f"p95/quiet {percentile(host, 95) / percentile(quiet, 95):.1f}x"
          + (f"  host failures {dict(host_errors)}" if host_errors else ""))
    print(f"  {'':18} page loads: {len(loads)} ({len(loads) / args.seconds:.1f}/s), status {dict(statuses)}, "
          f"each (ms): {summary(loads)}; server CPU {cpu_seconds:.1f} s in {args.seconds:.0f} s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=8, help="users loading the page at the same time")
    ap.add_argument("--page-rate", type=float, default=1, help="page loads per second per user")
    ap.add_argument("--seconds", type=float, default=10, help="how long they keep loading it")
    ap.add_argument("--repeat", type=int, default=30, help="timed requests per page request and list length")
    ap.add_argument("--rounds", type=int, default=2, help="quiet/loaded comparisons per list length, alternating")
    ap.add_argument("--quiet", type=int, default=200, help="host requests with no other load")
    ap.add_argument("--rate", type=float, default=20, help="host requests per second")
    ap.add_argument("--database-url", help="e.g. postgresql://...; SQLite in a temporary DATA_DIR when omitted")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)

    env = {"LOG_LEVEL": "error", **({"DATABASE_URL": args.database_url} if args.database_url else {})}
    sim = Simulator(api_key="sk-bench-" + secrets.token_hex(6)).start()
    webui = WebUI(Path(tempfile.mkdtemp(prefix="gv-bench-catalog-")), env=env)
    try:
        log.info("starting Open WebUI")
        webui.start()
        admin = signup(webui.url, "Admin", "admin@example.com", "admin-password-1")
        measurer, users = add_user(admin), [add_user(admin) for _ in range(args.users)]
        reader = users[0]

        meter = ProcessMeter(webui.proc.pid)
        print(f"module requests, one at a time, {args.repeat} each (ms; server CPU per request)")
        for n in (0, 50, MAX_CUSTOM_MODELS):
            configure(admin, sim.url, sim.api_key, custom_models=custom_models(n))
            listed = len(reader.ok("GET", "/models")["models"])  # also the first build after the change
            for path in PAGE_PATHS:
                cpu = meter.cpu_seconds()
                times = timed_gets(reader, path, args.repeat)
                cpu_ms = (meter.cpu_seconds() - cpu) * 1000 / args.repeat
                print(f"  {n:3} custom models ({listed} listed)  GET {path:13} {summary(times)}  cpu {cpu_ms:.1f}")

        host_latencies(webui.url, measurer.token, args.rate, n=10)  # warm-up
        print(f"GET {HOST_PATH} latency (ms), quiet and while {args.users} users load the page (GET /models + "
              f"/config/user) {args.page_rate:g}/s each for {args.seconds:.0f} s; goal: p95 within 2x of quiet. "
              "0 custom models: the same load with the short list, for comparison")
        for n in (0, MAX_CUSTOM_MODELS) * args.rounds:  # alternating: a noisy minute shows as one odd row
            configure(admin, sim.url, sim.api_key, custom_models=custom_models(n))
            compare_loaded(webui.url, meter, measurer.token, [u.token for u in users], n, args)
    finally:
        webui.stop()
        sim.stop()


if __name__ == "__main__":
    main()
