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
from typing import Any, Awaitable, Callable, Optional

from open_webui.models.google_video import GoogleVideoConfigs, GoogleVideoTasks
from open_webui.utils.google_video import credit_policies, images, moderation
from open_webui.utils.google_video.submit import SubmitError, SubmitRequest, quote_request, submit_task

log = logging.getLogger(__name__)

Emit = Optional[Callable[[dict], Awaitable[Any]]]
MAX_CHAT_IMAGES = 4
_HOST_FILE_RE = re.compile(r"/api/v1/files/([0-9a-fA-F-]{8,64})")
PARAMETERS = ("model", "aspect_ratio", "duration_seconds", "resolution", "negative_prompt", "seed", "generate_audio",
              "person_generation")


async def _status(emit: Emit, description: str, done: bool) -> None:
    if emit is not None:
        await emit({"type": "status", "data": {"description": description, "done": done}})


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


def _request(prompt: str, params: dict, image_refs: list[str], key: str) -> SubmitRequest:
    given = {k: v for k, v in params.items() if k in PARAMETERS and v not in (None, "")}
    return SubmitRequest("image_to_video" if image_refs else "text_to_video", prompt, given.pop("model", None), None,
                         images=image_refs, image_roles=[None] * len(image_refs), idempotency_key=key, **given)


def _idempotency_key(message_id: str, prompt: str, params: dict, image_refs: list[str]) -> str:
    """The same call in the same message is the same request (a re-run is not charged twice)."""
    digest = hashlib.sha256(json.dumps([prompt, params, [hashlib.sha256(i.encode()).hexdigest() for i in image_refs]],
                                       sort_keys=True, default=str).encode()).hexdigest()[:24]
    return f"chat:{message_id[:80]}:{digest}"


async def generate(request, user: dict, chat_id: Optional[str], message_id: Optional[str], emit: Emit, call: Emit,
                   prompt: str, params: dict, files: Optional[list] = None) -> str:
    """Quote, confirm, submit and bind; returns what the model (or the action) should tell the user."""
    config = await GoogleVideoConfigs.get()
    if not config.chat_enabled:
        return "Video generation from the chat is turned off by the administrator."
    if not chat_id or not message_id or chat_id.startswith("local:"):
        return "Videos can only be generated in a saved chat (the video is delivered into its message)."
    if call is None:
        return "Generating a video costs credits and needs the user's confirmation in the browser; it was not started."
    runtime = getattr(request.app.state, "google_video_runtime", None)
    if runtime is None:
        return "The video module is starting up; try again in a moment."
    user_id = user["id"]
    await credit_policies.on_use(user_id, config)
    try:
        image_refs = await chat_images(user_id, files)
        req = _request(prompt, params, image_refs, _idempotency_key(message_id, prompt, params, image_refs))
        quote = await quote_request(user_id, req)
    except SubmitError as e:
        await _status(emit, e.detail, True)
        return f"The video was not started: {e.detail} Nothing was charged."
    if moderation.find_blocked_word(prompt, config.blocked_words):
        try:  # refused (and audited) by the normal path before the user is asked to pay
            await submit_task(runtime, user_id, req)
        except SubmitError as e:
            await _status(emit, e.detail, True)
            return f"The video was not started: {e.detail}"
    if not quote["affordable"]:
        text = f"Not enough credits: the video costs {quote['price']} and the balance is {quote['balance']}."
        await _status(emit, text, True)
        return f"The video was not started. {text} Nothing was charged."
    answer = await call({"type": "confirmation", "data": {
        "title": "Generate this video?",
        "message": f"{quote['model']} · {quote['seconds']} s · {quote['price']} credits "
                   f"(balance {quote['balance']}).\n\n{prompt[:300]}"}})
    # Confirm answers True, Cancel False, a closed tab {"error": ...}. After an input dialog in the
    # same page, the host's dialog answers Confirm with the text field's value instead of True.
    if not (answer is True or (isinstance(answer, str) and answer)):
        log.info("google video chat: price not confirmed in chat %s (%r)", chat_id, answer)
        await _status(emit, "Video not started", True)
        return "The user did not confirm the price, so no video was started and nothing was charged."
    try:
        req.max_credits = quote["price"]  # what the user just confirmed, even if an admin changes it meanwhile
        task = await submit_task(runtime, user_id, req)
    except SubmitError as e:
        await _status(emit, e.detail, True)
        return f"The video was not started: {e.detail}"
    await GoogleVideoTasks.bind_chat(task.id, user_id, chat_id, message_id)
    await _status(emit, f"Generating the video ({task.credits_cost} credits); it will appear in this message", False)
    log.info("google video task %s started from chat %s", task.id, chat_id)
    return (f"Started video task {task.id} ({task.model}, {task.credits_cost} credits charged). The video will be "
            "attached to this message automatically when it is ready, usually within a few minutes. Tell the user so; "
            "do not call the tool again for this request.")


async def generate_from_message(request, user: dict, body: dict, emit: Emit, call: Emit) -> Optional[str]:
    """The action button: propose the message's text as the prompt, let the user edit it, then generate."""
    chat_id, message_id = body.get("chat_id"), body.get("id")
    proposal = _message_text(body, message_id)[:1000]
    if call is None:
        return None
    prompt = await call({"type": "input", "data": {
        "title": "Make a video of this", "message": "Describe the video to generate (the price is shown next).",
        "placeholder": proposal or "A red fox running through snow", "value": proposal}})
    if not isinstance(prompt, str) or not prompt.strip():
        await _status(emit, "Video not started", True)
        return None
    return await generate(request, user, chat_id, message_id, emit, call, prompt.strip(), {})


def _message_text(body: dict, message_id: Optional[str]) -> str:
    for message in reversed(body.get("messages") or []):
        if isinstance(message, dict) and (message.get("id") == message_id or message_id is None):
            content = message.get("content")
            return content.strip() if isinstance(content, str) else ""
    return ""
