"""The OpenAI Videos API (Sora 2) simulator: the wire format of docs/providers/openai_sora.md as
api.openai.com serves it under /v1, Azure AI Foundry under /openai/v1 (`api-key` header, an
`api-version` query parameter) and OpenAI-compatible gateways (LiteLLM, new-api) pass it on.

Videos are scripted with the relay simulator's `[sim:...]` prompt directives (scenario.py);
/_sim/* (sim_log) lets tests read counters and every request received, and reset state."""

import asyncio
import io
import logging
import time
import uuid
from dataclasses import dataclass, field
from typing import Optional

import av
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from PIL import Image
from starlette.exceptions import HTTPException as StarletteHTTPException

from relay_simulator.app import big_video
from relay_simulator.hostile_echo import echoed
from relay_simulator.scenario import ProgressFigure, Scenario, parse_scenario, poll_fault, submit_fails
from relay_simulator.sim_log import install_sim_routes
from relay_simulator.video import make_mp4

log = logging.getLogger(__name__)

# Snapshots allow what their family allows.
MODELS = {"sora-2": "sora-2", "sora-2-pro": "sora-2-pro", "sora-2-2025-10-06": "sora-2",
          "sora-2-pro-2025-10-06": "sora-2-pro", "sora-2-2025-12-08": "sora-2"}
# Error messages list the SDK's enums; the extra values only the newer guide names are accepted
# without being advertised, so clients that send them work but nobody is told to.
SECONDS_LISTED = ("4", "8", "12")
SECONDS_ACCEPTED = SECONDS_LISTED + ("16", "20")
SIZES_LISTED = {"sora-2": ("720x1280", "1280x720"),
                "sora-2-pro": ("720x1280", "1280x720", "1024x1792", "1792x1024")}
SIZES_ACCEPTED = {"sora-2": SIZES_LISTED["sora-2"],
                  "sora-2-pro": SIZES_LISTED["sora-2-pro"] + ("1920x1080", "1080x1920")}
IMAGE_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
VARIANTS = ("video", "thumbnail", "spritesheet")
ASSET_LIFETIME = 3600  # expires_at - completed_at; only third-party notes give a number (~1 h)
NO_SCENARIO = Scenario()  # for requests that name no known video


class ApiError(Exception):
    """Answered as OpenAI's error body {"error": {message, type, param, code}}."""

    def __init__(self, status: int, message: str, type_: str = "invalid_request_error",
                 param: Optional[str] = None, code: Optional[str] = None, headers: Optional[dict] = None):
        super().__init__(message)
        self.status = status
        self.headers = headers
        self.body = {"error": {"message": message, "type": type_, "param": param, "code": code}}


def _quoted(values) -> str:
    """'a' and 'b' / 'a', 'b', and 'c', as OpenAI's enum errors list them."""
    q = [f"'{v}'" for v in values]
    return " and ".join(q) if len(q) < 3 else ", ".join(q[:-1]) + ", and " + q[-1]


def _invalid_value(param: str, value: str, listed) -> ApiError:
    return ApiError(400, f"Invalid value: '{value}'. Supported values are: {_quoted(listed)}.",
                    param=param, code="invalid_value")


def _echo(request: Request, scenario: Scenario) -> str:
    """What careless gateways do: repeat the caller's credentials in an error text."""
    name = "Authorization" if "authorization" in request.headers else "api-key"
    return echoed(scenario, name, request.headers.get(name))


def _fault(status: int, model: str, echo: str, retry_after: Optional[str] = None) -> ApiError:
    """A scripted HTTP failure (submit_http / query_http) with the body OpenAI sends for it."""
    if status == 429:
        return ApiError(429, f"Rate limit reached for {model} in organization org-simulator on requests per min "
                             "(RPM): Limit 5, Used 5, Requested 1. Please try again in 12s. Visit "
                             f"https://platform.openai.com/account/rate-limits to learn more.{echo}",
                        "requests", code="rate_limit_exceeded",
                        headers={"retry-after": retry_after} if retry_after else None)
    if status == 503:
        return ApiError(503, f"The server is overloaded or not ready yet.{echo}", "server_error")
    if status >= 500:
        return ApiError(status, "The server had an error while processing your request. Sorry about that!"
                                f"{echo}", "server_error")
    return ApiError(status, f"Simulated HTTP {status}.{echo}")


