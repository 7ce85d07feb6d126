"""What the Gemini and the Vertex AI Veo simulators share: the `instances`/`parameters` request
checks, the per-task state machine driven by the prompt's [sim:...] directives, Google's error
envelope, operation JSON, lazily made MP4s, and the /_sim/* endpoints (through sim_log).

The wire shapes follow docs/providers/gemini_veo.md."""

import asyncio
import base64
import binascii
import html
import io
import json
import logging
import time
from dataclasses import dataclass, field
from typing import Callable, Optional

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from PIL import Image
from starlette.exceptions import HTTPException

from relay_simulator.scenario import Scenario, parse_scenario, poll_fault, submit_fails
from relay_simulator.sim_log import install_sim_routes
from relay_simulator.video import make_mp4

log = logging.getLogger(__name__)

MODELS = ("veo-2.0-generate-001", "veo-3.0-generate-001", "veo-3.0-fast-generate-001",
          "veo-3.1-generate-preview", "veo-3.1-fast-generate-preview")
STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
          429: "RESOURCE_EXHAUSTED", 499: "CANCELLED", 500: "INTERNAL", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}
# Google's stock texts for each status (what the real service says when nothing more specific applies).
STOCK_MESSAGE = {400: "Request contains an invalid argument.", 401: "Request had invalid authentication credentials.",
                 403: "The caller does not have permission.", 404: "Requested entity was not found.",
                 429: "Resource has been exhausted (e.g. check quota).", 500: "Internal error encountered.",
                 503: "The service is currently unavailable.", 504: "The request timed out."}
REFUSE_REASON = ("Your video was blocked by our safety filters because it may violate our usage guidelines. "
                 "You have not been charged. (simulated)")
REFUSE_SUBMIT_MESSAGE = ("The prompt could not be submitted. This prompt contains sensitive words that violate "
                         "Google's Responsible AI practices. Try rephrasing the prompt. (simulated)")
FAILED_CODE = 13  # google.rpc.Code INTERNAL: what a generation that broke down reports

COMMON_PARAMS = ("sampleCount", "durationSeconds", "aspectRatio", "resolution", "personGeneration",
                 "negativePrompt", "enhancePrompt")
VERTEX_ONLY_PARAMS = ("seed", "generateAudio", "storageUri", "fps", "compressionQuality", "resizeMode", "pubsubTopic")


class GoogleError(Exception):
    """A request the service answers with {"error": {...}}; raised by checks, turned into a response."""

    def __init__(self, code: int, message: Optional[str] = None, details: Optional[list] = None):
        super().__init__(message)
        self.code, self.message, self.details = code, message or STOCK_MESSAGE.get(code, "Unknown error."), details

    def response(self) -> JSONResponse:
        return google_error(self.code, self.message, self.details)


def google_error(code: int, message: Optional[str] = None, details: Optional[list] = None,
                 headers: Optional[dict] = None) -> JSONResponse:
    if code == 429 and details is None:
        # Real 429s say how long to wait; clients that honour RetryInfo need one to read.
        details = [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "1s"}]
    body = {"code": code, "message": message or STOCK_MESSAGE.get(code, "Unknown error."),
            "status": STATUS.get(code, "UNKNOWN")}
    if details:  # Google leaves the key out rather than sending an empty list
        body["details"] = details
    return JSONResponse({"error": body}, status_code=code, headers=headers)


def _bad(message: str) -> GoogleError:
    return GoogleError(400, message)


def _unknown_field(name: str, where: Optional[str]) -> GoogleError:
    at = f" at '{where}'" if where else ""
    return _bad(f'Invalid JSON payload received. Unknown name "{name}"{at}: Cannot find field.')


