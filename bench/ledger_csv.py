"""Exporting a long ledger as CSV: time, throughput and the server's memory while it streams.

Writes N ledger rows straight into a fresh SQLite database (the module's table, as a busy instance
would have them), starts Open WebUI with the module on it, downloads GET /credits/ledger.csv as an
admin (uncompressed, then gzip as browsers ask) and counts the rows, reading the server process's
memory from /proc before and after each: its heap (RssAnon) stays flat when the export streams;
file-backed pages (RssFile) grow with the database file the host maps into memory.

    .venv/bin/python bench/ledger_csv.py [--rows 1000000]
"""

import argparse
import sqlite3
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.seeded_host import stopped_host_with_admin  # noqa: E402
from devstack.processes import WebUI  # noqa: E402

BATCH = 50_000


def memory_kb(pid: int) -> dict[str, int]:
    status = Path(f"/proc/{pid}/status").read_text().splitlines()
    return {line.split(":")[0]: int(line.split()[1]) for line in status
            if line.startswith(("VmRSS", "VmHWM", "RssAnon", "RssFile"))}


def fill(db: Path, user_id: str, rows: int) -> None:
    conn = sqlite3.connect(db)
    now = int(time.time())
    for start in range(0, rows, BATCH):
        conn.executemany(
            "INSERT INTO google_video_credits (user_id, amount, balance, kind, reason, task_id, actor_id, created_at) "
            "VALUES (?, ?, ?, ?, ?, NULL, NULL, ?)",
            ((user_id, 1, i + 1, "grant", f"bench grant {i}", now) for i in range(start, min(rows, start + BATCH))))
        conn.commit()
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    data, port, admin = stopped_host_with_admin("gv-bench-ledger-")
    t = time.perf_counter()
    fill(data / "webui.db", admin.id, args.rows)
    print(f"wrote {args.rows:,} ledger rows in {time.perf_counter() - t:.1f} s")
    server = WebUI(data, port=port).start()
    try:
        pid = server.proc.pid  # scripts/serve.sh execs uvicorn: the same process
        results = []
        for encoding in ("identity", "gzip"):  # the host compresses responses for clients that accept it
            before = memory_kb(pid)
            rows, size = -1, 0  # the header is not a row
            t = time.perf_counter()
            with httpx.stream("GET", f"{server.url}/api/v1/google-video/credits/ledger.csv", timeout=600,
                              headers={"Authorization": f"Bearer {admin.token}", "Accept-Encoding": encoding}) as r:
                r.raise_for_status()
                for line in r.iter_lines():
                    rows += 1
                    size += len(line) + 1
            results.append((encoding, rows, size, time.perf_counter() - t, before, memory_kb(pid)))
    finally:
        server.stop()
    for encoding, rows, size, elapsed, before, after in results:
        mb = {k: (before[k] / 1024, after[k] / 1024) for k in before}
        print(f"{encoding:8}: exported {rows:,} rows ({size / 2**20:.0f} MB of CSV) in {elapsed:.1f} s = "
              f"{rows / elapsed:,.0f} rows/s; server memory before -> after: heap (RssAnon) "
              f"{mb['RssAnon'][0]:.0f} -> {mb['RssAnon'][1]:.0f} MB, file pages (RssFile) {mb['RssFile'][0]:.0f} -> "
              f"{mb['RssFile'][1]:.0f} MB, peak RSS {mb['VmHWM'][0]:.0f} -> {mb['VmHWM'][1]:.0f} MB")
    print("(file pages: the host maps SQLite files into memory, DATABASE_SQLITE_PRAGMA_MMAP_SIZE = 256 MB; "
          "they are the database read, not the export held)")

if __name__ == "__main__":
    main()
