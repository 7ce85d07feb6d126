"""Writing a finished task into the chat message that asked for it, once.

The poller calls deliver_due() every tick: each ended task bound to a message is written into that
message as an output item with a fixed id (gv-<task id>), so writing again replaces instead of
duplicating, then pushed to the owner's open tabs. While the host is still streaming that chat's
reply we wait (its final save would overwrite our edit); a deleted chat or message ends the
delivery ("gone"), and a delivery that keeps failing stops after MAX_ATTEMPTS ("failed").
"""

import logging
import re
from typing import Optional

from open_webui.models.google_video import GoogleVideoTaskModel, GoogleVideoTasks, TaskStatus, now
from open_webui.utils.google_video.chat.text import escape
from open_webui.utils.google_video.settings import UI_MOUNT

log = logging.getLogger(__name__)

BATCH = 20
MAX_ATTEMPTS = 30
BUSY_RETRY_SECONDS = 3  # the chat's reply is still streaming
ERROR_RETRY_SECONDS = 30
API = "/api/v1/google-video"
STUDIO = UI_MOUNT + "/"
# A block markup() wrote, as it reads in a message's text (from its start to the end of its line).
BLOCK = re.compile(r"(<div><video>|The video (could not be made|was cancelled|was made but could not be stored))"
                   r".*?\[Open the video studio\]\([^)]*\)[^\n]*", re.S)


def item_id(task: GoogleVideoTaskModel) -> str:
    return f"gv-{task.id}"


def markup(task: GoogleVideoTaskModel) -> Optional[str]:
    """What the message shows for an ended task; None while a delivered video is still being stored.
    The provider's text and the model's name are untrusted: escaped (chat/text.py)."""
    if task.status == TaskStatus.SUCCESS:
        if task.video_path:
            video = f"{API}/task/{task.id}/video"
            return (f"<div><video>{video}</video></div>\n\n"
                    f"[Download the video]({video}?download=true) · [Open the video studio]({STUDIO}) "
                    f"· {escape(task.model, 100)}, {task.credits_cost} credits")
        if task.cloud_upload_status == "pending":
            return None
        return (f"The video was made but could not be stored ({escape(task.fail_reason or 'storage failed')}); "
                f"{task.credits_cost} credits were charged. [Open the video studio]({STUDIO})")
    what = "was cancelled" if task.status == TaskStatus.CANCELLED else "could not be made"
    refund = (f"Your {task.credits_refunded} credits were refunded." if task.credits_refunded
              else "Nothing was charged.")
    return (f"The video {what}: {escape(task.fail_reason or 'no reason given')} {refund} "
            f"[Open the video studio]({STUDIO})")


def _output_item(task: GoogleVideoTaskModel, text: str) -> dict:
    return {"type": "message", "id": item_id(task), "status": "completed", "role": "assistant",
            "content": [{"type": "output_text", "text": text}]}


def apply_to_message(message: dict, task: GoogleVideoTaskModel, text: str) -> None:
    """Put the task's block into the message (replacing an earlier copy of it, never adding a second)."""
    from open_webui.utils.misc import get_output_text

    output = message.get("output")
    if isinstance(output, list) and output:
        items = [i for i in output if not (isinstance(i, dict) and i.get("id") == item_id(task))]
        message["output"] = [*items, _output_item(task, text)]
        message["content"] = get_output_text(message["output"])
        return
    marker = f"<!-- {item_id(task)} -->"
    content = message.get("content") or ""
    if marker in content:
        content = content[: content.index(marker)].rstrip()
    message["content"] = f"{content}\n\n{marker}\n{text}".lstrip()


async def deliver_due(app) -> int:
    """Write every due task into its message; returns how many were written."""
    delivered = 0
    for task in await GoogleVideoTasks.due_chat_deliveries(now(), BATCH):
        try:
            if await deliver(app, task):
                delivered += 1
        except Exception:
            attempts = task.chat_delivery_attempts + 1
            log.warning("google video task %s: writing into chat %s failed (attempt %d)", task.id, task.chat_id,
                        attempts, exc_info=True)
            await GoogleVideoTasks.record_chat_delivery(task.id, dict(
                chat_delivery="failed" if attempts >= MAX_ATTEMPTS else "pending", chat_delivery_attempts=attempts,
                chat_delivery_at=now() + ERROR_RETRY_SECONDS * min(attempts, 10)))
    return delivered


async def deliver(app, task: GoogleVideoTaskModel) -> bool:
    from open_webui.models.chats import Chats
    from open_webui.tasks import has_active_tasks

    text = markup(task)
    if text is None or await has_active_tasks(getattr(app.state, "redis", None), task.chat_id):
        await GoogleVideoTasks.record_chat_delivery(task.id, dict(chat_delivery_at=now() + BUSY_RETRY_SECONDS))
        return False
    async with Chats.edit_message_output(task.chat_id, task.chat_message_id) as message:
        if message is not None:
            apply_to_message(message, task, text)
            pushed = {"output": message.get("output"), "content": message.get("content")}
    if message is None:
        log.info("google video task %s: its chat message is gone; nothing to deliver into", task.id)
        await GoogleVideoTasks.record_chat_delivery(task.id, dict(chat_delivery="gone"))
        return False
    await GoogleVideoTasks.record_chat_delivery(task.id, dict(chat_delivery="delivered"))
    await _push(task, pushed)
    return True


async def _push(task: GoogleVideoTaskModel, message: dict) -> None:
    """Show the new message in the owner's open tabs (best effort: a reload shows it anyway)."""
    try:
        from open_webui.socket.main import get_event_emitter

        # The status is saved with the message (it replaces the tool's "generating" line after a reload).
        emit = await get_event_emitter({"user_id": task.user_id, "chat_id": task.chat_id,
                                        "message_id": task.chat_message_id})
        await emit({"type": "chat:completion", "data": {k: v for k, v in message.items() if v is not None}})
        ok = task.status == TaskStatus.SUCCESS
        await emit({"type": "status", "data": {"description": "Video ready" if ok else "Video not made", "done": True}})
        # The host shows this as a toast in the tab that has this chat open.
        note = ("Your video is ready." if ok else
                f"Your video could not be made; {task.credits_refunded} credits were refunded.")
        await emit({"type": "notification", "data": {"type": "success" if ok else "error", "content": note}})
        await _notify_elsewhere(task, note)
    except Exception:
        log.debug("google video task %s: could not push the delivered message", task.id, exc_info=True)


async def _notify_elsewhere(task: GoogleVideoTaskModel, note: str) -> None:
    """Tabs showing another chat, or in the background, get the host's own "reply finished" notice:
    its toast that opens the chat, and its sound and browser notification as the user set them.
    The made-up message id keeps a tab with this chat open from taking it for a reply (that would
    run the host's after-reply work: follow-ups, title); that tab had the toast above (and gets
    this notice too while it is in the background)."""
    from open_webui.models.chats import Chats
    from open_webui.socket.main import get_event_emitter

    title = await Chats.get_chat_title_by_id(task.chat_id)
    emit = await get_event_emitter({"user_id": task.user_id, "chat_id": task.chat_id,
                                    "message_id": f"{item_id(task)}-notice"}, update_db=False)
    await emit({"type": "chat:completion", "data": {"done": True, "content": note, "title": title}})