def _check_keys(obj: dict, allowed, where: Optional[str]) -> None:
    for key in obj:
        if key not in allowed:
            raise _unknown_field(key, where)


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _check_parameter(name: str, v) -> None:
    def need(ok: bool, what: str):
        if not ok:
            raise _bad(f"parameters.{name} {what}, got {json.dumps(v)}")

    if name == "sampleCount":
        need(_is_int(v) and 1 <= v <= 4, "must be an integer from 1 to 4")
    elif name == "durationSeconds":
        need(_is_int(v) and 4 <= v <= 8, "must be an integer from 4 to 8")
    elif name == "aspectRatio":
        need(v in ("16:9", "9:16"), "must be \"16:9\" or \"9:16\"")
    elif name == "resolution":
        need(v in ("720p", "1080p"), "must be \"720p\" or \"1080p\"")
    elif name == "personGeneration":
        need(v in ("dont_allow", "allow_adult", "allow_all"), "must be dont_allow, allow_adult or allow_all")
    elif name in ("negativePrompt", "pubsubTopic"):
        need(isinstance(v, str), "must be a string")
    elif name in ("enhancePrompt", "generateAudio"):
        need(isinstance(v, bool), "must be a boolean")
    elif name == "seed":
        need(_is_int(v) and 0 <= v <= 0xFFFFFFFF, "must be an unsigned 32-bit integer")
    elif name == "fps":
        need(_is_int(v) and 1 <= v <= 60, "must be an integer from 1 to 60")
    elif name == "storageUri":
        need(isinstance(v, str) and v.startswith("gs://") and len(v) > 5 and not v[5:].startswith("/"),
             "must be a gs://bucket/prefix/ URI")
    elif name == "compressionQuality":
        need(v in ("OPTIMIZED", "LOSSLESS"), "must be OPTIMIZED or LOSSLESS")
    elif name == "resizeMode":
        need(isinstance(v, str) and v.lower() in ("pad", "crop"), "must be pad or crop")


@dataclass
class VeoRequest:
    """A checked predictLongRunning body."""

    model: str
    prompt: Optional[str]
    image: Optional[Image.Image] = field(default=None, repr=False)
    last_frame: Optional[Image.Image] = field(default=None, repr=False)
    references: list = field(default_factory=list)  # [(PIL image, "ASSET" | "STYLE")]
    video: Optional[dict] = None  # the extension source as sent
    parameters: dict = field(default_factory=dict)
    scenario: Scenario = field(default_factory=Scenario)

    @property
    def sample_count(self) -> int:
        return self.parameters.get("sampleCount", 1)


def parse_request(body, model: str, wire: str, load_gcs: Callable[[str], Optional[bytes]],
                  check_video: Callable[[dict], None]) -> VeoRequest:
    """Checks a predictLongRunning body as the service does, raising GoogleError(400).

    `load_gcs(uri)` gives the bytes of a gs:// object this simulator stores (vertex images);
    `check_video(video)` raises unless the extension source is one this simulator generated."""
    if not isinstance(body, dict):
        raise _bad("Invalid JSON payload received. Expected an object.")
    _check_keys(body, ("instances", "parameters", "webhookConfig" if wire == "gemini" else "labels"), None)
    instances = body.get("instances")
    if not isinstance(instances, list) or len(instances) != 1 or not isinstance(instances[0], dict):
        raise _bad("instances must be a list holding exactly one object.")
    inst = instances[0]
    allowed = ["prompt", "image", "lastFrame", "referenceImages", "video"] + (["mask"] if wire == "vertex" else [])
    _check_keys(inst, allowed, "instances[0]")
    params = body.get("parameters", {})
    if not isinstance(params, dict):
        raise _bad("Invalid value at 'parameters': expected an object.")
    allowed = COMMON_PARAMS + (VERTEX_ONLY_PARAMS if wire == "vertex" else ())
    _check_keys(params, allowed, "parameters")
    for name, value in params.items():
        _check_parameter(name, value)
    if wire == "gemini" and "webhookConfig" in body and not isinstance(body["webhookConfig"], dict):
        raise _bad("Invalid value at 'webhook_config': expected an object.")

    prompt = inst.get("prompt")
    if prompt is not None and not isinstance(prompt, str):
        raise _bad("instances[0].prompt must be a string.")
    if "mask" in inst and not isinstance(inst["mask"], dict):
        raise _bad("instances[0].mask must be an object.")
    image = _image(inst["image"], "instances[0].image", wire, load_gcs) if "image" in inst else None
    last = _image(inst["lastFrame"], "instances[0].lastFrame", wire, load_gcs) if "lastFrame" in inst else None
    video = inst.get("video")
    if video is not None:
        if not isinstance(video, dict):
            raise _bad("instances[0].video must be an object.")
        check_video(video)
    if last is not None and image is None:
        raise _bad("lastFrame is only supported together with image (image-to-video).")
    if video is not None and image is not None:
        raise _bad("video (extension) cannot be combined with image or lastFrame.")
    refs = _references(inst.get("referenceImages"), wire, load_gcs) if "referenceImages" in inst else []
    if refs and (image is not None or video is not None):
        raise _bad("referenceImages cannot be combined with image, lastFrame or video.")
    if not (prompt and prompt.strip()) and image is None and video is None:
        raise _bad("instances[0].prompt is required unless an image or a video is given.")
    try:
        scenario = parse_scenario(prompt or "")
    except ValueError as e:  # a broken [sim:] directive is a test bug: say so loudly
        raise _bad(f"bad [sim:] directive: {e}") from e
    return VeoRequest(model, prompt, image, last, refs, video, params, scenario)


