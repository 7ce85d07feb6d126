"""From a chat to a submitted task: the tool's and the action's shared path.

The price is quoted and confirmed by the user in the browser before anything is charged; the
submit is the module's normal one (credits, limits, moderation, idempotency); the task is bound to
the chat message and the poller writes the result there (delivery.py). The tool answers the model
at once: minutes of generation never hold the chat request.
"""

import asyncio
import base64
import hashlib
import json
import logging
import re
from typing import Any, Awaitable, Callable, NamedTuple, Optional

from open_webui.models.google_video import GoogleVideoConfigs
from open_webui.utils.google_video.credits import policies
from open_webui.utils.google_video.media import images
from open_webui.utils.google_video.chat import delivery
from open_webui.utils.google_video.chat.text import escape, one_line
from open_webui.utils.google_video.settings import UI_MOUNT
from open_webui.utils.google_video.tasks.checks import SubmitError, check_moderation
from open_webui.utils.google_video.tasks.request import PARAMETER_NAMES, ImageRef, VideoRequest
from open_webui.utils.google_video.tasks.submit import quote_request, submit_task

log = logging.getLogger(__name__)

Emit = Optional[Callable[[dict], Awaitable[Any]]]
MAX_CHAT_IMAGES = 4
STUDIO = UI_MOUNT + "/"
PROMPT_PROPOSAL_CHARS = 200  # the action's proposal: a prompt, not the whole reply
_HOST_FILE_RE = re.compile(r"/api/v1/files/([0-9a-fA-F-]{8,64})")


class Outcome(NamedTuple):
    """What became of a request: `reply` for the model (markdown; read so that a model can repeat
    it to the user as it is), `status` the same news as the plain text of the status line."""

    reply: str
    status: str
    started: bool = False


async def _status(emit: Emit, description: str, done: bool) -> None:
    if emit is not None:
        await emit({"type": "status", "data": {"description": one_line(description), "done": done}})


async def _end(emit: Emit, reply: str, status: str) -> Outcome:
    status = one_line(status)
    await _status(emit, status, True)
    return Outcome(reply, status)


async def chat_images(user_id: str, files: Optional[list]) -> list[str]:
    """The images attached to the chat turn, as data URIs (the submit cleans and checks them)."""
    found = []
    for item in files or []:
        if not isinstance(item, dict) or item.get("type") != "image":
            continue
        url = str(item.get("url") or "")
        if url.startswith("data:image/"):
            found.append(url)
        elif match := _HOST_FILE_RE.search(url) or (item.get("id") and _HOST_FILE_RE.search(f"/api/v1/files/{item['id']}")):
            found.append(await _host_file_as_data_uri(user_id, match.group(1)))
    return found[:MAX_CHAT_IMAGES]


async def _host_file_as_data_uri(user_id: str, file_id: str) -> str:
    from open_webui.models.files import Files
    from open_webui.storage.provider import Storage

    file = await Files.get_file_by_id_and_user_id(file_id, user_id)
    if file is None or not file.path:
        raise SubmitError(400, "An attached image could not be found.")
    data = await asyncio.to_thread(lambda: open(Storage.get_file(file.path), "rb").read(images.MAX_IMAGE_BYTES + 1))
    mime = (file.meta or {}).get("content_type") or "image/png"
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _request(prompt: str, params: dict, image_refs: list[str], key: str) -> VideoRequest:
    given = {k: v for k, v in params.items() if k in ("model", *PARAMETER_NAMES) and v not in (None, "")}
    return VideoRequest(prompt, "image_to_video" if image_refs else "text_to_video",
                        images=tuple(ImageRef(ref) for ref in image_refs), idempotency_key=key, **given)


def _idempotency_key(message_id: str, prompt: str, params: dict, image_refs: list[str]) -> str:
    """The same call in the same message is the same request (a re-run is not charged twice)."""
    digest = hashlib.sha256(json.dumps([prompt, params, [hashlib.sha256(i.encode()).hexdigest() for i in image_refs]],
                                       sort_keys=True, default=str).encode()).hexdigest()[:24]
    return f"chat:{message_id[:80]}:{digest}"


