"""The gallery's API with many tasks per user: the first page, a page deep in the list (by cursor),
a prompt search and a filter, each timed over the host's HTTP with its auth.

Writes N finished tasks for one user straight into a fresh SQLite database, starts Open WebUI with
the module on it, and times each request (median and p95 of --repeat runs).

    .venv/bin/python bench/gallery.py [--tasks 10000] [--repeat 20]
"""

import argparse
import sqlite3
import statistics
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.measure import percentile  # noqa: E402
from bench.seeded_host import stopped_host_with_admin  # noqa: E402
from devstack.processes import WebUI  # noqa: E402

WORDS = ("fox", "harbour", "lantern", "glacier", "market", "robot", "forest", "comet")


def task_ids(n: int) -> list[str]:
    """32 hex characters that sort by creation time, like the module's own ids."""
    start = time.time_ns() // 1000 - n * 1_000_000
    return [f"{start + i * 1_000_000:014x}{i:018x}" for i in range(n)]


def fill(db: Path, user_id: str, n: int) -> list[str]:
    ids = task_ids(n)
    now = int(time.time())
    conn = sqlite3.connect(db)
    conn.executemany(
        "INSERT INTO google_video_tasks (id, user_id, task_type, provider, status, model, prompt, enhance_prompt,"
        " progress, cloud_upload_status, credits_cost, credits_refunded, next_poll_at, deadline_at, poll_count,"
        " error_streak, created_at, updated_at, completed_at, operation, chat_delivery_attempts)"
        " VALUES (?, ?, 'text_to_video', 'relay', ?, ?, ?, 0, 100, 'uploaded', 0, 0, ?, ?, 3, 0, ?, ?, ?, 'generate', 0)",
        ((task_id, user_id, "FAILURE" if i % 10 == 0 else "SUCCESS", "veo3" if i % 2 else "veo3-fast",
          f"a {WORDS[i % len(WORDS)]} number {i}", now, now, now - n + i, now - n + i, now - n + i + 60)
         for i, task_id in enumerate(ids)))
    conn.commit()
    conn.close()
    return ids


def timed(client: httpx.Client, params: dict, repeat: int) -> tuple[float, float, int]:
    times, count = [], 0
    for _ in range(repeat):
        t = time.perf_counter()
        r = client.get("/api/v1/google-video/gallery", params=params)
        times.append((time.perf_counter() - t) * 1000)
        r.raise_for_status()
        count = len(r.json()["tasks"])
    return statistics.median(times), percentile(times, 95), count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    data, port, admin = stopped_host_with_admin("gv-bench-gallery-")
    ids = fill(data / "webui.db", admin.id, args.tasks)
    server = WebUI(data, port=port).start()
    try:
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {admin.token}"}, timeout=60) as client:
            cases = {"first page (48)": {}, "page at the end (cursor)": {"cursor": ids[60]},
                     "search 'glacier'": {"q": "glacier"}, "status FAILURE": {"status": "FAILURE"},
                     "search, deep cursor": {"q": "glacier", "cursor": ids[len(ids) // 2]}}
            rows = [(name, *timed(client, params, args.repeat)) for name, params in cases.items()]
    finally:
        server.stop()
    print(f"gallery of one user with {args.tasks:,} tasks, {args.repeat} requests each:")
    for name, median, p95, count in rows:
        print(f"  {name:26} median {median:6.1f} ms  p95 {p95:6.1f} ms  ({count} tasks)")


if __name__ == "__main__":
    main()