def _image(value, where: str, wire: str, load_gcs) -> Image.Image:
    if not isinstance(value, dict):
        raise _bad(f"{where} must be an object.")
    _check_keys(value, ("bytesBase64Encoded", "gcsUri", "mimeType"), where)
    if not isinstance(value.get("mimeType"), str) or not value["mimeType"].startswith("image/"):
        raise _bad(f"{where}.mimeType is required and must be an image type (image/png, image/jpeg).")
    has_bytes, has_gcs = "bytesBase64Encoded" in value, "gcsUri" in value
    if has_bytes == has_gcs:
        raise _bad(f"{where} needs exactly one of bytesBase64Encoded and gcsUri.")
    if has_gcs:
        if wire == "gemini":
            raise _bad(f"{where}.gcsUri is not supported in the Gemini API; send bytesBase64Encoded.")
        data = load_gcs(value["gcsUri"]) if isinstance(value["gcsUri"], str) else None
        if data is None:
            raise _bad(f"{where}.gcsUri {value['gcsUri']!r} could not be read: no such object.")
    else:
        try:
            data = base64.b64decode(value["bytesBase64Encoded"], validate=True)
        except (binascii.Error, ValueError, TypeError):
            raise _bad(f"{where}.bytesBase64Encoded is not valid base64.") from None
    try:
        img = Image.open(io.BytesIO(data))
        img.load()
        return img.convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError):
        raise _bad(f"{where} could not be decoded as an image.") from None


def _references(value, wire: str, load_gcs) -> list:
    if not isinstance(value, list) or not 1 <= len(value) <= 3:
        raise _bad("instances[0].referenceImages must be a list of 1 to 3 reference images.")
    refs = []
    for i, ref in enumerate(value):
        where = f"instances[0].referenceImages[{i}]"
        if not isinstance(ref, dict):
            raise _bad(f"{where} must be an object.")
        _check_keys(ref, ("image", "referenceType"), where)
        kind = ref.get("referenceType")
        if kind not in ("ASSET", "STYLE"):
            raise _bad(f"{where}.referenceType must be ASSET or STYLE.")
        if kind == "STYLE" and wire == "gemini":
            raise _bad(f"{where}.referenceType STYLE is not supported in the Gemini API (Vertex AI only).")
        if "image" not in ref:
            raise _bad(f"{where}.image is required.")
        refs.append((_image(ref["image"], f"{where}.image", wire, load_gcs), kind))
    if any(kind == "STYLE" for _, kind in refs) and len(refs) > 1:
        raise _bad("referenceImages takes up to 3 ASSET images or exactly 1 STYLE image.")
    return refs


@dataclass
class VeoTask:
    id: str
    name: str  # the operation name the caller polls
    request: VeoRequest
    submitted_at: float
    queries: int = 0  # every poll, including the ones answered with a fault
    query_times: list = field(default_factory=list)
    good_queries: int = 0
    outcome: Optional[str] = None  # success | failure | filtered | novideo
    videos: dict = field(default_factory=dict, repr=False)  # sample index -> MP4 bytes
    lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)

    @property
    def scenario(self) -> Scenario:
        return self.request.scenario

    def advance(self) -> Optional[str]:
        """The outcome once the scenario says the task is over, None while it runs."""
        s = self.scenario
        if self.outcome or s.never:
            return self.outcome
        if s.seconds is not None:
            done = time.time() - self.submitted_at >= s.seconds
        else:
            done = self.good_queries >= s.polls
        if done:
            self.outcome = ("failure" if s.fail else "filtered" if s.refuse
                            else "novideo" if s.novideo else "success")
            log.info("task %s finished: %s", self.name, self.outcome)
        return self.outcome

    async def video(self, index: int) -> bytes:
        """Sample `index`'s MP4, made on first use (encoding takes a while) and kept."""
        async with self.lock:
            if index not in self.videos:
                if self.scenario.video == "notvideo":
                    self.videos[index] = b"<html>this is not a video</html>"
                else:
                    seed = self.id if index == 0 else f"{self.id}/{index}"
                    self.videos[index] = await asyncio.to_thread(
                        make_mp4, self.scenario.duration, seed, self.request.image)
            return self.videos[index]


def filtered_fields(task: VeoTask) -> dict:
    return {"raiMediaFilteredCount": task.request.sample_count, "raiMediaFilteredReasons": [REFUSE_REASON]}


