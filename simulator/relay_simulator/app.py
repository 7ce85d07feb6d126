"""The relay simulator's HTTP server: the documented endpoints (docs/relay-api.md) plus /_sim/*
(sim_log) for tests to read request counts and reset state."""

import asyncio
import base64
import binascii
import io
import logging
import struct
import time
import uuid
from dataclasses import dataclass, field
from typing import Optional, Union

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from PIL import Image

from relay_simulator.hostile_echo import echoed
from relay_simulator.scenario import ProgressFigure, Scenario, parse_scenario, poll_fault, submit_fails
from relay_simulator.sim_log import install_sim_routes
from relay_simulator.video import make_mp4

log = logging.getLogger(__name__)

MODEL_IMAGE_LIMITS = {
    "veo3": 0, "veo3-fast": 0, "veo3-pro": 0, "veo2": 0, "veo2-fast": 0, "veo2-pro": 0,
    "veo3-pro-frames": 1, "veo3-fast-frames": 1, "veo2-fast-frames": 2, "veo2-fast-components": 3,
}


@dataclass
class SimTask:
    id: str
    prompt: str
    model: str
    scenario: Scenario
    images: list
    submitted_at: float
    queries: int = 0  # every GET, including the ones answered with a fault
    query_times: list = field(default_factory=list)
    good_queries: int = 0
    finished_status: Optional[str] = None
    video: Optional[bytes] = None
    first_frame: Optional[Image.Image] = field(default=None, repr=False)
    figure: Optional[ProgressFigure] = field(default=None, repr=False)

    def __post_init__(self):
        if self.figure is None:
            self.figure = ProgressFigure(self.scenario, self.id)


def _echo(request: Request, scenario) -> str:
    """What careless relays do: repeat the caller's credentials in an error text."""
    return echoed(scenario, "Authorization", request.headers.get("authorization"))


def _envelope_error(status: int, code: str, message: str, retry_after: Optional[str] = None) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, "data": None}, status_code=status,
                        headers={"Retry-After": retry_after} if retry_after and status == 429 else None)


def _decode_image(value: str) -> Optional[Image.Image]:
    if value.startswith("data:"):
        try:
            return Image.open(io.BytesIO(base64.b64decode(value.split(",", 1)[1], validate=True))).convert("RGB")
        except (binascii.Error, ValueError, OSError, IndexError):
            return None
    return None


def big_video(size: int) -> StreamingResponse:
    """`size` bytes that start like an MP4 (an ftyp box, then an mdat filling the rest), generated
    as they are sent, for storage throughput benchmarks."""
    header = struct.pack(">I4s4sI8s", 24, b"ftyp", b"isom", 512, b"isomiso2") + struct.pack(">I4s", size - 24, b"mdat")
    chunk = bytes(1024 * 1024)

    def body():
        yield header
        left = size - len(header)
        while left > 0:
            yield chunk[:left]
            left -= len(chunk)

    return StreamingResponse(body(), media_type="video/mp4", headers={"Content-Length": str(size)})


