"""Copying a large finished video into each storage backend: throughput and the server's peak
memory growth, against a plain streamed copy of the same file over the same loopback.

    .venv/bin/python bench/storage.py [--size-mb 1024]

The simulator generates the file as it sends it; the object store is moto's S3 server on
127.0.0.1 (COS through the official SDK, S3 through boto3).
"""

import argparse
import secrets
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.measure import ProcessMeter  # noqa: E402
from devstack.api import configure, grant, signup  # noqa: E402
from devstack.object_store import ObjectStore  # noqa: E402
from devstack.processes import Simulator, WebUI  # noqa: E402

MB = 1024 * 1024


def plain_copy(sim: Simulator, size_mb: int, target: Path) -> float:
    """Seconds to stream the simulator's file to disk with nothing else done: the baseline."""
    headers = {"Authorization": f"Bearer {sim.api_key}"}
    body = {"prompt": f"baseline [sim:polls=1;video=big:{size_mb}]", "model": "veo3"}
    task_id = httpx.post(f"{sim.url}/google/v1/models/veo/videos", json=body, headers=headers).json()["data"]
    url = httpx.get(f"{sim.url}/google/v1/tasks/{task_id}", headers=headers).json()["data"]["data"]["video_url"]
    start = time.perf_counter()
    with httpx.stream("GET", url, timeout=600) as r, open(target, "wb") as out:
        for chunk in r.iter_bytes(256 * 1024):
            out.write(chunk)
    seconds = time.perf_counter() - start
    target.unlink()
    return seconds


def direct_upload(store: ObjectStore, size_mb: int) -> float:
    """Seconds for boto3 alone to push the same bytes into the object store as 8 MB parts: what
    the local object store can ingest at best, to tell its limits from the module's."""
    client, bucket, key = store.client(), store.create_bucket(f"direct-{secrets.token_hex(3)}"), "direct.bin"
    part = bytes(8 * MB)
    start = time.perf_counter()
    upload_id = client.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    parts = [{"ETag": client.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=n, Body=part)["ETag"],
              "PartNumber": n} for n in range(1, size_mb // 8 + 1)]
    client.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts})
    seconds = time.perf_counter() - start
    client.delete_object(Bucket=bucket, Key=key)
    return seconds


def module_copy(admin, sim: Simulator, meter: ProcessMeter, size_mb: int) -> tuple[float, float, dict]:
    """(seconds of the copy, peak RSS growth in MB, the task). The copy starts when the poller
    receives SUCCESS (the simulator's last query) and ends when the task shows SUCCESS."""
    baseline_rss = meter.rss_mb()
    meter.reset_peak()
    task = admin.ok("POST", "/text-to-video", json={"prompt": f"big [sim:polls=1;video=big:{size_mb}]", "model": "veo3"})["task"]
    while (current := admin.ok("GET", f"/task/{task['id']}")["task"])["status"] not in ("SUCCESS", "FAILURE"):
        time.sleep(0.05)
    finished = time.time()
    started = sim.stats()["tasks"][current["external_task_id"]]["query_times"][-1]
    return finished - started, meter.peak_rss_mb() - baseline_rss, current


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=int, default=1024)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gv-bench-storage-"))
    sim = Simulator(api_key="sk-bench-" + secrets.token_hex(6), log_dir=work).start()
    store = ObjectStore(work).start()
    webui = WebUI(work / "webui", env={"GOOGLE_VIDEO_POLL_TICK_SECONDS": "0.2"}).start()
    try:
        admin = signup(webui.url, "Bench", "bench@example.com", "bench-password-1")
        grant(admin, admin.id, 1_000_000)
        meter = ProcessMeter(webui.proc.pid)
        base = plain_copy(sim, args.size_mb, work / "plain-copy.bin")
        print(f"file: {args.size_mb} MB; plain streamed copy to disk: {base:.2f} s = {args.size_mb / base:.0f} MB/s")
        direct = direct_upload(store, args.size_mb)
        print(f"boto3 alone into the local object store: {direct:.2f} s = {args.size_mb / direct:.0f} MB/s")
        for backend in ("local", "s3", "cos"):
            bucket = store.create_bucket(f"bench-{secrets.token_hex(3)}-1250000000")
            settings = {"local": {}, "s3": store.s3_settings(bucket), "cos": store.cos_settings(bucket)}[backend]
            configure(admin, sim.url, sim.api_key, max_video_mb=args.size_mb + 1, poll_interval_seconds=1, **settings)
            seconds, growth, task = module_copy(admin, sim, meter, args.size_mb)
            assert task["status"] == "SUCCESS" and task["video_size"] == args.size_mb * MB, task
            versus_store = "" if backend == "local" else f", {100 * direct / seconds:3.0f}% of boto3 alone"
            print(f"{backend:>5}: {seconds:6.2f} s = {args.size_mb / seconds:4.0f} MB/s "
                  f"({100 * base / seconds:3.0f}% of the plain copy{versus_store}); server peak RSS growth {growth:5.1f} MB")
    finally:
        webui.stop()
        store.stop()
        sim.stop()


if __name__ == "__main__":
    main()