class SimState:
    """Tasks and counters of one simulator process."""

    def __init__(self):
        self.tasks: dict[str, VeoTask] = {}
        self.counters = {"submits": 0, "queries": 0}
        self.submit_counts: dict[str, int] = {}  # submits per prompt, for submit_http=CODE*N

    def reset(self) -> None:
        self.tasks.clear()
        self.submit_counts.clear()
        self.counters.update(submits=0, queries=0)

    def add(self, task: VeoTask) -> None:
        self.tasks[task.name] = task
        self.counters["submits"] += 1
        log.info("task %s submitted (model %s)", task.name, task.request.model)

    async def scripted_fault(self, task: VeoTask, echo: str) -> Optional[Response]:
        """Counts a poll and answers the scenario's scripted faults in order (HTTP errors, then
        malformed JSON); None when this poll gets a real answer."""
        task.queries += 1
        task.query_times.append(time.time())
        self.counters["queries"] += 1
        s = task.scenario
        if s.query_delay:
            await asyncio.sleep(s.query_delay)
        fault = poll_fault(task)
        if fault == "http":
            return google_error(s.query_http, STOCK_MESSAGE.get(s.query_http, "Unknown error.") + echo)
        if fault == "malformed":
            return Response("{not json", media_type="application/json")
        return None

    async def submit_fault(self, req: VeoRequest, echo: str) -> Optional[Response]:
        s = req.scenario
        if s.submit_delay:
            await asyncio.sleep(s.submit_delay)
        if submit_fails(s, req.prompt or "", self.submit_counts):
            return google_error(s.submit_http, STOCK_MESSAGE.get(s.submit_http, "Unknown error.") + echo)
        if s.refuse_submit:
            return google_error(400, REFUSE_SUBMIT_MESSAGE + echo)
        return None

    def stats(self) -> dict:
        def one(t: VeoTask) -> dict:
            r = t.request
            return {"queries": t.queries, "query_times": t.query_times, "prompt": r.prompt, "model": r.model,
                    "status": t.outcome, "parameters": r.parameters, "video": r.video,
                    "images": int(r.image is not None) + int(r.last_frame is not None) + len(r.references),
                    "last_frame": r.last_frame is not None, "reference_types": [k for _, k in r.references],
                    "finish_at": t.submitted_at + t.scenario.seconds if t.scenario.seconds is not None else None}

        return {**self.counters, "tasks": {t.name: one(t) for t in self.tasks.values()}}


def operation(task: VeoTask, response: Callable[[], dict], echo: str) -> dict:
    """google.longrunning.Operation for the task's current state; `response()` builds the
    wire-specific `response` of a finished task (success, filtered or empty)."""
    outcome = task.advance()
    if outcome is None:
        return {"name": task.name}  # running: no `done`, no `response`
    if outcome == "failure":
        return {"name": task.name, "done": True, "error": {"code": FAILED_CODE, "message": task.scenario.fail + echo}}
    return {"name": task.name, "done": True, "response": response()}


def install_common(app: FastAPI, state: SimState, on_reset: Callable[[], None] = lambda: None) -> None:
    """The /_sim/* endpoints and request log (sim_log), and Google's error envelope for every error."""
    install_sim_routes(app, state.stats, lambda: (state.reset(), on_reset()))

    @app.exception_handler(GoogleError)
    async def on_google_error(request: Request, exc: GoogleError):
        return exc.response()

    @app.exception_handler(HTTPException)
    async def on_http_error(request: Request, exc: HTTPException):
        if exc.status_code in (404, 405):
            return front_end_error(request, exc.status_code)
        return google_error(exc.status_code if exc.status_code in STATUS else 404,
                            f"{request.method} {request.url.path}: {exc.detail}")


def front_end_error(request: Request, code: int = 404) -> Response:
    """What Google's front end answers for a path no API serves (e.g. /v1beta/v1beta/...) or a method
    a path does not take: an HTML page, not the API's JSON envelope, whatever the key."""
    path = html.escape(request.url.path)
    text = (f"The requested URL <code>{path}</code> was not found on this server." if code == 404 else
            f"The request method <code>{html.escape(request.method)}</code> is inappropriate for the URL "
            f"<code>{path}</code>.")
    title = "Not Found" if code == 404 else "Method Not Allowed"
    page = (f"<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n  <meta name=viewport content=\"initial-scale=1, "
            f"minimum-scale=1, width=device-width\">\n  <title>Error {code} ({title})!!1</title>\n"
            f"  <a href=//www.google.com/><span id=logo aria-label=Google></span></a>\n"
            f"  <p><b>{code}.</b> <ins>That\u2019s an error.</ins>\n"
            f"  <p>{text}  <ins>That\u2019s all we know.</ins>\n")
    return Response(page, status_code=code, media_type="text/html; charset=UTF-8")