async def generate(request, user: dict, chat_id: Optional[str], message_id: Optional[str], emit: Emit, call: Emit,
                   prompt: str, params: dict, files: Optional[list] = None) -> Outcome:
    """Quote, confirm, submit and bind. Every ending sets the status line and says what happened to
    the credits; untrusted text (prompt, model names, refusal reasons) reaches markdown escaped."""
    from open_webui.utils.chat_id import is_saved_chat_id

    config = await GoogleVideoConfigs.get()
    if not config.chat_enabled:
        return await _end(emit, "Video generation from the chat is turned off by the administrator.",
                          "Video generation from the chat is turned off")
    if not message_id or not is_saved_chat_id(chat_id):
        # A temporary chat lives only in the browser: there is no stored message for the poller to
        # write the finished video into, so it is refused before anything is quoted or charged.
        return await _end(
            emit,
            "Videos can't be made in a temporary chat: it isn't saved, so the video would have nowhere to arrive. "
            f"Nothing was charged. Ask in a normal chat, or use the [video studio]({STUDIO}).",
            f"No video in a temporary chat; nothing was charged. Use a normal chat or the video studio ({STUDIO}).")
    if call is None:
        return await _end(emit, "No video was started, and nothing was charged: a video costs credits, and the price "
                                "has to be confirmed in the browser first.", "Video not started")
    runtime = getattr(request.app.state, "google_video_runtime", None)
    if runtime is None:
        return await _end(emit, "No video was started, and nothing was charged: the video service is starting up. "
                                "Please ask again in a moment.", "Video not started: the service is starting up")
    user_id = user["id"]
    await policies.on_use(user_id, config)
    try:
        image_refs = await chat_images(user_id, files)
        req = _request(prompt, params, image_refs, _idempotency_key(message_id, prompt, params, image_refs))
        quote = await quote_request(user_id, req)
    except SubmitError as e:
        return await _end(emit, f"The video was not started: {escape(e.detail)} Nothing was charged.", e.detail)
    try:  # refused (and audited) before the user is asked to pay; the submit checks again
        await check_moderation(user_id, prompt, quote["model"], config)
    except SubmitError as e:
        return await _end(emit, f"The video was not started: {escape(e.detail)}", e.detail)
    if not quote["affordable"]:
        text = f"the video costs {quote['price']} credits and the balance is {quote['balance']}"
        return await _end(emit, f"The video was not started: {text}. Nothing was charged.",
                          f"Not enough credits: {text}")
    model = config.model(quote["model"])
    model_name = model.name if model else quote["model"]
    answer = await call({"type": "confirmation", "data": {
        "title": "Generate this video?",
        "message": f"{escape(model_name, 100)} · {quote['seconds']} s · {quote['price']} credits "
                   f"(balance {quote['balance']}).\n\n{escape(prompt)}"}})
    # Confirm answers True, Cancel False, a closed tab {"error": ...}. After an input dialog in the
    # same page, the host's dialog answers Confirm with the text field's value instead of True.
    if not (answer is True or (isinstance(answer, str) and answer)):
        log.info("google video chat: price not confirmed in chat %s (%r)", chat_id, answer)
        return await _end(emit, "The video was not started, because the price was not confirmed. Nothing was charged.",
                          "Video not started")
    try:
        # At the price the user just confirmed, even if an admin changes it meanwhile; bound to the
        # message in the transaction that charges it.
        task = await submit_task(runtime, user_id, req.agreed(quote["price"], chat=(chat_id, message_id)))
    except SubmitError as e:
        return await _end(emit, f"The video was not started: {escape(e.detail)}", e.detail)
    status = f"Generating the video ({task.credits_cost} credits); it will appear in this message"
    await _status(emit, status, False)
    log.info("google video task %s started from chat %s", task.id, chat_id)
    return Outcome(f"The video is being made ({escape(model_name, 100)}, {quote['seconds']} s, {task.credits_cost} "
                   "credits). It will appear in this message when it is ready, usually within a few minutes.",
                   status, started=True)


async def generate_from_message(request, user: dict, body: dict, emit: Emit, call: Emit) -> Optional[Outcome]:
    """The action button: propose a short prompt made from the message, let the user edit it, then generate."""
    chat_id, message_id = body.get("chat_id"), body.get("id")
    if call is None:
        return None
    proposal = prompt_from_message(_message_text(body, message_id))
    prompt = await call({"type": "input", "data": {
        "title": "Make a video of this", "message": "Describe the video to generate (the price is shown next).",
        "placeholder": "A red fox running through snow", "value": proposal}})
    if not isinstance(prompt, str) or not prompt.strip():
        await _status(emit, "Video not started", True)
        return None
    return await generate(request, user, chat_id, message_id, emit, call, prompt.strip(), {})


def _message_text(body: dict, message_id: Optional[str]) -> str:
    for message in reversed(body.get("messages") or []):
        if isinstance(message, dict) and (message.get("id") == message_id or message_id is None):
            content = message.get("content")
            return content if isinstance(content, str) else ""
    return ""


# What a message holds besides its words: delivered videos (ours, from the marker on), tool-call and
# reasoning blocks, code, images, HTML tags, link targets and markdown marks.
_NOT_WORDS = [
    (re.compile(r"<!-- gv-.*", re.S), " "),
    (delivery.BLOCK, " "),
    (re.compile(r"\\([!-/:-@\[-`{-~])"), r"\1"),  # backslash escapes (a reply that repeated ours)
    (re.compile(r"<details\b.*?</details>", re.S | re.I), " "),
    (re.compile(r"<(video|audio|iframe|script|style)\b.*?</\1>", re.S | re.I), " "),
    (re.compile(r"```.*?(```|$)", re.S), " "),
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), " "),
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"<[^>]*>"), " "),
    (re.compile(r"https?://\S+"), " "),
    (re.compile(r"^\s{0,3}(#{1,6}|>|[-*+]|\d{1,9}[.)])\s+", re.M), ""),
    (re.compile(r"[*_`~|]+"), ""),
]
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+")


def prompt_from_message(text: str, limit: int = PROMPT_PROPOSAL_CHARS) -> str:
    """A short video prompt proposed from a message: its words without markup, whole sentences
    while they fit in `limit` characters (else the first one cut at a word)."""
    for pattern, replacement in _NOT_WORDS:
        text = pattern.sub(replacement, text)
    text = one_line(text, len(text) + 1)
    proposal = ""
    for sentence in _SENTENCE_END.split(text):
        if len(proposal) + len(sentence) + 1 > limit:
            break
        proposal = f"{proposal} {sentence}".strip()
    if not proposal and text:
        proposal = text[:limit].rsplit(" ", 1)[0] if len(text) > limit else text
    return proposal