def _scenario(prompt: str) -> Scenario:
    try:
        return parse_scenario(prompt)
    except ValueError as exc:  # a test's typo in a directive should say so, not look like a server bug
        raise ApiError(400, f"Invalid [sim:...] directive: {exc}", param="prompt") from exc


def _decode_image(data: bytes) -> Optional[Image.Image]:
    """The image if the bytes are a JPEG, PNG or WEBP (the formats Sora takes), else None."""
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None
    return image if image.format in IMAGE_TYPES.values() else None


def _text(form, name: str, default: Optional[str] = None) -> Optional[str]:
    value = form.get(name)
    if value is None:
        return default
    if not isinstance(value, str):
        raise ApiError(400, f"Invalid type for '{name}': expected a string, but got a file instead.",
                       param=name, code="invalid_type")
    return value


async def _reference_image(form, size: str) -> Optional[Image.Image]:
    """input_reference as a file part: what the SDK sends (its {file_id} / {image_url} object form
    cannot go in a multipart body, so this simulator does not take it)."""
    part = form.get("input_reference")
    if part is None:
        return None
    if isinstance(part, str):  # OpenAI's answer to a URL or base64 sent as a plain text field
        raise ApiError(400, "Invalid type for 'input_reference': expected a file, but got a string instead.",
                       param="input_reference", code="invalid_type")
    # Sora checks the part's declared type: a file sent as application/octet-stream is refused.
    declared = (part.content_type or "").split(";")[0].strip().lower()
    if declared not in IMAGE_TYPES:
        raise ApiError(400, f"Invalid file 'input_reference': unsupported mimetype ('{declared}'). "
                            f"Supported file formats are {_quoted(IMAGE_TYPES)}.",
                       param="input_reference", code="unsupported_file")
    data = await part.read()
    image = _decode_image(data)
    if image is None:
        raise ApiError(400, "Invalid file 'input_reference': the file is not a valid JPEG, PNG or WEBP image.",
                       param="input_reference", code="invalid_image")
    if f"{image.width}x{image.height}" != size:
        raise ApiError(400, "Inpaint image must match the requested width and height")  # OpenAI's text, param null
    return image.convert("RGB")