def create_app(api_key: str) -> FastAPI:
    app = FastAPI(title="Veo relay simulator")
    tasks: dict[str, SimTask] = {}
    counters = {"submits": 0, "queries": 0}
    submit_counts: dict[str, int] = {}
    text_video_cache: dict[tuple, bytes] = {}

    def authorized(request: Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {api_key}"

    def unauthorized() -> JSONResponse:
        return JSONResponse({"error": {"message": "invalid token (无效的令牌)", "type": "new_api_error"}}, status_code=401)

    @app.post("/google/v1/models/veo/videos")
    async def submit(request: Request):
        if not authorized(request):
            return unauthorized()
        try:
            body = await request.json()
        except ValueError:
            return _envelope_error(400, "invalid_request", "request body is not JSON")
        prompt, model, images = body.get("prompt"), body.get("model"), body.get("images") or []
        if not isinstance(prompt, str) or not prompt.strip():
            return _envelope_error(400, "invalid_request", "prompt is required")
        if model not in MODEL_IMAGE_LIMITS:
            return _envelope_error(400, "invalid_request", f"model {model!r} is not supported")
        if len(images) > MODEL_IMAGE_LIMITS[model]:
            return _envelope_error(400, "invalid_request", f"{model} accepts at most {MODEL_IMAGE_LIMITS[model]} images")
        scenario = parse_scenario(prompt)
        if scenario.submit_delay:
            await asyncio.sleep(scenario.submit_delay)
        if submit_fails(scenario, prompt, submit_counts):
            return _envelope_error(scenario.submit_http, "upstream_error",
                                   f"simulated HTTP {scenario.submit_http}{_echo(request, scenario)}", scenario.retry_after)
        if scenario.submit_code:
            return JSONResponse({"code": scenario.submit_code, "message": "simulated refusal", "data": None})
        task_id = str(uuid.uuid4())
        first = _decode_image(images[0]) if images else None
        tasks[task_id] = SimTask(task_id, prompt, model, scenario, images, time.time(), first_frame=first)
        counters["submits"] += 1
        return {"code": "success", "message": "", "data": task_id}

    def state_of(task: SimTask) -> tuple[str, Union[int, str, None]]:
        """The status and the progress figure (a percentage, None to leave it out, or "")."""
        status, time_figure = _time_state_of(task)
        if status in ("SUCCESS", "FAILURE"):
            return status, task.figure.finished()
        return status, task.figure.at(time_figure, time.time() - task.submitted_at)

    def _time_state_of(task: SimTask) -> tuple[str, int]:
        s = task.scenario
        if task.finished_status:
            return task.finished_status, 100
        if s.never:
            return "IN_PROGRESS", 50
        if s.seconds is not None:
            fraction = (time.time() - task.submitted_at) / s.seconds if s.seconds > 0 else 1.0
            done = fraction >= 1.0
        else:
            fraction = 0.0
            done = task.good_queries >= s.polls
        if done:
            task.finished_status = "FAILURE" if s.fail else "SUCCESS"
            return task.finished_status, 100
        if task.good_queries <= len(s.statuses):
            return s.statuses[task.good_queries - 1], 0
        if s.seconds is None:
            # Counting polls is a test device, not a pace: report no progress so clients do not
            # extrapolate a finish time from it (time-based tasks report real progress).
            return ("SUBMITTED" if task.good_queries == 1 else "IN_PROGRESS"), 0
        return "IN_PROGRESS", max(1, min(99, int(fraction * 100)))

    @app.get("/google/v1/tasks/{task_id}")
    async def query(task_id: str, request: Request):
        if not authorized(request):
            return unauthorized()
        task = tasks.get(task_id)
        if task is None:
            return _envelope_error(400, "task_not_exist", "task_not_exist")
        task.queries += 1
        task.query_times.append(time.time())
        counters["queries"] += 1
        s = task.scenario
        if s.query_delay:
            await asyncio.sleep(s.query_delay)
        # Scripted faults come first, in order: HTTP errors, malformed JSON, code != "success".
        fault = poll_fault(task, ("http", "malformed", "code"))
        if fault == "http":
            return _envelope_error(s.query_http, "get_task_failed", f"simulated HTTP {s.query_http}")
        if fault == "malformed":
            return Response("{not json", media_type="application/json")
        if fault == "code":
            return JSONResponse({"code": "get_task_failed", "message": "simulated relay error", "data": None})
        status, progress = state_of(task)
        base = str(request.base_url).rstrip("/")
        inner = {"id": task.id, "status": "completed" if status == "SUCCESS" else status.lower(),
                 "status_update_time": int(time.time() * 1000)}
        if status == "SUCCESS" and not s.novideo:
            inner["video_url"] = s.video_url or f"{base}/videos/{task.id}.mp4"
        finished = status in ("SUCCESS", "FAILURE")
        return {"code": "success", "message": "", "data": {
            "task_id": task.id, "notify_hook": "", "action": "google-videos", "status": status,
            "fail_reason": f"{s.fail}{_echo(request, s)}" if status == "FAILURE" else "",
            "submit_time": int(task.submitted_at), "start_time": 0,
            "finish_time": int(time.time()) if finished else 0,
            **({} if progress is None else {"progress": f"{progress}%" if progress != "" else ""}),
            "data": inner if status != "FAILURE" else None,
        }}

    @app.get("/videos/{name}")
    async def video(name: str):
        task = tasks.get(name.removesuffix(".mp4"))
        if task is None or task.finished_status != "SUCCESS" or task.scenario.video == "missing":
            return Response("not found", status_code=404)
        if task.scenario.video.startswith("big:"):
            return big_video(int(task.scenario.video[4:]) * 1024 * 1024)
        if task.scenario.video == "notvideo":
            return Response("<html>this is not a video</html>", media_type="video/mp4")
        if task.video is None:
            if task.first_frame is None:
                key = (task.scenario.duration,)
                if key not in text_video_cache:
                    text_video_cache[key] = await asyncio.to_thread(make_mp4, task.scenario.duration, "text")
                task.video = text_video_cache[key]
            else:
                task.video = await asyncio.to_thread(make_mp4, task.scenario.duration, task.id, task.first_frame)
        return Response(task.video, media_type="video/mp4")

    def stats() -> dict:
        return {**counters, "tasks": {t.id: {"queries": t.queries, "query_times": t.query_times,
                                             "finish_at": t.submitted_at + t.scenario.seconds
                                             if t.scenario.seconds is not None else None,
                                             "prompt": t.prompt, "model": t.model,
                                             "images": len(t.images), "status": t.finished_status}
                                      for t in tasks.values()}}

    install_sim_routes(app, stats, lambda: (tasks.clear(), submit_counts.clear(), counters.update(submits=0, queries=0)), record=False)
    return app