def _previews(mp4: bytes) -> dict[str, bytes]:
    """The thumbnail (first frame, WEBP) and spritesheet (8 frames tiled 4x2, JPEG), made from the
    decoded MP4 so they show what the video shows."""
    with av.open(io.BytesIO(mp4)) as container:
        frames = [frame.to_image() for frame in container.decode(video=0)]
    thumbnail = io.BytesIO()
    frames[0].save(thumbnail, "WEBP")
    cols, rows = 4, 2
    w, h = frames[0].width // 2, frames[0].height // 2
    sheet = Image.new("RGB", (w * cols, h * rows))
    for i in range(cols * rows):
        frame = frames[i * (len(frames) - 1) // (cols * rows - 1)]
        sheet.paste(frame.resize((w, h)), ((i % cols) * w, (i // cols) * h))
    spritesheet = io.BytesIO()
    sheet.save(spritesheet, "JPEG", quality=80)
    return {"thumbnail": thumbnail.getvalue(), "spritesheet": spritesheet.getvalue()}


@dataclass
class SimVideo:
    id: str
    prompt: str
    model: str
    seconds: str
    size: str
    scenario: Scenario
    created_at: float
    remixed_from: Optional[str] = None
    first_frame: Optional[Image.Image] = field(default=None, repr=False)
    queries: int = 0  # every retrieve, including the ones answered with a scripted fault
    query_times: list = field(default_factory=list)
    good_queries: int = 0
    outcome: Optional[str] = None  # "completed" | "failed" once settled; running states are derived
    completed_at: Optional[int] = None
    assets: dict = field(default_factory=dict, repr=False)  # variant -> bytes, made on first download
    figure: Optional[ProgressFigure] = field(default=None, repr=False)

    def __post_init__(self):
        self.figure = ProgressFigure(self.scenario, self.id)

    def settle(self, now: float) -> None:
        """Reach the terminal state once due: by good retrieves (polls=N) or by wall time (seconds=S)."""
        s = self.scenario
        if self.outcome or s.never:
            return
        if s.seconds is not None:
            if now - self.created_at < s.seconds:
                return
            self.completed_at = int(self.created_at + s.seconds)
        elif self.good_queries >= s.polls:
            self.completed_at = int(now)
        else:
            return
        self.outcome = "failed" if s.refuse or s.fail else "completed"
        log.info("video %s %s", self.id, self.outcome)

    def state(self, now: float):
        """(status, progress); progress None leaves the field out (progress=none)."""
        s, elapsed = self.scenario, now - self.created_at
        if self.outcome:
            return self.outcome, self.figure.finished()
        if s.never:
            return "in_progress", self.figure.at(50, elapsed)
        if 0 < self.good_queries <= len(s.statuses):  # raw statuses, to test clients on unknown ones
            return s.statuses[self.good_queries - 1], self.figure.at(0, elapsed)
        if s.seconds is not None:
            fraction = elapsed / s.seconds if s.seconds > 0 else 1.0
            if fraction < 0.05:
                return "queued", self.figure.at(0, elapsed)
            return "in_progress", self.figure.at(max(1, min(99, int(fraction * 100))), elapsed)
        # Counting polls is a test device, not a pace: the figure stays 0 (see scenario.py).
        return ("queued" if self.good_queries <= 1 else "in_progress"), self.figure.at(0, elapsed)

    def error(self, echo: str) -> Optional[dict]:
        if self.outcome != "failed":
            return None
        if self.scenario.refuse:
            return {"code": "moderation_blocked", "message": "Your request was blocked by our moderation system."}
        return {"code": "video_generation_failed", "message": f"{self.scenario.fail}{echo}"}

    def as_json(self, echo: str = "") -> dict:
        status, progress = self.state(time.time())
        done = self.outcome == "completed"
        return {"id": self.id, "object": "video", "model": self.model, "status": status,
                **({} if progress is None else {"progress": progress}),
                "created_at": int(self.created_at), "completed_at": self.completed_at,
                "expires_at": self.completed_at + ASSET_LIFETIME if done else None,
                "prompt": self.prompt, "seconds": self.seconds, "size": self.size,
                "remixed_from_video_id": self.remixed_from, "error": self.error(echo)}


def create_openai_app(api_key: str) -> FastAPI:
    app = FastAPI(title="OpenAI Videos API simulator")
    router = APIRouter()
    videos: dict[str, SimVideo] = {}  # insertion order is creation order, which list pages follow
    counters = {"submits": 0, "queries": 0}
    submit_counts: dict[str, int] = {}

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError):
        return JSONResponse(exc.body, status_code=exc.status, headers=exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code in (404, 405):  # no such route: OpenAI's wording
            message = f"Invalid URL ({request.method} {request.url.path})"
        else:
            message = str(exc.detail)
        return JSONResponse(ApiError(exc.status_code, message).body, status_code=exc.status_code)

    @app.middleware("http")
    async def request_id(request: Request, call_next):
        response = await call_next(request)
        response.headers["x-request-id"] = f"req_{uuid.uuid4().hex}"
        return response

    def check_auth(request: Request, scenario: Scenario) -> None:
        auth = request.headers.get("authorization") or ""
        bearer = auth[7:].strip() if auth[:7].lower() == "bearer " else None
        azure = request.headers.get("api-key")
        if api_key in (bearer, azure):
            return
        sent = bearer or azure
        if not sent:
            message = ("You didn't provide an API key. You need to provide your API key in an Authorization header "
                       "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You can obtain an API key from "
                       "https://platform.openai.com/account/api-keys.")
        else:
            if scenario.echo_auth:
                shown = auth or azure
            else:  # OpenAI shows the first 3 and last 4 characters
                shown = sent[:3] + "*" * (len(sent) - 7) + sent[-4:] if len(sent) > 7 else "*" * len(sent)
            message = (f"Incorrect API key provided: {shown}. You can find your API key at "
                       "https://platform.openai.com/account/api-keys.")
        raise ApiError(401, message, code="invalid_api_key")

    def lookup(request: Request, video_id: str) -> SimVideo:
        video = videos.get(video_id)
        check_auth(request, video.scenario if video else NO_SCENARIO)
        if video is None:
            raise ApiError(404, f"Video with id '{video_id}' not found.")
        return video

    async def start(request: Request, scenario: Scenario, prompt: str, model: str, seconds: str, size: str,
                    first_frame: Optional[Image.Image], remixed_from: Optional[str] = None) -> dict:
        """What create and remix share once the request is valid: the scripted submit faults, then a new video."""
        if scenario.submit_delay:
            await asyncio.sleep(scenario.submit_delay)
        echo = _echo(request, scenario)
        if submit_fails(scenario, prompt, submit_counts):
            raise _fault(scenario.submit_http, model, echo, scenario.retry_after)
        if scenario.refuse_submit:
            raise ApiError(400, "Your request was rejected as a result of our safety system. Your prompt may "
                                f"contain text that is not allowed by our safety system.{echo}",
                           code="moderation_blocked")
        video = SimVideo(f"video_{uuid.uuid4().hex}", prompt, model, seconds, size, scenario, time.time(),
                         remixed_from, first_frame)
        videos[video.id] = video
        counters["submits"] += 1
        log.info("video %s created: %s %ss %s%s%s", video.id, model, seconds, size,
                 " with input_reference" if first_frame else "", f" remix of {remixed_from}" if remixed_from else "")
        return video.as_json()

    @router.post("/videos")
    async def create(request: Request):
        content_type = request.headers.get("content-type", "")
        is_form = content_type.startswith("multipart/form-data")
        form = await request.form() if is_form else {}
        prompt = form.get("prompt")
        # The form is read first so echo_auth in the prompt can shape the 401 too.
        scenario = _scenario(prompt if isinstance(prompt, str) else "")
        check_auth(request, scenario)
        if not is_form:  # the API takes create as multipart only (a JSON body is refused)
            raise ApiError(400, f"Unsupported content type: '{content_type}'. This API method only accepts "
                                "'multipart/form-data' requests, but you specified the header "
                                f"'Content-Type: {content_type}'. Please try again with a supported content type.",
                           code="unsupported_content_type")
        prompt = _text(form, "prompt")
        if prompt is None:
            raise ApiError(400, "Missing required parameter: 'prompt'.", param="prompt",
                           code="missing_required_parameter")
        if not prompt:
            raise ApiError(400, "Invalid 'prompt': string too short. Expected a string with minimum length 1, "
                                "but got an empty string instead.", param="prompt", code="string_below_min_length")
        model = _text(form, "model", "sora-2")
        if model not in MODELS:
            raise _invalid_value("model", model, MODELS)
        seconds = _text(form, "seconds", "4")
        if seconds not in SECONDS_ACCEPTED:
            raise _invalid_value("seconds", seconds, SECONDS_LISTED)
        size = _text(form, "size", "720x1280")
        if size not in SIZES_ACCEPTED[MODELS[model]]:
            raise _invalid_value("size", size, SIZES_LISTED[MODELS[model]])
        first_frame = await _reference_image(form, size)
        return await start(request, scenario, prompt, model, seconds, size, first_frame)

    @router.get("/videos")
    async def list_videos(request: Request, after: Optional[str] = None, limit: str = "20", order: str = "desc"):
        check_auth(request, NO_SCENARIO)
        if not limit.isdigit() or not 1 <= int(limit) <= 100:
            raise ApiError(400, f"Invalid 'limit': expected an integer between 1 and 100, but got '{limit}' instead.",
                           param="limit", code="invalid_value")
        if order not in ("asc", "desc"):
            raise _invalid_value("order", order, ("asc", "desc"))
        ordered = list(videos.values()) if order == "asc" else list(reversed(videos.values()))
        start_at = 0
        if after is not None:
            ids = [v.id for v in ordered]
            if after not in ids:
                raise ApiError(404, f"Video with id '{after}' not found.", param="after")
            start_at = ids.index(after) + 1
        page = ordered[start_at:start_at + int(limit)]
        now = time.time()
        for video in page:  # time-based videos finish by the clock, listed or not
            video.settle(now)
        return {"object": "list", "data": [v.as_json() for v in page],
                "first_id": page[0].id if page else None, "last_id": page[-1].id if page else None,
                "has_more": start_at + len(page) < len(ordered)}

    @router.get("/videos/{video_id}")
    async def retrieve(video_id: str, request: Request):
        video = lookup(request, video_id)
        video.queries += 1
        video.query_times.append(time.time())
        counters["queries"] += 1
        s = video.scenario
        if s.query_delay:
            await asyncio.sleep(s.query_delay)
        # Scripted faults come first, in order: HTTP errors, then malformed JSON.
        fault = poll_fault(video)
        if fault == "http":
            raise _fault(s.query_http, video.model, _echo(request, s))
        if fault == "malformed":
            return Response("{not json", media_type="application/json")
        video.settle(time.time())
        # The SDK's poll() sleeps for what this header says.
        return JSONResponse(video.as_json(_echo(request, s)), headers={"openai-poll-after-ms": "1000"})

    @router.get("/videos/{video_id}/content")
    async def content(video_id: str, request: Request, variant: str = "video"):
        video = lookup(request, video_id)
        if variant not in VARIANTS:
            raise _invalid_value("variant", variant, VARIANTS)
        video.settle(time.time())
        if video.outcome == "failed":
            raise ApiError(404, f"Video '{video_id}' failed and has no content.")
        if video.outcome != "completed":
            raise ApiError(404, f"Video is not ready yet, use GET /v1/videos/{video_id} to check its status.")
        s = video.scenario
        if variant == "video":
            if s.novideo or s.video == "missing":
                raise ApiError(404, f"Content for video '{video_id}' not found.")
            if s.video.startswith("big:"):
                return big_video(int(s.video[4:]) * 1024 * 1024)
            if s.video == "notvideo":
                return Response("<html>this is not a video</html>", media_type="video/mp4")
        if "video" not in video.assets:
            video.assets["video"] = await asyncio.to_thread(make_mp4, s.duration, video.id, video.first_frame)
        if variant != "video" and variant not in video.assets:
            video.assets.update(await asyncio.to_thread(_previews, video.assets["video"]))
        media_type = {"video": "video/mp4", "thumbnail": "image/webp", "spritesheet": "image/jpeg"}[variant]
        return Response(video.assets[variant], media_type=media_type)

    @router.post("/videos/{video_id}/remix")
    async def remix(video_id: str, request: Request):
        source = lookup(request, video_id)
        try:
            body = await request.json()
        except ValueError:
            raise ApiError(400, "We could not parse the JSON body of your request. (HINT: This likely means you "
                                "aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, "
                                "but what was sent was not valid JSON.)") from None
        prompt = body.get("prompt") if isinstance(body, dict) else None
        if prompt is None:
            raise ApiError(400, "Missing required parameter: 'prompt'.", param="prompt",
                           code="missing_required_parameter")
        if not isinstance(prompt, str) or not prompt:
            raise ApiError(400, "Invalid 'prompt': expected a non-empty string.", param="prompt", code="invalid_value")
        source.settle(time.time())
        if source.outcome != "completed":
            raise ApiError(400, f"Video '{video_id}' is not completed; only completed videos can be remixed.",
                           param="video_id")
        # The remix keeps the source's settings; its own prompt scripts how it behaves.
        return await start(request, _scenario(prompt), prompt, source.model, source.seconds, source.size,
                           source.first_frame, remixed_from=source.id)

    @router.delete("/videos/{video_id}")
    async def delete(video_id: str, request: Request):
        lookup(request, video_id)
        del videos[video_id]
        return {"id": video_id, "object": "video.deleted", "deleted": True}

    # Azure AI Foundry serves the same API under /openai/v1 (api-version is only recorded).
    for prefix in ("/v1", "/openai/v1"):
        app.include_router(router, prefix=prefix)

    def stats() -> dict:
        return {**counters, "tasks": {v.id: {
            "queries": v.queries, "good_queries": v.good_queries, "query_times": v.query_times,
            "finish_at": v.created_at + v.scenario.seconds if v.scenario.seconds is not None else None,
            "prompt": v.prompt, "model": v.model, "seconds": v.seconds, "size": v.size,
            "input_reference": v.first_frame is not None, "remixed_from_video_id": v.remixed_from,
            "status": v.outcome} for v in videos.values()}}

    install_sim_routes(app, stats, lambda: (videos.clear(), submit_counts.clear(), counters.update(submits=0, queries=0)))
    return app
